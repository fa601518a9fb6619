from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_submission_receipt(*, application_id: int, language: str) -> None:
    """Email the person who submitted a receipt with a PDF copy of the application as submitted."""
    from avustamo.applications.documents import application_pdf
    from avustamo.applications.models import Application

    application = Application.objects.select_related("call", "organisation", "submitted_by", "form").get(
        pk=application_id
    )
    with translation.override(language):
        context = {
            "application": application,
            "organisation": application.applicant_name,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("applications:edit", kwargs={"pk": application.pk}),
        }
        subject = " ".join(render_to_string("applications/email/submitted_subject.txt", context).split())
        body = render_to_string("applications/email/submitted_body.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [application.submitted_by.email])
    message.attach(
        f"{application.register_number.replace('/', '-')}.pdf",
        application_pdf(application, language),
        "application/pdf",
    )
    message.send()
