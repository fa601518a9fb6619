"""Business secrets (liikesalaisuus) in an application: the answers and files the applicant marked as secret under
the Publicity Act 621/1999 §24(1)(20), and the application's public version, from which they and personal identity
codes are removed (an information request, asiakirjapyyntö).

The mark is the applicant's claim: officials see it beside the answer and decide on each request; no public output
(the register, the public version) ever shows marked content."""

from django.utils.translation import gettext as _

from avustamo.applications.models import Application
from avustamo.organisations.e_authorizations import IDENTITY_CODE

REASON_MAX_LENGTH = 300


def markable_questions(sections) -> list:
    """The questions a mark may name: each answered top-level element of the form (a group as a whole)."""
    return [
        element
        for section in sections
        for element in section.copied_elements
        if element.type not in ("info", "attachment")
    ]


def show_marks(sections, marks: dict[str, str]) -> None:
    """Put the applicant's reason on each marked element, for the templates that show the answers."""
    for section in sections:
        for element in section.elements:
            element.secret_reason = marks.get(element.id, "")


def without_identity_codes(value):
    """`value` (an answer: text, list or mapping) with every personal identity code replaced by a notice."""
    if isinstance(value, str):
        return IDENTITY_CODE.sub(_("[personal identity code removed]"), value)
    if isinstance(value, list):
        return [without_identity_codes(item) for item in value]
    if isinstance(value, dict):
        return {key: without_identity_codes(item) for key, item in value.items()}
    return value


def public_answers(answers: dict, marks: dict[str, str]) -> dict:
    """The answers as the public may read them: marked answers left out, identity codes removed."""
    return {key: without_identity_codes(value) for key, value in answers.items() if key not in marks}


def public_project_name(application: Application) -> str:
    """The project's name for the public register: empty when the applicant marked it as a business secret."""
    if not application.secret_answers:
        return application.project_name
    question = application.form.parsed.fact_questions()["project_name"]
    return "" if question.id in application.secret_answers else application.project_name
