"""The public register through the API: published grants, an organisation's history and statistics.

No login. Everything is read through `register.selectors`, which read only what has been published.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from stdnum.fi import ytunnus

from avustamo.api.register_schemas import (
    BUSINESS_ID_PATTERN,
    EXAMPLE_BUSINESS_ID,
    GrantOut,
    GrantPageOut,
    GrantQuery,
    OrganisationHistoryOut,
    StatisticsOut,
    StatisticsQuery,
)
from avustamo.api.schemas import INVALID_CURSOR, ErrorOut, page_link, refusal, refused, translated_texts
from avustamo.core.ids import MAX_ID
from avustamo.core.keyset import InvalidCursor
from avustamo.register import selectors
from avustamo.register.models import GrantOutcome, PublishedGrant

router = Router(tags=["register"])


class _PublicUrls:
    """The register's public pages as absolute Finnish URLs, each route reversed once per answer, not per grant."""

    # A value no id or Business ID holds, replaced in the reversed path by each grant's own.
    MARK = "999999999"

    def __init__(self, request):
        self.request = request
        self._reversed: dict[str, str] = {}

    def page(self, view: str, value: str = "", query: str = "") -> str:
        if view not in self._reversed:
            keyword = {"register:grant_detail": "pk", "register:organisation_detail": "business_id"}.get(view)
            with translation.override("fi"):
                path = reverse(view, kwargs={keyword: self.MARK} if keyword else None)
            self._reversed[view] = self.request.build_absolute_uri(path)
        url = self._reversed[view].replace(self.MARK, value) if value else self._reversed[view]
        return f"{url}?{query}" if query else url

    def recipient(self, grant: PublishedGrant) -> str:
        if grant.recipient_business_id:
            return self.page("register:organisation_detail", grant.recipient_business_id)
        return self.page("register:recipient_detail", query=urlencode({"name": grant.recipient_name}))

    def grant(self, grant: PublishedGrant) -> str:
        return self.page("register:grant_detail", str(grant.pk))


def _grant(urls: _PublicUrls, grant: PublishedGrant) -> dict:
    region, municipality = grant.region, grant.municipality
    return {
        "id": grant.pk,
        "identifier": f"{grant.agency.grant_id_prefix}-{grant.pk}",
        "outcome": grant.outcome,
        "amount_awarded": grant.amount_awarded,
        "recipient": {
            "name": grant.recipient_name,
            "business_id": grant.recipient_business_id or None,
            "organisation_type": grant.recipient_type or None,
            "url": urls.recipient(grant),
        },
        "region": {"code": region.code, "name": translated_texts(region, "name")} if region else None,
        "municipality": (
            {"code": municipality.code, "name": translated_texts(municipality, "name", ("fi", "sv"))}
            if municipality
            else None
        ),
        "project_name": grant.project_name,
        "purpose": grant.purpose,
        "funding_year": grant.funding_year,
        "decision_date": grant.decision_date,
        "period_start": grant.period_start,
        "period_end": grant.period_end,
        "agency": {"code": grant.agency.code, "name": translated_texts(grant.agency, "name")},
        "programme": {"code": grant.programme.code, "name": translated_texts(grant.programme, "name")},
        "call": {"reference": grant.call.reference, "title": translated_texts(grant.call, "title")},
        "source": grant.source,
        "source_url": grant.source_url or None,
        "url": urls.grant(grant),
    }


def _filters(query: GrantQuery) -> selectors.GrantFilters:
    return selectors.GrantFilters(
        year=query.year,
        agency=query.agency,
        programme=query.programme,
        call=query.call,
        region=query.region or "",
        organisation_type=query.organisation_type or "",
        min_amount=None if query.min_amount is None else Decimal(query.min_amount),
        max_amount=None if query.max_amount is None else Decimal(query.max_amount),
        q=query.q,
        outcome=query.outcome,
    )


@router.get(
    "/grants",
    operation_id="listPublishedGrants",
    response={200: GrantPageOut, 422: ErrorOut},
    summary="Search the register of published grants",
)
def list_grants(request, query: Query[GrantQuery]):
    """Published decisions matching every given filter, a page at a time in a stable order.

    Follow `next` until it is null to read the whole result; a cursor holds the position in the order, so rows
    published while you read do not shift the pages. Without `outcome`, only grants awarded are listed.
    """
    try:
        page = selectors.grant_page(_filters(query), sort=query.sort, cursor=query.cursor, size=query.limit)
    except InvalidCursor:
        return Status(422, refusal("query.cursor", "invalid_cursor", INVALID_CURSOR))
    urls = _PublicUrls(request)
    return {
        "grants": [_grant(urls, grant) for grant in page.grants],
        "next": page_link(request, query, page.next_cursor),
        "next_cursor": page.next_cursor,
        "previous": page_link(request, query, page.previous_cursor),
        "previous_cursor": page.previous_cursor,
    }


@router.get(
    "/grants/{grant_id}",
    operation_id="getPublishedGrant",
    response={200: GrantOut, 404: ErrorOut, 422: ErrorOut},
    summary="One published grant",
)
def get_grant(
    request, grant_id: int = Path(..., ge=1, le=MAX_ID, description="the grant's id in the register")
):
    """A published decision by the register's id (the `id` of a grant in the search)."""
    grant = selectors.published_grant(grant_id)
    if grant is None:
        return Status(404, refused(_("No published grant has this id.")))
    return _grant(_PublicUrls(request), grant)


@router.get(
    "/organisations/{business_id}",
    operation_id="getOrganisationGrants",
    response={200: OrganisationHistoryOut, 404: ErrorOut, 422: ErrorOut},
    summary="An organisation's published grants by Business ID",
)
def get_organisation(
    request,
    business_id: str = Path(
        ...,
        pattern=BUSINESS_ID_PATTERN,
        example=EXAMPLE_BUSINESS_ID,
        description="Business ID (Y-tunnus) as 1234567-1; a malformed one or a wrong check digit answers 422",
    ),
):
    """Every decision published with this Business ID, across years and outcomes, with their totals.

    Historic decisions published without a Business ID are not included: organisations are never matched by name.
    """
    if not ytunnus.is_valid(business_id):
        message = _("This is not a valid Business ID: its check digit is wrong.")
        return Status(422, refusal("path.business_id", "invalid_business_id", message))
    grants = selectors.grants_of_organisation(business_id)
    if not grants:
        return Status(404, refused(_("No grant has been published with this Business ID.")))
    awarded = [grant for grant in grants if grant.outcome == GrantOutcome.AWARDED]
    urls = _PublicUrls(request)
    return {
        "business_id": business_id,
        "name": grants[0].recipient_name,
        "totals": {
            "decisions": len(grants),
            "awarded": len(awarded),
            "amount_awarded": sum((grant.amount_awarded for grant in awarded), Decimal("0")),
        },
        "grants": [_grant(urls, grant) for grant in grants],
        "url": urls.page("register:organisation_detail", business_id),
    }


def _total(row: dict) -> dict:
    return {"grants": row["grants"], "amount_awarded": row["amount"]}


def _coded_total(row: dict, dimension: str, code: str) -> dict:
    return {
        "code": row[code],
        "name": {language: row[f"{dimension}__name_{language}"] for language in ("fi", "sv", "en")},
        **_total(row),
    }


@router.get(
    "/statistics",
    operation_id="getStatistics",
    response={200: StatisticsOut, 422: ErrorOut},
    summary="Totals of the register by year, agency, programme and region",
)
def get_statistics(request, query: Query[StatisticsQuery]):
    """The number of published decisions and the euros awarded, in all and per year, agency, programme and region.

    The figures are the register's own sums; filters narrow every breakdown alike.
    """
    filters = selectors.TotalsFilters(
        year=query.year,
        agency=query.agency,
        programme=query.programme,
        region=query.region or "",
        outcome=query.outcome,
    )
    regions = selectors.totals_by("region", filters)
    regions.sort(key=lambda row: (row["region_id"] is None, row["region_id"] or ""))
    return {
        "total": _total(selectors.grand_total(filters)),
        "by_year": [
            {"year": row["funding_year"], **_total(row)} for row in selectors.totals_by("year", filters)
        ],
        "by_agency": [
            _coded_total(row, "agency", "agency__code") for row in selectors.totals_by("agency", filters)
        ],
        "by_programme": [
            _coded_total(row, "programme", "programme__code")
            for row in selectors.totals_by("programme", filters)
        ],
        "by_region": [
            _coded_total(row, "region", "region_id")
            if row["region_id"]
            else {"code": None, "name": None, **_total(row)}
            for row in regions
        ],
    }
