"""Return and recovery decisions made in the background: the PDF stored once and sent to the recipient."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop
from django_tasks import task

from avustamo.core.audit import audit
from avustamo.core.links import site_url
from avustamo.core.notices import notice_send
from avustamo.core.tasks import queue_email
from avustamo.organisations.selectors import notice_addressee
from avustamo.payments.models import ReturnClaim


def return_decision_file_name(claim: ReturnClaim) -> str:
    number = claim.grant.application.register_number.replace("/", "-")
    return f"return-decision-{number}-{claim.pk}-{claim.language}.pdf"


@transaction.atomic
def return_decision_publish(claim_id: int) -> bool:
    """Make the claim's decision document, store it and email it to the recipient. False when already done, so a
    retried task never makes a second document or a second email."""
    from avustamo.payments.documents import return_decision_pdf

    claim = (
        ReturnClaim.objects.select_for_update(of=("self",))
        .select_related(
            "grant__decision",
            "grant__application__organisation",
            "grant__application__call__programme__agency",
            "grant__application__submitted_by",
        )
        .get(pk=claim_id)
    )
    if claim.document:
        return False
    name = return_decision_file_name(claim)
    claim.document.save(name, ContentFile(return_decision_pdf(claim)), save=False)
    claim.save(update_fields=["document"])
    application = claim.grant.application
    audit(acting_user=claim.decided_by, action="return_claim.document_made", target=claim)
    title = gettext_noop("Decision on a return or recovery")  # translated where it is shown
    notice_send(
        claim,
        **notice_addressee(application.organisation),
        register_number=application.register_number,
        title=title,
        language=claim.language,
        document=claim.document.name,
        acting_user=claim.decided_by,
    )
    queue_email(
        key=f"return-decided:{claim.pk}",
        template="payments/email/return_decided",
        context={
            "application": application,
            "claim": claim,
            "url": site_url("applications:decision", language=claim.language, pk=application.pk),
        },
        recipient=application.submitted_by.email,
        language=claim.language,
        attachment=claim.document.name,
        attachment_name=name,
    )
    return True


@task()
def make_return_decision(*, claim_id: int) -> None:
    return_decision_publish(claim_id)
