"""Random unicode through the text inputs of the services: every category of character (surrogates included),
NUL, right-to-left and other format marks, combining characters, and texts longer than most columns.

Each service either refuses the text with a clear message and keeps what it had — and only text that no database
can hold (NUL, a lone surrogate, longer than its column) or that is blank may be refused — or stores it and reads
it back exactly (as the service normalises it: stripped of surrounding whitespace), and the pages showing it
answer 200. Never a server error. Each example runs in a savepoint rolled back afterwards, so that every example
starts from the same objects.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.applications import services as application_services
from avustamo.applications.models import Application, CompletionRequest
from avustamo.core.dates import helsinki_today
from avustamo.core.text import UNSTORABLE
from avustamo.grants import services as grant_services
from avustamo.grants.models import ChangeRequest, Grant
from avustamo.hearings.models import Hearing
from avustamo.hearings.services import hearing_reply
from avustamo.organisations import services as organisation_services
from avustamo.organisations.models import Organisation
from avustamo.programmes import services as programme_services
from avustamo.programmes.application_form import builder
from avustamo.programmes.models import FormDraft, FormPurpose
from avustamo.reports.models import Report
from avustamo.reports.services import report_save
from tests.access import sign_in
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    CallFormFactory,
    GrantFactory,
    HearingFactory,
    MembershipFactory,
    ReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVERY_CHARACTER = st.characters() | st.characters(categories=["Cs"])
SPECIALS = [
    "\x00",  # NUL
    "\ud800",  # lone surrogates
    "\udfff",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u0301",  # combining acute accent, also with nothing to combine with
    "e\u0301",
    "\ufeff",  # byte order mark
    "\u2028",  # line separator
    " ",
    "\n",
    "<script>alert(1)</script>",
    "{{ request }}",
    "%(field)s",
    "\U0001f333",
    "\uffff",
]
TEXTS = st.one_of(
    st.text(EVERY_CHARACTER, max_size=40),
    st.lists(st.sampled_from(SPECIALS) | EVERY_CHARACTER, max_size=12).map("".join),
    st.text(EVERY_CHARACTER, min_size=250, max_size=2000),
)


@dataclass
class TextInput:
    """One free-text input of a service: how to prepare its objects (once per test), write `text` through the
    service, read the stored text back, and which pages show it to whom."""

    name: str
    prepare: Callable[[], dict]
    write: Callable[[dict, str], None]
    read: Callable[[dict], str | None]
    pages: Callable[[dict], list[tuple[object, str]]]
    max_length: int | None = None
    normalise: Callable[[str], str] = field(default=str.strip)


def _draft() -> dict:
    member = MembershipFactory()
    call = CallFactory()
    CallFormFactory(call=call)
    application = application_services.application_start(
        call=call, organisation=member.organisation, acting_user=member.person
    )
    return {"application": application, "member": member.person}


def _save_answer(objects: dict, text: str) -> None:
    application = Application.objects.get(pk=objects["application"].pk)
    application_services.application_save(
        application=application,
        answers={"project-name": text},
        version=application.version,
        acting_user=objects["member"],
    )


def _submitted() -> dict:
    application = ApplicationFactory.submitted(CallFactory(closed=True))
    return {"application": application, "official": UserFactory(roles=["programme_manager"])}


def _ask_completion(objects: dict, text: str) -> None:
    application_services.completion_request_create(
        application=Application.objects.get(pk=objects["application"].pk),
        question_ids=["objectives"],
        required_attachments=[],
        message=text,
        reply_by=helsinki_today() + datetime.timedelta(days=7),
        acting_user=objects["official"],
    )


def _form_builder() -> dict:
    return {
        "call": CallFormFactory(call=CallFactory(upcoming=True)).call,
        "official": UserFactory(roles=["programme_manager"]),
    }


def _label_in_builder(objects: dict, text: str) -> None:
    data = QueryDict(mutable=True)
    data["label-fi"] = text
    draft = FormDraft.objects.filter(call=objects["call"]).first()
    programme_services.form_draft_change(
        call=objects["call"],
        purpose=FormPurpose.APPLICATION,
        version=draft.version if draft else 0,
        operation=lambda definition: builder.apply_settings(definition, element_id="project-name", data=data),
        starting_definition=objects["call"].forms.get().definition,
        action="settings",
        acting_user=objects["official"],
    )


def _label_in_draft(objects: dict) -> str | None:
    draft = FormDraft.objects.filter(call=objects["call"]).first()
    return builder.find(draft.definition, "project-name")[0]["label"]["fi"] if draft else None


def _hearing() -> dict:
    hearing = HearingFactory()
    return {"hearing": hearing, "member": hearing.grant.application.submitted_by}


def _grant(accepted: bool) -> Callable[[], dict]:
    def prepare() -> dict:
        grant = GrantFactory.accepted() if accepted else GrantFactory.awaiting_acceptance()
        return {"grant": grant, "member": grant.application.submitted_by}

    return prepare


def _report() -> dict:
    report = ReportFactory.started()
    return {"report": report, "member": report.created_by}


def _save_report_answer(objects: dict, text: str) -> None:
    report = Report.objects.get(pk=objects["report"].pk)
    report_save(
        report=report,
        answers={"activities-done": text},
        version=report.version,
        acting_user=objects["member"],
    )


def _member() -> dict:
    member = MembershipFactory(role="administrator")
    return {"organisation": member.organisation, "member": member.person}


INPUTS = [
    TextInput(
        "application answer",
        _draft,
        _save_answer,
        lambda o: Application.objects.get(pk=o["application"].pk).answers.get("project-name"),
        lambda o: [(o["member"], reverse("applications:edit", args=[o["application"].pk]))],
        max_length=200,  # the standard form's project name
        normalise=lambda text: text,
    ),
    TextInput(
        "completion request",
        _submitted,
        _ask_completion,
        lambda o: (
            CompletionRequest.objects.filter(application=o["application"])
            .values_list("message", flat=True)
            .first()
        ),
        lambda o: [
            (o["official"], reverse("official:application", args=[o["application"].pk])),
            (o["application"].submitted_by, reverse("applications:edit", args=[o["application"].pk])),
        ],
    ),
    TextInput(
        "hearing reply",
        _hearing,
        lambda o, text: hearing_reply(hearing=o["hearing"], reply=text, acting_user=o["member"]),
        lambda o: Hearing.objects.get(pk=o["hearing"].pk).reply,
        lambda o: [
            (
                o["member"],
                reverse("applications:hearing", args=[o["hearing"].grant.application_id, o["hearing"].pk]),
            )
        ],
    ),
    TextInput(
        "reason for declining a grant",
        _grant(accepted=False),
        lambda o, text: grant_services.grant_decline(grant=o["grant"], reason=text, acting_user=o["member"]),
        lambda o: Grant.objects.get(pk=o["grant"].pk).decline_reason,
        lambda o: [(o["member"], reverse("applications:decision", args=[o["grant"].application_id]))],
    ),
    TextInput(
        "change request",
        _grant(accepted=True),
        lambda o, text: grant_services.change_request_submit(
            grant=o["grant"], content=text, content_reasons=text, acting_user=o["member"]
        ),
        lambda o: (
            ChangeRequest.objects.filter(grant=o["grant"])
            .values_list("parts__asked_content", flat=True)
            .first()
        ),
        lambda o: [(o["member"], reverse("applications:decision", args=[o["grant"].application_id]))],
    ),
    TextInput(
        "report text",
        _report,
        _save_report_answer,
        lambda o: Report.objects.get(pk=o["report"].pk).answers.get("activities-done"),
        lambda o: [
            (
                o["member"],
                reverse("applications:report", args=[o["report"].grant.application_id, o["report"].pk]),
            )
        ],
        normalise=lambda text: text,  # answers are kept as written, like the application's
    ),
    TextInput(
        "a question's label in the form builder",
        _form_builder,
        _label_in_builder,
        _label_in_draft,
        lambda o: [(o["official"], reverse("official:call_form_builder", args=[o["call"].pk]))],
    ),
    TextInput(
        "organisation name",
        _member,
        lambda o, text: organisation_services.organisation_update(
            organisation=o["organisation"], name=text, acting_user=o["member"]
        ),
        lambda o: Organisation.objects.get(pk=o["organisation"].pk).name,
        lambda o: [(o["member"], reverse("organisations:detail", args=[o["organisation"].pk]))],
        max_length=255,
        normalise=lambda text: text.strip(),  # stripped by the service as the pages' forms strip
    ),
    TextInput(
        "API token name",
        lambda: {"member": MembershipFactory().person},
        lambda o, text: api_token_create(name=text, acting_user=o["member"]),
        lambda o: ApiToken.objects.filter(user=o["member"]).values_list("name", flat=True).first(),
        lambda o: [(o["member"], reverse("accounts:api_tokens"))],
        normalise=lambda text: text.strip()[: ApiToken._meta.get_field("name").max_length],
    ),
]


def _may_be_refused(text_input: TextInput, text: str) -> bool:
    normalised = text_input.normalise(text)
    return bool(
        UNSTORABLE.search(text)
        or not normalised.strip()
        or (text_input.max_length and len(normalised) > text_input.max_length)
    )


@pytest.mark.parametrize("text_input", INPUTS, ids=lambda text_input: text_input.name)
def test_any_text_is_refused_clearly_or_stored_exactly_and_shown(client, text_input):
    objects = text_input.prepare()

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=TEXTS)
    def any_text(text):
        with transaction.atomic():
            before = text_input.read(objects)
            try:
                text_input.write(objects, text)
            except ValidationError as refusal:
                assert refusal.messages and all(message.strip() for message in refusal.messages)
                assert _may_be_refused(text_input, text), (text, refusal.messages)
                assert text_input.read(objects) == before
            else:
                assert text_input.read(objects) == text_input.normalise(text)
                for user, page in text_input.pages(objects):
                    sign_in(client, user)
                    assert client.get(page).status_code == 200, page
            transaction.set_rollback(True)

    any_text()
