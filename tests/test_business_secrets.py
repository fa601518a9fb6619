"""Business secrets (Publicity Act 621/1999 §24(1)(20)) and information requests: the applicant marks answers and
files with a reason, officials see the marks, the public register and the public version never show what is
marked, and each public version produced is logged."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avustamo.applications import services
from avustamo.applications.models import Application, Attachment
from avustamo.applications.secrets import without_identity_codes
from avustamo.core.models import AuditEntry
from avustamo.decisions.models import DecisionStatus
from avustamo.decisions.selectors import draft_defaults
from avustamo.register.models import PublishedGrant
from avustamo.register.services import register_decision
from avustamo.treasury import export as treasury_export
from tests.access import sign_in
from tests.conftest import PLACEHOLDER_PDF
from tests.documents import pdf_text
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    CallFormFactory,
    DecisionFactory,
    MembershipFactory,
    UserFactory,
    close_call,
    complete_answers,
    every_kind_call,
)

SECRET_ACTIVITIES = "Salainen hinnoittelumalli: 42 euroa tunnilta kumppaneille"
IDENTITY_CODE = "131052-308T"


def _attach(application, name="hinnasto.pdf") -> Attachment:
    return Attachment.objects.create(
        application=application,
        file=ContentFile(PLACEHOLDER_PDF, name=name),
        original_name=name,
        kind="pdf",
        size=len(PLACEHOLDER_PDF),
        sha256="0" * 64,
        uploaded_by=application.created_by,
    )


@pytest.fixture
def draft(db):
    call = CallFactory()
    CallFormFactory(call=call)
    member = MembershipFactory().person
    application = ApplicationFactory(
        call=call, organisation=member.memberships.get().organisation, created_by=member
    )
    Application.objects.filter(pk=application.pk).update(
        answers=complete_answers(call) | {"activities": SECRET_ACTIVITIES}
    )
    application.refresh_from_db()
    return application


class TestMarking:
    def test_the_applicant_marks_an_answer_and_a_file_with_reasons(self, client, draft):
        price_list = _attach(draft)
        sign_in(client, draft.created_by)
        page = client.get(f"/applications/{draft.pk}/business-secrets/")
        assert page.status_code == 200
        assert 'name="secret-q-activities"' in page.content.decode()
        assert f'name="secret-file-{price_list.pk}"' in page.content.decode()

        response = client.post(
            f"/applications/{draft.pk}/business-secrets/",
            {
                "secret-q-activities": "1",
                "reason-q-activities": "Hinnoittelu on kilpailijoilta salassa",
                f"secret-file-{price_list.pk}": "1",
                f"reason-file-{price_list.pk}": "Asiakashinnasto",
            },
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        price_list.refresh_from_db()
        assert draft.secret_answers == {"activities": "Hinnoittelu on kilpailijoilta salassa"}
        assert price_list.secret_reason == "Asiakashinnasto"
        entry = AuditEntry.objects.get(action="application.business_secrets_marked")
        assert entry.details == {"questions": ["activities"], "attachments": [price_list.pk]}
        again = client.get(f"/applications/{draft.pk}/business-secrets/").content.decode()
        assert 'value="Hinnoittelu on kilpailijoilta salassa"' in again and 'value="Asiakashinnasto"' in again

    def test_a_mark_without_a_reason_is_refused_and_nothing_saved(self, client, draft):
        sign_in(client, draft.created_by)
        response = client.post(
            f"/applications/{draft.pk}/business-secrets/",
            {"secret-q-activities": "1", "reason-q-activities": "  "},
        )
        assert response.status_code == 422
        assert "Kerro lyhyesti" in response.content.decode()
        draft.refresh_from_db()
        assert draft.secret_answers == {}
        assert not AuditEntry.objects.filter(action="application.business_secrets_marked").exists()

    def test_a_question_not_on_the_form_is_refused(self, draft):
        with pytest.raises(ValidationError) as refused:
            services.business_secrets_mark(
                application=draft, answers={"no-such": "x"}, attachments={}, acting_user=draft.created_by
            )
        assert refused.value.code == "unknown_part"
        draft.refresh_from_db()
        assert draft.secret_answers == {}

    def test_someone_of_another_organisation_cannot_mark(self, client, draft):
        stranger = MembershipFactory().person
        sign_in(client, stranger)
        response = client.post(
            f"/applications/{draft.pk}/business-secrets/",
            {"secret-q-activities": "1", "reason-q-activities": "x"},
        )
        assert response.status_code == 404
        draft.refresh_from_db()
        assert draft.secret_answers == {}

    def test_the_page_makes_the_same_number_of_statements_whatever_the_files(self, client, draft):
        sign_in(client, draft.created_by)
        _attach(draft)
        client.get(f"/applications/{draft.pk}/business-secrets/")  # warm the session and caches
        with CaptureQueriesContext(connection) as one:
            client.get(f"/applications/{draft.pk}/business-secrets/")
        for name in ("a.pdf", "b.pdf", "c.pdf"):
            _attach(draft, name)
        with CaptureQueriesContext(connection) as four:
            client.get(f"/applications/{draft.pk}/business-secrets/")
        assert len(four) == len(one)


@pytest.fixture
def sent_with_marks(db):
    """A sent application with an answer and a file marked, an identity code in another answer, the call closed,
    and its presenter."""
    call = CallFactory()
    CallFormFactory(call=call)
    applicant = MembershipFactory().person
    application = ApplicationFactory.submitted(
        call,
        applicant=applicant,
        answers={"activities": SECRET_ACTIVITIES, "target-groups": f"Yhteyshenkilö {IDENTITY_CODE} ohjaa."},
    )
    price_list = _attach(application)
    Application.objects.filter(pk=application.pk).update(secret_answers={"activities": "Hinnoittelu"})
    Attachment.objects.filter(pk=price_list.pk).update(secret_reason="Asiakashinnasto")
    close_call(call)
    application.refresh_from_db()
    return application


def test_officials_see_the_marks_beside_the_answer_and_the_file(client, sent_with_marks):
    sign_in(client, UserFactory(roles=["programme_manager"]))
    page = client.get(f"/official/applications/{sent_with_marks.pk}/").content.decode()
    assert SECRET_ACTIVITIES in page
    assert "Merkitty liikesalaisuudeksi" in page
    assert "Hinnoittelu" in page and "Asiakashinnasto" in page


@pytest.mark.reads_pdf
def test_the_public_version_replaces_the_marked_parts_removes_identity_codes_and_is_logged(
    client, sent_with_marks
):
    manager = UserFactory(roles=["programme_manager"], full_name="Maija Manageri")
    sign_in(client, manager)
    page = client.get(f"/official/applications/{sent_with_marks.pk}/public-version/")
    assert page.status_code == 200

    response = client.post(
        f"/official/applications/{sent_with_marks.pk}/public-version/", {"version": "1", "language": "fi"}
    )
    assert response.status_code == 200
    text = " ".join(pdf_text(b"".join(response.streaming_content)).split())
    assert "Julkinen versio" in text
    assert "Salainen hinnoittelumalli" not in text
    assert "hinnasto.pdf" not in text
    assert IDENTITY_CODE not in text and "henkilötunnus poistettu" in text
    assert "24 §:n 1 momentin 20 kohdan" in text
    assert "Vertaistukea maahanmuuttaneille perheille." in text and "ohjaa" in text
    entry = AuditEntry.objects.get(action="application.public_version_produced")
    assert entry.actor == manager and entry.details["version"] == 1 and entry.details["language"] == "fi"
    assert (
        "Maija Manageri"
        in client.get(f"/official/applications/{sent_with_marks.pk}/public-version/").content.decode()
    )


def test_a_version_not_sent_is_refused_and_nothing_logged(client, sent_with_marks):
    sign_in(client, UserFactory(roles=["programme_manager"]))
    response = client.post(
        f"/official/applications/{sent_with_marks.pk}/public-version/", {"version": "9", "language": "fi"}
    )
    assert response.status_code == 422
    assert not AuditEntry.objects.filter(action="application.public_version_produced").exists()


def test_a_reviewer_may_read_but_not_answer_an_information_request(client, sent_with_marks):
    reviewer = UserFactory(roles=["reviewer"])
    sign_in(client, reviewer)
    response = client.post(
        f"/official/applications/{sent_with_marks.pk}/public-version/", {"version": "1", "language": "fi"}
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="application.public_version_produced").exists()


def test_the_register_leaves_out_a_project_name_marked_secret(sent_with_marks):
    Application.objects.filter(pk=sent_with_marks.pk).update(secret_answers={"project-name": "Tuotenimi"})
    sent_with_marks.refresh_from_db()
    decision = DecisionFactory.signed(application=sent_with_marks)
    decision.status = DecisionStatus.PUBLISHED
    published = register_decision(decision=decision)
    assert published is not None
    assert PublishedGrant.objects.get(pk=published.pk).project_name == ""


def test_the_information_request_page_makes_the_same_number_of_statements_whatever_the_marks(
    client, sent_with_marks
):
    manager = UserFactory(roles=["programme_manager"])
    sign_in(client, manager)
    path = f"/official/applications/{sent_with_marks.pk}/public-version/"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for name in ("a.pdf", "b.pdf"):
        Attachment.objects.filter(pk=_attach(sent_with_marks, name).pk).update(secret_reason="Hinnasto")
    AuditEntry.objects.create(
        actor=manager,
        action="application.public_version_produced",
        target_type="applications.application",
        target_id=str(sent_with_marks.pk),
        details={"version": 1, "language": "sv"},
    )
    with CaptureQueriesContext(connection) as more:
        page = client.get(path)
    assert "Hinnasto" in page.content.decode()
    assert len(more) == len(few)


def test_a_name_marked_secret_is_not_offered_as_the_decisions_purpose_nor_sent_to_the_treasury(
    sent_with_marks,
):
    Application.objects.filter(pk=sent_with_marks.pk).update(secret_answers={"project-name": "Tuotenimi"})
    sent_with_marks.refresh_from_db()
    assert sent_with_marks.project_name
    assert draft_defaults(sent_with_marks)["purpose"] == ""

    selection = treasury_export.make_selection(call_reference=sent_with_marks.call.reference)
    (applications,) = treasury_export.record_sets_of(["applications"])
    (record,) = list(applications.records(selection))
    assert record["project_name"] == ""


def test_a_question_inside_a_group_cannot_be_marked_on_its_own(db):
    call = every_kind_call()
    member = MembershipFactory().person
    application = ApplicationFactory(
        call=call, organisation=member.memberships.get().organisation, created_by=member
    )
    member_id = next(
        question.id for question, group in application.form.parsed.elements() if group is not None
    )
    with pytest.raises(ValidationError) as refused:
        services.business_secrets_mark(
            application=application, answers={member_id: "Hinnat"}, attachments={}, acting_user=member
        )
    assert refused.value.code == "unknown_part"
    application.refresh_from_db()
    assert application.secret_answers == {}


@pytest.mark.parametrize("key", ["secret-file-²", "secret-file-" + "9" * 5000])
def test_a_file_key_that_is_no_id_is_left_out_not_a_server_error(client, draft, key):
    sign_in(client, draft.created_by)
    response = client.post(f"/applications/{draft.pk}/business-secrets/", {key: "1"})
    # Saved with no file marked, or the over-long field name refused by the request's own check.
    assert response.status_code in (302, 400)
    draft.refresh_from_db()
    assert draft.secret_answers == {}


@pytest.mark.parametrize("code", ["131052-308T", "131052-308t", "010594y9032", "010594Y9032"])
def test_identity_codes_are_removed_whichever_case_they_are_written_in(code):
    cleaned = without_identity_codes({"rows": [f"Yhteyshenkilö {code} ohjaa."]})
    assert code not in str(cleaned) and cleaned["rows"][0].startswith("Yhteyshenkilö [")
