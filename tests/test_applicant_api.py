import datetime
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create, api_token_revoke
from avustamo.applications.models import Application, ApplicationStatus, Attachment, SubmittedVersion
from avustamo.core.dates import in_helsinki
from avustamo.demo.documents import one_page_pdf
from tests.access import sign_in
from tests.factories import (
    ApplicationFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    MembershipFactory,
    RegionFactory,
    RequiredAttachmentFactory,
    complete_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = CallFactory()
    CallFormFactory(call=call)
    CallDeclarationFactory(call=call)
    RegionFactory()
    return call


@pytest.fixture
def member():
    return MembershipFactory()


def _headers(user) -> dict:
    _api_token, token = api_token_create(name="our system", scope=ApiToken.Scope.READ_WRITE, acting_user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _start(client, call, member, headers) -> dict:
    """A draft started through the API, as its answer describes it."""
    return client.post(
        "/api/v1/applications",
        {"call_id": call.pk, "organisation_id": member.organisation_id},
        content_type="application/json",
        **headers,
    ).json()


def test_token_is_stored_hashed_and_shown_once(member):
    api_token, token = api_token_create(name="CRM", acting_user=member.person)
    assert token.startswith("avu_") and len(token) > 40
    assert token not in api_token.token_hash and api_token.prefix == token[:12]


def test_command_prints_a_working_token(client, member, capsys):
    call_command("create_api_token", member.person.email.upper())
    token = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer avu_not-a-token", "Basic dXNlcjpwYXNz"])
def test_without_a_valid_token_the_api_answers_401(client, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/api/v1/me", **kwargs).status_code == 401
    assert client.get("/api/v1/applications", **kwargs).status_code == 401


def test_revoked_token_no_longer_works(client, member):
    api_token, token = api_token_create(name="old", acting_user=member.person)
    api_token_revoke(api_token=api_token, acting_user=member.person)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_me_lists_the_organisations(client, member):
    body = client.get("/api/v1/me", **_headers(member.person)).json()
    assert body["email"] == member.person.email
    assert body["organisations"] == [
        {
            "id": member.organisation_id,
            "name": member.organisation.name,
            "business_id": member.organisation.business_id,
            "role": "member",
        }
    ]


def test_the_whole_application_through_the_api(client, call, member):
    headers = _headers(member.person)
    required = RequiredAttachmentFactory(call=call)
    response = client.post(
        "/api/v1/applications",
        {"call_id": call.pk, "organisation_id": member.organisation_id},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    application = response.json()
    assert (application["status"], application["version"]) == ("draft", 1)
    url = f"/api/v1/applications/{application['id']}"

    refused = client.post(f"{url}/submit", **headers)
    assert refused.status_code == 422
    assert {"field": "q-project-name", "code": "required"} in [
        {"field": error["field"], "code": error["code"]} for error in refused.json()["errors"]
    ]

    saved = client.patch(
        url, {"version": 1, "answers": complete_answers(call)}, content_type="application/json", **headers
    )
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = client.patch(
        url, {"version": 1, "answers": {"project-name": "Toinen"}}, content_type="application/json", **headers
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "stale"

    upload = SimpleUploadedFile(
        "säännöt.pdf", one_page_pdf("Säännöt", ["Kotipiha ry"]), content_type="application/pdf"
    )
    attached = client.post(
        f"{url}/attachments", {"file": upload, "required_attachment_id": required.pk}, **headers
    )
    assert attached.status_code == 201 and attached.json()["kind"] == "pdf"

    submitted = client.post(f"{url}/submit", **headers)
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted" and body["register_number"].startswith("TEM/")
    assert body["requested_amount"] == "50000.00"
    again = client.post(f"{url}/submit", **headers)
    assert again.json()["register_number"] == body["register_number"]
    assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 1

    receipt = client.get(f"{url}/receipt", **headers).json()
    sent = SubmittedVersion.objects.get()
    assert (receipt["register_number"], receipt["version"], receipt["requested_amount"]) == (
        body["register_number"],
        1,
        "50000.00",
    )
    assert receipt["sent_by"] == member.person.full_name and receipt["call"]["id"] == call.pk
    assert datetime.datetime.fromisoformat(receipt["received_at"]) - sent.sent_at < datetime.timedelta(
        milliseconds=1
    )
    assert (
        receipt["answers_sha256"]
        == hashlib.sha256(
            json.dumps(sent.answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
    )
    assert [item["sha256"] for item in receipt["attachments"]] == [attached.json()["sha256"]]
    document = client.get(receipt["document_url"], HTTP_ACCEPT_LANGUAGE="sv", **headers)
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF")
    assert "-v1.pdf" in document["Content-Disposition"] and document["X-Content-Type-Options"] == "nosniff"

    withdrawn = client.post(f"{url}/withdraw", **headers)
    assert withdrawn.json()["status"] == "withdrawn"


def test_malformed_answers_get_422_with_fields(client, call, member):
    headers = _headers(member.person)
    application = _start(client, call, member, headers)
    response = client.patch(
        f"/api/v1/applications/{application['id']}",
        {"version": 1, "answers": {"budget": {"costs": {"personnel": "paljon"}}}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q-budget"
    assert Application.objects.get().answers == {}


def test_a_save_changes_only_the_answers_it_names_and_a_null_removes_one(client, call, member):
    headers = _headers(member.person)
    application = _start(client, call, member, headers)
    url = f"/api/v1/applications/{application['id']}"
    answers = complete_answers(call)
    assert (
        client.patch(
            url, {"version": 1, "answers": answers}, content_type="application/json", **headers
        ).json()["version"]
        == 2
    )

    response = client.patch(
        url,
        {"version": 2, "answers": {"activities": "Kuukausittaiset retket.", "objectives": None}},
        content_type="application/json",
        **headers,
    )

    assert response.status_code == 200
    expected = {key: value for key, value in answers.items() if key != "objectives"} | {
        "activities": "Kuukausittaiset retket."
    }
    assert response.json()["answers"] == expected
    assert Application.objects.get(pk=application["id"]).answers == expected


def test_another_organisations_application_is_not_found(client, call, member):
    stranger = MembershipFactory()
    application = client.post(
        "/api/v1/applications",
        {"call_id": call.pk, "organisation_id": member.organisation_id},
        content_type="application/json",
        **_headers(member.person),
    ).json()
    headers = _headers(stranger.person)
    url = f"/api/v1/applications/{application['id']}"
    assert client.get(url, **headers).status_code == 404
    assert (
        client.patch(
            url, {"version": 1, "answers": {}}, content_type="application/json", **headers
        ).status_code
        == 404
    )
    assert client.post(f"{url}/submit", **headers).status_code == 404
    assert client.post(f"{url}/withdraw", **headers).status_code == 404
    assert client.get("/api/v1/applications", **headers).json()["applications"] == []
    started = client.post(
        "/api/v1/applications",
        {"call_id": call.pk, "organisation_id": member.organisation_id},
        content_type="application/json",
        **headers,
    )
    assert started.status_code == 404
    assert Application.objects.count() == 1


def test_tokens_page_creates_and_revokes(client, member):
    sign_in(client, member.person)
    page = client.post("/accounts/api-tokens/", {"name": "Kirjanpito"}).content.decode()
    token = ApiToken.objects.get()
    assert token.prefix in page
    client.post(f"/accounts/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.post("/accounts/api-tokens/", {"name": ""}).status_code == 422
    assert ApiToken.objects.count() == 1


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
QUESTION_IDS = st.sampled_from(
    [
        "project-name",
        "regions",
        "period",
        "budget",
        "contact-persons",
        "declarations",
        "objectives",
        "unknown-question",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.dictionaries(QUESTION_IDS, JSON_VALUES, max_size=4))
def test_no_answer_whatever_its_shape_causes_a_server_error(client, call, member, answers):
    headers = _headers(member.person)
    application = Application.objects.filter(organisation=member.organisation).first()
    if application is None:
        application_id = client.post(
            "/api/v1/applications",
            {"call_id": call.pk, "organisation_id": member.organisation_id},
            content_type="application/json",
            **headers,
        ).json()["id"]
        application = Application.objects.get(pk=application_id)
    response = client.patch(
        f"/api/v1/applications/{application.pk}",
        {"version": application.version, "answers": answers},
        content_type="application/json",
        **headers,
    )
    assert response.status_code in {200, 422}, response.content
    assert client.post(f"/api/v1/applications/{application.pk}/submit", **headers).status_code == 422


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"project-name": "Kotipiha\x00"}, "q-project-name", "U+0000"),
        ({"contact-persons": [{"name": "Aino\x00"}]}, "q-contact-persons", "U+0000"),
        ({"unknown\x00": "x"}, "q-unknown\x00", ""),
    ],
)
def test_a_nul_character_in_an_answer_is_refused_and_nothing_is_saved(
    client, call, member, answers, field, message
):
    headers = _headers(member.person)
    application = _start(client, call, member, headers)
    response = client.patch(
        f"/api/v1/applications/{application['id']}",
        {"version": 1, "answers": answers},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field
    assert message in error["message"]
    assert Application.objects.get().answers == {}


def test_a_nul_character_in_a_query_or_form_is_refused_on_every_database(client, member):
    response = client.get("/api/v1/calls", {"agency": "TEM\x00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "null_character"

    page = client.get("/calls/", {"programme": "x\x00"})
    assert page.status_code == 400
    assert "U+0000" in page.content.decode()


@pytest.mark.parametrize("value", [True, "1", 1.0])
def test_an_id_of_another_json_type_is_refused(client, call, member, value):
    response = client.post(
        "/api/v1/applications",
        {"call_id": value, "organisation_id": member.organisation_id},
        content_type="application/json",
        **_headers(member.person),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("call_id")
    assert not Application.objects.exists()


def test_times_are_answered_in_helsinki_time_as_documented(client, call, member):
    """The document promises the Europe/Helsinki offset; a UTC time would read as two or three hours off."""
    started = _start(client, call, member, _headers(member.person))
    updated_at = datetime.datetime.fromisoformat(started["updated_at"])
    stored = Application.objects.get(pk=started["id"]).updated_at
    # JSON carries milliseconds.
    assert abs(updated_at - stored) < datetime.timedelta(milliseconds=1)
    assert updated_at.utcoffset() == in_helsinki(stored).utcoffset()
    assert updated_at.utcoffset() in (datetime.timedelta(hours=2), datetime.timedelta(hours=3))


def test_a_draft_never_sent_and_another_organisations_application_have_no_receipt(client, call, member):
    headers = _headers(member.person)
    draft = _start(client, call, member, headers)
    for path in ("receipt", "receipt.pdf"):
        assert client.get(f"/api/v1/applications/{draft['id']}/{path}", **headers).status_code == 404
    sent = ApplicationFactory.submitted(call=call)
    for path in ("receipt", "receipt.pdf"):
        assert client.get(f"/api/v1/applications/{sent.pk}/{path}", **headers).status_code == 404


def test_the_receipt_makes_the_same_statements_for_one_attachment_and_many(client, call, member):
    headers = _headers(member.person)
    application = ApplicationFactory.submitted(call=call, applicant=member.person)

    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/applications/{application.pk}/receipt", **headers).status_code == 200
        return len(captured)

    statements()  # the token's first use of the minute is written down once
    few = statements()
    sent = SubmittedVersion.objects.get(application=application)
    for number in range(3):
        attachment = Attachment.objects.create(
            application=application,
            file=f"applications/liite-{number}.pdf",
            original_name=f"liite-{number}.pdf",
            kind="pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=member.person,
        )
        sent.attachment_ids.append(attachment.pk)
    sent.save()
    assert statements() == few
    assert (
        len(client.get(f"/api/v1/applications/{application.pk}/receipt", **headers).json()["attachments"])
        == 3
    )
