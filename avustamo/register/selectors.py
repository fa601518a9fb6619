"""Reads of the public register. Every public page, download and API answer about grants comes through here,
and everything here reads PublishedGrant and GrantTotal only: what has been published, nothing else."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.expressions import RawSQL

from avustamo.core.keyset import beyond, decode_cursor, encode_cursor, reversed_order
from avustamo.decisions.models import CoImplementerShare
from avustamo.programmes.models import Agency, Call, Programme
from avustamo.register import search
from avustamo.register.models import GrantOutcome, GrantTotal, PublishedGrant, SearchWord

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# Counting every match of a broad search costs more than the page itself; beyond this the page says "over".
# Text searches stop sooner: each match is a row read and tested, where the other filters read an index.
COUNT_LIMIT = 10_000
TEXT_COUNT_LIMIT = 1_000

SORTS = {
    "newest": ("-funding_year", "-id"),
    "oldest": ("funding_year", "id"),
    "amount_desc": ("-amount_awarded", "-id"),
    "amount_asc": ("amount_awarded", "id"),
    "recipient": ("recipient_name", "id"),
}
DEFAULT_SORT = "newest"
ALL_OUTCOMES = "all"

# search_vector is the stored to_tsvector('simple', search_text) with its GIN index (migration register 0005).
POSTGRES_WORDS_MATCH = "search_vector @@ to_tsquery('simple'::regconfig, %s)"
# How many of the register's own words one query word may stand for when it is misspelt or part of a compound.
MAX_SIMILAR_WORDS = 20


@dataclass(frozen=True)
class GrantFilters:
    """The register's filters, as the search form, the downloads and the API take them."""

    year: int | None = None
    agency: str = ""
    programme: str = ""
    call: str = ""
    region: str = ""
    organisation_type: str = ""
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    q: str = ""
    outcome: str = GrantOutcome.AWARDED
    business_id: str = ""

    @property
    def is_text_search(self) -> bool:
        return bool(search.query_terms(self.q))

    @property
    def totals_can_count(self) -> bool:
        """Whether GrantTotal holds the answer: only the dimensions it is kept by are filtered."""
        return not (
            self.call
            or self.organisation_type
            or self.min_amount is not None
            or self.max_amount is not None
            or self.business_id
            or self.is_text_search
        )


@dataclass
class GrantPage:
    grants: list[PublishedGrant]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    sort: str = DEFAULT_SORT
    size: int = PAGE_SIZE
    extra: dict = field(default_factory=dict)


def _similar_words(query_words: list[str]) -> list[set[str]]:
    """Per query word, the register's words like it (pg_trgm word similarity over SearchWord's index).

    A misspelt word ("kotoutmista") finds the word meant, and a word finds the compounds holding it
    ("yhdistys": "perheyhdistys"), without comparing the query with a million rows.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT query.position, alike.word
            FROM unnest(%s::text[]) WITH ORDINALITY AS query(word, position)
            CROSS JOIN LATERAL (
                SELECT word FROM {SearchWord._meta.db_table}
                WHERE query.word <%% word
                ORDER BY word_similarity(query.word, word) DESC, word
                LIMIT %s
            ) AS alike
            """,
            [query_words, MAX_SIMILAR_WORDS],
        )
        found = [set() for _ in query_words]
        for position, word in cursor.fetchall():
            found[position - 1].add(word)
    return found


def _text_condition(query: str) -> Q | None:
    terms = search.query_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        query_text = search.tsquery(terms, _similar_words(search.query_words(query)))
        return Q(RawSQL(POSTGRES_WORDS_MATCH, (query_text,), output_field=BooleanField()))
    condition = Q()
    for term in terms:
        condition &= Q.create([("search_text__contains", f" {prefix}") for prefix in term], connector=Q.OR)
    return condition


def _ids(queryset: QuerySet) -> list[int]:
    """Ids of the rows a code names, read first so that the planner sees how rare they are in the register."""
    return list(queryset.values_list("pk", flat=True))


def _filtered_by_dimensions(queryset: QuerySet, filters: "GrantFilters | TotalsFilters") -> QuerySet:
    """The filters PublishedGrant and GrantTotal share: outcome, year, agency, programme and region."""
    if filters.outcome != ALL_OUTCOMES:
        queryset = queryset.filter(outcome=filters.outcome)
    if filters.year is not None:
        queryset = queryset.filter(funding_year=filters.year)
    if filters.agency:
        queryset = queryset.filter(agency_id__in=_ids(Agency.objects.filter(code__iexact=filters.agency)))
    if filters.programme:
        queryset = queryset.filter(programme_id__in=_ids(Programme.objects.filter(code=filters.programme)))
    if filters.region:
        queryset = queryset.filter(region_id=filters.region)
    return queryset


def grants(filters: GrantFilters) -> QuerySet[PublishedGrant]:
    """The published decisions matching the filters, unordered."""
    queryset = _filtered_by_dimensions(PublishedGrant.objects.all(), filters)
    if filters.call:
        queryset = queryset.filter(call_id__in=_ids(Call.objects.filter(reference=filters.call)))
    if filters.organisation_type:
        queryset = queryset.filter(recipient_type=filters.organisation_type)
    if filters.min_amount is not None:
        queryset = queryset.filter(amount_awarded__gte=filters.min_amount)
    if filters.max_amount is not None:
        queryset = queryset.filter(amount_awarded__lte=filters.max_amount)
    if filters.business_id:
        queryset = queryset.filter(recipient_business_id=filters.business_id)
    text = _text_condition(filters.q)
    if text is not None:
        queryset = queryset.filter(text)
    return queryset.order_by()


RELATED = ("call", "programme", "agency", "region", "municipality")


def _with_related(queryset: QuerySet[PublishedGrant]) -> QuerySet[PublishedGrant]:
    return queryset.select_related(*RELATED)


def grant_page(
    filters: GrantFilters, *, sort: str = DEFAULT_SORT, cursor: str = "", size: int = PAGE_SIZE
) -> GrantPage:
    """One page of the register in a stable order; the cursors lead to the pages after and before it."""
    order = SORTS[sort]
    # The page's rows come from the register's table alone and their calls, programmes and places after, by key:
    # joining first would join every match before the sort keeps a page of them.
    queryset = grants(filters)
    direction = "after"
    if cursor:
        direction, values = decode_cursor(cursor, PublishedGrant, order)
        queryset = queryset.filter(beyond(order, values, forwards=direction == "after"))
    if direction == "after":
        rows = list(queryset.order_by(*order)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        has_next, has_previous = more, bool(cursor)
    else:
        rows = list(queryset.order_by(*reversed_order(order))[: size + 1])
        more = len(rows) > size
        rows = list(reversed(rows[:size]))
        has_next, has_previous = True, more
    prefetch_related_objects(rows, *RELATED)
    return GrantPage(
        grants=rows,
        next_cursor=encode_cursor("after", rows[-1], order) if rows and has_next else None,
        previous_cursor=encode_cursor("before", rows[0], order) if rows and has_previous else None,
        sort=sort,
        size=size,
    )


@dataclass(frozen=True)
class GrantCount:
    count: int
    over_limit: bool
    amount: Decimal | None


def grant_count(filters: GrantFilters) -> GrantCount:
    """How many decisions match, and their sum; beyond the limit only that there are more.

    Where GrantTotal is kept by every filter given, it answers exactly and at once, however many match.
    """
    if filters.totals_can_count:
        totals = _totals(filters).aggregate(grants=Sum("grants"), amount=Sum("amount"))
        return GrantCount(
            count=totals["grants"] or 0, over_limit=False, amount=totals["amount"] or Decimal("0")
        )
    limit = TEXT_COUNT_LIMIT if filters.is_text_search else COUNT_LIMIT
    count = grants(filters).values("id")[: limit + 1].count()
    if count > limit:
        return GrantCount(count=limit, over_limit=True, amount=None)
    amount = grants(filters).aggregate(total=Sum("amount_awarded"))["total"] if count else Decimal("0")
    return GrantCount(count=count, over_limit=False, amount=amount)


def grants_for_export(filters: GrantFilters, *, sort: str = DEFAULT_SORT) -> QuerySet[PublishedGrant]:
    """Every matching decision in a stable order, with what an export row shows, to be read with iterator()."""
    return _with_related(grants(filters)).order_by(*SORTS[sort])


def published_grant(pk: int) -> PublishedGrant | None:
    return _with_related(PublishedGrant.objects.filter(pk=pk)).first()


def grants_of_organisation(business_id: str) -> list[PublishedGrant]:
    """An organisation's published decisions across years, by the Business ID they were published with."""
    return list(
        _with_related(PublishedGrant.objects.filter(recipient_business_id=business_id)).order_by(
            "-funding_year", "-id"
        )
    )


def grants_of_recipient_name(name: str) -> list[PublishedGrant]:
    """Decisions published under exactly this name without a Business ID: never merged with other spellings."""
    return list(
        _with_related(PublishedGrant.objects.filter(recipient_name=name, recipient_business_id="")).order_by(
            "-funding_year", "-id"
        )
    )


@dataclass(frozen=True)
class TotalsFilters:
    """The filters statistics can apply: the dimensions GrantTotal keeps."""

    year: int | None = None
    agency: str = ""
    programme: str = ""
    region: str = ""
    outcome: str = GrantOutcome.AWARDED


STATISTICS_DIMENSIONS = {
    "year": ("funding_year",),
    "agency": ("agency__code", "agency__name_fi", "agency__name_sv", "agency__name_en"),
    "programme": ("programme__code", "programme__name_fi", "programme__name_sv", "programme__name_en"),
    "region": ("region_id", "region__name_fi", "region__name_sv", "region__name_en"),
}


def _totals(filters: TotalsFilters) -> QuerySet[GrantTotal]:
    return _filtered_by_dimensions(GrantTotal.objects.all(), filters).order_by()


def totals_by(dimension: str, filters: TotalsFilters) -> list[dict]:
    """Number of decisions and euros per year, agency, programme or region (region None: not published)."""
    columns = STATISTICS_DIMENSIONS[dimension]
    rows = (
        _totals(filters)
        .values(*columns)
        .annotate(grants=Sum("grants"), amount=Sum("amount"))
        .order_by(columns[0])
    )
    return list(rows)


def grand_total(filters: TotalsFilters) -> dict:
    result = _totals(filters).aggregate(grants=Sum("grants"), amount=Sum("amount"))
    return {"grants": result["grants"] or 0, "amount": result["amount"] or Decimal("0")}


def register_years() -> list[int]:
    return list(
        GrantTotal.objects.order_by("-funding_year").values_list("funding_year", flat=True).distinct()
    )


def awarded_grants_of_call(call) -> list[PublishedGrant]:
    """The grants awarded in one call, by recipient, for the call's public page."""
    return list(
        PublishedGrant.objects.filter(call=call, outcome=GrantOutcome.AWARDED).order_by("recipient_name")
    )


def co_implementers_of_grants(grant_filter) -> dict[int, list[dict]]:
    """The co-implementers each published decision passes money on to (the decision names them), by the published
    grant's id, in one statement: Business ID, name and the most each may receive."""
    rows = (
        CoImplementerShare.objects.filter(amount__gt=0, decision__published_grant__in=grant_filter)
        .order_by("co_implementer__name", "co_implementer_id")
        .values_list(
            "decision__published_grant", "co_implementer__business_id", "co_implementer__name", "amount"
        )
    )
    shares: dict[int, list[dict]] = {}
    for grant_id, business_id, name, amount in rows:
        shares.setdefault(grant_id, []).append({"business_id": business_id, "name": name, "amount": amount})
    return shares
