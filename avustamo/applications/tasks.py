from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from avustamo.core.links import site_url
from avustamo.core.models import OutboundEmail
from avustamo.core.storage import save_whole
from avustamo.core.task_runs import resumable
from avustamo.core.tasks import queue_email


@resumable
@task()
def send_submission_receipt(*, application_id: int, language: str, version: int = 1) -> None:
    """Email the person who sent the application a receipt with a PDF copy of it as sent. Done once: run again
    (its worker was killed), it finds the receipt queued and makes no second copy."""
    from avustamo.applications.documents import application_pdf
    from avustamo.applications.models import Application

    key = f"submission-receipt:{application_id}:{version}"
    if OutboundEmail.objects.filter(key=key).exists():
        return
    application = Application.objects.select_related("call", "organisation", "submitted_by", "form").get(
        pk=application_id
    )
    file_name = f"{application.register_number.replace('/', '-')}.pdf"
    stored = save_whole(
        default_storage,
        f"receipts/{application.pk}/v{version}-{file_name}",
        application_pdf(application, language),
    )
    url = site_url("applications:edit", language=language, pk=application.pk)
    with transaction.atomic():
        queue_email(
            key=key,
            template="applications/email/submitted",
            context={"application": application, "organisation": application.applicant_name, "url": url},
            recipient=application.submitted_by.email,
            language=language,
            attachment=stored,
            attachment_name=file_name,
        )
