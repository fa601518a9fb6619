"""An integrator's whole path through a client generated from the published OpenAPI document (issue 16).

openapi-python-client generates the client from `/api/v1/openapi.json` as docs/api.md tells integrators to; the
test then does with it only what an organisation's own system would: reads the call's form and the JSON Schema of
its answers, fills every kind of question, uploads each required attachment, submits, reads the receipt and, once
the ministry has decided, the decision and its document. Nothing here knows the API's URLs or shapes but the
generated code, so a change of the contract that breaks generated clients fails here.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.applications.models import Application
from avustamo.demo.documents import one_page_pdf
from tests.factories import (
    DecisionFactory,
    MembershipFactory,
    close_call,
    every_kind_answers,
    every_kind_call,
)

CLIENT_CONFIG = "content_type_overrides:\n  application/pdf: application/octet-stream\npost_hooks: []\n"
PACKAGE = "avustamo_api_client"


class DjangoTestClientTransport(httpx.BaseTransport):
    """httpx's requests answered by Django's test client, inside the test's database transaction."""

    def __init__(self):
        self.django = Client()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() not in ("host", "content-length")
        }
        content_type = headers.pop("content-type", None)
        path = request.url.raw_path.decode()
        response = self.django.generic(
            request.method, path, data=request.read(), content_type=content_type, headers=headers
        )
        content = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
        return httpx.Response(response.status_code, headers=dict(response.items()), content=content)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker):
    """The client package generated from the document the service publishes."""
    with django_db_blocker.unblock():
        document = Client().get("/api/v1/openapi.json").content
    folder = tmp_path_factory.mktemp("client")
    (folder / "openapi.json").write_bytes(document)
    (folder / "config.yaml").write_text(CLIENT_CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    finished = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(folder / "openapi.json"),
            "--config",
            str(folder / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "Warning" not in finished.stdout + finished.stderr, finished.stdout + finished.stderr
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(folder))
        for module in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[module]


@pytest.fixture
def call():
    return every_kind_call()


@pytest.mark.django_db
def test_an_applicants_whole_path_through_a_generated_client(generated, call):
    member = MembershipFactory()
    _api_token, token = api_token_create(
        name="järjestelmämme", scope=ApiToken.Scope.READ_WRITE, acting_user=member.person
    )
    client_module, types = generated("client"), generated("types")
    api = client_module.AuthenticatedClient(
        base_url="http://testserver", token=token, httpx_args={"transport": DjangoTestClientTransport()}
    )
    models = generated("models")

    def operation(name: str):
        return generated(f"api.{name}")

    # The call and its form, by the ids the form gives.
    page = operation("calls.list_calls").sync(client=api)
    assert [listed.id for listed in page.calls] == [call.pk]
    published = operation("calls.get_call").sync(call_id=call.pk, client=api)
    form = operation("calls.get_call_form").sync(call_id=call.pk, version=published.form.version, client=api)
    schema = operation("calls.get_answers_schema").sync(call_id=call.pk, version=form.version, client=api)
    answers = every_kind_answers(call) | {"declarations": [item.id for item in form.declarations]}
    Draft202012Validator(schema.to_dict(), format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        answers
    )

    # A draft, every kind of question answered, each attachment uploaded.
    start = operation("applicant.start_application")
    draft = start.sync(
        client=api, body=models.StartIn(call_id=call.pk, organisation_id=member.organisation_id)
    )
    assert draft.status == models.ApplicationSummaryOutStatus.DRAFT
    save = operation("applicant.save_answers")
    saved = save.sync(
        application_id=draft.id,
        client=api,
        body=models.AnswersIn(version=draft.version, answers=models.AnswersInAnswers.from_dict(answers)),
    )
    assert saved.version == draft.version + 1 and saved.answers.to_dict()["volunteers"][0]["volunteer-name"]
    stale = save.sync_detailed(
        application_id=draft.id,
        client=api,
        body=models.AnswersIn(version=draft.version, answers=models.AnswersInAnswers.from_dict({})),
    )
    assert stale.status_code == 409 and stale.parsed.errors[0].code == models.ProblemOutCode.STALE

    upload = operation("applicant.add_attachment")
    uploads = [{"required_attachment_id": str(item.id)} for item in form.required_attachments] + [
        {"question_id": "budget-sheet"}
    ]
    for number, names in enumerate(uploads):
        pdf = one_page_pdf(f"Liite {number}", ["Kotipiha ry"])
        attached = upload.sync(
            application_id=draft.id,
            client=api,
            body=models.AddAttachmentMultiPartBodyParams(
                file=types.File(payload=pdf, file_name=f"liite-{number}.pdf", mime_type="application/pdf"),
                **names,
            ),
        )
        assert attached.kind == models.AttachmentOutKind.PDF and attached.size == len(pdf)

    # Sent, with its receipt.
    submitted = operation("applicant.submit_application").sync(application_id=draft.id, client=api)
    assert submitted.status == models.ApplicationOutStatus.SUBMITTED, submitted
    assert submitted.requested_amount == "50000.00"
    receipt = operation("applicant.get_receipt").sync(application_id=draft.id, client=api)
    assert receipt.register_number == submitted.register_number and len(receipt.attachments) == len(uploads)
    copy = operation("applicant.get_receipt_document").sync(application_id=draft.id, client=api)
    assert copy.payload.read().startswith(b"%PDF")

    # The ministry decides; the decision and its document through the client.
    close_call(call)
    decision = DecisionFactory.published(application=Application.objects.get(pk=draft.id))
    decided = operation("applicant.get_decision").sync(application_id=draft.id, client=api)
    assert (decided.outcome, decided.amount) == (models.DecisionOutOutcome.APPROVED, f"{decision.amount:.2f}")
    document = operation("applicant.get_decision_document").sync(application_id=draft.id, client=api)
    assert document.payload.read().startswith(b"%PDF")
    accepted = operation("applicant.accept_grant").sync(application_id=draft.id, client=api)
    assert accepted.status == models.GrantAcceptanceOutStatus.ACCEPTED
