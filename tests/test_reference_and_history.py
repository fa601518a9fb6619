import datetime
import io
import shutil
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone
from pypdf import PdfReader

from avustamo.accounts.models import RoleGrant, User
from avustamo.applications.models import Application, ApplicationStatus, Attachment
from avustamo.core.models import AuditEntry
from avustamo.core.money import to_cents
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.demo.content import PEOPLE
from avustamo.demo.loader import _funding_year, load_demo
from avustamo.grants.models import Grant, GrantStatus
from avustamo.organisations.models import Membership, Organisation
from avustamo.payments.models import Instalment, InstalmentStatus
from avustamo.programmes.models import Agency, Call, CallStatus, CallTheme, Programme
from avustamo.programmes.reference import DATA_DIR, load_reference_data
from avustamo.reference.models import Municipality, Region
from avustamo.register.imports import CALLS_FILE, GRANTS_FILE
from avustamo.register.models import GrantOutcome, PublishedGrant
from avustamo.reports.models import Report, ReportStatus
from avustamo.reviews.models import ReviewAssignment, ScreeningResult

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Agency,
            Programme,
            Region,
            Municipality,
            Call,
            CallTheme,
            PublishedGrant,
            User,
            Organisation,
            Membership,
            AuditEntry,
            Application,
            Attachment,
        )
    }


class TestReferenceData:
    def test_regions_are_statistics_finland_codes(self, reference_data):
        codes = list(Region.objects.values_list("code", flat=True))
        assert codes == [
            f"{n:02d}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21)
        ]
        assert Region.objects.get(code="21").name_sv == "Åland"

    def test_municipalities_by_kuntanumero_with_validity_years(self, reference_data):
        assert Municipality.objects.get(code="091").name_sv == "Helsingfors"
        assert Municipality.objects.get(code="837").region_id == "06"
        assert Municipality.objects.valid_in(2016).filter(code="174").exists()
        assert not Municipality.objects.valid_in(2017).filter(code="174").exists()
        assert Municipality.objects.valid_in(2026).count() == 309

    def test_programmes_carry_their_rules(self, reference_data):
        talent_hub = Programme.objects.get(code="tem-talent-hub")
        assert talent_hub.agency.code == "TEM"
        assert talent_hub.legal_basis_fi == "Valtionavustuslaki (688/2001) 5–7 ja 11 §"
        assert talent_hub.legal_basis_sv == "Statsunderstödslagen (688/2001) 5–7 och 11 §"
        assert talent_hub.budget_line == "32.30.40"
        integration = Programme.objects.get(code="tem-kotoutuminen-jarjestoavustus")
        assert integration.budget_line == "32.50.30"
        assert integration.special_act_sv == "Lag om främjande av integration (681/2023)"
        assert (talent_hub.default_max_share_percent, talent_hub.default_own_funding_percent) == (
            Decimal("70"),
            Decimal("30"),
        )
        assert talent_hub.eligible_organisation_types == ["municipality"]
        guidance = Programme.objects.get(code="tem-ohjaus-ja-neuvontapalvelut")
        assert set(guidance.eligible_organisation_types) == {"municipality", "joint_municipal_authority"}
        assert guidance.default_max_share_percent == Decimal("70")
        ngo = Programme.objects.get(code="tem-kotoutuminen-jarjestoavustus")
        assert "religious_community" in ngo.eligible_organisation_types
        assert {agency.code for agency in Agency.objects.all()} == {"TEM", "OKM", "KEHA"}
        # TEM decides the guidance and counselling grants; KEHA-keskus pays them.
        assert (guidance.agency.code, guidance.paying_agency.code) == ("TEM", "KEHA")
        assert talent_hub.paying_agency is None

    def test_loading_again_changes_nothing(self, reference_data):
        outcomes = load_reference_data()
        assert outcomes["created"] == outcomes["updated"] == 0


class TestTemHistory:
    def test_import__calls_and_grants_as_published(self):
        call_command("import_tem_history")
        assert Call.objects.count() == 7
        assert PublishedGrant.objects.count() == 53
        assert all(call.status() == CallStatus.CLOSED for call in Call.objects.all())
        call_2016 = Call.objects.get(reference="TEM-KOTO-2016")
        assert call_2016.appropriation == Decimal("800000")
        assert call_2016.history_applications_received == 76
        assert call_2016.grants.count() == call_2016.history_grants_awarded == 11
        assert call_2016.source_url_list[0] == "https://kotouttaminen.fi/rahoitetut-hankkeet-2016"

    def test_import__keeps_names_as_published_and_invents_no_business_ids(self):
        call_command("import_tem_history")
        rädda = PublishedGrant.objects.get(recipient_name="Rädda Barnen rf")
        assert rädda.source_language == "sv"
        assert rädda.amount_awarded == Decimal("92000")
        assert PublishedGrant.objects.filter(recipient_name="Suomen Kylätoiminta ry").exists()
        assert PublishedGrant.objects.filter(recipient_name="Suomen Kylätoimikunta ry").exists()
        assert not PublishedGrant.objects.exclude(recipient_business_id="").exists()
        assert not PublishedGrant.objects.filter(organisation__isnull=False).exists()
        assert PublishedGrant.objects.get(
            recipient_name="Vantaan Monikulttuurinen Liikunta ry"
        ).amount_awarded == Decimal("16900")

    def test_import__totals_per_year_match_the_published_lists(self):
        call_command("import_tem_history")
        totals = dict(
            PublishedGrant.objects.values_list("funding_year")
            .annotate(total=Sum("amount_awarded"))
            .order_by("funding_year")
        )
        counts = {year: PublishedGrant.objects.filter(funding_year=year).count() for year in totals}
        assert counts == {2016: 11, 2017: 10, 2018: 9, 2020: 10, 2021: 13}
        assert totals[2020] == Decimal("590000")

    def test_import__running_again_changes_nothing(self, capsys):
        call_command("import_tem_history")
        before = _counts()
        call_command("import_tem_history")
        assert _counts() == before
        assert "0 created, 0 updated, 7 unchanged" in capsys.readouterr().out

    def test_import__from_another_directory(self, tmp_path):
        shutil.copy(DATA_DIR / CALLS_FILE, tmp_path)
        shutil.copy(DATA_DIR / GRANTS_FILE, tmp_path)
        call_command("import_tem_history", str(tmp_path))
        assert PublishedGrant.objects.count() == 53

    def test_import__missing_file_imports_nothing(self, tmp_path):
        shutil.copy(DATA_DIR / CALLS_FILE, tmp_path)
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command("import_tem_history", str(tmp_path))
        assert not Call.objects.exists()

    def test_import__grant_of_unknown_call_imports_nothing(self, tmp_path):
        shutil.copy(DATA_DIR / CALLS_FILE, tmp_path)
        text = (DATA_DIR / GRANTS_FILE).read_text(encoding="utf-8")
        (tmp_path / GRANTS_FILE).write_text(
            text + "TEM-KOTO-1999,1999,TEM,Tuntematon ry,fi,,1000,https://example.org,\n", encoding="utf-8"
        )
        with pytest.raises(CommandError, match="TEM-KOTO-1999"):
            call_command("import_tem_history", str(tmp_path))
        assert not Call.objects.exists()
        assert not PublishedGrant.objects.exists()


def _counts_of_every_model():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_demo__loading_twice_changes_nothing():
    load_demo()
    before = _counts_of_every_model()
    load_demo()
    assert _counts_of_every_model() == before
    assert before["programmes.Call"] == 16  # with the call two years back whose grant is in recovery
    open_programmes = {call.programme.code for call in Call.objects.with_status(CallStatus.OPEN)}
    assert len(open_programmes) == 4
    assert Call.objects.with_status(CallStatus.UPCOMING).exists()
    applicant_a = Organisation.objects.get(memberships__person__email="applicant-a@example.org")
    applicant_b = Organisation.objects.get(memberships__person__email="applicant-b@example.org")
    assert applicant_a != applicant_b
    assert User.objects.get(email="official@example.org").is_staff
    submitted = Application.objects.get(
        organisation=applicant_a, call__reference=f"TEM-KOTO-{_funding_year(timezone.localdate())}"
    )
    assert submitted.status == "submitted" and submitted.register_number.startswith("TEM/")
    assert submitted.attachments.count() == submitted.call.required_attachments.count() == 3
    assert (
        Application.objects.get(organisation=applicant_b, call__reference__startswith="TEM-NEUVO-").status
        == "draft"
    )
    joint = Application.objects.get(organisation=applicant_b, call__reference__startswith="TEM-TALENT-")
    assert joint.status == "submitted" and joint.co_implementers.count() == 2
    assert joint.requested_amount == Decimal("373000.00")
    assert joint.vat_recoverable is True  # a municipality: the municipal VAT refund
    # What every decision prints: the approved budget, the contact person's title and telephone, the registry.
    positive = Decision.objects.filter(outcome__in=Outcome.positive())
    assert positive.exists()
    for decision in positive:
        approved = sum(Decimal(amount) for amount in decision.approved_costs.values())
        assert decision.approved_costs and approved == decision.eligible_costs
    presenter = User.objects.get(email="presenter@example.org")
    assert (presenter.job_title_in("sv"), presenter.phone) == ("överinspektör", "+358 29 504 7105")
    tem = Agency.objects.get(code="TEM")
    assert (tem.registry_email, tem.registry_visiting_address) == (
        "kirjaamo.tem@gov.fi",
        "Aleksanterinkatu 4, Helsinki",
    )


def test_demo__dates_agree_with_each_other():
    """No report is due, and nothing is paid or reported, before the decision that asks for it."""
    load_demo()
    decided = Decision.objects.filter(decision_date__isnull=False)
    assert decided.exists()
    for decision in decided:
        for report in decision.reports_due or []:
            assert datetime.date.fromisoformat(report["due"]) > decision.decision_date, decision
        for instalment in Instalment.objects.filter(grant__decision=decision, paid_on__isnull=False):
            assert instalment.paid_on >= decision.decision_date, decision
        for report in Report.objects.filter(grant__decision=decision, submitted_at__isnull=False):
            assert report.submitted_at.date() >= decision.decision_date, decision


def _pdf_text(file) -> str:
    with file.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.reads_pdf
def test_demo__officials_side_has_every_state_of_handling():
    load_demo()
    funding_year = _funding_year(timezone.localdate())

    roles = {
        email: set(RoleGrant.objects.filter(person__email=email).values_list("role", flat=True))
        for email in (row["email"] for row in PEOPLE)
    }
    assert roles["official@example.org"] == {"programme_manager", "administrator"}
    assert roles["manager@example.org"] == {"programme_manager"}
    assert roles["reviewer-1@example.org"] == roles["reviewer-2@example.org"] == {"reviewer"}
    assert roles["presenter@example.org"] == {"presenter"}
    assert roles["decider@example.org"] == {"decision_maker"}
    assert roles["finance@example.org"] == roles["finance-approver@example.org"] == {"finance_officer"}
    assert roles["auditor@example.org"] == {"auditor"}
    assert User.objects.get(email="admin@example.org").is_superuser
    assert all(
        User.objects.get(email=email).is_staff
        and User.objects.get(email=email).check_password("avustamo-demo-2026")
        for email, granted in roles.items()
        if granted
    )

    # Last year's NGO call: every decision presented, signed by the decision maker and published with its PDFs.
    earlier = Call.objects.get(reference=f"TEM-KOTO-{funding_year - 1}")
    assert earlier.status() == CallStatus.CLOSED
    decisions = Decision.objects.filter(application__call=earlier).select_related("application")
    assert decisions.count() >= 3
    for decision in decisions:
        assert decision.status == DecisionStatus.PUBLISHED
        assert decision.presenter.email == "presenter@example.org"
        assert decision.decision_maker.email == "decider@example.org"
        assert decision.application.submitted_at <= earlier.closes_at
        text = _pdf_text(decision.document)
        assert decision.application.register_number in text
        assert decision.application.register_number in _pdf_text(decision.courtesy_document)
    kotipiha = decisions.get(application__organisation__business_id="1618033-3")
    assert kotipiha.outcome == Outcome.APPROVED and kotipiha.language == "fi"
    assert kotipiha.application.submitted_by.email == "applicant-a@example.org"
    assert "Kotipiha" in _pdf_text(kotipiha.document)
    assert PublishedGrant.objects.get(decision=kotipiha).amount_awarded == kotipiha.amount
    swedish = decisions.get(language="sv")
    assert swedish.application.submitted_by.preferred_language == "sv"
    assert swedish.outcome == Outcome.PARTIALLY_APPROVED
    assert swedish.application.applicant_name in _pdf_text(swedish.document)
    assert PublishedGrant.objects.get(decision=swedish).source_language == "sv"
    rejected = decisions.get(outcome=Outcome.REJECTED)
    # TEM publishes negative decisions of organisations, as the State Treasury does: without sum or purpose.
    published_rejection = PublishedGrant.objects.get(decision=rejected)
    assert published_rejection.outcome == GrantOutcome.REJECTED
    assert published_rejection.amount_awarded == 0 and published_rejection.purpose == ""

    # The money of those grants: Kotipiha's awaits acceptance; the Närpes association accepted, and 80 % was paid
    # in a batch prepared and approved by two finance officers; a rejection has no grant.
    assert kotipiha.grant.status == GrantStatus.AWAITING_ACCEPTANCE and not kotipiha.grant.may_be_paid
    assert swedish.grant.status == GrantStatus.ACCEPTED
    first, last = swedish.grant.instalments.order_by("number")
    assert first.status == InstalmentStatus.PAID and first.amount == to_cents(swedish.amount * Decimal("0.8"))
    assert last.status == InstalmentStatus.PLANNED and first.amount + last.amount == swedish.amount
    assert first.batch.prepared_by.email == "finance@example.org"
    assert first.batch.approved_by.email == "finance-approver@example.org" and first.batch.credit_transfer
    assert not Grant.objects.filter(application=rejected.application).exists()
    # Reports: the Närpes interim report waits for the presenter; the northern association's final report was
    # approved in two steps and settled the grant: what is left to pay is due.
    interim = swedish.grant.reports.get()
    assert (interim.kind, interim.status) == ("interim", ReportStatus.SUBMITTED)
    settled = decisions.get(application__organisation__business_id="1732050-2").grant
    final = settled.reports.get()
    assert final.status == ReportStatus.APPROVED and final.finances_reviewed_by.email == "finance@example.org"
    assert final.content_reviewed_by.email == "presenter@example.org" and final.attachments.count() == 1
    due = settled.instalments.get(status=InstalmentStatus.DUE)
    assert due.amount == Decimal(final.settlement["to_pay"]) > 0

    # This season's youth call has closed and its applications are at every step of handling.
    call = Call.objects.get(reference=f"TEM-KOTO-{funding_year}-NUORET")
    assert call.status() == CallStatus.CLOSED
    assert set(call.assignments.values_list("person__email", "role")) == {
        ("reviewer-1@example.org", "reviewer"),
        ("reviewer-2@example.org", "reviewer"),
        ("presenter@example.org", "presenter"),
    }
    applications = Application.objects.filter(call=call)
    assert all(application.submitted_at <= call.closes_at for application in applications)
    assert applications.filter(
        status=ApplicationStatus.SUBMITTED, screening__isnull=True, completion_requests__isnull=True
    ).exists()
    ineligible = applications.get(screening__result=ScreeningResult.INELIGIBLE)
    assert ineligible.screening.reason
    requests = [
        application.completion_requests.get()
        for application in applications.filter(status=ApplicationStatus.COMPLETION_REQUESTED)
    ]
    assert sorted(request.is_overdue() for request in requests) == [False, True]
    reviews = ReviewAssignment.objects.filter(application__call=call)
    fully_reviewed = [
        application
        for application in applications
        if application.review_assignments.filter(submitted_at__isnull=False).count() == 2
    ]
    assert len(fully_reviewed) >= 2
    assert all(
        review.scores.count() == call.criteria.count()
        and all(score.justification for score in review.scores.all())
        for review in reviews.filter(submitted_at__isnull=False)
    )
    conflicted = reviews.get(conflict=ReviewAssignment.Conflict.CONFLICTED)
    assert conflicted.reviewer.email == "reviewer-2@example.org" and conflicted.conflict_reason
    assert reviews.filter(conflict=ReviewAssignment.Conflict.UNDECLARED).exists()
    assert applications.filter(proposal__isnull=False).count() >= 3
    assert applications.filter(proposal__suggested=False).exists()
    handled = Decision.objects.filter(application__call=call)
    assert handled.filter(status=DecisionStatus.DRAFT).exists()
    for_signing = handled.get(status=DecisionStatus.FOR_SIGNING)
    assert for_signing.decision_maker.email == "decider@example.org"
    assert for_signing.presenter.email == "presenter@example.org"

    # Kotipiha ry's application to this season's open NGO call is as it was.
    current = Application.objects.get(
        call__reference=f"TEM-KOTO-{funding_year}", organisation__business_id="1618033-3"
    )
    assert current.status == ApplicationStatus.SUBMITTED and current.call.status() == CallStatus.OPEN
