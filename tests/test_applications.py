import datetime
import importlib
import io
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import clear_url_caches
from django.utils import timezone, translation
from pypdf import PdfReader

import avustamo.urls
from avustamo.applications import services
from avustamo.applications.models import Application, ApplicationStatus, Attachment
from avustamo.applications.progress import in_page_order
from avustamo.applications.selectors import code_lists
from avustamo.core.models import AuditEntry
from avustamo.programmes.application_form.schema import parse_definition
from avustamo.programmes.application_form.standard import standard_definition
from tests.access import sign_in
from tests.factories import (
    ApplicationFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    RegionFactory,
    RequiredAttachmentFactory,
    StrongIdentityFactory,
    UserFactory,
    close_call,
    complete_answers,
    every_kind_answers,
    every_kind_definition,
    next_year,
    page_post,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


@pytest.fixture
def applicant(organisation):
    return MembershipFactory(organisation=organisation).person


@pytest.fixture
def call():
    call = CallFactory()
    CallFormFactory(call=call)
    RegionFactory()
    return call


@pytest.fixture
def draft(call, organisation, applicant):
    return services.application_start(call=call, organisation=organisation, acting_user=applicant)


def _save(application, answers, person):
    return services.application_save(
        application=application, answers=answers, version=application.version, acting_user=person
    )


class TestStartAndSave:
    def test_start__draft_on_the_current_form(self, draft, call, applicant):
        assert draft.status == ApplicationStatus.DRAFT
        assert draft.form == call.forms.get()
        assert AuditEntry.objects.filter(action="application.started", actor=applicant).exists()

    def test_start__for_someone_elses_organisation_is_refused(
        self, call, organisation, other_organisation_admin
    ):
        with pytest.raises(PermissionDenied):
            services.application_start(
                call=call, organisation=organisation, acting_user=other_organisation_admin
            )
        assert not Application.objects.exists()

    def test_start__ineligible_organisation_type_is_refused(self, call):
        municipality = OrganisationFactory(organisation_type="municipality")
        person = MembershipFactory(organisation=municipality).person
        with pytest.raises(ValidationError) as error:
            services.application_start(call=call, organisation=municipality, acting_user=person)
        assert error.value.code == "ineligible_organisation_type"
        assert not Application.objects.exists()

    def test_save__amounts_are_stored_in_one_notation(self, draft, applicant):
        saved = _save(
            draft, {"budget": {"costs": {"personnel": "40 000,5"}, "own_funding": "1000"}}, applicant
        )
        assert saved.answers["budget"] == {"costs": {"personnel": "40000.5"}, "own_funding": "1000"}

    def test_save__keeps_unfinished_answers_and_counts_versions(self, draft, applicant):
        saved = _save(draft, {"project-name": "Kesken"}, applicant)
        assert (saved.answers, saved.version) == ({"project-name": "Kesken"}, 2)

    def test_save__stale_version_is_refused_and_nothing_lost(self, draft, applicant):
        _save(draft, {"project-name": "Ensimmäinen välilehti"}, applicant)
        with pytest.raises(ValidationError) as error:
            services.application_save(
                application=draft, answers={"project-name": "Toinen"}, version=1, acting_user=applicant
            )
        assert error.value.code == "stale"
        draft.refresh_from_db()
        assert draft.answers == {"project-name": "Ensimmäinen välilehti"}

    def test_save__a_wrong_budget_line_is_named(self, draft, applicant):
        budget = {"costs": {"personnel": "kolmetuhatta", "rents": "500.00"}, "own_funding": "-5"}
        with translation.override("en"), pytest.raises(ValidationError) as error:
            _save(draft, {"budget": budget}, applicant)
        assert error.value.message_dict["q-budget"] == [
            "Enter these lines of the budget as euros and cents, none of them negative: Personnel costs, Own funding."
        ]
        draft.refresh_from_db()
        assert draft.answers == {}

    @pytest.mark.parametrize(
        ("answers", "field"),
        [
            ({"project-name": "x" * 201}, "q-project-name"),
            ({"budget": {"costs": {"personnel": "kolmetuhatta"}}}, "q-budget"),
            ({"budget": {"costs": {"personnel": "-5"}}}, "q-budget"),
            ({"regions": ["99"]}, "q-regions"),
            ({"period": {"start": "31.12.2027"}}, "q-period"),
            ({"contact-persons": [{"name": "A", "email": "not-an-address"}]}, "q-contact-persons"),
        ],
    )
    def test_save__malformed_answer_is_refused_with_its_field(self, draft, applicant, answers, field):
        with pytest.raises(ValidationError) as error:
            _save(draft, answers, applicant)
        assert field in error.value.error_dict
        draft.refresh_from_db()
        assert draft.answers == {} and draft.version == 1

    def test_save__after_the_deadline_is_refused(self, draft, applicant, call):
        call.closes_at = call.opens_at + datetime.timedelta(seconds=1)
        call.save()
        with pytest.raises(ValidationError) as error:
            _save(draft, {"project-name": "Myöhässä"}, applicant)
        assert error.value.code == "call_not_open"
        draft.refresh_from_db()
        assert draft.answers == {}


class TestSubmit:
    def test_submit__register_number_facts_and_read_only(self, draft, applicant, call, organisation):
        CallDeclarationFactory(call=call)
        draft = _save(draft, complete_answers(call), applicant)
        submitted = services.application_submit(application=draft, acting_user=applicant)
        assert submitted.register_number == f"TEM/1/{timezone.localtime(submitted.submitted_at).year}"
        assert submitted.requested_amount == Decimal("50000.00")
        assert submitted.total_eligible_costs == Decimal("65000.00")
        assert (submitted.period_start, submitted.period_end) == next_year()  # as complete_answers gives it
        assert list(submitted.regions.values_list("code", flat=True)) == ["01"]
        assert (submitted.iban, submitted.applicant_business_id) == (
            organisation.iban,
            organisation.business_id,
        )
        with pytest.raises(ValidationError) as error:
            _save(submitted, {"project-name": "Muutos"}, applicant)
        assert error.value.code == "not_a_draft"

    def test_submit__twice_gives_the_same_receipt(self, draft, applicant, call):
        draft = _save(draft, complete_answers(call), applicant)
        first = services.application_submit(application=draft, acting_user=applicant)
        second = services.application_submit(application=draft, acting_user=applicant)
        assert first.register_number == second.register_number
        assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 1
        assert AuditEntry.objects.filter(action="application.submitted").count() == 1

    def test_register_numbers_run_per_agency_and_year(self, call, applicant, organisation):
        numbers = []
        for _ in range(3):
            application = services.application_start(
                call=call, organisation=organisation, acting_user=applicant
            )
            application = _save(application, complete_answers(call), applicant)
            numbers.append(
                services.application_submit(application=application, acting_user=applicant).register_number
            )
        assert [number.split("/")[1] for number in numbers] == ["1", "2", "3"]

    def test_submit__lists_every_problem_and_saves_nothing(self, draft, applicant, call):
        CallDeclarationFactory(call=call)
        RequiredAttachmentFactory(call=call)
        answers = complete_answers(call)
        answers.pop("objectives")
        answers["declarations"] = []
        answers["period"] = {"start": "2026-06-01", "end": "2027-12-31"}
        answers["budget"]["costs"]["personnel"] = "200000.00"
        draft = _save(draft, answers, applicant)
        with pytest.raises(services.SubmissionRefused) as refusal:
            services.application_submit(application=draft, acting_user=applicant)
        codes = {(problem["field"], problem["code"]) for problem in refusal.value.problems}
        assert ("q-objectives", "required") in codes
        assert ("q-declarations", "declarations_missing") in codes
        assert ("q-period", "period_starts_too_early") in codes
        assert ("q-budget", "above_maximum") in codes
        assert any(code == "attachment_missing" for _field, code in codes)
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.DRAFT and draft.register_number is None

    @pytest.mark.parametrize(
        ("call_fields", "budget", "code"),
        [
            ({"min_grant": Decimal("60000")}, {}, "below_minimum"),
            ({"max_share_percent": Decimal("50")}, {}, "share_too_large"),
            ({"own_funding_min_percent": Decimal("30")}, {}, "own_funding_too_small"),
            ({}, {"income": "60000.00"}, "nothing_requested"),
        ],
    )
    def test_submit__budget_rules(self, applicant, organisation, call_fields, budget, code):
        call = CallFactory(**call_fields)
        CallFormFactory(call=call)
        RegionFactory()
        application = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        answers = complete_answers(call)
        answers["budget"] |= budget
        application = _save(application, answers, applicant)
        with pytest.raises(services.SubmissionRefused) as refusal:
            services.application_submit(application=application, acting_user=applicant)
        assert [problem["code"] for problem in refusal.value.problems] == [code]

    def test_submit__a_share_refusal_gives_its_percentages_as_the_language_writes_them(
        self, applicant, organisation
    ):
        call = CallFactory(max_share_percent=Decimal("70.00"), own_funding_min_percent=Decimal("12.50"))
        CallFormFactory(call=call)
        RegionFactory()
        application = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        answers = complete_answers(call)
        answers["budget"] = {
            "costs": {"personnel": "40000.00", "rents": "5000.00"},
            "income": "0.00",
            "own_funding": "5000.00",
        }
        application = _save(application, answers, applicant)
        with pytest.raises(services.SubmissionRefused) as refusal:
            services.application_submit(application=application, acting_user=applicant)
        messages = {problem["code"]: problem["message"] for problem in refusal.value.problems}
        assert (
            "enintään 70 % hyväksyttävistä kustannuksista; tässä talousarviossa haetaan 88,89 %"
            in (messages["share_too_large"])
        )
        assert "vähintään 12,5 % " in messages["own_funding_too_small"]
        assert "11,11 %" in messages["own_funding_too_small"]

    def test_submit__one_second_after_the_deadline_is_refused(self, draft, applicant, call):
        draft = _save(draft, complete_answers(call), applicant)
        with pytest.raises(ValidationError) as error:
            services.application_submit(application=draft, acting_user=applicant, now=call.closes_at)
        assert error.value.code == "call_not_open"
        on_time = services.application_submit(
            application=draft, acting_user=applicant, now=call.closes_at - datetime.timedelta(seconds=1)
        )
        assert on_time.status == ApplicationStatus.SUBMITTED

    def test_withdraw_before_the_deadline(self, draft, applicant, call):
        draft = _save(draft, complete_answers(call), applicant)
        submitted = services.application_submit(application=draft, acting_user=applicant)
        withdrawn = services.application_withdraw(application=submitted, acting_user=applicant)
        assert withdrawn.status == ApplicationStatus.WITHDRAWN and withdrawn.register_number


@pytest.mark.django_db(transaction=True)
def test_submitting_twice_in_parallel_gives_one_submission():
    call = CallFactory()
    CallFormFactory(call=call)
    RegionFactory()
    membership = MembershipFactory()
    application = services.application_start(
        call=call, organisation=membership.organisation, acting_user=membership.person
    )
    application = _save(application, complete_answers(call), membership.person)
    numbers, errors = [], []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            numbers.append(
                services.application_submit(
                    application=application, acting_user=membership.person
                ).register_number
            )
        except Exception as error:  # the assertion below shows any
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == 1 and len(numbers) == 2
    assert Application.objects.get().register_number == numbers[0]
    assert AuditEntry.objects.filter(action="application.submitted").count() == 1


class TestAttachments:
    def test_pdf_is_accepted_by_its_content_and_stored_with_a_safe_name(self, draft, applicant, call):
        required = RequiredAttachmentFactory(call=call)
        upload = SimpleUploadedFile("../../säännöt 2027?.pdf", PDF, content_type="application/octet-stream")
        attachment = services.attachment_add(
            application=draft, upload=upload, required_attachment=required, acting_user=applicant
        )
        assert attachment.kind == "pdf"
        assert attachment.original_name == "säännöt 2027?.pdf"
        assert ".." not in attachment.file.name and "?" not in attachment.file.name
        attachment.file.delete(save=False)

    def test_a_renamed_file_is_refused_by_its_content(self, draft, applicant, call):
        required = RequiredAttachmentFactory(call=call)
        upload = SimpleUploadedFile(
            "budget.pdf", b"MZ\x90\x00 an executable, not a PDF", content_type="application/pdf"
        )
        with pytest.raises(ValidationError) as error:
            services.attachment_add(
                application=draft, upload=upload, required_attachment=required, acting_user=applicant
            )
        assert error.value.code == "unaccepted_type"
        assert not Attachment.objects.exists()

    def test_a_refused_upload_on_the_page_names_the_file_and_its_slot(self, client, draft, applicant, call):
        required = RequiredAttachmentFactory(call=call, name_en="Rules of the association")
        sign_in(client, applicant)
        upload = SimpleUploadedFile("budget.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
        response = client.post(
            f"/en/applications/{draft.pk}/",
            {"version": "1", "action": "save", f"attachment-{required.pk}": upload},
        )
        assert response.status_code == 422
        [problem] = response.context["problems"]
        assert problem["field"] == f"attachment-{required.pk}"
        assert problem["message"].startswith("budget.pdf for “Rules of the association”: ")
        assert not Attachment.objects.exists()

    def test_too_large_file_is_refused(self, draft, applicant, call, settings):
        required = RequiredAttachmentFactory(call=call)
        upload = SimpleUploadedFile("big.png", PNG, content_type="image/png")
        upload.size = 21 * 1024 * 1024
        with pytest.raises(ValidationError) as error:
            services.attachment_add(
                application=draft, upload=upload, required_attachment=required, acting_user=applicant
            )
        assert error.value.code == "too_large"
        assert not Attachment.objects.exists()

    def test_removing_a_file_asks_first_and_says_it_cannot_be_brought_back(
        self, client, draft, applicant, call
    ):
        upload = SimpleUploadedFile("säännöt.pdf", PDF, content_type="application/pdf")
        attachment = services.attachment_add(
            application=draft,
            upload=upload,
            required_attachment=RequiredAttachmentFactory(call=call),
            acting_user=applicant,
        )
        sign_in(client, applicant)
        url = f"/en/applications/{draft.pk}/attachments/{attachment.pk}/remove/"
        asking = client.post(url)
        page = asking.content.decode()
        assert (
            asking.status_code == 200 and "Remove säännöt.pdf?" in page and "cannot be brought back" in page
        )
        assert f'href="/en/applications/{draft.pk}/"' in page
        assert Attachment.objects.filter(pk=attachment.pk).exists()
        assert client.post(url, {"confirmed": "yes"}).status_code == 302
        assert not Attachment.objects.filter(pk=attachment.pk).exists()


class TestNothingLostAndOneFileSlots:
    def test_a_file_chosen_with_an_answer_that_is_refused_is_kept(self, client, draft, applicant, call):
        required = RequiredAttachmentFactory(call=call, name_en="Rules of the association")
        sign_in(client, applicant)
        upload = SimpleUploadedFile("säännöt.pdf", PDF, content_type="application/pdf")
        response = client.post(
            f"/en/applications/{draft.pk}/",
            {
                "version": "1",
                "action": "save",
                "q-project-name": "x" * 201,
                f"attachment-{required.pk}": upload,
            },
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert 'href="#id_q-project-name_field"' in page
        assert "Attached: säännöt.pdf" in page  # shown in its slot: no need to choose it again
        [attachment] = draft.attachments.all()
        assert (attachment.original_name, attachment.required_attachment) == ("säännöt.pdf", required)
        draft.refresh_from_db()
        assert (draft.version, draft.answers) == (1, {})

    def test_a_full_slot_of_one_file_refuses_another_and_names_the_file_there(self, draft, applicant, call):
        required = RequiredAttachmentFactory(call=call, name_fi="Yhdistyksen säännöt")
        services.attachment_add(
            application=draft,
            upload=SimpleUploadedFile("säännöt.pdf", PDF),
            required_attachment=required,
            acting_user=applicant,
        )
        with pytest.raises(ValidationError) as error:
            services.attachment_add(
                application=draft,
                upload=SimpleUploadedFile("säännöt-2.pdf", PDF),
                required_attachment=required,
                acting_user=applicant,
            )
        assert error.value.code == "slot_full"
        assert "säännöt.pdf" in error.value.messages[0] and "Yhdistyksen säännöt" in error.value.messages[0]
        assert list(draft.attachments.values_list("original_name", flat=True)) == ["säännöt.pdf"]

    def test_a_slot_of_several_files_takes_them_up_to_its_limit(self, draft, applicant, call):
        required = RequiredAttachmentFactory(call=call, max_files=2)
        for name in ("cv-1.pdf", "cv-2.pdf"):
            services.attachment_add(
                application=draft,
                upload=SimpleUploadedFile(name, PDF),
                required_attachment=required,
                acting_user=applicant,
            )
        with pytest.raises(ValidationError) as error:
            services.attachment_add(
                application=draft,
                upload=SimpleUploadedFile("cv-3.pdf", PDF),
                required_attachment=required,
                acting_user=applicant,
            )
        assert error.value.code == "slot_full" and "enintään 2 tiedostoa" in error.value.messages[0]
        assert draft.attachments.count() == 2

    def test_replacing_the_file_of_a_one_file_slot_asks_first_then_swaps_it(
        self, client, draft, applicant, call
    ):
        required = RequiredAttachmentFactory(call=call, name_en="Rules of the association")
        old = services.attachment_add(
            application=draft,
            upload=SimpleUploadedFile("säännöt.pdf", PDF),
            required_attachment=required,
            acting_user=applicant,
        )
        sign_in(client, applicant)
        form = client.get(f"/en/applications/{draft.pk}/").content.decode()
        assert f'value="replace:{old.pk}"' in form and f'name="attachment-{required.pk}"' not in form
        # The button saves what the page holds and then asks.
        asked = client.post(
            f"/en/applications/{draft.pk}/",
            {"version": "1", "action": f"replace:{old.pk}", "q-project-name": "Perhekerhot"},
        )
        url = f"/en/applications/{draft.pk}/attachments/{old.pk}/replace/"
        assert asked.status_code == 302 and asked["Location"] == url
        draft.refresh_from_db()
        assert draft.answers["project-name"] == "Perhekerhot"
        page = client.get(url).content.decode()
        assert "Replace the file for “Rules of the association”" in page and "säännöt.pdf is removed" in page
        nothing = client.post(url)
        assert (
            nothing.status_code == 422
            and "Choose the file that replaces säännöt.pdf." in nothing.content.decode()
        )
        wrong = client.post(url, {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a PDF")})
        assert wrong.status_code == 422 and "virus.pdf: " in wrong.content.decode()
        assert list(draft.attachments.values_list("original_name", flat=True)) == ["säännöt.pdf"]
        done = client.post(url, {"file": SimpleUploadedFile("säännöt-2027.pdf", PDF)})
        assert done.status_code == 302
        [attachment] = draft.attachments.all()
        assert (attachment.original_name, attachment.required_attachment) == ("säännöt-2027.pdf", required)
        entry = AuditEntry.objects.get(action="application.attachment_replaced")
        assert (entry.details["file"], entry.details["replaced"]) == ("säännöt-2027.pdf", "säännöt.pdf")

    def test_while_completing_a_file_sent_stays_and_the_new_one_is_added_beside_it(
        self, client, call, organisation, applicant
    ):
        application = ApplicationFactory.submitted(call, applicant=applicant)
        # Stored as if sent with the application: the call's slot is made afterwards only for brevity.
        required = RequiredAttachmentFactory(call=call)
        sent = services.Attachment.objects.create(
            application=application,
            required_attachment=required,
            original_name="säännöt.pdf",
            kind="pdf",
            size=len(PDF),
            sha256="0" * 64,
            uploaded_by=applicant,
            file=SimpleUploadedFile("säännöt.pdf", PDF),
        )
        close_call(call)
        services.completion_request_create(
            application=application,
            message="Liittäkää voimassa olevat säännöt.",
            reply_by=timezone.localdate() + datetime.timedelta(days=14),
            question_ids=[],
            required_attachments=[required],
            acting_user=UserFactory(roles=["programme_manager"]),
        )
        with pytest.raises(ValidationError) as refusal:
            services.attachment_replace(
                attachment=sent, upload=SimpleUploadedFile("uudet.pdf", PDF), acting_user=applicant
            )
        assert refusal.value.code == "sent_attachment"
        services.attachment_add(
            application=application,
            upload=SimpleUploadedFile("uudet.pdf", PDF),
            required_attachment=required,
            acting_user=applicant,
        )
        assert sorted(application.attachments.values_list("original_name", flat=True)) == [
            "säännöt.pdf",
            "uudet.pdf",
        ]


class TestTaskList:
    def test_each_part_of_a_long_form_shows_how_far_it_is(self, client, organisation, applicant):
        call = CallFactory()
        CallFormFactory(call=call, definition=every_kind_definition())
        RequiredAttachmentFactory(call=call, name_en="Rules of the association")
        RegionFactory()
        MunicipalityFactory(code="091")
        draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        answers = every_kind_answers(call)
        answers.pop("office-email")
        _save(draft, answers, applicant)
        sign_in(client, applicant)
        tasks = {
            task.key: task.state for task in client.get(f"/en/applications/{draft.pk}/").context["tasks"]
        }
        assert tasks.pop("attachments") == "not_started"
        assert tasks.pop("more") == "in_progress"  # the office email, required, is missing
        assert set(tasks.values()) == {"complete"}

    def test_a_part_with_a_wrong_answer_has_errors_not_just_missing_ones(
        self, client, draft, applicant, call
    ):
        start, end = next_year()
        answers = complete_answers(call) | {"period": {"start": end.isoformat(), "end": start.isoformat()}}
        _save(draft, answers, applicant)
        sign_in(client, applicant)
        tasks = {
            task.key: task.state for task in client.get(f"/en/applications/{draft.pk}/").context["tasks"]
        }
        [period_section] = [
            section.id
            for section in draft.form.parsed.sections
            if any(item.id == "period" for item in section.questions)
        ]
        assert tasks.pop(period_section) == "has_errors"
        assert set(tasks.values()) == {"complete"}

    def test_problems_are_listed_in_the_order_their_fields_stand_on_the_page(self):
        definition = parse_definition(standard_definition())
        problems = [
            {"field": "attachment-7", "code": "attachment_missing", "message": "Attach: rules."},
            {"field": "q-budget", "code": "share_too_large", "message": "At most 90 %."},
            {"field": "q-contact-persons-0-email", "code": "malformed", "message": "Email."},
            {"field": "", "code": "stale", "message": "Someone saved."},
            {"field": "q-project-name", "code": "required", "message": "Answer."},
        ]
        assert [problem["field"] for problem in in_page_order(definition, problems)] == [
            "",
            "q-contact-persons-0-email",
            "q-project-name",
            "q-budget",
            "attachment-7",
        ]


class TestReceiptEmail:
    @pytest.mark.reads_pdf
    def test_submitter_gets_a_receipt_with_a_pdf_copy_in_their_language(
        self, draft, applicant, call, django_capture_on_commit_callbacks
    ):
        applicant.preferred_language = "sv"
        applicant.save()
        CallDeclarationFactory(call=call)
        draft = _save(draft, complete_answers(call), applicant)
        with django_capture_on_commit_callbacks(execute=True):
            submitted = services.application_submit(application=draft, acting_user=applicant)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [applicant.email]
        assert submitted.register_number in message.subject
        assert message.subject.startswith("Din ansökan")
        name, content, mimetype = message.attachments[0]
        assert (name, mimetype) == (f"{submitted.register_number.replace('/', '-')}.pdf", "application/pdf")
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace(
            "\xa0", " "
        )
        assert submitted.register_number in text
        assert "Perheiden kotoutumisen tuki" in text
        assert "50 000" in text
        assert "Projektets namn" in text

    @pytest.mark.reads_pdf
    def test_the_application_as_sent_is_downloaded_from_its_page_in_the_pages_language(
        self, client, draft, applicant, call
    ):
        CallDeclarationFactory(call=call)
        draft = _save(draft, complete_answers(call), applicant)
        sign_in(client, applicant)
        assert client.get(f"/applications/{draft.pk}/receipt.pdf").status_code == 404  # not sent yet
        submitted = services.application_submit(application=draft, acting_user=applicant)
        receipt_page = client.get(f"/sv/applications/{draft.pk}/receipt/").content.decode()
        assert f'href="/sv/applications/{draft.pk}/receipt.pdf"' in receipt_page
        response = client.get(f"/sv/applications/{draft.pk}/receipt.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert f"{submitted.register_number.replace('/', '-')}-v1.pdf" in response["Content-Disposition"]
        text = "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
        )
        assert submitted.register_number in text and "Projektets namn" in text

    @pytest.mark.reads_pdf
    def test_the_copy_lists_declarations_leaves_out_empty_parts_and_puts_files_under_their_slots(
        self, client, organisation, applicant
    ):
        call = CallFactory()
        definition = standard_definition()
        definition["sections"].append(
            {
                "id": "files",
                "title": {"fi": "Lisäaineistot"},
                "questions": [
                    {"type": "info", "id": "files-info", "text": {"fi": "Liitä tarvittaessa."}},
                    {"type": "attachment", "id": "plan", "label": {"fi": "Toimintasuunnitelma"}},
                ],
            }
        )
        CallFormFactory(call=call, definition=definition)
        RegionFactory()
        for text in ("Tiedot ovat oikein.", "Avustusta ei ole haettu muualta."):
            CallDeclarationFactory(call=call, text_fi=text)
        draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        draft = _save(draft, complete_answers(call), applicant)
        services.attachment_add(
            application=draft,
            upload=SimpleUploadedFile("suunnitelma.pdf", PDF),
            question_id="plan",
            acting_user=applicant,
        )
        services.application_submit(application=draft, acting_user=applicant)
        sign_in(client, applicant)
        response = client.get(f"/applications/{draft.pk}/receipt.pdf")
        lines = [
            line.strip()
            for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
            for line in page.extract_text().splitlines()
        ]
        assert "Lisäaineistot" not in lines  # a part with nothing answered in it has no heading
        # One declaration a line, as a list; they used to run together separated by commas.
        assert {"Tiedot ovat oikein.", "Avustusta ei ole haettu muualta."} <= set(lines)
        start, _end = next_year()
        assert any(f"{start.day}.{start.month}.{start.year} –" in line for line in lines)
        # The file under its slot's name, with what identifies it.
        [slot] = [line for line in lines if "suunnitelma.pdf" in line]
        assert slot.startswith("Toimintasuunnitelma suunnitelma.pdf (PDF, ") and slot.endswith("SHA-256")

    def test_no_receipt_when_submission_is_refused(
        self, draft, applicant, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.SubmissionRefused):
            services.application_submit(application=draft, acting_user=applicant)
        assert mail.outbox == []


class TestPages:
    def test_autosave_answers_with_the_new_version(self, client, draft, applicant):
        sign_in(client, applicant)
        response = client.post(
            f"/applications/{draft.pk}/",
            {"version": "1", "q-project-name": "Autosaved"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="application-version" value="2" hx-swap-oob="true"' in page
        draft.refresh_from_db()
        assert draft.answers == {"project-name": "Autosaved"}

    def test_autosave_from_a_stale_tab_is_refused_and_says_so(self, client, draft, applicant):
        sign_in(client, applicant)
        _save(draft, {"project-name": "Toinen välilehti"}, applicant)
        response = client.post(
            f"/applications/{draft.pk}/", {"version": "1", "q-project-name": "Vanha"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 409
        assert 'role="alert"' in response.content.decode()
        draft.refresh_from_db()
        assert draft.answers == {"project-name": "Toinen välilehti"}

    def test_save_button_without_javascript_keeps_what_was_typed_when_refused(self, client, draft, applicant):
        sign_in(client, applicant)
        response = client.post(
            f"/applications/{draft.pk}/", {"version": "1", "q-project-name": "x" * 250, "action": "save"}
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert "x" * 250 in page
        assert 'href="#id_q-project-name_field"' in page
        # The title says there are errors, and the summary takes the focus, even without JavaScript.
        assert "<title>Virhe: " in page and 'id="error-summary" autofocus' in page
        draft.refresh_from_db()
        assert draft.answers == {}
        assert "<title>Virhe: " not in client.get(f"/applications/{draft.pk}/").content.decode()

    def test_a_pages_own_autosave_does_not_make_its_save_button_stale(self, client, draft, applicant):
        sign_in(client, applicant)
        client.post(
            f"/applications/{draft.pk}/",
            {"version": "1", "edit_key": "tab-1", "q-project-name": "A"},
            HTTP_HX_REQUEST="true",
        )
        response = client.post(
            f"/applications/{draft.pk}/",
            {"version": "1", "edit_key": "tab-1", "q-project-name": "AB", "action": "save"},
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.answers, draft.version) == ({"project-name": "AB"}, 3)
        other_tab = client.post(
            f"/applications/{draft.pk}/",
            {"version": "1", "edit_key": "tab-2", "q-project-name": "C", "action": "save"},
        )
        assert other_tab.status_code == 409


class TestCheckingAndSending:
    """The form's main button saves and, once nothing stops the sending, opens the check page: every answer by
    section with links to change it, the attachments by slot, the declarations; its Send sends the version
    checked, and nothing else."""

    @pytest.fixture
    def answers(self, call):
        CallDeclarationFactory(call=call, text_fi="Tiedot ovat oikein.")
        return complete_answers(call) | {"project-name": "Perhekerhot Hervannassa"}

    def _to_check(self, client, draft, answers, **fields):
        posted = page_post(answers, version=draft.version, edit_key="tab-1", action="check") | fields
        return client.post(f"/applications/{draft.pk}/", posted)

    def _send(self, client, draft, **fields):
        return client.post(f"/applications/{draft.pk}/check/", {"version": draft.version} | fields)

    def test_save_and_check__shows_every_answer_with_a_link_to_change_it(
        self, client, draft, applicant, answers
    ):
        sign_in(client, applicant)
        response = self._to_check(client, draft, answers)
        assert response.status_code == 302 and response["Location"] == f"/applications/{draft.pk}/check/"
        page = client.get(response["Location"]).content.decode()
        assert "Perhekerhot Hervannassa" in page and "Viikoittaiset perhekerhot." in page
        assert f'href="/applications/{draft.pk}/#id_q-project-name_field"' in page
        assert "<li>Tiedot ovat oikein.</li>" in page  # the declarations as a list
        # A contact person a line.
        assert "<li>Aino Rahastonhoitaja, aino@example.org, 040 123 4567</li>" in page
        start, end = next_year()
        assert f"{start.day}.{start.month}.{start.year} – {end.day}.{end.month}.{end.year}" in page
        draft.refresh_from_db()
        assert (draft.status, draft.version) == (ApplicationStatus.DRAFT, 2)
        assert draft.answers["project-name"] == "Perhekerhot Hervannassa"

    def test_save_and_check__with_problems_stays_on_the_form_with_what_was_typed_saved(
        self, client, draft, applicant, answers
    ):
        sign_in(client, applicant)
        answers.pop("objectives")
        response = self._to_check(client, draft, answers)
        assert response.status_code == 422
        page = response.content.decode()
        assert 'href="#id_q-objectives_field"' in page
        # The page goes on from the version saved: its next save is not taken for a stale one.
        assert 'id="application-version" value="2"' in page
        draft.refresh_from_db()
        assert (draft.status, draft.register_number, draft.version) == (ApplicationStatus.DRAFT, None, 2)
        assert draft.answers["project-name"] == "Perhekerhot Hervannassa"
        # Opened by its address, the check page sends the person back to what is missing.
        page = client.get(f"/applications/{draft.pk}/check/").content.decode()
        assert 'href="#id_q-objectives_field"' in page and "Send the application" not in page

    def test_send__submits_the_version_checked(self, client, draft, applicant, answers):
        sign_in(client, applicant)
        self._to_check(client, draft, answers)
        draft.refresh_from_db()
        response = self._send(client, draft)
        assert response.status_code == 302 and response["Location"] == f"/applications/{draft.pk}/receipt/"
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.SUBMITTED and draft.register_number
        assert draft.project_name == "Perhekerhot Hervannassa"
        entry = AuditEntry.objects.get(action="application.submitted", target_id=str(draft.pk))
        assert (entry.actor, entry.details["version"]) == (applicant, draft.version)

    def test_send__after_a_save_elsewhere_is_refused_and_asks_to_check_again(
        self, client, draft, applicant, answers
    ):
        sign_in(client, applicant)
        self._to_check(client, draft, answers)
        draft.refresh_from_db()
        checked = draft.version
        _save(draft, answers | {"project-name": "Toisessa välilehdessä"}, applicant)
        response = client.post(f"/en/applications/{draft.pk}/check/", {"version": checked})
        assert response.status_code == 409
        page = response.content.decode()
        assert "changed after you checked it" in page and "Toisessa välilehdessä" in page
        draft.refresh_from_db()
        assert (draft.status, draft.register_number) == (ApplicationStatus.DRAFT, None)

    def test_send__refused_for_want_of_the_right_to_act_says_why(self, client, call, answers):
        member = MembershipFactory(right_to_act=False)
        StrongIdentityFactory(user=member.person)
        draft = services.application_start(
            call=call, organisation=member.organisation, acting_user=member.person
        )
        sign_in(client, member.person)
        self._to_check(client, draft, answers)
        draft.refresh_from_db()
        response = self._send(client, draft)
        assert response.status_code == 422
        assert "Lähetä palveluun asiakirja" in response.content.decode()
        draft.refresh_from_db()
        assert (draft.status, draft.authority_check) == (ApplicationStatus.DRAFT, None)

    def test_send__after_the_deadline_submits_nothing_and_says_the_call_is_closed(
        self, client, draft, applicant, call, answers
    ):
        sign_in(client, applicant)
        self._to_check(client, draft, answers)
        draft.refresh_from_db()
        close_call(call, closed_for=datetime.timedelta(seconds=1))
        response = self._send(client, draft)
        assert response.status_code == 302 and response["Location"] == f"/applications/{draft.pk}/"
        page = client.get(f"/en/applications/{draft.pk}/").content.decode()
        assert "this draft can no longer be changed or submitted" in page
        draft.refresh_from_db()
        assert (draft.status, draft.register_number) == (ApplicationStatus.DRAFT, None)

    def test_the_check_page_leaves_out_what_a_condition_does_not_ask(self, client, organisation, applicant):
        call = CallFactory()
        CallFormFactory(call=call, definition=every_kind_definition())
        RegionFactory()
        MunicipalityFactory(code="091")
        draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        # The partners were named before the answer changed to no: kept in the draft, not sent as an answer.
        _save(draft, every_kind_answers(call) | {"has-partners": "no"}, applicant)
        sign_in(client, applicant)
        page = client.get(f"/applications/{draft.pk}/check/").content.decode()
        assert "Aino Puheenjohtaja" in page and "1998" in page
        assert "Kaupungin kirjasto." not in page and "#id_q-partners_field" not in page


def test_uploaded_files_are_not_served_by_address_even_in_debug(client, draft, applicant, call, settings):
    required = RequiredAttachmentFactory(call=call)
    upload = SimpleUploadedFile("säännöt.pdf", PDF, content_type="application/pdf")
    attachment = services.attachment_add(
        application=draft, upload=upload, required_attachment=required, acting_user=applicant
    )
    settings.DEBUG = True
    importlib.reload(avustamo.urls)
    clear_url_caches()
    try:
        for path in (f"/{attachment.file.name}", f"{settings.MEDIA_URL}{attachment.file.name}"):
            assert client.get(path).status_code == 404, path
    finally:
        settings.DEBUG = False
        importlib.reload(avustamo.urls)
        clear_url_caches()
        attachment.file.delete(save=False)


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", ""])
def test_starting_with_a_malformed_organisation_is_not_found(client, call, applicant, value):
    sign_in(client, applicant)
    assert client.post(f"/applications/start/{call.pk}/", {"organisation": value}).status_code == 404
    assert not Application.objects.exists()


def test_answers_are_checked_against_the_municipalities_of_the_year_and_the_calls_own_lists():
    """The code lists a save checks against: every region, the municipalities valid in the year (a merged one
    until its last year, a new one from its first), and the declarations and required attachments of this call
    only."""
    region = RegionFactory(code="01")
    MunicipalityFactory(code="091", region=region)
    MunicipalityFactory(code="099", region=region, valid_until_year=2026)
    MunicipalityFactory(code="098", region=region, valid_from_year=2027)
    call, other_call = CallFactory(), CallFactory()
    declaration = CallDeclarationFactory(call=call)
    CallDeclarationFactory(call=other_call)
    attachment = RequiredAttachmentFactory(call=call)
    RequiredAttachmentFactory(call=other_call)

    in_2026 = code_lists(call=call, year=2026)
    in_2027 = code_lists(call=call, year=2027)

    assert "01" in in_2026.regions
    assert {"091", "099"} <= in_2026.municipalities and "098" not in in_2026.municipalities
    assert {"091", "098"} <= in_2027.municipalities and "099" not in in_2027.municipalities
    assert in_2026.declarations == {str(declaration.pk)}
    assert in_2026.required_attachments == {attachment.pk}


def test_a_call_leaves_the_list_of_calls_to_apply_to_once_each_organisation_has_applied(
    client, call, organisation, applicant
):
    other = MembershipFactory(person=applicant).organisation
    sign_in(client, applicant)

    def offered() -> list:
        return client.get("/applications/").context["open_calls"]

    assert offered() == [call]
    services.application_start(call=call, organisation=organisation, acting_user=applicant)
    assert offered() == [call]  # the other organisation may still apply
    second = services.application_start(call=call, organisation=other, acting_user=applicant)
    assert offered() == []
    services.application_withdraw(application=second, acting_user=applicant)
    assert offered() == [call]
