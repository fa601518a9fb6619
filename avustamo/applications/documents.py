"""The PDF copy of a submitted application, in a given language."""

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from avustamo.applications.secrets import public_answers, show_marks
from avustamo.applications.selectors import attachment_slots, form_choices, joint_budget
from avustamo.organisations.identifiers import format_iban
from avustamo.programmes.application_form.presentation import present


def application_pdf(application, language: str, *, sent=None, public: bool = False) -> bytes:
    """The application as it is, or as one of its submitted versions (`sent`) was sent: its answers, the
    attachments sent with it, when and by whom. `public`: its public version for an information request, the
    answers and files marked as business secrets replaced by a notice and personal identity codes removed
    (`secrets.py`)."""
    answers = sent.answers if sent is not None else application.answers
    marks = application.secret_answers
    if public:
        answers = public_answers(answers, marks)
    attachments = list(application.attachments.all())
    if sent is not None:
        sent_ids = set(sent.attachment_ids)
        attachments = [attachment for attachment in attachments if attachment.pk in sent_ids]
    with translation.override(language):
        choices = form_choices(
            call=application.call,
            definition=application.form.parsed,
            valid_in=timezone.localtime(application.submitted_at).year,
        )
        sections = present(
            application.form.parsed,
            language,
            regions=choices.regions,
            municipalities=choices.municipalities,
            declarations=choices.declarations,
            answers=answers,
        )
        show_marks(sections, marks)
        slots = attachment_slots(application, language=language, attachments=attachments, answers=answers)
        html = render_to_string(
            "applications/pdf/application.html",
            {
                "application": application,
                "sections": sections,
                "slots": slots,
                "received_at": sent.sent_at if sent is not None else application.submitted_at,
                "sent_by": sent.sent_by if sent is not None else application.submitted_by,
                "requested_amount": sent.requested_amount
                if sent is not None
                else application.requested_amount,
                "iban": format_iban(application.iban),
                "joint": joint_budget(application, answers=answers, sent=sent),
                "language": language,
                "public_version": public,
            },
        )
    return HTML(string=html).write_pdf()


def sent_application_document(application, sent, language: str) -> ContentFile:
    """The application as sent in version `sent`, as the PDF its receipt carries, named by its register number."""
    name = f"{application.register_number.replace('/', '-')}-v{sent.number}.pdf"
    return ContentFile(application_pdf(application, language, sent=sent), name=name)


def public_version_document(application, sent, language: str) -> ContentFile:
    """The public version of the application as sent in version `sent`, for an information request."""
    name = f"{application.register_number.replace('/', '-')}-v{sent.number}-{language}-public.pdf"
    return ContentFile(application_pdf(application, language, sent=sent, public=True), name=name)
