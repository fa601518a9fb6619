"""Reads for reports: which reports a grant's decision asks for, and what waits for officials."""

import datetime
from dataclasses import dataclass

from avustamo.core.dates import helsinki_today
from avustamo.grants.models import Grant, GrantStatus
from avustamo.grants.selectors import period_in_force
from avustamo.reports.models import Report, ReportKind, ReportStatus

# Reminders go out this many days before a report's deadline, and once the day after it has passed unsent.
REMIND_DAYS_BEFORE = 14


@dataclass(frozen=True)
class DueReport:
    """One report the decision in force asks for, with the report once the recipient has started it."""

    kind: str
    due_date: datetime.date
    report: Report | None

    @property
    def kind_label(self) -> str:
        return ReportKind(self.kind).label

    @property
    def is_sent(self) -> bool:
        return self.report is not None and self.report.is_sent

    @property
    def is_overdue(self) -> bool:
        """Its day has passed in Helsinki and it has not been sent."""
        return not self.is_sent and self.due_date < helsinki_today()


def reports_due(grant: Grant) -> list[DueReport]:
    """The decision's reports in order of their deadlines; none while the grant is declined or closed. An
    extension of the period of use moves the final report's deadline by as much, unless it has been started."""
    if grant.status not in (GrantStatus.ACCEPTED, GrantStatus.AWAITING_ACCEPTANCE):
        return []
    started = {(report.kind, report.due_date): report for report in grant.reports.select_related("form")}
    started_final = next(
        (report for (kind, _due), report in started.items() if kind == ReportKind.FINAL), None
    )
    _start, end_in_force = period_in_force(grant)
    decided_end = grant.decision.period_end
    extended_by = end_in_force - decided_end if end_in_force and decided_end else datetime.timedelta(0)
    due_reports = []
    for entry in grant.decision.reports_due or []:
        due = datetime.date.fromisoformat(entry["due"])
        if entry["kind"] == ReportKind.FINAL:
            report = started_final
            due = report.due_date if report is not None else due + extended_by
        else:
            report = started.get((entry["kind"], due))
        due_reports.append(DueReport(kind=entry["kind"], due_date=due, report=report))
    return due_reports


def is_asked_for(grant: Grant, kind: str, due_date: datetime.date) -> bool:
    return any(due.kind == kind and due.due_date == due_date for due in reports_due(grant))


def open_completion_request(report: Report):
    return report.completion_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()


def reports_for_review(user):
    """Sent reports waiting for an official's step, oldest first: content for presenters and programme
    managers, finances of final reports for finance officers."""
    waiting = []
    if user.has_perm("reports.review_finances"):
        waiting.append(ReportStatus.CONTENT_APPROVED)
    reports = Report.objects.filter(status__in=[ReportStatus.SUBMITTED, *waiting]).select_related(
        "grant__application__call", "grant__application__organisation"
    )
    return [
        report
        for report in reports.order_by("submitted_at", "pk")
        if (report.status == ReportStatus.SUBMITTED and user.has_perm("reports.review_content", report.grant))
        or report.status == ReportStatus.CONTENT_APPROVED
    ]


def grants_to_remind(today: datetime.date):
    """(grant, kind, due date, timing) for each reminder due today: before a deadline within the reminder window,
    and after a deadline passed, for reports not yet sent and not reminded of already."""
    from avustamo.reports.models import ReportReminder

    window_end = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    grants = Grant.objects.filter(status=GrantStatus.ACCEPTED).select_related(
        "decision", "application__organisation", "application__call"
    )
    reminded = set(
        ReportReminder.objects.filter(grant__in=grants).values_list("grant_id", "kind", "due_date", "timing")
    )
    for grant in grants.iterator():
        for due in reports_due(grant):
            if due.is_sent:
                continue
            if today <= due.due_date <= window_end:
                timing = ReportReminder.Timing.BEFORE
            elif due.due_date < today:
                timing = ReportReminder.Timing.AFTER
            else:
                continue
            if (grant.pk, due.kind, due.due_date, timing) not in reminded:
                yield grant, due, timing
