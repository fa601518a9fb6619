"""Formal decision documents (päätösasiakirja): the base every decision of the service is printed on.

A template extends `decisions/pdf/formal_base.html` (letterhead, addressee, the contact person of section 44 of
the Administrative Procedure Act 434/2003, the signers with their titles, and the review instructions with the
agency's registry addresses) and fills in `{% block title %}` and `{% block body %}`. `letter_context` gives the
context the base needs; a document adds its own facts to it.
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from weasyprint import HTML

LANGUAGES = ("fi", "sv", "en")
# PDF/A-3 level B: archival PDF whose look is fixed and whose fonts (DejaVu Sans) are embedded.
PDF_VARIANT = "pdf/a-3b"
# Relative addresses resolve inside the package; the templates use no remote or local resources at all.
BASE_URL = (Path(__file__).resolve().parent / "templates" / "decisions" / "pdf").as_uri() + "/"


def formal_decision_pdf(*, template: str, context: dict, language: str) -> bytes:
    """The document rendered from `template` in `language` ("fi", "sv", or "en" for a courtesy copy) as PDF/A."""
    if language not in LANGUAGES:
        raise ValueError(f"no decision document in language {language!r}")
    with translation.override(language):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def letter_context(
    *, application, language: str, decided_on, contact, decision_maker, presenter=None
) -> dict:
    """What the formal base prints about a decision on `application`'s case.

    `decided_on` is the date of the decision (None while it is a draft, which is then marked as one and names no
    decision maker); `contact` is the official from whom the party can ask about the decision; `presenter` is
    left out of the signatures of a decision made without one. Documents in English are courtesy copies of the
    Finnish decision unless the context's `binding_language` says "sv".
    """
    programme = application.call.programme
    is_draft = decided_on is None
    with translation.override(language):
        signers = [
            _signer(gettext("Decision maker"), None if is_draft else decision_maker, language),
            *([_signer(gettext("Presenter"), presenter, language)] if presenter else []),
        ]
    return {
        "language": language,
        "binding_language": "fi",
        "is_courtesy_copy": language == "en",
        "is_draft": is_draft,
        "decided_on": decided_on,
        "application": application,
        "organisation": application.organisation,
        "call": application.call,
        "programme": programme,
        "agency": programme.agency,
        "register_number": application.register_number,
        "register_number_nowrap": format_html('<span class="nowrap">{}</span>', application.register_number),
        "contact": _person(contact, language),
        "signers": signers,
    }


def _person(user, language: str) -> dict:
    return {
        "name": user.full_name,
        "title": user.job_title_in(language),
        "phone": user.phone,
        "email": user.email,
    }


def _signer(role: str, user, language: str) -> dict:
    """A signature line; an unsigned draft's decision maker is a line without a name."""
    return {"role": role, **(_person(user, language) if user else {"name": "", "title": ""})}
