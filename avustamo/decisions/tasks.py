"""Publishing decisions in the background: each decision in its own transaction, so a run can resume."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from avustamo.core.audit import audit
from avustamo.core.links import site_url
from avustamo.core.tasks import queue_email
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.grants.models import ChangeRequest, ChangeRequestStatus, PublicationRun
from avustamo.payments.services import grant_open
from avustamo.register.services import register_decision

logger = logging.getLogger(__name__)


def _file_name(decision: Decision, language: str) -> str:
    number = decision.application.register_number.replace("/", "-")
    return f"decision-{number}-{decision.pk}-{language}.pdf"


@transaction.atomic
def publish_one(decision_id: int, *, acting_user) -> bool:
    """Publish one signed decision: its documents, the register entry and the email. False when already done."""
    from avustamo.decisions.documents import decision_pdf

    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("application__call__programme__agency", "application__submitted_by", "presenter")
        .get(pk=decision_id)
    )
    if decision.status != DecisionStatus.SIGNED:
        return False
    application = decision.application
    decision.document.save(
        _file_name(decision, decision.language),
        ContentFile(decision_pdf(decision, decision.language)),
        save=False,
    )
    decision.courtesy_document.save(
        _file_name(decision, "en"), ContentFile(decision_pdf(decision, "en")), save=False
    )
    decision.status = DecisionStatus.PUBLISHED
    decision.published_at = timezone.now()
    decision.save(update_fields=["document", "courtesy_document", "status", "published_at", "updated_at"])
    register_decision(decision=decision)
    grant_open(decision=decision, acting_user=acting_user)
    audit(
        acting_user=acting_user,
        action="decision.published",
        target=application,
        decision=decision.pk,
        **{"from": DecisionStatus.SIGNED, "to": DecisionStatus.PUBLISHED},
    )
    recipient = application.submitted_by
    queue_email(
        key=f"decision-published:{decision.pk}",
        template="decisions/email/published",
        context={
            "application": application,
            "decision": decision,
            "url": site_url("applications:decision", language=decision.language, pk=application.pk),
        },
        recipient=recipient.email,
        language=decision.language,
        attachment=decision.document.name,
        attachment_name=_file_name(decision, decision.language),
    )
    return True


@task()
def publish_decisions(*, run_id: int) -> None:
    run = PublicationRun.objects.select_related("started_by").get(pk=run_id)
    PublicationRun.objects.filter(pk=run_id).update(status=PublicationRun.Status.RUNNING)
    pending = Decision.objects.filter(
        application__call_id=run.call_id, status=DecisionStatus.SIGNED
    ).values_list("pk", flat=True)
    try:
        for decision_id in list(pending):
            if publish_one(decision_id, acting_user=run.started_by):
                PublicationRun.objects.filter(pk=run_id).update(done=F("done") + 1)
    except Exception as error:  # the run shows the failure; decisions published so far stay published
        logger.exception("publishing the decisions of run %s failed", run_id)
        PublicationRun.objects.filter(pk=run_id).update(
            status=PublicationRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return
    PublicationRun.objects.filter(pk=run_id).update(
        status=PublicationRun.Status.FINISHED, finished_at=timezone.now()
    )


def _change_decision_file_name(change_request: ChangeRequest) -> str:
    number = change_request.grant.application.register_number.replace("/", "-")
    return f"change-decision-{number}-{change_request.pk}-{change_request.language}.pdf"


@task()
def change_decision_send(*, change_request_id: int) -> None:
    """Make the change decision's document and email it to the member who asked for the change. Done once: a
    repeated run finds the document made and sends nothing again."""
    from avustamo.decisions.documents import change_decision_pdf

    with transaction.atomic():
        change_request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("grant__application__call__programme__agency", "submitted_by", "decided_by")
            .get(pk=change_request_id)
        )
        if change_request.status != ChangeRequestStatus.DECIDED or change_request.document:
            return
        application = change_request.grant.application
        name = _change_decision_file_name(change_request)
        change_request.document.save(name, ContentFile(change_decision_pdf(change_request)), save=False)
        change_request.save(update_fields=["document"])
        audit(
            acting_user=change_request.decided_by,
            action="change_request.document_made",
            target=change_request,
            document=change_request.document.name,
        )
        recipient = change_request.submitted_by
        queue_email(
            key=f"change-decision:{change_request.pk}",
            template="decisions/email/change_decision",
            context={
                "application": application,
                "change_request": change_request,
                "url": site_url("applications:decision", language=change_request.language, pk=application.pk),
            },
            recipient=recipient.email,
            language=change_request.language,
            attachment=change_request.document.name,
            attachment_name=name,
        )
