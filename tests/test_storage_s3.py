"""Files every server reaches (issue 15 §2): with FILE_STORAGE_S3_BUCKET set, attachments and decision documents
are objects in a private bucket of an S3-compatible store, here moto's standalone server as a process of its own,
and each download still goes through the view that checks the right to read it."""

import runpy
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

import avustamo.settings
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

REGION = "eu-north-1"
ACCESS_KEY = "moto-access-key"
SECRET_KEY = "moto-secret-key"
PREFIX = "avustamo"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_s3():
    """moto's S3 server on a free port of 127.0.0.1, for the whole session: its address."""
    port = _free_port()
    executable = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{url}/moto-api/", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"moto's S3 server ({executable}) did not start on port {port}: {process.stderr.read()[-2000:]}"
                ) from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(moto_s3, settings, monkeypatch):
    """A new private bucket, and the service storing its files there through the settings' own S3 block, read
    with the FILE_STORAGE_S3_* variables an operator sets."""
    name = f"avustamo-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    for variable, value in {
        "FILE_STORAGE_S3_BUCKET": name,
        "FILE_STORAGE_S3_ENDPOINT_URL": moto_s3,
        "FILE_STORAGE_S3_REGION": REGION,
        "FILE_STORAGE_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "FILE_STORAGE_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "FILE_STORAGE_S3_PREFIX": PREFIX,
        "FILE_STORAGE_S3_SERVER_SIDE_ENCRYPTION": "AES256",
    }.items():
        monkeypatch.setenv(variable, value)
    production = runpy.run_path(avustamo.settings.__file__)
    settings.STORAGES = {**settings.STORAGES, "default": production["STORAGES"]["default"]}
    return client, name


def _object(bucket, name: str) -> bytes:
    client, bucket_name = bucket
    return client.get_object(Bucket=bucket_name, Key=f"{PREFIX}/{name}")["Body"].read()


def _downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_the_settings_store_files_in_the_bucket(bucket):
    stored = default_storage.save("probe/hello.txt", SimpleUploadedFile("hello.txt", b"hello"))
    assert isinstance(default_storage._wrapped, PrivateS3Storage)
    assert _object(bucket, stored) == b"hello"


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
    assert _object(bucket, attachment.file.name) == content

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
    content = _object(bucket, attachment.file.name)
    assert content.startswith(b"%PDF")
    path = f"/applications/report-attachments/{attachment.pk}/"

    sign_in(client, report.created_by)
    assert _downloaded(client.get(path)) == content

    report = ReportFactory.sent(grant=GrantFactory.to_report_on())
    attachment = report.attachments.get()
    path = f"/applications/report-attachments/{attachment.pk}/"
    sign_in(client, CallAssignmentFactory.presenter_of(report.grant))
    assert _downloaded(client.get(path)) == _object(bucket, attachment.file.name)

    sign_in(client, MembershipFactory().person)
    assert client.get(path).status_code == 404


def test_a_published_decision_document_is_stored_in_the_bucket_and_read_by_the_recipient(client, bucket):
    decision = DecisionFactory.published()
    stored = _object(bucket, decision.document.name)
    assert stored.startswith(b"%PDF")
    path = f"/applications/{decision.application_id}/decision-{decision.language}.pdf"

    sign_in(client, decision.application.submitted_by)
    response = client.get(path)
    assert response["Content-Type"] == "application/pdf"
    assert _downloaded(response) == stored

    sign_in(client, MembershipFactory().person)
    assert client.get(path).status_code == 404


def test_objects_are_private_encrypted_and_never_linked(bucket, moto_s3):
    client, bucket_name = bucket
    name = default_storage.save("probe/private.pdf", SimpleUploadedFile("private.pdf", b"%PDF-1.4 private"))
    key = f"{PREFIX}/{name}"

    grants = client.get_object_acl(Bucket=bucket_name, Key=key)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]
    assert client.head_object(Bucket=bucket_name, Key=key)["ServerSideEncryption"] == "AES256"
    anonymous = requests.get(f"{moto_s3}/{bucket_name}/{key}", timeout=5)
    assert anonymous.status_code == 403 and b"private" not in anonymous.content
    with pytest.raises(NotImplementedError):
        default_storage.url(name)


def test_a_name_in_use_is_never_overwritten(bucket):
    first = default_storage.save("probe/same.pdf", SimpleUploadedFile("same.pdf", b"first"))
    second = default_storage.save("probe/same.pdf", SimpleUploadedFile("same.pdf", b"second"))
    assert first != second
    assert (_object(bucket, first), _object(bucket, second)) == (b"first", b"second")
