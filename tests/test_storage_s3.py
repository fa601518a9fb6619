"""Files every server reaches (issue 15 §2): with FILE_STORAGE_S3_BUCKET set, attachments and decision documents
are objects in a private bucket of an S3-compatible store, here moto's standalone server as a process of its own,
and each download still goes through the view that checks the right to read it (the `bucket` fixture,
tests/s3_stand_in.py)."""

import pytest
import requests
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.applications.models import Application
from avustamo.core.object_storage import PrivateS3Storage
from avustamo.demo.documents import one_page_pdf
from tests.access import sign_in
from tests.factories import (
    CallAssignmentFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    DecisionFactory,
    GrantFactory,
    MembershipFactory,
    RegionFactory,
    ReportFactory,
    RequiredAttachmentFactory,
    UserFactory,
    complete_answers,
)

pytestmark = pytest.mark.django_db


def _downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_the_settings_store_files_in_the_bucket(bucket):
    stored = default_storage.save("probe/hello.txt", SimpleUploadedFile("hello.txt", b"hello"))
    assert isinstance(default_storage._wrapped, PrivateS3Storage)
    assert bucket.read(stored) == b"hello"


def test_an_applicants_attachment_is_an_object_the_official_downloads_through_the_view(client, bucket):
    call = CallFactory()
    CallFormFactory(call=call)
    CallDeclarationFactory(call=call)
    RegionFactory()
    required = RequiredAttachmentFactory(call=call)
    member = MembershipFactory()
    _token, token = api_token_create(name="ours", scope=ApiToken.Scope.READ_WRITE, acting_user=member.person)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    started = client.post(
        "/api/v1/applications",
        {"call_id": call.pk, "organisation_id": member.organisation_id},
        content_type="application/json",
        **headers,
    ).json()
    url = f"/api/v1/applications/{started['id']}"
    saved = client.patch(
        url, {"version": 1, "answers": complete_answers(call)}, content_type="application/json", **headers
    )
    assert saved.status_code == 200
    content = one_page_pdf("Säännöt", ["Kotipiha ry"])
    attached = client.post(
        f"{url}/attachments",
        {"file": SimpleUploadedFile("säännöt.pdf", content), "required_attachment_id": required.pk},
        **headers,
    )
    assert attached.status_code == 201
    assert client.post(f"{url}/submit", **headers).status_code == 200
    attachment = Application.objects.get(pk=started["id"]).attachments.get()
    assert bucket.read(attachment.file.name) == content

    path = f"/official/applications/{attachment.application_id}/attachments/{attachment.pk}/"
    sign_in(client, UserFactory(roles=["programme_manager"]))
    assert _downloaded(client.get(path)) == content

    sign_in(client, MembershipFactory().person)
    refused = client.get(path)
    assert refused.status_code in (403, 404)
    assert content not in refused.content


def test_a_report_attachment_is_downloaded_by_its_writer_and_the_presenter_and_no_one_else(client, bucket):
    report = ReportFactory.draft()
    attachment = report.attachments.get()
    content = bucket.read(attachment.file.name)
    assert content.startswith(b"%PDF")
    path = f"/applications/report-attachments/{attachment.pk}/"

    sign_in(client, report.created_by)
    assert _downloaded(client.get(path)) == content

    report = ReportFactory.sent(grant=GrantFactory.to_report_on())
    attachment = report.attachments.get()
    path = f"/applications/report-attachments/{attachment.pk}/"
    sign_in(client, CallAssignmentFactory.presenter_of(report.grant))
    assert _downloaded(client.get(path)) == bucket.read(attachment.file.name)

    sign_in(client, MembershipFactory().person)
    assert client.get(path).status_code == 404


def test_a_published_decision_document_is_stored_in_the_bucket_and_read_by_the_recipient(client, bucket):
    decision = DecisionFactory.published()
    stored = bucket.read(decision.document.name)
    assert stored.startswith(b"%PDF")
    path = f"/applications/{decision.application_id}/decision-{decision.language}.pdf"

    sign_in(client, decision.application.submitted_by)
    response = client.get(path)
    assert response["Content-Type"] == "application/pdf"
    assert _downloaded(response) == stored

    sign_in(client, MembershipFactory().person)
    assert client.get(path).status_code == 404


def test_objects_are_private_encrypted_and_never_linked(bucket, moto_s3):
    name = default_storage.save("probe/private.pdf", SimpleUploadedFile("private.pdf", b"%PDF-1.4 private"))
    key = bucket.key(name)

    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]
    assert bucket.client.head_object(Bucket=bucket.name, Key=key)["ServerSideEncryption"] == "AES256"
    anonymous = requests.get(f"{moto_s3}/{bucket.name}/{key}", timeout=5)
    assert anonymous.status_code == 403 and b"private" not in anonymous.content
    with pytest.raises(NotImplementedError):
        default_storage.url(name)


def test_a_name_in_use_is_never_overwritten(bucket):
    first = default_storage.save("probe/same.pdf", SimpleUploadedFile("same.pdf", b"first"))
    second = default_storage.save("probe/same.pdf", SimpleUploadedFile("same.pdf", b"second"))
    assert first != second
    assert (bucket.read(first), bucket.read(second)) == (b"first", b"second")
