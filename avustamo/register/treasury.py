"""Calls, applications and decisions for the State Treasury's grant data repository (law 1075/2022, §§32a–32e).

One selection (a call, or a period of Helsinki calendar days) gives three record sets with stable English column
names, written as one JSON document or as a ZIP of three CSV files. Only organisations' data leaves: never the
people who act for them, the answers' free text, attachments or the reviewers' scores. The layout, its Finnish
terms and its sources are documented in docs/treasury-export.md; change LAYOUT_VERSION with any change to it.
"""

import csv
import datetime
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
from avustamo.core.dates import end_of_day, helsinki_datetime, in_helsinki
from avustamo.core.links import site_url
from avustamo.core.models import AuditEntry
from avustamo.core.money import to_cents
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.programmes.models import Call

LAYOUT_VERSION = "1.0"
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
        .select_related("call__programme__agency", "organisation__home_municipality")
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
    ("project_name", lambda application: application.project_name),
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


@dataclass(frozen=True)
class RecordSet:
    name: str
    columns: Columns
    rows: Callable[[Selection], QuerySet]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _value in self.columns)

    def records(self, selection: Selection) -> Iterator[dict]:
        for row in self.rows(selection).iterator(chunk_size=CHUNK_SIZE):
            yield {name: value(row) for name, value in self.columns}


RECORD_SETS = (
    RecordSet("calls", CALL_COLUMNS, selected_calls),
    RecordSet("applications", APPLICATION_COLUMNS, selected_applications),
    RecordSet("decisions", DECISION_COLUMNS, selected_decisions),
)


# Writing. Records are read in chunks and written as they come, so a long period never sits in memory whole.


def _about(selection: Selection) -> dict:
    return {
        "layout_version": LAYOUT_VERSION,
        "generated_at": _moment(timezone.now()),
        "selection": selection.describe(),
    }


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def write_json(selection: Selection, out) -> dict[str, int]:
    """One JSON document: what was selected and when, then `calls`, `applications`, `decisions`."""
    counts = {}
    out.write(b"{")
    for key, value in _about(selection).items():
        out.write(_json(key) + b": " + _json(value) + b",\n")
    for number, record_set in enumerate(RECORD_SETS):
        out.write((b",\n" if number else b"") + _json(record_set.name) + b": [")
        count = 0
        for count, record in enumerate(record_set.records(selection), start=1):
            out.write((b",\n" if count > 1 else b"\n") + _json(record))
        out.write(b"]")
        counts[record_set.name] = count
    out.write(b"}\n")
    return counts


def _csv_cell(value):
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else value


def write_csv_zip(selection: Selection, out) -> dict[str, int]:
    """A ZIP of calls.csv, applications.csv and decisions.csv (UTF-8, a header row) and export.json."""
    counts = {}
    about = _about(selection)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record_set in RECORD_SETS:
            with io.TextIOWrapper(
                archive.open(f"{record_set.name}.csv", "w"), encoding="utf-8", newline=""
            ) as text:
                writer = csv.writer(text)
                writer.writerow(record_set.column_names)
                count = 0
                for record in record_set.records(selection):
                    writer.writerow([_csv_cell(value) for value in record.values()])
                    count += 1
            counts[record_set.name] = count
        archive.writestr("export.json", json.dumps({**about, "counts": counts}, ensure_ascii=False, indent=2))
    return counts


WRITERS: dict[str, Callable[[Selection, object], dict[str, int]]] = {"json": write_json, "csv": write_csv_zip}
CONTENT_TYPES = {"json": "application/json", "csv": "application/zip"}
EXTENSIONS = {"json": "json", "csv": "zip"}
FORMATS = tuple(WRITERS)


def file_name(selection: Selection, file_format: str) -> str:
    return f"treasury-export-{selection.label}.{EXTENSIONS[file_format]}"


def write_export(selection: Selection, file_format: str, out) -> dict[str, int]:
    """Write the export in `file_format` (json or csv) to the binary file `out`; the number of each record."""
    return WRITERS[file_format](selection, out)


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
