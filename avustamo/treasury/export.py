"""The data of grant activities for the State Treasury's grant data repository (law 1075/2022, §§32a–32e).

One selection (a call, or a period of Helsinki calendar days) gives seven record sets (calls, applications,
decisions, payments, changes, returns and reports) with stable English column names, written as one JSON document
or as a ZIP of one CSV file each. Only organisations' data leaves: never the
people who act for them, the answers' free text, attachments or the reviewers' scores. The layout, its Finnish
terms and its sources are documented in docs/treasury-export.md; change LAYOUT_VERSION with any change to it.
"""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.applications.models import Application, ApplicationStatus
from avustamo.applications.secrets import public_project_name
from avustamo.core.dates import end_of_day, helsinki_datetime, in_helsinki
from avustamo.core.links import site_url
from avustamo.core.models import AuditEntry
from avustamo.core.money import to_cents
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.grants.models import ChangeKind, ChangePart, ChangeRequestStatus
from avustamo.payments.models import (
    PAID_STATUSES,
    ClaimOffset,
    ClaimWaiver,
    Instalment,
    ReturnClaim,
    VoluntaryReturn,
)
from avustamo.programmes.models import Call
from avustamo.reports.models import Report, ReportStatus

LAYOUT_VERSION = "2.0"
CHUNK_SIZE = 500
# Lists (region codes, organisation types) share one CSV cell, separated by this.
LIST_SEPARATOR = ";"
EXPORTED_APPLICATION_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.COMPLETION_REQUESTED,
    ApplicationStatus.WITHDRAWN,
)
EXPORTED_DECISION_STATUSES = (DecisionStatus.SIGNED, DecisionStatus.PUBLISHED)
# Free text is never exported, so never even read (the answers are also the largest column).
UNREAD_APPLICATION_FIELDS = ("answers", "project_summary")
UNREAD_DECISION_FIELDS = ("reasons", "conditions")
# Days beyond these cannot be turned into moments in Helsinki and back (years 1 and 9999 overflow).
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2999, 12, 31)


@dataclass(frozen=True)
class Selection:
    """One call, or the Helsinki calendar days from `first_day` to `last_day` inclusive."""

    call: Call | None = None
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    def describe(self) -> dict:
        if self.call is not None:
            return {"call": self.call.reference}
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}

    @property
    def label(self) -> str:
        """A short name for files and the audit log: the call's reference, or `2027-01-01_2027-12-31`."""
        if self.call is not None:
            return self.call.reference
        return f"{self.first_day.isoformat()}_{self.last_day.isoformat()}"

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as [start, end) moments: from midnight of the first day to midnight after the last."""
        return helsinki_datetime(self.first_day, datetime.time(0, 0)), end_of_day(self.last_day)


def make_selection(
    *, call_reference: str = "", first_day: datetime.date | None = None, last_day: datetime.date | None = None
) -> Selection:
    """A call or a period, never both or neither; refusals are ValidationErrors with a stable code."""
    call_reference = (call_reference or "").strip()
    wants_period = first_day is not None or last_day is not None
    if call_reference and wants_period:
        raise ValidationError(_("Choose either a call or a period, not both."), code="call_and_period")
    if not call_reference and not wants_period:
        raise ValidationError(_("Choose a call or a period to export."), code="nothing_selected")
    if call_reference:
        call = exportable_calls().filter(reference=call_reference).first()
        if call is None:
            raise ValidationError(
                _("No published call has the reference %(reference)s.") % {"reference": call_reference},
                code="unknown_call",
            )
        return Selection(call=call)
    if first_day is None or last_day is None:
        raise ValidationError(_("A period needs both its first and its last day."), code="incomplete_period")
    if first_day > last_day:
        raise ValidationError(_("The period cannot start after it ends."), code="period_reversed")
    if first_day < EARLIEST_DAY or last_day > LATEST_DAY:
        raise ValidationError(
            _("A period must lie between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
            code="period_out_of_range",
        )
    return Selection(first_day=first_day, last_day=last_day)


# Reads. Calls count from their publication, applications from their submission, decisions from their date.


def exportable_calls() -> QuerySet[Call]:
    """Published calls only: a draft call has not been announced to anyone."""
    return Call.objects.published().select_related("programme__agency")


def selected_calls(selection: Selection) -> QuerySet[Call]:
    calls = exportable_calls()
    if selection.call is not None:
        calls = calls.filter(pk=selection.call.pk)
    else:
        start, end = selection.moments()
        calls = calls.filter(published_at__gte=start, published_at__lt=end)
    return calls.order_by("published_at", "reference")


def selected_applications(selection: Selection) -> QuerySet[Application]:
    """Applications once submitted, withdrawn ones included; a draft (even a withdrawn one) never."""
    applications = (
        Application.objects.filter(status__in=EXPORTED_APPLICATION_STATUSES, submitted_at__isnull=False)
        .select_related("call__programme__agency", "organisation__home_municipality", "form")
        .prefetch_related("regions")
        .defer(*UNREAD_APPLICATION_FIELDS)
    )
    if selection.call is not None:
        applications = applications.filter(call=selection.call)
    else:
        start, end = selection.moments()
        applications = applications.filter(submitted_at__gte=start, submitted_at__lt=end)
    return applications.order_by("submitted_at", "pk")


def selected_decisions(selection: Selection) -> QuerySet[Decision]:
    """Signed and published decisions; drafts and those waiting for a signature never."""
    decisions = (
        Decision.objects.filter(status__in=EXPORTED_DECISION_STATUSES)
        .select_related(
            "application__call__programme__agency", "application__organisation__home_municipality"
        )
        .defer(*UNREAD_DECISION_FIELDS, *(f"application__{field}" for field in UNREAD_APPLICATION_FIELDS))
    )
    if selection.call is not None:
        decisions = decisions.filter(application__call=selection.call)
    else:
        decisions = decisions.filter(decision_date__range=(selection.first_day, selection.last_day))
    return decisions.order_by("decision_date", "pk")


# Records: each column a name and how its value is read, written as the layout says (amounts and percentages
# as decimal strings with two places, ISO dates, ISO 8601 times in Helsinki, lists as JSON arrays).


def _two_places(value) -> str | None:
    return None if value is None else str(to_cents(value))


def _day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: datetime.datetime | None) -> str | None:
    return None if value is None else in_helsinki(value).isoformat(timespec="seconds")


Columns = tuple[tuple[str, Callable], ...]

CALL_COLUMNS: Columns = (
    ("call_reference", lambda call: call.reference),
    ("agency_code", lambda call: call.programme.agency.code),
    ("agency_name", lambda call: call.programme.agency.name_fi),
    ("programme_code", lambda call: call.programme.code),
    ("programme_name", lambda call: call.programme.name_fi),
    ("title_fi", lambda call: call.title_fi),
    ("title_sv", lambda call: call.title_sv),
    ("title_en", lambda call: call.title_en),
    ("grant_type", lambda call: call.programme.grant_type),
    ("legal_basis", lambda call: call.legal_basis_in("fi")),
    ("budget_line", lambda call: call.budget_item),
    ("published_at", lambda call: _moment(call.published_at)),
    ("opens_at", lambda call: _moment(call.opens_at)),
    ("closes_at", lambda call: _moment(call.closes_at)),
    ("appropriation", lambda call: _two_places(call.appropriation)),
    ("min_grant", lambda call: _two_places(call.min_grant)),
    ("max_grant", lambda call: _two_places(call.max_grant)),
    ("max_share_percent", lambda call: _two_places(call.max_share_percent)),
    ("own_funding_min_percent", lambda call: _two_places(call.own_funding_min_percent)),
    ("period_earliest_start", lambda call: _day(call.period_earliest_start)),
    ("period_latest_end", lambda call: _day(call.period_latest_end)),
    ("eligible_organisation_types", lambda call: list(call.eligible_organisation_types)),
    ("call_url", lambda call: site_url("programmes:call_detail", pk=call.pk)),
)

# The organisation as it applied: name and Business ID as copied at submission, its home municipality now.
ORGANISATION_FIELDS: Columns = (
    ("name", lambda application: application.applicant_name or application.organisation.name),
    (
        "business_id",
        lambda application: application.applicant_business_id or application.organisation.business_id,
    ),
    ("type", lambda application: application.organisation.organisation_type),
    ("municipality_code", lambda application: application.organisation.home_municipality_id),
    ("region_code", lambda application: application.organisation.home_municipality.region_id),
)

APPLICATION_COLUMNS: Columns = (
    ("application_reference", lambda application: application.register_number),
    ("call_reference", lambda application: application.call.reference),
    ("agency_code", lambda application: application.call.programme.agency.code),
    ("status", lambda application: application.status),
    ("submitted_at", lambda application: _moment(application.submitted_at)),
    ("withdrawn_at", lambda application: _moment(application.withdrawn_at)),
    *((f"applicant_{field}", value) for field, value in ORGANISATION_FIELDS),
    (
        "activity_region_codes",
        lambda application: sorted(region.code for region in application.regions.all()),
    ),
    # The Treasury publishes its data: a name the applicant marked as a business secret is left out.
    ("project_name", public_project_name),
    ("requested_amount", lambda application: _two_places(application.requested_amount)),
    ("total_eligible_costs", lambda application: _two_places(application.total_eligible_costs)),
    ("income", lambda application: _two_places(application.income)),
    ("other_public_funding", lambda application: _two_places(application.other_public_funding)),
    ("own_funding", lambda application: _two_places(application.own_funding)),
    ("period_start", lambda application: _day(application.period_start)),
    ("period_end", lambda application: _day(application.period_end)),
)


def _of_application(value: Callable) -> Callable:
    return lambda decision: value(decision.application)


DECISION_COLUMNS: Columns = (
    ("decision_id", lambda decision: decision.pk),
    ("application_reference", lambda decision: decision.application.register_number),
    ("call_reference", lambda decision: decision.application.call.reference),
    ("agency_code", lambda decision: decision.application.call.programme.agency.code),
    ("status", lambda decision: decision.status),
    ("decision_date", lambda decision: _day(decision.decision_date)),
    ("signed_at", lambda decision: _moment(decision.signed_at)),
    ("published_at", lambda decision: _moment(decision.published_at)),
    ("corrects_decision_id", lambda decision: decision.corrects_id),
    ("language", lambda decision: decision.language),
    *((f"recipient_{field}", _of_application(value)) for field, value in ORGANISATION_FIELDS),
    ("outcome", lambda decision: decision.outcome),
    ("amount_awarded", lambda decision: _two_places(decision.amount)),
    ("eligible_costs", lambda decision: _two_places(decision.eligible_costs)),
    ("max_share_percent", lambda decision: _two_places(decision.max_share_percent)),
    ("purpose", lambda decision: decision.purpose),
    ("period_start", lambda decision: _day(decision.period_start)),
    ("period_end", lambda decision: _day(decision.period_end)),
)


# The money and the life of a grant after its decision. A grant is exported with its call's selection; by period,
# each event counts from its own day: a payment from its day of payment, a change from the change decision's date,
# a return from its decision (or announcement), a report from when it was sent.

# From a row's grant to its call and authority, read in the same statement; the application's free text and large
# columns are never read through a grant either.
GRANT_WITH_ITS_CALL = "grant__application__call__programme__agency"
UNREAD_THROUGH_GRANT = tuple(f"grant__application__{field}" for field in UNREAD_APPLICATION_FIELDS)


def _in_period(queryset: QuerySet, selection: Selection, *, call_path: str, moment: str = "", day: str = ""):
    """`queryset` narrowed to the selection: the call through `call_path`, or the period by a moment or a day."""
    if selection.call is not None:
        return queryset.filter(**{call_path: selection.call})
    if moment:
        start, end = selection.moments()
        return queryset.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
    return queryset.filter(**{f"{day}__range": (selection.first_day, selection.last_day)})


def selected_payments(selection: Selection) -> QuerySet[Instalment]:
    """Instalments paid: by a payment batch, or by offsetting them against a claim. Planned, due, batched and
    cancelled instalments are not payments yet (or ever)."""
    payments = (
        Instalment.objects.filter(status__in=PAID_STATUSES, paid_on__isnull=False)
        .select_related(GRANT_WITH_ITS_CALL)
        .defer(*UNREAD_THROUGH_GRANT)
    )
    payments = _in_period(payments, selection, call_path="grant__application__call", day="paid_on")
    return payments.order_by("paid_on", "pk")


def selected_change_parts(selection: Selection) -> QuerySet[ChangePart]:
    """Each part of a change request once the change decision is made (every part decided); open requests never."""
    parts = (
        ChangePart.objects.filter(request__status=ChangeRequestStatus.DECIDED)
        .exclude(outcome="")
        .select_related("request__grant__application__call__programme__agency")
        .defer(*(f"request__{field}" for field in UNREAD_THROUGH_GRANT))
    )
    parts = _in_period(
        parts, selection, call_path="request__grant__application__call", day="request__decision_date"
    )
    return parts.order_by("request__decision_date", "request_id", "pk")


def selected_corrections(selection: Selection) -> QuerySet[Decision]:
    """Signed and published decisions that correct an earlier one: the change of a decision itself."""
    return (
        selected_decisions(selection)
        .filter(corrects__isnull=False)
        .select_related("corrects")
        .defer(*(f"corrects__{field}" for field in UNREAD_DECISION_FIELDS))
    )


def selected_claims(selection: Selection) -> QuerySet[ReturnClaim]:
    claims = ReturnClaim.objects.select_related(GRANT_WITH_ITS_CALL).defer(*UNREAD_THROUGH_GRANT)
    claims = _in_period(claims, selection, call_path="grant__application__call", moment="decided_at")
    return claims.order_by("decided_at", "pk")


def selected_voluntary_returns(selection: Selection) -> QuerySet[VoluntaryReturn]:
    returns = VoluntaryReturn.objects.select_related(GRANT_WITH_ITS_CALL).defer(*UNREAD_THROUGH_GRANT)
    returns = _in_period(returns, selection, call_path="grant__application__call", moment="announced_at")
    return returns.order_by("announced_at", "pk")


def selected_waivers(selection: Selection) -> QuerySet[ClaimWaiver]:
    waivers = ClaimWaiver.objects.select_related(f"claim__{GRANT_WITH_ITS_CALL}").defer(
        *(f"claim__{field}" for field in UNREAD_THROUGH_GRANT)
    )
    waivers = _in_period(waivers, selection, call_path="claim__grant__application__call", moment="decided_at")
    return waivers.order_by("decided_at", "pk")


def selected_offsets(selection: Selection) -> QuerySet[ClaimOffset]:
    offsets = ClaimOffset.objects.select_related(f"claim__{GRANT_WITH_ITS_CALL}", "from_instalment").defer(
        *(f"claim__{field}" for field in UNREAD_THROUGH_GRANT)
    )
    offsets = _in_period(offsets, selection, call_path="claim__grant__application__call", day="offset_on")
    return offsets.order_by("offset_on", "pk")


def selected_reports(selection: Selection) -> QuerySet[Report]:
    """Reports once sent; a draft report never. The answers and the reviewers' notes are never read."""
    reports = (
        Report.objects.exclude(status=ReportStatus.DRAFT)
        .select_related(GRANT_WITH_ITS_CALL)
        .defer("answers", "content_notes", "finances_notes", *UNREAD_THROUGH_GRANT)
    )
    reports = _in_period(reports, selection, call_path="grant__application__call", moment="submitted_at")
    return reports.order_by("submitted_at", "pk")


def _grant_columns(grant_of: Callable) -> Columns:
    """Which grant a row belongs to: its decision in force, its application, its call and its authority."""
    return (
        ("decision_id", lambda row: grant_of(row).decision_id),
        ("application_reference", lambda row: grant_of(row).application.register_number),
        ("call_reference", lambda row: grant_of(row).application.call.reference),
        ("agency_code", lambda row: grant_of(row).application.call.programme.agency.code),
    )


def _budget(categories: dict) -> list[str]:
    return [f"{category}={to_cents(amount)}" for category, amount in sorted(categories.items())]


PAYMENT_COLUMNS: Columns = (
    ("payment_reference", lambda payment: payment.reference),
    *_grant_columns(lambda payment: payment.grant),
    ("instalment_number", lambda payment: payment.number),
    ("paid_by", lambda payment: payment.status),
    ("amount", lambda payment: _two_places(payment.amount)),
    ("paid_on", lambda payment: _day(payment.paid_on)),
)

CHANGE_PART_COLUMNS: Columns = (
    ("change_id", lambda part: f"change-{part.pk}"),
    ("change_type", lambda part: part.kind),
    *_grant_columns(lambda part: part.request.grant),
    ("change_decision_date", lambda part: _day(part.request.decision_date)),
    ("outcome", lambda part: part.outcome),
    ("period_end_decided", lambda part: _day(part.decided_period_end) if part.in_force else None),
    (
        "budget_decided",
        lambda part: _budget(part.decided_budget) if part.in_force and part.kind == ChangeKind.BUDGET else [],
    ),
)

CORRECTING_DECISION = "decision_correction"
CORRECTION_COLUMNS: Columns = (
    ("change_id", lambda decision: f"correction-{decision.pk}"),
    ("change_type", lambda decision: CORRECTING_DECISION),
    ("decision_id", lambda decision: decision.pk),
    ("application_reference", lambda decision: decision.application.register_number),
    ("call_reference", lambda decision: decision.application.call.reference),
    ("agency_code", lambda decision: decision.application.call.programme.agency.code),
    ("change_decision_date", lambda decision: _day(decision.decision_date)),
    ("outcome", lambda decision: decision.outcome),
    ("period_end_decided", lambda decision: _day(decision.period_end)),
    ("corrects_decision_id", lambda decision: decision.corrects_id),
    ("amount_before", lambda decision: _two_places(decision.corrects.amount)),
    ("amount_after", lambda decision: _two_places(decision.amount)),
)


def _claim_kind(claim: ReturnClaim) -> str:
    return "recovery" if claim.is_recovery else "return"


CLAIM_COLUMNS: Columns = (
    ("return_id", lambda claim: f"claim-{claim.pk}"),
    ("return_type", _claim_kind),
    ("claim_id", lambda claim: f"claim-{claim.pk}"),
    *_grant_columns(lambda claim: claim.grant),
    ("ground", lambda claim: claim.ground),
    ("event_date", lambda claim: _day(claim.decided_on)),
    ("amount", lambda claim: _two_places(claim.amount)),
    ("interest", lambda claim: _two_places(claim.interest)),
    ("due_date", lambda claim: _day(claim.due_date)),
    ("waived_amount", lambda claim: _two_places(claim.waived_amount)),
    ("waived_interest", lambda claim: _two_places(claim.waived_interest)),
    ("offset_amount", lambda claim: _two_places(claim.offset_amount)),
    ("offset_interest", lambda claim: _two_places(claim.offset_interest)),
    ("received_on", lambda claim: _day(claim.received_on)),
    ("penalty_interest", lambda claim: _two_places(claim.penalty_interest)),
)

VOLUNTARY_RETURN_COLUMNS: Columns = (
    ("return_id", lambda announced: f"voluntary-{announced.pk}"),
    ("return_type", lambda announced: "voluntary_return"),
    ("claim_id", lambda announced: f"claim-{announced.claim_id}" if announced.claim_id else None),
    *_grant_columns(lambda announced: announced.grant),
    ("event_date", lambda announced: _day(announced.announced_on)),
    ("amount", lambda announced: _two_places(announced.amount)),
)

WAIVER_COLUMNS: Columns = (
    ("return_id", lambda waiver: f"waiver-{waiver.pk}"),
    ("return_type", lambda waiver: "waiver"),
    ("claim_id", lambda waiver: f"claim-{waiver.claim_id}"),
    *_grant_columns(lambda waiver: waiver.claim.grant),
    ("event_date", lambda waiver: _day(waiver.decided_on)),
    ("amount", lambda waiver: _two_places(waiver.amount)),
    ("interest", lambda waiver: _two_places(waiver.interest)),
)

OFFSET_COLUMNS: Columns = (
    ("return_id", lambda offset: f"offset-{offset.pk}"),
    ("return_type", lambda offset: "offset"),
    ("claim_id", lambda offset: f"claim-{offset.claim_id}"),
    *_grant_columns(lambda offset: offset.claim.grant),
    ("event_date", lambda offset: _day(offset.offset_on)),
    ("amount", lambda offset: _two_places(offset.principal)),
    ("interest", lambda offset: _two_places(offset.interest)),
    ("offset_payment_reference", lambda offset: offset.from_instalment.reference),
)


def _settled(figure: str) -> Callable:
    return lambda report: _two_places(report.settlement.get(figure))


REPORT_COLUMNS: Columns = (
    ("report_id", lambda report: report.pk),
    *_grant_columns(lambda report: report.grant),
    ("report_type", lambda report: report.kind),
    ("due_date", lambda report: _day(report.due_date)),
    ("status", lambda report: report.status),
    ("submitted_at", lambda report: _moment(report.submitted_at)),
    ("content_approved_at", lambda report: _moment(report.content_reviewed_at)),
    ("finances_approved_at", lambda report: _moment(report.finances_reviewed_at)),
    ("accepted_costs", lambda report: _two_places(report.accepted_costs)),
    ("settlement_awarded", _settled("awarded")),
    ("settlement_earned", _settled("earned")),
    ("settlement_paid", _settled("paid")),
    ("settlement_to_pay", _settled("to_pay")),
    ("settlement_to_return", _settled("to_return")),
)


@dataclass(frozen=True)
class Source:
    """Where some rows of a record set come from, and how each of its columns is read from them."""

    rows: Callable[[Selection], QuerySet]
    columns: Columns


@dataclass(frozen=True)
class RecordSet:
    """One kind of record: its columns in order and the column that identifies a record across deliveries. A set
    may gather rows of several sources; a column a source does not have is null in its rows."""

    name: str
    column_names: tuple[str, ...]
    key: str
    sources: tuple[Source, ...]

    def records(self, selection: Selection) -> Iterator[dict]:
        for source in self.sources:
            for row in source.rows(selection).iterator(chunk_size=CHUNK_SIZE):
                values = {name: value(row) for name, value in source.columns}
                yield {name: values.get(name) for name in self.column_names}


def _names(columns: Columns) -> tuple[str, ...]:
    return tuple(name for name, _value in columns)


def _single(name: str, columns: Columns, rows: Callable) -> RecordSet:
    return RecordSet(name, _names(columns), _names(columns)[0], (Source(rows, columns),))


RECORD_SETS = (
    _single("calls", CALL_COLUMNS, selected_calls),
    _single("applications", APPLICATION_COLUMNS, selected_applications),
    _single("decisions", DECISION_COLUMNS, selected_decisions),
    _single("payments", PAYMENT_COLUMNS, selected_payments),
    RecordSet(
        "changes",
        (*_names(CHANGE_PART_COLUMNS), "corrects_decision_id", "amount_before", "amount_after"),
        "change_id",
        (
            Source(selected_change_parts, CHANGE_PART_COLUMNS),
            Source(selected_corrections, CORRECTION_COLUMNS),
        ),
    ),
    RecordSet(
        "returns",
        (*_names(CLAIM_COLUMNS), "offset_payment_reference"),
        "return_id",
        (
            Source(selected_claims, CLAIM_COLUMNS),
            Source(selected_voluntary_returns, VOLUNTARY_RETURN_COLUMNS),
            Source(selected_waivers, WAIVER_COLUMNS),
            Source(selected_offsets, OFFSET_COLUMNS),
        ),
    ),
    _single("reports", REPORT_COLUMNS, selected_reports),
)
RECORD_KINDS = tuple(record_set.name for record_set in RECORD_SETS)


def record_sets_of(kinds) -> tuple[RecordSet, ...]:
    """The record sets of `kinds`, in the layout's order whatever the order asked."""
    return tuple(record_set for record_set in RECORD_SETS if record_set.name in kinds)


def record_digest(record: dict) -> str:
    """A record's fingerprint: the same values give the same digest in every delivery, whatever the format."""
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Tally:
    """Counts and fingerprints every record written. Given the fingerprints `delivered` earlier, keyed by (kind,
    record key), it passes only the records that are new or differ from them: a correction's content."""

    def __init__(self, delivered: dict[tuple[str, str], str] | None = None):
        self.delivered = delivered
        self.written: dict[str, list[tuple[str, str]]] = {}

    def records(self, record_set: RecordSet, selection: Selection) -> Iterator[dict]:
        written = self.written.setdefault(record_set.name, [])
        for record in record_set.records(selection):
            key, digest = str(record[record_set.key]), record_digest(record)
            if self.delivered is not None and self.delivered.get((record_set.name, key)) == digest:
                continue
            written.append((key, digest))
            yield record

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(records) for kind, records in self.written.items()}


# Writing. Records are read in chunks and written as they come, so a long period never sits in memory whole.


def _about(selection: Selection, extra: dict) -> dict:
    return {
        "layout_version": LAYOUT_VERSION,
        "generated_at": _moment(timezone.now()),
        "selection": selection.describe(),
        **extra,
    }


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def write_json(selection: Selection, out, record_sets, tally: Tally, extra: dict) -> None:
    """One JSON document: what was selected and when, then an array of each record set."""
    out.write(b"{")
    for key, value in _about(selection, extra).items():
        out.write(_json(key) + b": " + _json(value) + b",\n")
    for number, record_set in enumerate(record_sets):
        out.write((b",\n" if number else b"") + _json(record_set.name) + b": [")
        for count, record in enumerate(tally.records(record_set, selection), start=1):
            out.write((b",\n" if count > 1 else b"\n") + _json(record))
        out.write(b"]")
    out.write(b"}\n")


def _csv_cell(value):
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else value


def write_csv_zip(selection: Selection, out, record_sets, tally: Tally, extra: dict) -> None:
    """A ZIP of one CSV file of each record set (UTF-8, a header row) and export.json."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record_set in record_sets:
            with io.TextIOWrapper(
                archive.open(f"{record_set.name}.csv", "w"), encoding="utf-8", newline=""
            ) as text:
                writer = csv.writer(text)
                writer.writerow(record_set.column_names)
                for record in tally.records(record_set, selection):
                    writer.writerow([_csv_cell(value) for value in record.values()])
        about = {**_about(selection, extra), "counts": tally.counts}
        archive.writestr("export.json", json.dumps(about, ensure_ascii=False, indent=2))


WRITERS = {"json": write_json, "csv": write_csv_zip}
CONTENT_TYPES = {"json": "application/json", "csv": "application/zip"}
EXTENSIONS = {"json": "json", "csv": "zip"}
FORMATS = tuple(WRITERS)


def file_name(selection: Selection, file_format: str) -> str:
    return f"treasury-export-{selection.label}.{EXTENSIONS[file_format]}"


def write_export(
    selection: Selection,
    file_format: str,
    out,
    *,
    kinds=RECORD_KINDS,
    tally: Tally | None = None,
    extra: dict | None = None,
) -> dict[str, int]:
    """Write the record sets of `kinds` in `file_format` (json or csv) to the binary file `out`, with `extra` in the
    document's head; the number of records of each kind. A `tally` given keeps the records' fingerprints (and,
    for a correction, leaves out what was delivered unchanged)."""
    tally = tally if tally is not None else Tally()
    WRITERS[file_format](selection, out, record_sets_of(kinds), tally, extra or {})
    return tally.counts


def record_export(
    *, acting_user, selection: Selection, file_format: str, counts: dict[str, int], via: str
) -> AuditEntry:
    """Log the disclosure: who took which selection, in what format, and how many records of each kind.

    A period has no object of its own to name as the target, so the entry names the selection itself.
    """
    return AuditEntry.objects.create(
        actor=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        action="register.treasury_exported",
        target_type="register.treasury_export",
        target_id=selection.label,
        details={"selection": selection.describe(), "format": file_format, "via": via, **counts},
    )
