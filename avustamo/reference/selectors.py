"""Reading Statistics Finland's population figures: which years are loaded, and one municipality's latest figure."""

from django.db.models import Count, Max, Sum

from avustamo.reference.models import MunicipalityPopulation, PopulationImport


def loaded_years() -> list[dict]:
    """Each statistics year loaded, newest first: how many municipalities, their residents and foreign-language
    residents in all. One statement."""
    return list(
        MunicipalityPopulation.objects.values("year")
        .annotate(
            municipalities=Count("pk"),
            population=Sum("population"),
            foreign_language_population=Sum("foreign_language_population"),
            imported_at=Max("statistics_import__imported_at"),
        )
        .order_by("-year")
    )


def recent_imports(limit: int = 10) -> list[PopulationImport]:
    return list(PopulationImport.objects.select_related("imported_by").order_by("-imported_at")[:limit])


def latest_population(municipality_id: str, *, not_after_year: int) -> MunicipalityPopulation | None:
    """The municipality's figures of the latest statistics year not after `not_after_year`; None when none is
    loaded."""
    return (
        MunicipalityPopulation.objects.filter(municipality_id=municipality_id, year__lte=not_after_year)
        .order_by("-year")
        .first()
    )
