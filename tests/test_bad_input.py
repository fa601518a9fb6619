"""Bad input a probe sends: lone surrogates, uploads whose name lies about their content, zip bombs, and requests
the API cannot read. Each is refused with a clear message and leaves nothing behind, or is served safely."""

import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, QueryDict
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext

from avustamo.applications import services as application_services
from avustamo.applications.models import Attachment
from avustamo.core import uploads
from avustamo.core.middleware import RefuseUnstorableTextMiddleware
from avustamo.demo.documents import one_page_pdf
from avustamo.hearings.models import HearingAttachment
from avustamo.hearings.services import hearing_reply
from avustamo.organisations.authority import representation_verification_request
from avustamo.reports.models import ReportAttachment
from avustamo.reports.services import report_attachment_add
from tests.access import sign_in
from tests.factories import (
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    HearingFactory,
    MembershipFactory,
    RegionFactory,
    ReportFactory,
    RequiredAttachmentFactory,
    StrongIdentityFactory,
    UserFactory,
    complete_answers,
)
from tests.test_applicant_api import _headers

pytestmark = pytest.mark.django_db

PDF = one_page_pdf("Säännöt", ["Kotipiha ry"])
# Messages are in the language of the request (Finnish here); the code points are named in every language.
SURROGATE_MESSAGE = "U+D800–U+DFFF"


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture
def draft(member):
    call = CallFactory()
    CallFormFactory(call=call)
    return application_services.application_start(
        call=call, organisation=member.organisation, acting_user=member.person
    )


def _patch(client, draft, body: bytes):
    return client.patch(
        f"/api/v1/applications/{draft.pk}",
        body,
        content_type="application/json",
        **_headers(draft.created_by),
    )


# --- Lone surrogates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (rb'{"version": 1, "answers": {"project-name": "Kotipiha \ud800"}}', "answers.project-name"),
        # Raw bytes of a surrogate: Python's JSON reader lets them through as one.
        (b'{"version": 1, "answers": {"project-name": "Kotipiha \xed\xa0\x80"}}', "answers.project-name"),
        (
            rb'{"version": 1, "answers": {"contact-persons": [{"name": "\udfff"}]}}',
            "answers.contact-persons.0.name",
        ),
        (rb'{"version": 1, "answers": {"x\udc00": "Kotipiha"}}', "answers.x\udc00"),
    ],
)
def test_a_lone_surrogate_in_json_answers_is_refused_with_422_and_nothing_is_saved(
    client, draft, body, field
):
    response = _patch(client, draft, body)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, "lone_surrogate")
    assert SURROGATE_MESSAGE in error["message"]
    draft.refresh_from_db()
    assert (draft.answers, draft.version) == ({}, 1)
    assert client.get(f"/api/v1/applications/{draft.pk}", **_headers(draft.created_by)).status_code == 200


def test_a_surrogate_pair_and_an_escaped_backslash_are_ordinary_text(client, draft):
    body = rb'{"version": 1, "answers": {"project-name": "Kotipiha \ud83c\udf33 \\ud800"}}'

    response = _patch(client, draft, body)

    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.answers["project-name"] == "Kotipiha \U0001f333 \\ud800"


def test_a_service_given_a_lone_surrogate_refuses_it_and_saves_nothing(draft):
    with pytest.raises(ValidationError) as refusal:
        application_services.application_save(
            application=draft, answers={"project-name": "\ud800"}, version=1, acting_user=draft.created_by
        )

    assert refusal.value.code == "unstorable_character"
    assert SURROGATE_MESSAGE in refusal.value.messages[0]
    draft.refresh_from_db()
    assert (draft.answers, draft.version) == ({}, 1)


def _request_carrying(where: str, path: str):
    """A request holding a lone surrogate where Django's own parsing never puts one (it decodes the bytes of
    query strings, form fields and file names with replacement): as a client building the request itself would."""
    request = RequestFactory().post(path, {"name": "Kotipiha"})
    carrying = QueryDict(mutable=True)
    carrying["name"] = "Kotipiha \ud800"
    if where == "query":
        request.GET = carrying
    elif where == "form":
        request.POST = carrying
    else:
        request._files = MultiValueDict({"file": [SimpleUploadedFile("säännöt\ud800.pdf", PDF)]})
        request.POST = QueryDict()
    return request


@pytest.mark.parametrize("where", ["query", "form", "file name"])
def test_the_middleware_refuses_a_lone_surrogate_wherever_a_request_carries_it(where):
    reached = []
    middleware = RefuseUnstorableTextMiddleware(lambda request: reached.append(request) or HttpResponse())

    page = middleware(_request_carrying(where, "/calls/"))
    api = middleware(_request_carrying(where, "/api/v1/calls"))

    assert page.status_code == 400 and SURROGATE_MESSAGE in page.content.decode()
    assert api.status_code == 422 and json.loads(api.content)["errors"][0]["code"] == "lone_surrogate"
    assert reached == []


def test_surrogate_bytes_in_a_query_or_a_form_post_arrive_as_replacement_characters(client, draft):
    assert client.get("/calls/?programme=%ED%A0%80").status_code == 200
    assert client.get("/api/v1/calls?agency=%ED%A0%80").json()["calls"] == []

    sign_in(client, draft.created_by)
    client.post(
        reverse("applications:edit", args=[draft.pk]),
        "version=1&q-project-name=Kotipiha%20%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    draft.refresh_from_db()
    assert draft.answers.get("project-name", "").startswith("Kotipiha \ufffd")
    assert client.get(reverse("applications:edit", args=[draft.pk])).status_code == 200


def test_surrogate_bytes_in_an_uploaded_file_name_arrive_as_replacement_characters(client, draft):
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="required_attachment_id"\r\n\r\n'
        f"{RequiredAttachmentFactory(call=draft.call).pk}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''saannot%ED%A0%80.pdf\r\n"
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = head.encode() + PDF + f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        f"/api/v1/applications/{draft.pk}/attachments",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        **_headers(draft.created_by),
    )

    assert response.status_code == 201, response.content
    [name] = Attachment.objects.values_list("original_name", flat=True)
    assert name.startswith("saannot\ufffd") and name.endswith(".pdf")


# --- Uploads: name and type follow the content ---------------------------------------------------------------


def _assert_served_as_pdf(response, stem: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{stem}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def _html_named_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("x.html", PDF, content_type="text/html")


def test_an_application_attachment_named_html_holding_a_pdf_is_kept_and_served_as_a_pdf(client, member):
    call = CallFactory()
    CallFormFactory(call=call)
    CallDeclarationFactory(call=call)
    RegionFactory()
    draft = application_services.application_start(
        call=call, organisation=member.organisation, acting_user=member.person
    )
    draft = application_services.application_save(
        application=draft, answers=complete_answers(call), version=1, acting_user=member.person
    )
    attachment = application_services.attachment_add(
        application=draft,
        upload=_html_named_pdf(),
        required_attachment=RequiredAttachmentFactory(call=call),
        acting_user=member.person,
    )
    application_services.application_submit(application=draft, acting_user=member.person)
    auditor = UserFactory(roles=["auditor"])
    sign_in(client, auditor)

    response = client.get(reverse("official:application_attachment", args=[draft.pk, attachment.pk]))

    assert re.fullmatch(r"applications/.*/x(_\w+)?\.pdf", attachment.file.name)
    assert attachment.original_name == "x.html"
    _assert_served_as_pdf(response, "x")


def test_a_report_attachment_named_html_holding_a_pdf_is_kept_and_served_as_a_pdf(client):
    report = ReportFactory.draft(attach=False)
    attachment = report_attachment_add(
        report=report, question_id="accounts", upload=_html_named_pdf(), acting_user=report.created_by
    )
    sign_in(client, report.created_by)

    response = client.get(reverse("applications:report_attachment", args=[attachment.pk]))

    assert re.fullmatch(r"reports/.*/x(_\w+)?\.pdf", ReportAttachment.objects.get().file.name)
    _assert_served_as_pdf(response, "x")


def test_a_hearing_attachment_named_html_holding_a_pdf_is_kept_and_served_as_a_pdf(client):
    hearing = HearingFactory()
    replier = hearing.grant.application.submitted_by
    hearing_reply(
        hearing=hearing, reply="Vastine liitteenä.", attachments=[_html_named_pdf()], acting_user=replier
    )
    attachment = HearingAttachment.objects.get()
    sign_in(client, replier)

    response = client.get(reverse("applications:hearing_attachment", args=[attachment.pk]))

    assert re.fullmatch(r"hearings/.*/x(_\w+)?\.pdf", attachment.file.name)
    _assert_served_as_pdf(response, "x")


def test_a_proof_of_representation_named_html_holding_a_pdf_is_kept_and_served_as_a_pdf(client):
    member = MembershipFactory(organisation__organisation_type="municipality", right_to_act=False)
    StrongIdentityFactory(user=member.person)
    verification = representation_verification_request(
        organisation=member.organisation,
        explanation="Kaupunginhallituksen päätös 7 §.",
        proof=_html_named_pdf(),
        acting_user=member.person,
    )
    sign_in(client, member.person)

    response = client.get(reverse("organisations:verification_document", args=[verification.pk]))

    assert re.fullmatch(r"representation/.*/x(_\w+)?\.pdf", verification.proof.name)
    _assert_served_as_pdf(response, "x")


def test_every_download_of_a_stored_file_goes_through_the_shared_helper():
    """FileResponse appears only in core.downloads, in the register's generated exports and in the Treasury's
    exports and deliveries (whose names and types are the service's own), so no view can send an upload under the
    name it came with."""
    from pathlib import Path

    import avustamo

    root = Path(avustamo.__file__).parent
    users = sorted(
        str(path.relative_to(root)) for path in root.rglob("*.py") if "FileResponse(" in path.read_text()
    )
    assert users == ["core/downloads.py", "register/downloads.py", "treasury/views.py"]


# --- Office documents that unpack too far ---------------------------------------------------------------------


def _docx(members: dict[str, bytes]) -> SimpleUploadedFile:
    """A zip that filetype recognises as a Word document ([Content_Types].xml first, then word/…)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for name, content in members.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("hakemus.docx", out.getvalue())


def test_an_ordinary_word_document_is_accepted():
    document = _docx({"word/document.xml": b"<w:document>Kotipiha ry</w:document>" * 200})

    assert uploads.accepted_upload_kind(document, kinds=("docx",), max_mb=10) == "docx"


@pytest.mark.parametrize(
    ("members", "code", "message"),
    [
        ({"word/document.xml": bytes(64 * 1024 * 1024)}, "unpacks_too_large", "250"),
        (
            {"word/document.xml": b"<w:document/>", **{f"word/media/{n}.xml": b"" for n in range(5001)}},
            "too_many_members",
            "5000",
        ),
    ],
    ids=["bomb", "too many files"],
)
def test_a_zip_bomb_is_refused_through_the_api_and_nothing_is_stored(client, draft, members, code, message):
    required = RequiredAttachmentFactory(call=draft.call)

    response = client.post(
        f"/api/v1/applications/{draft.pk}/attachments",
        {"file": _docx(members), "required_attachment_id": required.pk},
        **_headers(draft.created_by),
    )

    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert error["code"] == code and message in error["message"]
    assert not Attachment.objects.exists()


def test_a_damaged_office_document_is_refused_clearly():
    document = _docx({"word/document.xml": b"<w:document>Kotipiha ry</w:document>" * 200})
    content = document.read()
    cut = SimpleUploadedFile("hakemus.docx", content[: len(content) // 2])

    with pytest.raises(ValidationError) as refusal:
        uploads.accepted_upload_kind(cut, kinds=("docx",), max_mb=10)

    assert refusal.value.messages == [gettext("The document is damaged and cannot be read.")]


# --- Every error under /api/v1/ is JSON -------------------------------------------------------------------------


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_a_multipart_request_without_a_boundary_gets_the_apis_json_error(client, draft):
    response = client.post(
        f"/api/v1/applications/{draft.pk}/attachments",
        b"--x\r\n",
        content_type="multipart/form-data",
        **_headers(draft.created_by),
    )

    body = _json_error(response, 400)
    assert body["errors"][0]["code"] == "malformed_multipart" and "boundary" in body["detail"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b'{"version": 1, "answers": {', "application/json"), (b"version=1", "text/plain")],
    ids=["malformed JSON", "wrong content type"],
)
def test_a_body_the_api_cannot_parse_gets_a_json_400_and_nothing_is_saved(client, draft, body, content_type):
    response = client.patch(
        f"/api/v1/applications/{draft.pk}", body, content_type=content_type, **_headers(draft.created_by)
    )

    assert _json_error(response, 400)["detail"] == "Cannot parse request body"
    draft.refresh_from_db()
    assert draft.version == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_gets_a_json_413_and_nothing_is_saved(client, draft):
    body = json.dumps({"version": 1, "answers": {"project-name": "x" * 2000}}).encode()

    response = _patch(client, draft, body)

    assert _json_error(response, 413)["errors"][0]["code"] == "too_large"
    draft.refresh_from_db()
    assert draft.answers == {}


def test_an_unknown_endpoint_and_a_wrong_method_get_json(client):
    assert _json_error(client.get("/api/v1/no-such-endpoint"), 404)["detail"] == (
        "Rajapinnassa ei ole mitään tässä osoitteessa: katso /api/v1/docs."
    )
    wrong_method = client.delete("/api/v1/calls", HTTP_ACCEPT_LANGUAGE="en")
    assert _json_error(wrong_method, 405)["detail"] == (
        "This address of the API does not take DELETE; the Allow header says what it takes."
    )
    assert "GET" in wrong_method["Allow"]


def test_a_server_error_under_the_api_is_json(monkeypatch):
    def broken(**filters):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr("avustamo.api.api.public_calls", broken)

    response = Client(raise_request_exception=False).get("/api/v1/calls")

    body = _json_error(response, 500)
    assert body["detail"] == "Palvelu ei pystynyt vastaamaan. Yritä hetken kuluttua uudelleen."
    assert "fell over" not in response.content.decode()
