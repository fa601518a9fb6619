"""State aid and VAT (issue 19, parts 2 and 3): each call says whether its grants are State aid and on which basis;
a de minimis applicant declares the aid it received, and a proposal, a draft or a signature that would take the
undertaking over 300 000 € in the three years ending on the grant day is refused; the decision states the aid
and the applicant's VAT position in the words the rules ask for; a report that includes VAT the recipient can
recover is refused. Amounts and dates are built by hand around the ceiling's and the period's edges, relative to
today."""

import copy
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from avustamo.applications import services as application_services
from avustamo.applications.services import SubmissionRefused
from avustamo.core.dates import helsinki_today as today
from avustamo.decisions import services as decision_services
from avustamo.decisions.de_minimis import de_minimis_sum, period_start
from avustamo.decisions.documents import decision_pdf
from avustamo.decisions.models import Decision, DecisionStatus, FundingProposal, Outcome
from avustamo.decisions.services import DecisionTerms
from avustamo.programmes import services as call_services
from avustamo.programmes.application_form.schema import FormDefinitionError, parse_definition
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import Call, CallForm, StateAidBasis
from avustamo.reports.models import ReportStatus
from avustamo.reports.services import report_submit
from avustamo.reviews import services as review_services
from tests.access import sign_in
from tests.documents import pdf_text
from tests.factories import (
    ApplicationFactory,
    CallAssignmentFactory,
    CallFactory,
    CallFormFactory,
    DecisionFactory,
    EvaluationCriterionFactory,
    GrantFactory,
    MembershipFactory,
    ProgrammeFactory,
    ReportFactory,
    ScreeningFactory,
    UserFactory,
    close_call,
    complete_answers,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _de_minimis_call(**fields) -> Call:
    call = CallFactory(state_aid_basis=StateAidBasis.DE_MINIMIS, max_grant=Decimal("100000.00"), **fields)
    CallFormFactory(call=call, definition=parse_definition(standard_definition(de_minimis=True)).to_json())
    return call


def _aid(amount: str, granted_on: D, authority: str = "Business Finland") -> dict:
    return {"granting-authority": authority, "granted-on": granted_on.isoformat(), "amount": amount}


def _submitted(call, *, declared=(), applicant=None, requested="60000.00", vat="no"):
    answers = {"de-minimis-aid": list(declared), "vat-recoverable": vat}
    if not declared:
        answers.pop("de-minimis-aid")
    return ApplicationFactory.submitted(call, applicant=applicant, requested=requested, answers=answers)


def _eligible(application):
    """The application after its call has closed, screened eligible by its presenter."""
    close_call(application.call)
    presenter = CallAssignmentFactory(call=application.call).person
    ScreeningFactory(application=application, screened_by=presenter)
    application.refresh_from_db()
    return application, presenter


def _propose(application, presenter, amount: str):
    return decision_services.proposal_set(
        application=application,
        amount=Decimal(amount),
        eligible_costs=None,
        max_share_percent=None,
        justification="",
        acting_user=presenter,
    )


class TestThePeriod:
    def test_the_three_years_end_on_the_grant_day_and_begin_the_day_after_the_same_date_three_years_before(
        self,
    ):
        assert period_start(D(2027, 3, 15)) == D(2024, 3, 16)
        assert period_start(D(2027, 1, 1)) == D(2024, 1, 2)

    def test_a_period_ending_on_29_february_begins_on_1_march(self):
        assert period_start(D(2028, 2, 29)) == D(2025, 3, 1)


class TestTheCeilingOnAProposal:
    """250 000 € declared; 300 000 € in all is allowed, a cent more is not."""

    def test_exactly_the_ceiling_is_allowed(self):
        declared = [_aid("250000.00", today() - datetime.timedelta(days=100))]
        application, presenter = _eligible(_submitted(_de_minimis_call(), declared=declared))
        proposal = _propose(application, presenter, "50000.00")
        assert proposal.amount == Decimal("50000.00")

    def test_a_cent_over_the_ceiling_is_refused_naming_the_figures_and_nothing_is_saved(self):
        application, presenter = _eligible(
            _submitted(
                _de_minimis_call(), declared=[_aid("250000.00", today() - datetime.timedelta(days=400))]
            )
        )
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _propose(application, presenter, "50000.01")
        error = refusal.value.error_dict["amount"][0]
        assert error.code == "de_minimis_ceiling"
        message = error.message
        for figure in ("€300,000", "€250,000", "€50,000.01", "€300,000.01", "€50,000"):
            assert figure in message, (figure, message)
        assert not FundingProposal.objects.exists()

    def test_aid_granted_the_same_date_three_years_before_is_outside_the_period(self):
        outside = period_start(today()) - datetime.timedelta(days=1)
        application, presenter = _eligible(
            _submitted(_de_minimis_call(), declared=[_aid("290000.00", outside)])
        )
        assert _propose(application, presenter, "60000.00").amount == Decimal("60000.00")

    def test_aid_granted_on_the_first_day_of_the_period_counts(self):
        inside = period_start(today())
        application, presenter = _eligible(
            _submitted(_de_minimis_call(), declared=[_aid("270000.00", inside)])
        )
        with pytest.raises(ValidationError) as refusal:
            _propose(application, presenter, "30000.01")
        assert refusal.value.error_dict["amount"][0].code == "de_minimis_ceiling"
        assert _propose(application, presenter, "30000.00").amount == Decimal("30000.00")

    def test_the_suggested_allocation_proposes_at_most_the_room_left(self):
        call = _de_minimis_call()
        criterion = EvaluationCriterionFactory(call=call)
        declared = [_aid("270000.00", today() - datetime.timedelta(days=30))]
        application, presenter = _eligible(_submitted(call, declared=declared))
        manager, reviewer = UserFactory(roles=["programme_manager"]), UserFactory(roles=["reviewer"])
        (assignment,) = review_services.reviewers_assign(
            application=application, reviewers=[reviewer], acting_user=manager
        )
        review_services.conflict_declare(
            assignment=assignment, conflicted=False, reason="", acting_user=reviewer
        )
        review_services.review_submit(
            assignment=assignment, scores={criterion.pk: (4, "Hyvä.")}, acting_user=reviewer
        )
        decision_services.allocation_suggest(call=call, min_score=Decimal("3"), acting_user=presenter)
        # 60 000 € applied for, but only 30 000 € is left under the ceiling.
        assert FundingProposal.objects.get(application=application).amount == Decimal("30000.00")

    def test_the_suggested_allocation_gives_one_undertaking_its_room_once(self):
        call = _de_minimis_call()
        criterion = EvaluationCriterionFactory(call=call)
        applicant = MembershipFactory().person
        declared = [_aid("250000.00", today() - datetime.timedelta(days=30))]
        applications = [_submitted(call, declared=declared, applicant=applicant) for _ in range(2)]
        manager, reviewer = UserFactory(roles=["programme_manager"]), UserFactory(roles=["reviewer"])
        for application in applications:
            _application, presenter = _eligible(application)
            (assignment,) = review_services.reviewers_assign(
                application=application, reviewers=[reviewer], acting_user=manager
            )
            review_services.conflict_declare(
                assignment=assignment, conflicted=False, reason="", acting_user=reviewer
            )
            review_services.review_submit(
                assignment=assignment, scores={criterion.pk: (4, "Hyvä.")}, acting_user=reviewer
            )
        presenter = CallAssignmentFactory(call=call).person
        decision_services.allocation_suggest(call=call, min_score=Decimal("3"), acting_user=presenter)
        # 50 000 € is left under the ceiling for the undertaking, whichever of its applications it goes to.
        amounts = sorted(
            FundingProposal.objects.filter(application__call=call).values_list("amount", flat=True)
        )
        assert amounts == [Decimal("0.00"), Decimal("50000.00")]

    def test_a_call_whose_grants_are_not_aid_has_no_ceiling(self):
        call = CallFactory(max_grant=Decimal("100000.00"))
        application, presenter = _eligible(_submitted(call))
        # The form of a call that is not aid asks for no declaration; the sum is not looked at.
        assert application.declared_de_minimis_aid == []
        assert _propose(application, presenter, "60000.00").amount == Decimal("60000.00")


class TestOurOwnGrantsCount:
    def test_signed_de_minimis_grants_to_the_same_business_id_in_the_period_are_added(self):
        applicant = MembershipFactory().person
        two_years_ago = today() - datetime.timedelta(days=730)
        DecisionFactory.signed(
            application=_submitted(_de_minimis_call(), applicant=applicant, requested="90000.00"),
            amount="90000.00",
            decision_date=two_years_ago,
        )
        application, presenter = _eligible(
            _submitted(_de_minimis_call(), applicant=applicant, declared=[_aid("150000.00", two_years_ago)])
        )
        total = de_minimis_sum(application, Decimal("60000.00"), today())
        assert (total.declared, total.granted_here, total.total) == (
            Decimal("150000.00"),
            Decimal("90000.00"),
            Decimal("300000.00"),
        )
        assert _propose(application, presenter, "60000.00").amount == Decimal("60000.00")
        with pytest.raises(ValidationError):
            _propose(application, presenter, "60000.01")

    def test_grants_not_de_minimis_to_others_outside_the_period_or_replaced_are_not_added(self):
        applicant = MembershipFactory().person
        not_aid = CallFactory(max_grant=Decimal("100000.00"))
        DecisionFactory.signed(
            application=_submitted(not_aid, applicant=applicant, requested="90000.00"), amount="90000.00"
        )
        DecisionFactory.signed(
            application=_submitted(_de_minimis_call(), requested="90000.00"), amount="90000.00"
        )
        DecisionFactory.signed(
            application=_submitted(_de_minimis_call(), applicant=applicant, requested="90000.00"),
            amount="90000.00",
            decision_date=period_start(today()) - datetime.timedelta(days=1),
        )
        replaced = DecisionFactory.signed(
            application=_submitted(_de_minimis_call(), applicant=applicant, requested="90000.00"),
            amount="90000.00",
        )
        correction = DecisionFactory.signed(corrects=replaced, amount="20000.00")
        application, _presenter = _eligible(_submitted(_de_minimis_call(), applicant=applicant))
        assert correction.application_id == replaced.application_id
        assert de_minimis_sum(application, Decimal("1.00"), today()).granted_here == Decimal("20000.00")


class TestTheDecision:
    def _drafted(self, declared_amount: str):
        application, presenter = _eligible(
            _submitted(
                _de_minimis_call(), declared=[_aid(declared_amount, today() - datetime.timedelta(days=100))]
            )
        )
        return application, presenter

    def test_a_draft_over_the_ceiling_is_refused_and_nothing_is_saved(self):
        application, presenter = self._drafted("250000.00")
        terms = DecisionTerms(
            outcome=Outcome.PARTIALLY_APPROVED, amount=Decimal("50000.01"), reasons="Perustelut."
        )
        with pytest.raises(ValidationError) as refusal:
            decision_services.decision_save_draft(application=application, terms=terms, acting_user=presenter)
        assert refusal.value.error_dict["amount"][0].code == "de_minimis_ceiling"
        assert not Decision.objects.exists()

    def test_a_signature_is_refused_when_another_grant_signed_meanwhile_takes_the_sum_over(self):
        application, presenter = self._drafted("200000.00")
        decider = UserFactory(roles=["decision_maker"])
        draft = DecisionFactory(
            application=application,
            presenter=presenter,
            amount="60000.00",
            eligible_costs="75000.00",
            max_share_percent="80.00",
            instalments=[{"percent": "100", "condition": Decision.InstalmentCondition.ON_ACCEPTANCE}],
            reports_due=[
                {
                    "kind": Decision.ReportKind.FINAL,
                    "due": (today() + datetime.timedelta(days=600)).isoformat(),
                }
            ],
            conditions="Ehdot.",
        )
        decision_services.decision_send_for_signing(
            decision=draft, decision_maker=decider, acting_user=presenter
        )
        # Meanwhile the same undertaking is granted 40 000,01 € in another de minimis call.
        other = _submitted(_de_minimis_call(), applicant=application.submitted_by, requested="40000.01")
        DecisionFactory.signed(application=other, amount="40000.01")
        with pytest.raises(ValidationError) as refusal:
            decision_services.decision_sign(decision=draft, acting_user=decider)
        assert refusal.value.code == "de_minimis_ceiling"
        draft.refresh_from_db()
        assert draft.status == DecisionStatus.FOR_SIGNING and draft.decision_date is None


@pytest.mark.reads_pdf
class TestTheDecisionDocument:
    def _signed(self, call, *, vat: str) -> Decision:
        application = _submitted(call, vat=vat)
        return DecisionFactory.signed(application=application, amount="12345.67")

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            (
                "fi",
                [
                    "vähämerkityksistä (de minimis) tukea",
                    "bruttoavustusekvivalenttina on 12 345,67 €",
                    "komission asetus (EU) 2023/2831, annettu 13 päivänä joulukuuta 2023",
                    "(EUVL L, 2023/2831, 15.12.2023)",
                    "ei voi vähentää",
                ],
            ),
            (
                "sv",
                [
                    "stöd av mindre betydelse (de minimis-stöd)",
                    "bruttobidragsekvivalent är 12 345,67 €",
                    "kommissionens förordning (EU) 2023/2831 av den 13 december 2023",
                    "(EUT L, 2023/2831, 15.12.2023)",
                    "varken kan dra av",
                ],
            ),
            (
                "en",
                [
                    "The grant is de minimis aid",
                    "gross grant equivalent is €12,345.67",
                    "Commission Regulation (EU) 2023/2831 of 13 December 2023 on the application of Articles 107",
                    "(OJ L, 2023/2831, 15.12.2023)",
                    "can neither deduct",
                ],
            ),
        ],
    )
    def test_a_de_minimis_decision_states_the_amount_the_character_and_the_regulation(
        self, language, expected
    ):
        decision = self._signed(_de_minimis_call(), vat="no")
        text = " ".join(pdf_text(decision_pdf(decision, language)).split())
        for words in expected:
            assert words in text, (words, language)

    def test_a_block_exemption_decision_names_its_article_and_the_regulation(self):
        call = CallFactory(state_aid_basis=StateAidBasis.GBER, gber_article="31")
        text = " ".join(pdf_text(decision_pdf(self._signed(call, vat="yes"), "fi")).split())
        assert "asetuksen 31 artiklan nojalla: komission asetus (EU) N:o 651/2014" in text
        assert "(EUVL L 187, 26.6.2014, s. 1)" in text
        # The applicant recovers the VAT: the decision says it is not eligible, specifically.
        assert "arvonlisävero ei ole hyväksyttävä kustannus" in text

    def test_a_call_that_is_not_aid_says_so_and_takes_the_programme_default(self):
        decision = self._signed(CallFactory(), vat="no")
        assert decision.application.call.state_aid_basis == ""
        text = " ".join(pdf_text(decision_pdf(decision, "en")).split())
        assert "is not State aid within the meaning of Article 107(1)" in text


class TestTheCallSaysWhichAid:
    def test_a_call_left_empty_follows_its_programme(self):
        programme = ProgrammeFactory(
            code="tem-yritysten-kehittaminen", state_aid_basis=StateAidBasis.DE_MINIMIS
        )
        call = CallFactory(programme=programme)
        assert call.aid_basis == StateAidBasis.DE_MINIMIS and call.is_de_minimis
        call.state_aid_basis = StateAidBasis.NOT_AID
        assert not call.is_de_minimis

    @pytest.mark.parametrize(
        ("basis", "article", "code"),
        [
            (StateAidBasis.GBER, "", "gber_article_missing"),
            (StateAidBasis.DE_MINIMIS, "31", "gber_article_not_used"),
            ("", "31", "gber_article_not_used"),
            (StateAidBasis.GBER, "artikla 31", "invalid"),
        ],
    )
    def test_the_article_goes_with_the_block_exemption_only(self, basis, article, code):
        call = CallFactory(draft=True)
        manager = UserFactory(roles=["programme_manager"])
        with pytest.raises(ValidationError) as refusal:
            call_services.call_update(
                call=call, acting_user=manager, state_aid_basis=basis, gber_article=article
            )
        assert code in [error.code for error in refusal.value.error_dict["gber_article"]]
        call.refresh_from_db()
        assert (call.state_aid_basis, call.gber_article) == ("", "")

    def test_a_new_de_minimis_call_gets_the_declaration_in_its_form(self):
        manager = UserFactory(roles=["programme_manager"])
        call = call_services.call_create(
            programme=ProgrammeFactory(),
            acting_user=manager,
            reference="TEM-DM-1",
            title_fi="Kokeiluhaku",
            opens_at=CallFactory.build().opens_at,
            closes_at=CallFactory.build().closes_at,
            state_aid_basis=StateAidBasis.DE_MINIMIS,
        )
        assert "de_minimis_aid" in call.forms.get().parsed.fact_questions()

    def test_an_unpublished_call_made_de_minimis_gets_the_declaration_added(self):
        call = CallFactory(draft=True)
        CallFormFactory(call=call)
        manager = UserFactory(roles=["programme_manager"])
        call_services.call_update(call=call, acting_user=manager, state_aid_basis=StateAidBasis.DE_MINIMIS)
        assert "de_minimis_aid" in call.forms.get().parsed.fact_questions()

    def test_a_form_whose_own_question_has_an_id_of_the_declaration_is_refused_not_a_server_error(self):
        call = CallFactory(draft=True)
        form = CallFormFactory(call=call)
        definition = copy.deepcopy(form.definition)
        definition["sections"][0]["questions"].append(
            {"type": "short_text", "id": "amount", "label": {"fi": "Määrä", "sv": "Belopp", "en": "Amount"}}
        )
        form.definition = definition
        form.save(update_fields=["definition"])
        manager = UserFactory(roles=["programme_manager"])
        with pytest.raises(ValidationError) as refusal:
            call_services.call_update(
                call=call, acting_user=manager, state_aid_basis=StateAidBasis.DE_MINIMIS
            )
        assert refusal.value.error_dict["state_aid_basis"][0].code == "de_minimis_declaration_missing"
        call.refresh_from_db()
        assert call.state_aid_basis == ""
        assert "de_minimis_aid" not in call.forms.get().parsed.fact_questions()

    def test_a_published_call_is_not_made_de_minimis_behind_its_form(self):
        call = CallFactory()
        CallFormFactory(call=call)
        manager = UserFactory(roles=["programme_manager"])
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            call_services.call_update(
                call=call, acting_user=manager, state_aid_basis=StateAidBasis.DE_MINIMIS
            )
        assert refusal.value.error_dict["state_aid_basis"][0].code == "de_minimis_declaration_missing"
        call.refresh_from_db()
        assert call.state_aid_basis == ""

    def test_a_de_minimis_call_refuses_a_form_without_the_declaration(self):
        call = _de_minimis_call(draft=True)
        manager = UserFactory(roles=["programme_manager"])
        with pytest.raises(ValidationError) as refusal:
            call_services.call_form_save(call=call, definition=standard_definition(), acting_user=manager)
        assert refusal.value.code == "de_minimis_declaration_missing"
        assert "de_minimis_aid" in CallForm.objects.get(call=call).parsed.fact_questions()


class TestTheFormBlocks:
    def test_the_standard_forms_are_valid_with_and_without_the_declaration(self):
        plain = parse_definition(standard_definition())
        assert "vat_recoverable" in plain.fact_questions() and "de_minimis_aid" not in plain.fact_questions()
        assert "de_minimis_aid" in parse_definition(standard_definition(de_minimis=True)).fact_questions()

    def test_a_form_without_the_vat_question_is_still_valid(self):
        definition = standard_definition()
        budget_section = next(s for s in definition["sections"] if s["id"] == "budget-section")
        budget_section["questions"] = [q for q in budget_section["questions"] if q["id"] != "vat-recoverable"]
        assert "vat_recoverable" not in parse_definition(definition).fact_questions()

    def test_a_declaration_of_another_shape_is_refused(self):
        definition = standard_definition(de_minimis=True)
        section = next(s for s in definition["sections"] if s["id"] == "de-minimis-section")
        section["questions"][0]["questions"].pop()  # no amount
        with pytest.raises(FormDefinitionError) as refusal:
            parse_definition(definition)
        assert [problem["code"] for problem in refusal.value.problems] == ["de_minimis_shape"]


class TestTheApplication:
    def test_the_declared_aid_and_the_vat_answer_are_copied_at_submission(self):
        recent, earlier = today() - datetime.timedelta(days=30), today() - datetime.timedelta(days=400)
        application = _submitted(
            _de_minimis_call(),
            declared=[_aid("1500.5", recent, "ELY-keskus"), _aid("20000.00", earlier)],
            vat="yes",
        )
        assert application.vat_recoverable is True
        assert application.declared_de_minimis_aid == [
            {"granting_authority": "ELY-keskus", "granted_on": recent.isoformat(), "amount": "1500.50"},
            {
                "granting_authority": "Business Finland",
                "granted_on": earlier.isoformat(),
                "amount": "20000.00",
            },
        ]

    def test_aid_dated_in_the_future_is_refused(self):
        with pytest.raises(SubmissionRefused) as refusal:
            _submitted(_de_minimis_call(), declared=[_aid("1000.00", today() + datetime.timedelta(days=1))])
        assert [problem["code"] for problem in refusal.value.problems] == ["de_minimis_in_future"]

    def test_the_applicant_checks_the_declared_aid_before_sending(self, client):
        call = _de_minimis_call()
        applicant = MembershipFactory().person
        organisation = applicant.memberships.get().organisation
        draft = application_services.application_start(
            call=call, organisation=organisation, acting_user=applicant
        )
        granted_on = today() - datetime.timedelta(days=30)
        answers = complete_answers(call) | {"de-minimis-aid": [_aid("4321.00", granted_on, "Keksintösäätiö")]}
        application_services.application_save(
            application=draft, answers=answers, version=draft.version, acting_user=applicant
        )
        sign_in(client, applicant)
        page = " ".join(client.get(f"/applications/{draft.pk}/check/").content.decode().split())
        assert "<dd>Keksintösäätiö</dd>" in page
        assert f"<dd>{granted_on.day}.{granted_on.month}.{granted_on.year}</dd>" in page
        assert "<dd>4 321 €</dd>" in page  # white space joined: the no-break spaces too

    def test_the_declared_aid_is_on_the_officials_copy(self, client):
        application = _submitted(
            _de_minimis_call(),
            declared=[_aid("1000.00", today() - datetime.timedelta(days=30), "Keksintösäätiö")],
        )
        official = UserFactory(roles=["programme_manager"])
        sign_in(client, official)
        page = client.get(f"/official/applications/{application.pk}/").content.decode()
        assert "Keksintösäätiö" in page


class TestTheReportAsksAboutVat:
    def _report(self, vat_recoverable: str):
        call = CallFactory(closed=True, min_grant=Decimal("10000.00"))
        grant = GrantFactory.to_report_on(call)
        application = grant.application
        application.vat_recoverable = vat_recoverable == "yes"
        application.save(update_fields=["vat_recoverable"])
        return ReportFactory.draft(grant=grant)

    def test_costs_with_vat_the_recipient_can_recover_are_refused_and_the_report_stays_a_draft(self):
        report = self._report("yes")
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            report_submit(report=report, acting_user=report.created_by)
        assert refusal.value.error_list[0].code == "vat_recoverable"
        assert "give the costs without VAT" in refusal.value.error_list[0].message
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT

    def test_costs_with_vat_the_recipient_cannot_recover_are_sent(self):
        report = self._report("no")
        assert report_submit(report=report, acting_user=report.created_by).status == ReportStatus.SUBMITTED


class TestThePresenterSeesTheSum:
    def test_the_decision_page_shows_the_period_the_parts_and_the_room_left(self, client):
        declared = [_aid("120000.00", today() - datetime.timedelta(days=200))]
        application, presenter = _eligible(_submitted(_de_minimis_call(), declared=declared))
        sign_in(client, presenter)
        with translation.override("en"):
            page = client.get(f"/official/applications/{application.pk}/decision/", HTTP_ACCEPT_LANGUAGE="en")
        text = " ".join(page.content.decode().split())
        assert page.status_code == 200
        assert "120 000 €" in text and "180 000 €" in text, text[:500]

    def test_a_call_that_is_not_aid_shows_no_sum(self, client):
        application, presenter = _eligible(_submitted(CallFactory(max_grant=Decimal("100000.00"))))
        sign_in(client, presenter)
        page = client.get(f"/official/applications/{application.pk}/decision/")
        assert 'id="de-minimis-heading"' not in page.content.decode()


class TestTheRegisterExport:
    def test_each_de_minimis_grant_is_a_row_with_what_the_register_needs(self):
        application = _submitted(_de_minimis_call())
        decision = DecisionFactory.signed(application=application, amount="42000.50")
        DecisionFactory.signed(application=_submitted(CallFactory()), amount="30000.00")
        day = decision.decision_date.isoformat()
        output = io.StringIO()
        call_command("export_de_minimis", since=day, until=day, format="json", stdout=output)
        rows = json.loads(output.getvalue())
        assert rows == [
            {
                "decision_id": decision.pk,
                "corrects_decision_id": "",
                "register_number": application.register_number,
                "beneficiary_business_id": application.applicant_business_id,
                "beneficiary_name": application.applicant_name,
                "granting_authority": application.call.programme.agency.name_fi,
                "granting_authority_code": application.call.programme.agency.code,
                "date_of_grant": day,
                "amount_eur": "42000.50",
                "gross_grant_equivalent_eur": "42000.50",
                "aid_instrument": "grant",
                "regulation": "Commission Regulation (EU) 2023/2831",
            }
        ]
        csv_output = io.StringIO()
        call_command("export_de_minimis", since=day, until=day, stdout=csv_output)
        assert (
            csv_output.getvalue()
            .splitlines()[1]
            .endswith(",42000.50,42000.50,grant,Commission Regulation (EU) 2023/2831")
        )

    def test_a_correction_names_the_row_it_replaces_and_one_to_a_rejection_grants_nothing(self):
        lowered = DecisionFactory.signed(application=_submitted(_de_minimis_call()), amount="90000.00")
        lowering = DecisionFactory.signed(corrects=lowered, amount="20000.00")
        withdrawn = DecisionFactory.signed(application=_submitted(_de_minimis_call()), amount="50000.00")
        withdrawing = DecisionFactory.signed(corrects=withdrawn, outcome=Outcome.REJECTED)
        day = lowered.decision_date.isoformat()
        output = io.StringIO()
        call_command("export_de_minimis", since=day, until=day, format="json", stdout=output)
        rows = {row["decision_id"]: row for row in json.loads(output.getvalue())}
        assert (rows[lowered.pk]["amount_eur"], rows[lowered.pk]["corrects_decision_id"]) == ("90000.00", "")
        assert (rows[lowering.pk]["amount_eur"], rows[lowering.pk]["corrects_decision_id"]) == (
            "20000.00",
            lowered.pk,
        )
        assert (rows[withdrawing.pk]["amount_eur"], rows[withdrawing.pk]["corrects_decision_id"]) == (
            "0.00",
            withdrawn.pk,
        )
