"""Settlement decisions made in the background: the PDF stored once and sent to the recipient."""

from django.db import transaction
from django.utils.translation import gettext_noop
from django_tasks import task

from avustamo.core.audit import audit
from avustamo.core.links import site_url
from avustamo.core.notices import notice_send
from avustamo.core.storage import save_whole_to
from avustamo.core.task_runs import resumable
from avustamo.core.tasks import queue_email
from avustamo.organisations.selectors import notice_addressee
from avustamo.reports.models import Report


def settlement_decision_file_name(report: Report) -> str:
    number = report.grant.application.register_number.replace("/", "-")
    return f"settlement-decision-{number}-{report.pk}-{report.grant.decision.language}.pdf"


@transaction.atomic
def settlement_decision_publish(report_id: int) -> bool:
    """Make the report's settlement decision, store it, record its notice and email it to the member who sent the
    report. False when
    already done, so a retried task never makes a second document or a second email."""
    from avustamo.reports.documents import settlement_decision_pdf

    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related(
            "grant__decision",
            "grant__application__call__programme__agency",
            "grant__application__organisation",
            "finances_reviewed_by",
            "submitted_by",
        )
        .get(pk=report_id)
    )
    if report.settlement_document:
        return False
    name = settlement_decision_file_name(report)
    save_whole_to(report.settlement_document, name, settlement_decision_pdf(report))
    report.save(update_fields=["settlement_document"])
    application = report.grant.application
    audit(acting_user=report.finances_reviewed_by, action="report.settlement_decision_made", target=report)
    notice_send(
        report,
        **notice_addressee(application.organisation),
        register_number=application.register_number,
        title=gettext_noop("Decision on the final report"),  # translated where it is shown
        language=report.grant.decision.language,
        document=report.settlement_document.name,
        acting_user=report.finances_reviewed_by,
    )
    recipient = report.submitted_by
    queue_email(
        key=f"settlement-decided:{report.pk}",
        template="reports/email/settlement_decided",
        context={
            "application": application,
            "report": report,
            "url": site_url(
                "applications:report",
                language=recipient.preferred_language,
                pk=application.pk,
                report_pk=report.pk,
            ),
        },
        recipient=recipient.email,
        language=recipient.preferred_language,
        attachment=report.settlement_document.name,
        attachment_name=name,
    )
    return True


@resumable
@task()
def make_settlement_decision(*, report_id: int) -> None:
    settlement_decision_publish(report_id)
