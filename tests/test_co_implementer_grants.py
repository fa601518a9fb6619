"""Joint projects after the application (issue 19 §1): the decision names the co-implementers and the shares passed
on to them, the written agreement with each is recorded, and the recipient is paid only once every one is on file."""

import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from avustamo.applications import services as application_services
from avustamo.core.dates import helsinki_today
from avustamo.core.models import AuditEntry
from avustamo.decisions import services as decision_services
from avustamo.decisions.documents import decision_pdf
from avustamo.decisions.models import CoImplementerShare, Decision, DecisionStatus
from avustamo.grants import services as grant_services
from avustamo.grants.models import Grant, OnwardTransferAgreement
from avustamo.payments import selectors as payment_selectors
from avustamo.payments.models import InstalmentStatus
from avustamo.payments.services import batch_prepare
from tests.access import sign_in
from tests.factories import (
    AgencyFactory,
    CallFactory,
    CallFormFactory,
    DecisionFactory,
    MembershipFactory,
    ProgrammeFactory,
    RegionFactory,
    ScreeningFactory,
    UserFactory,
    complete_answers,
)
from tests.test_co_implementers import PARTNER_ID, SECOND_PARTNER_ID, partner
from tests.test_open_data import package_validator

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def joint_application():
    """A joint application sent to a Talent Hub-like call of TEM, now closed: the lead's part (costs 65 000,
    own funding 10 000, income 5 000) with two co-implementers (35 000 / 20 000 and 10 000 / 3 000); grant
    applied for 77 000 €."""
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785")
    if not agency.payment_iban:
        agency.payment_iban = "FI2112345600000785"
        agency.save(update_fields=["payment_iban"])
    call = CallFactory(
        closed=True,
        programme=ProgrammeFactory(agency=agency),
        co_implementers_allowed=True,
        own_funding_min_per_co_implementer=True,
        max_share_percent=Decimal("70.00"),
        own_funding_min_percent=Decimal("30.00"),
        max_grant=Decimal("200000.00"),
    )
    CallFormFactory(call=call)
    RegionFactory()
    applicant = MembershipFactory().person
    organisation = applicant.memberships.get().organisation
    with time_machine.travel(call.closes_at - datetime.timedelta(hours=1), tick=False):
        draft = application_services.application_start(
            call=call, organisation=organisation, acting_user=applicant
        )
        draft = application_services.application_save(
            application=draft, answers=complete_answers(call), version=draft.version, acting_user=applicant
        )
        for fields in (
            partner(),
            partner(SECOND_PARTNER_ID, "Pirkan Opisto", personnel="10000.00", own="3000.00"),
        ):
            application_services.co_implementer_add(application=draft, acting_user=applicant, **fields)
        application = application_services.application_submit(application=draft, acting_user=applicant)
    application.refresh_from_db()
    return application


@pytest.fixture
def presenter():
    return UserFactory(administrator=True, full_name="Esa Esittelijä")


@pytest.fixture
def draft_decision(joint_application, presenter):
    return DecisionFactory(
        application=joint_application,
        amount="60000.00",
        presenter=presenter,
        instalments=[{"percent": "100", "condition": "on_acceptance"}],
    )


def co_implementers(application):
    first, second = application.co_implementers.order_by("pk")
    return first, second


def set_shares(decision, presenter, first="20000.00", second="5000.00"):
    one, two = co_implementers(decision.application)
    return decision_services.decision_co_implementer_shares_set(
        decision=decision, shares={one.pk: first, two.pk: second}, acting_user=presenter
    )


def publish(decision) -> Grant:
    """The draft signed and published, as DecisionFactory.published does, and its terms accepted."""
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.SIGNED,
        signed_at=timezone.now(),
        decision_date=helsinki_today(),
        decision_maker=UserFactory(roles=["decision_maker"]),
    )
    grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
    grant = Grant.objects.get(decision=decision)
    return grant_services.grant_accept(grant=grant, acting_user=decision.application.submitted_by)


class TestSharesOnTheDecision:
    def test_the_shares_are_set_and_audited(self, draft_decision, presenter):
        set_shares(draft_decision, presenter)
        assert sorted(draft_decision.co_implementer_shares.values_list("amount", flat=True)) == [
            Decimal("5000.00"),
            Decimal("20000.00"),
        ]
        entry = AuditEntry.objects.get(action="decision.co_implementer_shares_set")
        assert entry.details["shares"] == {PARTNER_ID: "20000.00", SECOND_PARTNER_ID: "5000.00"}

    def test_an_empty_share_passes_nothing_on(self, draft_decision, presenter):
        set_shares(draft_decision, presenter, second="")
        assert [share.co_implementer.business_id for share in draft_decision.co_implementer_shares.all()] == [
            PARTNER_ID
        ]

    def test_shares_above_the_grant_are_refused_and_nothing_saved(self, draft_decision, presenter):
        set_shares(draft_decision, presenter)
        with pytest.raises(ValidationError) as error:
            set_shares(draft_decision, presenter, first="55000.00", second="5000.01")
        assert error.value.code == "shares_above_grant"
        assert "60\xa0000,01" in error.value.messages[0] or "60,000.01" in error.value.messages[0]
        assert sorted(draft_decision.co_implementer_shares.values_list("amount", flat=True)) == [
            Decimal("5000.00"),
            Decimal("20000.00"),
        ]

    def test_exactly_the_grant_may_be_passed_on(self, draft_decision, presenter):
        set_shares(draft_decision, presenter, first="55000.00", second="5000.00")
        assert draft_decision.co_implementer_shares.count() == 2

    @pytest.mark.parametrize("amount", ["-1", "10.001", "kymppi"])
    def test_a_share_that_is_no_amount_is_refused_naming_the_co_implementer(
        self, draft_decision, presenter, amount
    ):
        with pytest.raises(ValidationError) as error:
            set_shares(draft_decision, presenter, second=amount)
        ((field, messages),) = error.value.message_dict.items()
        assert field.startswith("share-") and "Pirkan Opisto" in messages[0]
        assert not CoImplementerShare.objects.exists()

    def test_a_co_implementer_of_no_such_id_is_refused(self, draft_decision, presenter):
        with pytest.raises(ValidationError) as error:
            decision_services.decision_co_implementer_shares_set(
                decision=draft_decision, shares={999999: "10.00"}, acting_user=presenter
            )
        assert error.value.code == "unknown_co_implementer"
        assert not CoImplementerShare.objects.exists()

    def test_only_a_positive_draft_and_only_its_presenter(self, draft_decision, presenter):
        with pytest.raises(PermissionDenied):
            set_shares(draft_decision, UserFactory(roles=["finance_officer"]))
        Decision.objects.filter(pk=draft_decision.pk).update(status=DecisionStatus.FOR_SIGNING)
        draft_decision.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            set_shares(draft_decision, presenter)
        assert error.value.code == "not_a_draft"
        assert not CoImplementerShare.objects.exists()

    def test_the_grant_cannot_drop_below_the_shares(self, draft_decision, presenter):
        ScreeningFactory(application=draft_decision.application)
        set_shares(draft_decision, presenter)
        terms = decision_services.DecisionTerms(
            **(draft_decision.terms() | {"outcome": "partially_approved", "amount": Decimal("24999.99")})
        )
        with pytest.raises(ValidationError) as error:
            decision_services.decision_save_draft(
                application=draft_decision.application, terms=terms, acting_user=presenter
            )
        assert error.value.error_dict["amount"][0].code == "below_co_implementer_shares"
        draft_decision.refresh_from_db()
        assert draft_decision.amount == Decimal("60000.00")

    def test_a_correction_keeps_the_shares(self, draft_decision, presenter):
        set_shares(draft_decision, presenter)
        grant = publish(draft_decision)
        correction = decision_services.decision_correct(decision=grant.decision, acting_user=presenter)
        assert sorted(correction.co_implementer_shares.values_list("amount", flat=True)) == [
            Decimal("5000.00"),
            Decimal("20000.00"),
        ]

    def test_a_co_implementer_given_a_share_cannot_be_removed_or_replaced_by_the_applicant(
        self, draft_decision, presenter
    ):
        set_shares(draft_decision, presenter)
        application = draft_decision.application
        budget = application.form.parsed.fact_questions()["budget"]
        application_services.completion_request_create(
            application=application,
            question_ids=[budget.id],
            required_attachments=[],
            message="Tarkentakaa talousarvio.",
            reply_by=helsinki_today() + datetime.timedelta(days=14),
            acting_user=UserFactory(roles=["programme_manager"]),
        )
        first, _second = co_implementers(application)
        with pytest.raises(ValidationError) as removal:
            application_services.co_implementer_remove(
                co_implementer=first, acting_user=application.submitted_by
            )
        assert removal.value.code == "co_implementer_in_decision"
        assert first.name in removal.value.messages[0]
        with pytest.raises(ValidationError) as replacement:
            application_services.co_implementer_change(
                co_implementer=first, acting_user=application.submitted_by, business_id="1572860-0"
            )
        assert replacement.value.code == "co_implementer_in_decision"
        first.refresh_from_db()
        assert first.business_id == PARTNER_ID and first.decision_shares.exists()
        # What is not who it is may still be completed.
        application_services.co_implementer_change(
            co_implementer=first, acting_user=application.submitted_by, contact_phone="+358 40 765 4321"
        )

    @pytest.mark.reads_pdf
    @pytest.mark.parametrize(
        ("language", "heading"),
        [("fi", "osatoteuttajille"), ("sv", "delgenomförare"), ("en", "co-implementers")],
    )
    def test_the_document_names_them_with_the_condition_of_a_written_agreement(
        self, draft_decision, presenter, language, heading
    ):
        set_shares(draft_decision, presenter)
        text = " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(decision_pdf(draft_decision, language))).pages
        ).replace("\n", " ")
        text = text.replace("\xa0", " ").replace("\u202f", " ")
        assert heading in text
        for expected in ("Tampereen yliopisto", PARTNER_ID, "Pirkan Opisto", SECOND_PARTNER_ID, "688/2001"):
            assert expected in text
        assert "20 000" in text or "20,000" in text

    def test_the_officials_page_sets_the_shares(self, client, draft_decision, presenter):
        sign_in(client, presenter)
        url = reverse("official:application_decision", args=[draft_decision.application_id])
        page = client.get(url).content.decode()
        assert 'name="step" value="co_implementer_shares"' in page
        one, two = co_implementers(draft_decision.application)
        # The form starts from what each applied for: 35 000 less 20 000, and 10 000 less 3 000.
        assert 'value="15 000,00"' in page.replace("\xa0", " ")
        response = client.post(
            url,
            {
                "step": "co_implementer_shares",
                f"shares-share-{one.pk}": "20 000",
                f"shares-share-{two.pk}": "",
            },
        )
        assert response.status_code == 302
        assert [share.amount for share in draft_decision.co_implementer_shares.all()] == [Decimal("20000.00")]


def _upload(name="sopimus.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class TestAgreementsBeforePayment:
    @pytest.fixture
    def grant(self, draft_decision, presenter):
        set_shares(draft_decision, presenter)
        return publish(draft_decision)

    @pytest.fixture
    def finance(self):
        return UserFactory(roles=["finance_officer"])

    def record(self, grant, co_implementer, finance, **fields):
        values = {"signed_on": helsinki_today(), "document": _upload()} | fields
        return grant_services.onward_transfer_agreement_record(
            grant=grant, co_implementer=co_implementer, acting_user=finance, **values
        )

    def test_nothing_is_paid_until_every_agreement_is_on_file(self, grant, finance):
        instalment = grant.instalments.get()
        assert instalment.status == InstalmentStatus.DUE
        due = payment_selectors.payments_due()
        assert due.ready == []
        (waiting,) = due.awaiting_agreements
        assert waiting.missing_agreements == ["Pirkan Opisto", "Tampereen yliopisto"]
        agency = grant.application.call.programme.agency
        with pytest.raises(ValidationError) as error:
            batch_prepare(agency=agency, execution_date=helsinki_today(), acting_user=finance)
        assert error.value.code == "nothing_due"
        first, second = co_implementers(grant.application)
        self.record(grant, first, finance)
        assert payment_selectors.payments_due().awaiting_agreements[0].missing_agreements == ["Pirkan Opisto"]
        self.record(grant, second, finance)
        assert [item.pk for item in payment_selectors.payments_due().ready] == [instalment.pk]
        batch = batch_prepare(agency=agency, execution_date=helsinki_today(), acting_user=finance)
        assert list(batch.instalments.values_list("pk", flat=True)) == [instalment.pk]

    def test_recorded_with_its_date_and_document_audited_and_replaced(self, grant, finance):
        first, _second = co_implementers(grant.application)
        agreement = self.record(
            grant, first, finance, signed_on=helsinki_today() - datetime.timedelta(days=3)
        )
        assert (agreement.document_name, agreement.document_kind) == ("sopimus.pdf", "pdf")
        assert AuditEntry.objects.filter(action="grant.onward_transfer_agreement_recorded").count() == 1
        replaced = self.record(grant, first, finance, document=_upload("uusi.pdf"))
        assert replaced.pk == agreement.pk and replaced.document_name == "uusi.pdf"
        assert replaced.signed_on == helsinki_today()
        entry = AuditEntry.objects.get(action="grant.onward_transfer_agreement_replaced")
        assert entry.details["co_implementer"] == PARTNER_ID

    @pytest.mark.parametrize(
        ("fields", "field", "code"),
        [
            ({"signed_on": None}, "signed_on", "required"),
            ({"document": None}, "document", "required"),
            (
                {"document": _upload("sopimus.txt", b"just text, not a document")},
                "document",
                "unaccepted_type",
            ),
        ],
    )
    def test_refused_field_by_field_and_nothing_saved(self, grant, finance, fields, field, code):
        first, _second = co_implementers(grant.application)
        with pytest.raises(ValidationError) as error:
            self.record(grant, first, finance, **fields)
        assert error.value.error_dict[field][0].code == code
        assert not OnwardTransferAgreement.objects.exists()

    def test_a_future_date_is_refused(self, grant, finance):
        first, _second = co_implementers(grant.application)
        with pytest.raises(ValidationError) as error, translation.override("en"):
            self.record(grant, first, finance, signed_on=helsinki_today() + datetime.timedelta(days=1))
        assert error.value.message_dict["signed_on"] == ["The agreement cannot be dated in the future."]
        assert not OnwardTransferAgreement.objects.exists()

    def test_no_agreement_for_a_co_implementer_without_a_share(self, draft_decision, presenter, finance):
        set_shares(draft_decision, presenter, second="")
        grant = publish(draft_decision)
        _first, second = co_implementers(grant.application)
        with pytest.raises(ValidationError) as error:
            self.record(grant, second, finance)
        assert error.value.code == "no_share"
        assert not OnwardTransferAgreement.objects.exists()

    def test_only_the_presenter_or_a_finance_officer_records_it(self, grant):
        first, _second = co_implementers(grant.application)
        for person in (grant.application.submitted_by, UserFactory(roles=["auditor"])):
            with pytest.raises(PermissionDenied):
                self.record(grant, first, person)
        assert not OnwardTransferAgreement.objects.exists()

    def test_the_pages_say_what_is_missing_and_take_the_agreement(self, client, grant, finance):
        sign_in(client, finance)
        payments = client.get(reverse("official:payments")).content.decode()
        assert "agreements-heading" in payments and "Pirkan Opisto, Tampereen yliopisto" in payments
        first, _second = co_implementers(grant.application)
        url = reverse("official:onward_transfer_agreement_record", args=[grant.application_id, first.pk])
        refused = client.post(url, {"signed_on": helsinki_today().isoformat()})
        assert refused.status_code == 302
        assert not OnwardTransferAgreement.objects.exists()
        client.post(url, {"signed_on": helsinki_today().isoformat(), "document": _upload()})
        agreement = OnwardTransferAgreement.objects.get()
        page = client.get(
            reverse("official:application_decision", args=[grant.application_id])
        ).content.decode()
        assert reverse("official:onward_transfer_agreement_document", args=[agreement.pk]) in page
        document = client.get(reverse("official:onward_transfer_agreement_document", args=[agreement.pk]))
        assert document.status_code == 200
        assert AuditEntry.objects.filter(action="grant.onward_transfer_agreement_viewed").exists()

    def test_the_agreement_is_for_officials_only(self, client, grant, finance):
        first, _second = co_implementers(grant.application)
        agreement = self.record(grant, first, finance)
        url = reverse("official:onward_transfer_agreement_document", args=[agreement.pk])
        expected = {
            grant.application.submitted_by: 403,
            UserFactory(official=True): 403,
            UserFactory(roles=["auditor"]): 200,
            finance: 200,
        }
        for person, status in expected.items():
            client.logout()
            sign_in(client, person)
            assert client.get(url).status_code == status, person


class TestRegisterAndOpenData:
    def test_the_register_and_the_360giving_package_list_the_co_implementers(
        self, client, draft_decision, presenter
    ):
        set_shares(draft_decision, presenter)
        grant = publish(draft_decision)
        published = grant.decision.published_grant
        page = client.get(reverse("register:grant_detail", args=[published.pk])).content.decode()
        assert "Tampereen yliopisto" in page and SECOND_PARTNER_ID in page
        package = json.loads(b"".join(client.get("/open-data/360giving.json").streaming_content))
        errors = [
            f"{list(error.absolute_path)}: {error.message}"
            for error in package_validator().iter_errors(package)
        ]
        assert errors == []
        (item,) = [entry for entry in package["grants"] if entry["id"].endswith(f"-{published.pk}")]
        lead, *others = item["recipientOrganization"]
        assert lead["name"] == grant.application.applicant_name
        assert [(other["id"], other["name"]) for other in others] == [
            (f"FI-PRO-{SECOND_PARTNER_ID}", "Pirkan Opisto"),
            (f"FI-PRO-{PARTNER_ID}", "Tampereen yliopisto"),
        ]
        assert "EUR 5000.00" in others[0]["description"]

    def test_a_co_implementer_without_a_share_is_not_listed(self, client, draft_decision, presenter):
        set_shares(draft_decision, presenter, second="")
        grant = publish(draft_decision)
        package = json.loads(b"".join(client.get("/open-data/360giving.json").streaming_content))
        (item,) = package["grants"]
        assert [other["name"] for other in item["recipientOrganization"][1:]] == ["Tampereen yliopisto"]
        assert grant.decision.published_grant is not None


def test_the_payments_and_grant_pages_make_as_many_statements_whatever_is_missing(
    client, draft_decision, presenter
):
    set_shares(draft_decision, presenter)
    grant = publish(draft_decision)
    finance = UserFactory(roles=["finance_officer"])
    sign_in(client, finance)
    pages = [
        reverse("official:payments"),
        reverse("official:application_decision", args=[grant.application_id]),
    ]

    def statements() -> list[int]:
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    statements()  # the session's first requests write what later ones only read
    both_missing = statements()
    first, _second = co_implementers(grant.application)
    grant_services.onward_transfer_agreement_record(
        grant=grant, co_implementer=first, signed_on=helsinki_today(), document=_upload(), acting_user=finance
    )
    assert statements() == both_missing
