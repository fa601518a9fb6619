"""The register's statistics page: decisions and euros by funding year, programme, agency and region.

Every figure comes from `selectors.totals_by` and `selectors.grand_total`, so the page agrees with the register
and scales to any number of grants. Charts are drawn by `register.charts`; each is paired with a table.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from avustamo.core.translation import FALLBACK_ORDER, language_code
from avustamo.reference.models import Region
from avustamo.register import charts, selectors
from avustamo.register.charts import AMOUNT, GRANTS, Row
from avustamo.register.forms import OUTCOME_CHOICES, GrantSearchForm

TEMPLATE = "register/statistics.html"
FILTER_FIELDS = ("year", "agency", "programme", "region", "outcome")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    group_heading: str
    caption: str
    rows: list[Row]
    chart: SafeString


def _translated_name(row: dict, prefix: str) -> str:
    """The group's name in the page's language, or in the next language that has one."""
    for code in FALLBACK_ORDER[language_code()]:
        if row[f"{prefix}__name_{code}"]:
            return row[f"{prefix}__name_{code}"]
    return row[f"{prefix}__code"]


def _by_largest(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row.amount, -row.grants, row.label))


def _year_rows(filters: selectors.TotalsFilters) -> list[Row]:
    """Every year from the first to the last with decisions, those without any too: a chart that skipped a year
    would read as if nothing had been missed."""
    totals = {row["funding_year"]: row for row in selectors.totals_by("year", filters)}
    years = range(min(totals), max(totals) + 1) if totals else []
    return [
        Row(
            key=str(year),
            label=str(year),
            grants=totals[year]["grants"] if year in totals else 0,
            amount=totals[year]["amount"] if year in totals else Decimal("0"),
        )
        for year in years
    ]


def _named_rows(dimension: str, filters: selectors.TotalsFilters) -> list[Row]:
    return _by_largest(
        [
            Row(
                key=row[f"{dimension}__code"],
                label=_translated_name(row, dimension),
                grants=row["grants"],
                amount=row["amount"],
            )
            for row in selectors.totals_by(dimension, filters)
        ]
    )


def _region_rows(filters: selectors.TotalsFilters) -> list[Row]:
    """Every region, those without decisions too, and the decisions whose region was not published."""
    totals = {row["region_id"]: row for row in selectors.totals_by("region", filters)}
    rows = []
    for region in Region.objects.order_by("code"):
        found = totals.get(region.code)
        rows.append(
            Row(
                key=region.code,
                label=region.name,
                grants=found["grants"] if found else 0,
                amount=found["amount"] if found else Decimal("0"),
            )
        )
    if None in totals:
        unknown = totals[None]
        rows.append(
            Row(key="", label=_("Region not published"), grants=unknown["grants"], amount=unknown["amount"])
        )
    return rows


def _texts(measure: str) -> dict[str, dict[str, str]]:
    counting = measure == GRANTS
    return {
        "year": {
            "heading": _("By funding year"),
            "group": _("Funding year"),
            "caption": _("Decisions and euros awarded by funding year"),
            "title": _("Decisions by funding year") if counting else _("Euros awarded by funding year"),
        },
        "programme": {
            "heading": _("By programme"),
            "group": _("Programme"),
            "caption": _("Decisions and euros awarded by programme"),
            "title": _("Decisions by programme") if counting else _("Euros awarded by programme"),
        },
        "agency": {
            "heading": _("By agency"),
            "group": _("Agency"),
            "caption": _("Decisions and euros awarded by agency"),
            "title": _("Decisions by agency") if counting else _("Euros awarded by agency"),
        },
        "region": {
            "heading": _("By region of the recipient"),
            "group": _("Region"),
            "caption": _("Decisions and euros awarded by region of the recipient"),
            "title": _("Decisions by region") if counting else _("Euros awarded by region"),
        },
    }


def _sections(rows: dict[str, list[Row]], measure: str) -> list[Section]:
    texts = _texts(measure)
    bars_are = (
        _("Each bar's length is proportional to the euros awarded.")
        if measure == AMOUNT
        else _("Each bar's length is proportional to the number of decisions.")
    )
    return [
        Section(
            key=key,
            heading=texts[key]["heading"],
            group_heading=texts[key]["group"],
            caption=texts[key]["caption"],
            rows=rows[key],
            # Regions without decisions stay in the table and on the map, not as empty bars.
            chart=charts.bar_chart(
                [row for row in rows[key] if row.grants],
                chart_id=f"chart-{key}",
                title=texts[key]["title"],
                description=f"{bars_are} {_('The figures are in the table after the chart.')}",
                measure=measure,
            ),
        )
        for key in rows
    ]


def _region_map(region_rows: list[Row], measure: str) -> charts.RegionMap:
    counting = measure == GRANTS
    return charts.region_map(
        [row for row in region_rows if row.key],
        chart_id="region-map",
        title=_("Map of decisions by region") if counting else _("Map of euros awarded by region"),
        description=(
            _("Finland's regions, the darker the more decisions; hatched regions have none.")
            if counting
            else _("Finland's regions, the darker the more euros awarded; hatched regions have no decisions.")
        )
        + " "
        + _("The figures are in the table after the charts."),
        measure=measure,
    )


def statistics(request):
    form = GrantSearchForm(request.GET, years=selectors.register_years())
    context = {"form": form, "fields": [form[name] for name in FILTER_FIELDS]}
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    filters = form.totals_filters()
    total = selectors.grand_total(filters)
    context.update(
        total=total,
        outcome=dict(OUTCOME_CHOICES)[filters.outcome],
        filtered=any(request.GET.get(name) for name in FILTER_FIELDS),
    )
    if not total["grants"]:
        return render(request, TEMPLATE, context)
    # Bars and shades measure euros; where nothing was awarded (negative decisions only) they count decisions.
    measure = AMOUNT if total["amount"] > 0 else GRANTS
    rows = {
        "year": _year_rows(filters),
        "programme": _named_rows("programme", filters),
        "agency": _named_rows("agency", filters),
        "region": _region_rows(filters),
    }
    context.update(
        sections=_sections(rows, measure),
        region_map=_region_map(rows["region"], measure),
        unmapped=next((row for row in rows["region"] if not row.key), None),
    )
    return render(request, TEMPLATE, context)
