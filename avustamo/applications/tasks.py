from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from avustamo.core.links import site_url
from avustamo.core.tasks import queue_email


@task()
def send_submission_receipt(*, application_id: int, language: str, version: int = 1) -> None:
    """Email the person who sent the application a receipt with a PDF copy of it as sent."""
    from avustamo.applications.documents import application_pdf
    from avustamo.applications.models import Application

    application = Application.objects.select_related("call", "organisation", "submitted_by", "form").get(
        pk=application_id
    )
    file_name = f"{application.register_number.replace('/', '-')}.pdf"
    stored = default_storage.save(
        f"receipts/{application.pk}/v{version}-{file_name}",
        ContentFile(application_pdf(application, language)),
    )
    url = site_url("applications:edit", language=language, pk=application.pk)
    with transaction.atomic():
        queue_email(
            key=f"submission-receipt:{application.pk}:{version}",
            template="applications/email/submitted",
            context={"application": application, "organisation": application.applicant_name, "url": url},
            recipient=application.submitted_by.email,
            language=language,
            attachment=stored,
            attachment_name=file_name,
        )
