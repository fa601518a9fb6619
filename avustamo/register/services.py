"""Writes to the public register. Every path that adds or removes a published row goes through here, and each
refreshes in the same transaction what is derived from the rows: the statistics of the groups it touched and the
table of the register's words that text search matches typos against."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from avustamo.applications.secrets import public_project_name
from avustamo.decisions.models import Decision, Outcome
from avustamo.register import search
from avustamo.register.models import GrantOutcome, GrantTotal, PublishedGrant, SearchWord

# Above this many touched groups a full recount is simpler than a long OR of groups, and as fast.
MAX_GROUPS_TO_REFRESH = 50

OUTCOME_OF_DECISION = {
    Outcome.APPROVED: GrantOutcome.AWARDED,
    Outcome.PARTIALLY_APPROVED: GrantOutcome.AWARDED,
    Outcome.REJECTED: GrantOutcome.REJECTED,
    Outcome.NOT_EXAMINED: GrantOutcome.NOT_EXAMINED,
}

Group = tuple[int, int, str | None, str]


def _group(grant: PublishedGrant) -> Group:
    return (grant.funding_year, grant.programme_id, grant.region_id, grant.outcome)


def _group_filter(groups: set[Group]) -> Q:
    condition = Q(pk__in=[])
    for year, programme_id, region_id, outcome in groups:
        condition |= Q(funding_year=year, programme_id=programme_id, region_id=region_id, outcome=outcome)
    return condition


@transaction.atomic
def refresh_totals(groups: Iterable[Group] | None = None) -> None:
    """Recount the given groups of GrantTotal from the register (all of them when None)."""
    groups = None if groups is None else set(groups)
    if groups is not None and not groups:
        return
    grants = PublishedGrant.objects.all()
    totals = GrantTotal.objects.all()
    if groups is not None and len(groups) <= MAX_GROUPS_TO_REFRESH:
        grants = grants.filter(_group_filter(groups))
        totals = totals.filter(_group_filter(groups))
    totals.delete()
    rows = (
        grants.order_by()
        .values("funding_year", "agency_id", "programme_id", "region_id", "outcome")
        .annotate(grants=Count("id"), amount=Sum("amount_awarded"))
    )
    GrantTotal.objects.bulk_create((GrantTotal(**row) for row in rows.iterator()), batch_size=2000)


def _record_search_words(grants: Iterable[PublishedGrant]) -> None:
    words = set()
    for grant in grants:
        words |= search.document_words(grant.search_text)
    SearchWord.objects.bulk_create(
        (SearchWord(word=word) for word in sorted(words) if len(word) <= SearchWord.MAX_LENGTH),
        ignore_conflicts=True,
        batch_size=2000,
    )


@transaction.atomic
def rebuild_search_words() -> None:
    """The table of the register's words anew. Words of removed grants stay until this runs: they can only widen a
    misspelt query word to a word nothing holds any more."""
    SearchWord.objects.all().delete()
    if connection.vendor == "postgresql":
        # The words exactly as the stored tsvectors hold them, counted inside the database.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SearchWord._meta.db_table} (word) "
                "SELECT word FROM ts_stat('SELECT search_vector FROM register_publishedgrant') "
                "WHERE length(word) <= %s",
                [SearchWord.MAX_LENGTH],
            )
        return
    texts = PublishedGrant.objects.order_by().values_list("search_text", flat=True)
    words = set()
    for text in texts.iterator(chunk_size=5000):
        words |= search.document_words(text)
    SearchWord.objects.bulk_create(
        (SearchWord(word=word) for word in sorted(words) if len(word) <= SearchWord.MAX_LENGTH),
        batch_size=2000,
    )


@transaction.atomic
def refresh_derived(grants: Iterable[PublishedGrant] | None = None) -> None:
    """After a bulk path wrote the given grants, or anything (None): their statistics and search words."""
    if grants is None:
        refresh_totals()
        rebuild_search_words()
        return
    grants = list(grants)
    refresh_totals({_group(grant) for grant in grants})
    _record_search_words(grants)


def register_decision(*, decision: Decision) -> PublishedGrant | None:
    """Enter a decision being published into the register, replacing the entry of a decision it corrects.

    Positive decisions always appear; negative ones as the agency has chosen. Only the decision's own public facts
    are copied: never the application's answers, attachments, scores or the people behind it.
    """
    touched: set[Group] = set()
    if decision.corrects_id:
        for replaced in PublishedGrant.objects.filter(decision_id=decision.corrects_id):
            touched.add(_group(replaced))
            replaced.delete()
    application = decision.application
    agency = application.call.programme.agency
    grant = None
    if decision.is_positive or agency.publishes_negative_decisions:
        organisation = application.organisation
        grant = PublishedGrant.objects.create(
            call=application.call,
            organisation=organisation,
            decision=decision,
            outcome=OUTCOME_OF_DECISION[decision.outcome],
            recipient_name=application.applicant_name or organisation.name,
            recipient_business_id=application.applicant_business_id or organisation.business_id,
            recipient_type=organisation.organisation_type,
            municipality=organisation.home_municipality,
            project_name=public_project_name(application),
            purpose=decision.purpose if decision.is_positive else "",
            amount_awarded=decision.amount if decision.is_positive else 0,
            funding_year=(decision.period_start or decision.decision_date).year,
            decision_date=decision.decision_date,
            period_start=decision.period_start if decision.is_positive else None,
            period_end=decision.period_end if decision.is_positive else None,
            source=PublishedGrant.Source.DECISION,
            source_language=decision.language,
        )
        touched.add(_group(grant))
        _record_search_words([grant])
    refresh_totals(touched)
    return grant
