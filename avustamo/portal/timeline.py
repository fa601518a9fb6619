"""An application's one status a person understands, as a timeline from sending to closing: read from the
application, its decision, the grant, the payments and the reports."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from avustamo.applications.models import ApplicationStatus
from avustamo.core.dates import format_day, in_helsinki
from avustamo.core.money import format_euros
from avustamo.decisions.selectors import published_decision
from avustamo.grants.models import GrantStatus
from avustamo.grants.selectors import grant_of_application
from avustamo.payments.selectors import ledger_of
from avustamo.reports.models import ReportStatus
from avustamo.reports.selectors import reports_due


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    detail: str = ""
    attention: bool = False  # something waits for the applicant, or is late


@dataclass(frozen=True)
class Timeline:
    steps: list[Step]

    @property
    def current(self) -> Step | None:
        """The step the application is at: the first not done, or the last when all are."""
        return next((step for step in self.steps if not step.done), self.steps[-1] if self.steps else None)


def application_timeline(application) -> Timeline:
    """Sent, in handling, completion asked (when it was), decided, accepted (when the call asks), paid, reports,
    closed; a withdrawn application ends at its withdrawal and a draft has no timeline yet."""
    if application.status == ApplicationStatus.DRAFT or application.submitted_at is None:
        return Timeline([])
    steps = [Step(_("Sent"), True, format_day(in_helsinki(application.submitted_at).date()))]
    if application.status == ApplicationStatus.WITHDRAWN:
        return Timeline([*steps, Step(_("Withdrawn"), True)])
    call = application.call
    decision = published_decision(application_pk=application.pk)
    steps.append(Step(_("In handling"), call.closes_at <= timezone.now() or decision is not None))
    completion = application.completion_requests.first()
    if completion is not None:
        answered = completion.answered_at is not None
        steps.append(
            Step(
                _("Completion asked"),
                answered or decision is not None,
                _("answered")
                if answered
                else _("reply by %(day)s") % {"day": format_day(completion.reply_by)},
                attention=not answered and decision is None,
            )
        )
    if decision is None:
        return Timeline([*steps, Step(_("Decided"), False)])
    steps.append(
        Step(_("Decided"), True, f"{decision.get_outcome_display()}, {format_day(decision.decision_date)}")
    )
    grant = grant_of_application(application) if decision.is_positive else None
    if grant is None:
        return Timeline([*steps, Step(_("Closed"), True)])
    return Timeline(steps + _grant_steps(grant, requires_acceptance=call.requires_acceptance))


def _grant_steps(grant, *, requires_acceptance: bool) -> list[Step]:
    steps = []
    if requires_acceptance:
        answered = grant.answered_at is not None
        steps.append(
            Step(
                _("Accepted") if grant.status != GrantStatus.DECLINED else _("Declined"),
                answered,
                format_day(in_helsinki(grant.answered_at).date())
                if answered
                else _("accept or decline the terms"),
                attention=not answered,
            )
        )
    if grant.status in (GrantStatus.DECLINED, GrantStatus.CLOSED):
        return [*steps, Step(_("Closed"), True)]
    # The grant's ledger knows what is awarded now (after corrections and claims) and what has been paid.
    ledger = ledger_of(grant)
    all_paid = ledger.in_force > 0 and ledger.owed <= 0
    steps.append(
        Step(
            _("Paid"),
            all_paid,
            _("%(paid)s of %(total)s")
            % {"paid": format_euros(ledger.paid), "total": format_euros(ledger.in_force)},
        )
    )
    due = reports_due(grant)
    waiting = [
        report for report in due if report.report is None or report.report.status != ReportStatus.APPROVED
    ]
    overdue = any(report.is_overdue for report in waiting)
    if due:
        detail = (
            _("%(report)s due %(day)s")
            % {"report": capfirst(waiting[0].kind_label), "day": format_day(waiting[0].due_date)}
            if waiting
            else _("approved")
        )
        steps.append(
            Step(_("Reports"), not waiting, detail + (f" ({_('overdue')})" if overdue else ""), overdue)
        )
    steps.append(Step(_("Closed"), all_paid and not waiting))
    return steps
