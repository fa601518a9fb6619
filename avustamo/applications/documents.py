"""The PDF copy of a submitted application, in a given language."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from avustamo.applications.selectors import form_choices
from avustamo.organisations.identifiers import format_iban
from avustamo.programmes.application_form.presentation import present


def application_pdf(application, language: str) -> bytes:
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
            answers=application.answers,
        )
        html = render_to_string(
            "applications/pdf/application.html",
            {
                "application": application,
                "sections": sections,
                "attachments": application.attachments.all(),
                "iban": format_iban(application.iban),
                "language": language,
            },
        )
    return HTML(string=html).write_pdf()
