"""From a closed call to published decisions: screening, completion, review, proposals, decisions, publishing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from pypdf import PdfReader

from avustamo.accounts.services import api_token_create
from avustamo.applications import services as application_services
from avustamo.applications.models import Application, ApplicationStatus
from avustamo.core.models import AuditEntry, OutboundEmail
from avustamo.decisions import services as decision_services
from avustamo.decisions.models import Decision, DecisionStatus, FundingProposal, Outcome
from avustamo.decisions.services import DecisionTerms
from avustamo.grants import services as grant_services
from avustamo.register.models import PublishedGrant
from avustamo.reviews import services as review_services
from avustamo.reviews.models import CriterionScore, ReviewAssignment, Screening
from tests.access import sign_in
from tests.factories import (
    ApplicationFactory,
    CallAssignmentFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    CompletionRequestFactory,
    DecisionFactory,
    EvaluationCriterionFactory,
    ScreeningFactory,
    UserFactory,
    close_call,
    next_year,
)

# The period of use is next year, whatever today is; the final report is due two months after it.
PERIOD_START, PERIOD_END = next_year()
FINAL_REPORT_DUE = f"{PERIOD_END.year + 1}-02-28"


@pytest.fixture
def officials(db):
    return {
        "manager": UserFactory(roles=["programme_manager"], full_name="Maija Manageri"),
        "presenter": UserFactory(roles=["presenter"], full_name="Pekka Esittelijä"),
        "reviewer_1": UserFactory(roles=["reviewer"], full_name="Riitta Arvioija"),
        "reviewer_2": UserFactory(roles=["reviewer"], full_name="Rauno Arvioija"),
        "decider": UserFactory(roles=["decision_maker"], full_name="Raili Ratkaisija"),
    }


@pytest.fixture
def call(officials):
    call = CallFactory(min_reviewers=2, appropriation=Decimal("100000.00"))
    CallDeclarationFactory(call=call)
    EvaluationCriterionFactory(call=call, name_fi="Vaikuttavuus", weight=Decimal("2"))
    EvaluationCriterionFactory(call=call, name_fi="Kokemus", weight=Decimal("1"))
    CallFormFactory(call=call)
    return call


@pytest.fixture
def applications(call, officials):
    submitted = [
        ApplicationFactory.submitted(call, requested=amount)
        for amount in ("60000.00", "50000.00", "40000.00")
    ]
    close_call(call)
    for application in submitted:
        application.refresh_from_db()
    CallAssignmentFactory(call=call, person=officials["presenter"], assigned_by=officials["manager"])
    return submitted


def _score(application, reviewer, scores):
    assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
    review_services.conflict_declare(assignment=assignment, conflicted=False, reason="", acting_user=reviewer)
    criteria = list(application.call.criteria.all())
    return review_services.review_submit(
        assignment=assignment,
        scores={
            criterion.pk: (score, "Perusteltu arvio.")
            for criterion, score in zip(criteria, scores, strict=True)
        },
        acting_user=reviewer,
    )


class TestScreening:
    def test_suggestion_reads_the_submitted_facts(self, applications):
        assert review_services.screening_suggestion(applications[0]) == {
            "arrived_on_time": True,
            "applicant_type_eligible": True,
            "declarations_given": True,
            "attachments_present": True,
        }

    def test_eligible_despite_a_failed_check_is_refused_and_nothing_saved(self, applications, officials):
        with pytest.raises(ValidationError) as error:
            review_services.screening_record(
                application=applications[0],
                arrived_on_time=False,
                applicant_type_eligible=True,
                declarations_given=True,
                attachments_present=True,
                result="eligible",
                reason="",
                acting_user=officials["manager"],
            )
        assert "result" in error.value.error_dict
        assert not Screening.objects.exists()

    def test_ineligible_needs_a_reason(self, applications, officials):
        with pytest.raises(ValidationError) as error:
            review_services.screening_record(
                application=applications[0],
                arrived_on_time=True,
                applicant_type_eligible=False,
                declarations_given=True,
                attachments_present=True,
                result="ineligible",
                reason=" ",
                acting_user=officials["manager"],
            )
        assert error.value.error_dict["reason"][0].code == "reason_required"
        assert not Screening.objects.exists()

    def test_a_reviewer_cannot_screen(self, applications, officials):
        with pytest.raises(PermissionDenied):
            review_services.screening_record(
                application=applications[0],
                arrived_on_time=True,
                applicant_type_eligible=True,
                declarations_given=True,
                attachments_present=True,
                result="eligible",
                reason="",
                acting_user=officials["reviewer_1"],
            )


class TestCompletionRequest:
    def _request(self, application, official, **overrides):
        values = {
            "question_ids": ["objectives"],
            "required_attachments": [],
            "message": "Tavoitteet puuttuvat: kuvaa ne mitattavina.",
            "reply_by": timezone.localdate() + datetime.timedelta(days=7),
        } | overrides
        return application_services.completion_request_create(
            application=application, acting_user=official, **values
        )

    def test_the_applicant_changes_only_what_was_asked_and_history_keeps_both(self, applications, officials):
        application = applications[0]
        request = self._request(application, officials["manager"])
        application.refresh_from_db()
        assert application.status == ApplicationStatus.COMPLETION_REQUESTED
        email = OutboundEmail.objects.get(key=f"completion-request:{request.pk}")
        assert "Tavoitteet puuttuvat" in email.body and email.recipient == application.submitted_by.email
        applicant = application.submitted_by
        changed_name = application.answers | {"project-name": "Uusi nimi"}
        with pytest.raises(ValidationError) as error:
            application_services.application_save(
                application=application,
                answers=changed_name,
                version=application.version,
                acting_user=applicant,
            )
        assert error.value.code == "not_asked"
        answers = application.answers | {"objectives": "Sata perhettä löytää palvelunsa."}
        application = application_services.application_save(
            application=application, answers=answers, version=application.version, acting_user=applicant
        )
        application = application_services.completion_submit(application=application, acting_user=applicant)
        assert application.status == ApplicationStatus.SUBMITTED
        versions = list(application.submitted_versions.order_by("number"))
        assert [version.number for version in versions] == [1, 2]
        assert versions[0].answers["objectives"] == "Perheet tuntevat palvelut."
        assert versions[1].answers["objectives"] == "Sata perhettä löytää palvelunsa."

    def test_the_applicant_completes_on_the_application_page(self, applications, officials, client):
        application = applications[0]
        self._request(application, officials["manager"])
        sign_in(client, application.submitted_by)
        page = client.get(f"/applications/{application.pk}/")
        assert "Tavoitteet puuttuvat" in page.content.decode()
        application.refresh_from_db()
        response = client.post(
            f"/applications/{application.pk}/",
            {
                "version": application.version,
                "q-objectives": "Sata perhettä löytää palvelunsa.",
                "q-project-name": "Yritys muuttaa nimeä",
                "action": "check",
            },
        )
        assert response.status_code == 302 and response["Location"].endswith("/check/")
        application.refresh_from_db()
        checking = client.get(response["Location"]).content.decode()
        assert "Sata perhettä löytää palvelunsa." in checking and "Lähetä täydennetty hakemus" in checking
        assert client.post(response["Location"], {"version": application.version}).status_code == 302
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.answers["objectives"] == "Sata perhettä löytää palvelunsa."
        assert application.answers["project-name"] == "Perheiden kotoutumisen tuki"
        assert application.submitted_versions.count() == 2

    def test_after_the_reply_day_nothing_can_change(self, applications, officials):
        application = applications[0]
        request = self._request(application, officials["manager"])
        type(request).objects.filter(pk=request.pk).update(
            reply_by=timezone.localdate() - datetime.timedelta(days=1)
        )
        with pytest.raises(ValidationError) as error:
            application_services.application_save(
                application=application,
                answers=application.answers | {"objectives": "Myöhässä"},
                version=application.version,
                acting_user=application.submitted_by,
            )
        assert error.value.code == "completion_overdue"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"question_ids": []}, "question_ids"),
            ({"message": ""}, "message"),
            ({"reply_by": datetime.date(2020, 1, 1)}, "reply_by"),
        ],
    )
    def test_an_incomplete_request_is_refused(self, applications, officials, overrides, field):
        with pytest.raises(ValidationError) as error:
            self._request(applications[0], officials["manager"], **overrides)
        assert field in error.value.error_dict
        applications[0].refresh_from_db()
        assert applications[0].status == ApplicationStatus.SUBMITTED


class TestReview:
    def test_a_conflicted_reviewer_cannot_score_and_a_replacement_is_needed(
        self, applications, officials, client
    ):
        application = applications[0]
        review_services.reviewers_assign(
            application=application,
            reviewers=[officials["reviewer_1"], officials["reviewer_2"]],
            acting_user=officials["manager"],
        )
        assignment = ReviewAssignment.objects.get(application=application, reviewer=officials["reviewer_2"])
        review_services.conflict_declare(
            assignment=assignment,
            conflicted=True,
            reason="Hallituksen jäsen",
            acting_user=officials["reviewer_2"],
        )
        with pytest.raises(ValidationError):
            review_services.review_submit(
                assignment=assignment, scores={}, acting_user=officials["reviewer_2"]
            )
        from avustamo.reviews.selectors import reviewers_needed

        assert application in reviewers_needed(application.call)

    def test_scores_are_weighted_and_others_are_hidden_until_own_are_in(
        self, applications, officials, client
    ):
        application = applications[0]
        review_services.reviewers_assign(
            application=application,
            reviewers=[officials["reviewer_1"], officials["reviewer_2"]],
            acting_user=officials["manager"],
        )
        first = _score(application, officials["reviewer_1"], [5, 2])
        assert first.weighted_score == Decimal("4.000")
        sign_in(client, officials["reviewer_2"])
        url = f"/official/applications/{application.pk}/review/"
        client.post(url, {"step": "declare", "conflicted": "no"})
        page = client.get(url).content.decode()
        assert "Perusteltu arvio." not in page
        _score_via_page = {"step": "score"}
        for criterion in application.call.criteria.all():
            _score_via_page[f"score-{criterion.pk}"] = "3"
            _score_via_page[f"justification-{criterion.pk}"] = "Kohtalainen."
        asking = client.post(url, _score_via_page)
        assert asking.status_code == 200 and "Lähetetäänkö arviosi?" in asking.content.decode()
        assert not ReviewAssignment.objects.get(reviewer=officials["reviewer_2"]).submitted_at
        client.post(url, {**_score_via_page, "confirmed": "yes"})
        assert "Perusteltu arvio." in client.get(url).content.decode()

    def test_a_reviewer_saves_a_draft_that_only_they_see_and_that_counts_for_nothing_until_submitted(
        self, applications, officials, client
    ):
        application = applications[0]
        url, (first, second) = _reviewing_through_the_page(client, application, officials)
        draft = {"step": "draft", f"score-{first.pk}": "4", f"justification-{first.pk}": "Vahva suunnitelma."}
        assert client.post(url, draft).status_code == 302
        assignment = ReviewAssignment.objects.get(reviewer=officials["reviewer_1"])
        assert assignment.draft_scores == {
            str(first.pk): {"score": 4, "justification": "Vahva suunnitelma."},
            str(second.pk): {"score": None, "justification": ""},
        }
        assert assignment.submitted_at is None and assignment.weighted_score is None
        assert decision_services.ranked_applications(application.call) == []
        form = client.get(url).context["score_form"]
        assert (form[f"score-{first.pk}"].value(), form[f"justification-{first.pk}"].value()) == (
            4,
            "Vahva suunnitelma.",
        )
        sign_in(client, officials["manager"])
        assert (
            "Vahva suunnitelma."
            not in client.get(f"/official/applications/{application.pk}/").content.decode()
        )

    def test_submitting_shows_one_error_per_criterion_and_saves_nothing(
        self, applications, officials, client
    ):
        application = applications[0]
        url, (first, second) = _reviewing_through_the_page(client, application, officials)
        with translation.override("en"):
            refused = client.post(
                f"/en{url}", {"step": "score", f"score-{first.pk}": "4", f"justification-{first.pk}": " "}
            )
        assert refused.status_code == 200
        assert refused.context["score_form"].errors == {
            f"justification-{first.pk}": ["Justify the score in writing."],
            f"score-{second.pk}": ["Give a score from 1 to 5."],
        }
        assert not CriterionScore.objects.exists()
        assert ReviewAssignment.objects.get(reviewer=officials["reviewer_1"]).submitted_at is None

    def test_a_score_outside_one_to_five_is_refused(self, applications, officials):
        application = applications[0]
        review_services.reviewers_assign(
            application=application, reviewers=[officials["reviewer_1"]], acting_user=officials["manager"]
        )
        with pytest.raises(ValidationError):
            _score(application, officials["reviewer_1"], [6, 2])
        assert not ReviewAssignment.objects.filter(submitted_at__isnull=False).exists()


def _reviewing_through_the_page(client, application, officials):
    """The first reviewer assigned to the application, signed in and declared free of conflicts on its review page;
    the page's address and the call's two criteria."""
    review_services.reviewers_assign(
        application=application, reviewers=[officials["reviewer_1"]], acting_user=officials["manager"]
    )
    sign_in(client, officials["reviewer_1"])
    url = f"/official/applications/{application.pk}/review/"
    client.post(url, {"step": "declare", "conflicted": "no"})
    return url, list(application.call.criteria.all())


class TestProposalsAndDecisions:
    @pytest.fixture
    def ranked(self, applications, officials):
        for application, scores in zip(applications, ([3, 3], [5, 5], [4, 4]), strict=True):
            ScreeningFactory(application=application, screened_by=officials["presenter"])
            review_services.reviewers_assign(
                application=application, reviewers=[officials["reviewer_1"]], acting_user=officials["manager"]
            )
            _score(application, officials["reviewer_1"], scores)
        return applications

    def test_allocation_follows_the_ranking_until_the_appropriation_is_used(self, ranked, officials):
        decision_services.allocation_suggest(
            call=ranked[0].call, min_score=Decimal("3"), acting_user=officials["presenter"]
        )
        amounts = {p.application_id: p.amount for p in FundingProposal.objects.all()}
        # 100 000 €: the best (50 000) and the second (40 000) in full, 10 000 left is below the 20 000 minimum.
        assert amounts == {
            ranked[1].pk: Decimal("50000.00"),
            ranked[2].pk: Decimal("40000.00"),
            ranked[0].pk: 0,
        }

    def test_a_proposal_above_the_amount_applied_for_is_refused(self, ranked, officials):
        with pytest.raises(ValidationError) as error:
            decision_services.proposal_set(
                application=ranked[0],
                amount=Decimal("60000.01"),
                eligible_costs=None,
                max_share_percent=None,
                justification="",
                acting_user=officials["presenter"],
            )
        assert "amount" in error.value.error_dict
        assert not FundingProposal.objects.exists()

    def test_amounts_in_fractions_of_a_cent_are_rounded_half_up(self, ranked, officials):
        # Half-even rounding would make each of these 20 000,00 €.
        proposal = decision_services.proposal_set(
            application=ranked[1],
            amount=Decimal("20000.005"),
            eligible_costs=Decimal("40000.01"),
            max_share_percent=Decimal("50"),
            justification="",
            acting_user=officials["presenter"],
        )
        assert proposal.amount == Decimal("20000.01")
        draft = decision_services.decision_save_draft(
            application=ranked[1],
            terms=DecisionTerms(
                outcome=Outcome.PARTIALLY_APPROVED,
                amount=Decimal("20000.005"),
                reasons="Osa kustannuksista ei ole hyväksyttäviä.",
            ),
            acting_user=officials["presenter"],
        )
        draft.refresh_from_db()
        assert draft.amount == Decimal("20000.01")
        entry = AuditEntry.objects.get(action="decision.drafted", target_id=str(ranked[1].pk))
        assert entry.details["amount"] == "20000.01"

    def test_the_terms_are_checked_field_by_field_without_the_database(
        self, ranked, django_assert_num_queries
    ):
        application = Application.objects.select_related("call").get(pk=ranked[1].pk)
        terms = DecisionTerms(
            outcome=Outcome.APPROVED,
            amount=Decimal("40000.00"),
            eligible_costs=Decimal("30000.00"),
            period_start=PERIOD_END,
            period_end=PERIOD_START,
            instalments=[{"percent": "50", "condition": "on_acceptance"}],
            reports_due=[{"kind": "final", "due": (PERIOD_START - datetime.timedelta(days=1)).isoformat()}],
        )
        with django_assert_num_queries(0):
            problems = decision_services.decision_terms_problems(application, terms, screened_eligible=True)
            refused = decision_services.decision_terms_problems(application, terms, screened_eligible=False)
        assert {field: error.code for field, error in problems.items()} == {
            "outcome": "not_in_full",
            "eligible_costs": "above",
            "period_end": "period",
            "instalments": "not_hundred",
            "reports_due": "final_too_early",
        }
        assert {field: error.code for field, error in refused.items()} == {"outcome": "not_screened_eligible"}

    def test_the_presenter_drafts_on_the_decision_page_and_sees_every_refused_term(
        self, ranked, officials, client
    ):
        sign_in(client, officials["presenter"])
        url = f"/official/applications/{ranked[1].pk}/decision/"
        form = {
            "step": "decision",
            "decision-outcome": Outcome.PARTIALLY_APPROVED,
            "decision-language": "fi",
            "decision-amount": "40000.00",
            "decision-eligible_costs": "30000.00",
            "decision-period_start": PERIOD_END.isoformat(),
            "decision-period_end": PERIOD_START.isoformat(),
            "decision-reasons": "Osa kustannuksista ei ole hyväksyttäviä.",
        }
        refused = client.post(url, form)
        assert refused.status_code == 200 and not Decision.objects.exists()
        assert set(refused.context["decision_form"].errors) == {"eligible_costs", "period_end"}
        form.update(
            {"decision-eligible_costs": "50000.00", "decision-period_start": PERIOD_START.isoformat()}
        )
        assert client.post(url, form).status_code == 302
        draft = Decision.objects.get(application=ranked[1])
        assert (draft.outcome, draft.amount, draft.eligible_costs) == (
            Outcome.PARTIALLY_APPROVED,
            Decimal("40000.00"),
            Decimal("50000.00"),
        )

    def test_the_draft_refuses_more_than_the_maximum_share_of_the_eligible_costs_as_the_proposal_does(
        self, ranked, officials, client
    ):
        sign_in(client, officials["presenter"])
        form = {
            "step": "decision",
            "decision-outcome": Outcome.PARTIALLY_APPROVED,
            "decision-language": "fi",
            "decision-amount": "38000.00",
            "decision-eligible_costs": "42000.00",
            "decision-max_share_percent": "90",
            "decision-reasons": "Osa kustannuksista ei ole hyväksyttäviä.",
        }
        refused = client.post(f"/official/applications/{ranked[1].pk}/decision/", form)
        with translation.override("en"), pytest.raises(ValidationError) as proposal_refused:
            decision_services.proposal_set(
                application=ranked[1],
                amount=Decimal("38000.00"),
                eligible_costs=Decimal("42000.00"),
                max_share_percent=Decimal("90"),
                justification="",
                acting_user=officials["presenter"],
            )
        assert refused.status_code == 200 and not Decision.objects.exists()
        assert "<title>Virhe: " in refused.content.decode()
        assert refused.context["decision_form"].errors["max_share_percent"] == [
            "Avustus ylittäisi enimmäisosuuden hyväksyttävistä kustannuksista: 90 % summasta 42\xa0000\xa0€ on "
            "37\xa0800\xa0€."
        ]
        assert proposal_refused.value.message_dict["max_share_percent"] == [
            "The grant would exceed the maximum share of the eligible costs: 90 % of €42,000 is €37,800."
        ]
        assert not FundingProposal.objects.exists()
        form["decision-amount"] = "37 800,00"
        assert client.post(f"/official/applications/{ranked[1].pk}/decision/", form).status_code == 302
        assert Decision.objects.get(application=ranked[1]).amount == Decimal("37800.00")

    def test_the_presenter_approves_the_budget_by_category_on_the_decision_page(
        self, ranked, officials, client
    ):
        sign_in(client, officials["presenter"])
        url = f"/official/applications/{ranked[1].pk}/decision/"
        page = client.get(url)
        form = page.context["decision_form"]
        applied = {
            name.removeprefix("approved-"): Decimal(str(value))
            for name, value in form.initial.items()
            if name.startswith("approved-")
        }
        assert applied and sum(applied.values()) == ranked[1].total_eligible_costs
        assert "Hyväksytty kustannusarvio kustannuslajeittain (€)" in page.content.decode()
        assert "Ei-hyväksyttävät kustannukset" in page.content.decode()

        post = {
            "step": "decision",
            "decision-outcome": Outcome.PARTIALLY_APPROVED,
            "decision-language": "fi",
            "decision-amount": "30000.00",
            "decision-eligible_costs": "40000.00",
            "decision-approved-personnel": "30000.00",
            "decision-approved-rents": "5000.00",
            "decision-non-eligible-0-description": "Arvonlisävero, jonka hakija voi vähentää",
            "decision-non-eligible-0-amount": "1500.00",
            "decision-reasons": "Vuokrista hyväksytään puolet.",
        }
        refused = client.post(url, post)
        assert refused.status_code == 200 and not Decision.objects.exists()
        assert refused.context["decision_form"].errors["eligible_costs"] == [
            "Hyväksyttävien kustannusten on oltava hyväksytyn kustannusarvion summa, 35\xa0000\xa0€."
        ]
        assert client.post(url, post | {"decision-eligible_costs": "35000.00"}).status_code == 302
        draft = Decision.objects.get(application=ranked[1])
        assert draft.approved_costs == {"personnel": "30000.00", "rents": "5000.00"}
        assert draft.non_eligible_costs == [
            {"description": "Arvonlisävero, jonka hakija voi vähentää", "amount": "1500.00"}
        ]
        again = client.get(url).context["decision_form"]
        assert again.initial["approved-rents"] == Decimal("5000.00")
        assert again.initial["non-eligible-0-amount"] == Decimal("1500.00")

    def _complete_draft(self, application, presenter):
        return decision_services.decision_save_draft(
            application=application,
            terms=DecisionTerms(
                outcome=Outcome.APPROVED,
                amount=application.requested_amount,
                purpose=f"Perheiden kotoutumisen tuki vuonna {PERIOD_START.year}",
                eligible_costs=application.total_eligible_costs,
                max_share_percent=Decimal("80"),
                period_start=PERIOD_START,
                period_end=PERIOD_END,
                instalments=[
                    {"percent": "60", "condition": "on_acceptance"},
                    {"percent": "40", "condition": "after_interim_report"},
                ],
                reports_due=[
                    {"kind": "interim", "due": f"{PERIOD_START.year}-08-31"},
                    {"kind": "final", "due": FINAL_REPORT_DUE},
                ],
                conditions="Avustusta ei saa siirtää toiselle.",
                reasons="Hanke vastaa haun tavoitteisiin.",
            ),
            acting_user=presenter,
        )

    def test_the_decision_maker_reads_the_terms_beside_the_pdf_before_signing(
        self, ranked, officials, client
    ):
        draft = self._complete_draft(ranked[1], officials["presenter"])
        decision_services.decision_send_for_signing(
            decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
        )
        sign_in(client, officials["decider"])
        page = client.get(f"/en/official/applications/{ranked[1].pk}/decision/").content.decode()
        waiting = page.split("Waiting for signature", 1)[1].split("Sign the decision", 1)[0]
        # 50 000 €: 60 % on acceptance, 40 % after the interim report.
        for term in (
            "€50,000",
            f"Perheiden kotoutumisen tuki vuonna {PERIOD_START.year}",
            "80 %",
            "€30,000",
            "€20,000",
            f"Interim report by 31 August {PERIOD_START.year}",
            "Avustusta ei saa siirtää toiselle.",
            "Hanke vastaa haun tavoitteisiin.",
            f"/official/decisions/{draft.pk}/document-fi.pdf",
        ):
            assert term in waiting, term

    def test_a_decision_lacking_a_section_11_element_cannot_be_sent(self, ranked, officials):
        draft = decision_services.decision_save_draft(
            application=ranked[1],
            terms=DecisionTerms(
                outcome=Outcome.APPROVED, amount=ranked[1].requested_amount, reasons="Hyvä hanke."
            ),
            acting_user=officials["presenter"],
        )
        with pytest.raises(ValidationError) as error:
            decision_services.decision_send_for_signing(
                decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
            )
        assert error.value.code == "incomplete"
        assert "käyttötarkoitus" in error.value.messages[0] and "käyttöaika" in error.value.messages[0]
        draft.refresh_from_db()
        assert draft.status == DecisionStatus.DRAFT

    def test_a_decision_without_legal_basis_in_its_language_or_budget_item_cannot_be_sent(
        self, ranked, officials
    ):
        programme = ranked[1].call.programme
        programme.legal_basis_sv = ""
        programme.budget_line = ""
        programme.save()
        draft = self._complete_draft(ranked[1], officials["presenter"])
        draft.language = "sv"
        draft.save()
        with pytest.raises(ValidationError) as error:
            decision_services.decision_send_for_signing(
                decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
            )
        assert error.value.code == "incomplete"
        message = error.value.messages[0]
        assert "oikeusperusta päätöksen kielellä" in message and "talousarvion momentti" in message
        draft.refresh_from_db()
        assert draft.status == DecisionStatus.DRAFT

        # The call gives what the programme lacks.
        call = ranked[1].call
        call.legal_basis_sv = "Statsunderstödslagen (688/2001) 5–7 och 11 §"
        call.budget_line = "32.50.30"
        call.save()
        sent = decision_services.decision_send_for_signing(
            decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
        )
        assert sent.status == DecisionStatus.FOR_SIGNING

    def test_a_rejection_needs_no_budget_item(self, ranked, officials):
        programme = ranked[1].call.programme
        programme.budget_line = ""
        programme.save()
        draft = decision_services.decision_save_draft(
            application=ranked[1],
            terms=DecisionTerms(outcome=Outcome.REJECTED, reasons="Hanke ei vastaa haun tavoitteita."),
            acting_user=officials["presenter"],
        )
        assert decision_services.missing_elements(draft) == []

    def test_the_approved_budget_is_kept_on_the_decision_and_adds_up_to_the_eligible_costs(
        self, ranked, officials
    ):
        terms = {
            "outcome": Outcome.APPROVED,
            "amount": ranked[1].requested_amount,
            "eligible_costs": Decimal("60000.00"),
            "approved_costs": {"personnel": "45000", "rents": "10000.00", "travel": "4000.004"},
            "non_eligible_costs": [
                {"description": "Arvonlisävero, jonka hakija voi vähentää", "amount": "2500"}
            ],
            "reasons": "Hanke vastaa haun tavoitteisiin.",
        }
        with pytest.raises(ValidationError) as error:
            decision_services.decision_save_draft(
                application=ranked[1], terms=DecisionTerms(**terms), acting_user=officials["presenter"]
            )
        assert error.value.error_dict["eligible_costs"][0].messages == [
            "Hyväksyttävien kustannusten on oltava hyväksytyn kustannusarvion summa, 59\xa0000\xa0€."
        ]
        with pytest.raises(ValidationError) as error:
            decision_services.decision_save_draft(
                application=ranked[1],
                terms=DecisionTerms(
                    **terms | {"eligible_costs": None, "non_eligible_costs": [{"amount": "5"}]}
                ),
                acting_user=officials["presenter"],
            )
        assert error.value.error_dict["non_eligible_costs"][0].messages == [
            "Anna kustakin ei-hyväksyttävästä kustannuksesta, mikä se on, ja sen määrä."
        ]
        with pytest.raises(ValidationError) as error:
            decision_services.decision_save_draft(
                application=ranked[1],
                terms=DecisionTerms(**terms | {"eligible_costs": None, "approved_costs": {"catering": "5"}}),
                acting_user=officials["presenter"],
            )
        assert error.value.error_dict["approved_costs"][0].messages == [
            "Anna kunkin kustannuslajin hyväksytty määrä euroina."
        ]
        assert not Decision.objects.exists()

        draft = decision_services.decision_save_draft(
            application=ranked[1],
            terms=DecisionTerms(**terms | {"eligible_costs": None}),
            acting_user=officials["presenter"],
        )
        draft.refresh_from_db()
        assert draft.eligible_costs == Decimal("59000.00")
        assert draft.approved_costs == {"personnel": "45000.00", "rents": "10000.00", "travel": "4000.00"}
        assert draft.non_eligible_costs == [
            {"description": "Arvonlisävero, jonka hakija voi vähentää", "amount": "2500.00"}
        ]

    def test_the_presenter_cannot_sign_their_own_presentation(self, ranked, officials):
        presenter = officials["presenter"]
        presenter.role_grants.create(role="decision_maker")
        presenter = type(presenter).objects.get(pk=presenter.pk)
        draft = self._complete_draft(ranked[1], presenter)
        with pytest.raises(ValidationError) as error:
            decision_services.decision_send_for_signing(
                decision=draft, decision_maker=presenter, acting_user=presenter
            )
        assert error.value.error_dict["decision_maker"][0].code == "four_eyes"
        decision_services.decision_send_for_signing(
            decision=draft, decision_maker=officials["decider"], acting_user=presenter
        )
        with pytest.raises((ValidationError, PermissionDenied)):
            decision_services.decision_sign(decision=draft, acting_user=presenter)
        draft.refresh_from_db()
        assert draft.status == DecisionStatus.FOR_SIGNING

    @pytest.mark.reads_pdf
    def test_signed_decisions_are_published_with_pdf_email_register_and_api(
        self, ranked, officials, client, django_capture_on_commit_callbacks
    ):
        draft = self._complete_draft(ranked[1], officials["presenter"])
        decision_services.decision_send_for_signing(
            decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
        )
        signed = decision_services.decision_sign(decision=draft, acting_user=officials["decider"])
        assert signed.status == DecisionStatus.SIGNED and signed.decision_date == timezone.localdate()
        with pytest.raises(ValidationError):
            decision_services.decision_save_draft(
                application=ranked[1],
                terms=DecisionTerms(outcome=Outcome.REJECTED, reasons="x"),
                acting_user=officials["presenter"],
            )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            run = grant_services.decisions_publish(call=ranked[1].call, acting_user=officials["presenter"])
        run.refresh_from_db()
        assert (run.status, run.done, run.total) == ("finished", 1, 1)
        signed.refresh_from_db()
        assert signed.status == DecisionStatus.PUBLISHED and signed.document
        grant = PublishedGrant.objects.get(decision=signed)
        assert (
            grant.amount_awarded == Decimal("50000.00") and grant.recipient_name == ranked[1].applicant_name
        )
        [message] = mail.outbox
        assert message.attachments[0][2] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(message.attachments[0][1])).pages)
        assert ranked[1].register_number in text
        # publishing again sends nothing twice
        with pytest.raises(ValidationError):
            grant_services.decisions_publish(call=ranked[1].call, acting_user=officials["presenter"])
        assert OutboundEmail.objects.filter(key=f"decision-published:{signed.pk}").count() == 1

        applicant = ranked[1].submitted_by
        sign_in(client, applicant)
        assert client.get(f"/applications/{ranked[1].pk}/decision/").status_code == 200
        pdf = client.get(f"/applications/{ranked[1].pk}/decision-fi.pdf")
        assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
        other = ranked[0].submitted_by
        sign_in(client, other)
        assert client.get(f"/applications/{ranked[1].pk}/decision/").status_code == 404
        assert AuditEntry.objects.filter(action="decision.published", actor=officials["presenter"]).exists()

        _token, text = api_token_create(name="our system", acting_user=applicant)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
        body = client.get(f"/api/v1/applications/{ranked[1].pk}/decision", **headers).json()
        assert (body["outcome"], body["amount"], body["language"]) == ("approved", "50000.00", "fi")
        assert body["reports_due"][-1] == {"kind": "final", "due": FINAL_REPORT_DUE}
        document = client.get(f"/api/v1/applications/{ranked[1].pk}/decision.pdf", **headers)
        assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
        _token, other_text = api_token_create(name="theirs", acting_user=other)
        assert (
            client.get(
                f"/api/v1/applications/{ranked[1].pk}/decision", HTTP_AUTHORIZATION=f"Bearer {other_text}"
            ).status_code
            == 404
        )
        assert (
            client.get(
                f"/api/v1/applications/{ranked[0].pk}/decision", HTTP_AUTHORIZATION=f"Bearer {other_text}"
            ).status_code
            == 404
        )

    def test_a_correction_is_a_new_decision_referencing_the_signed_one(self, ranked, officials):
        draft = self._complete_draft(ranked[1], officials["presenter"])
        decision_services.decision_send_for_signing(
            decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
        )
        signed = decision_services.decision_sign(decision=draft, acting_user=officials["decider"])
        correction = decision_services.decision_correct(decision=signed, acting_user=officials["presenter"])
        assert correction.corrects == signed and correction.status == DecisionStatus.DRAFT
        signed.refresh_from_db()
        assert signed.status == DecisionStatus.SIGNED
        assert Decision.objects.count() == 2


def test_the_handling_list_runs_a_constant_number_of_queries(applications, officials, client):
    sign_in(client, officials["manager"])
    url = f"/official/calls/{applications[0].call_id}/applications/"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for amount in ("30000.00", "25000.00", "45000.00"):
        call = applications[0].call
        type(call).objects.filter(pk=call.pk).update(closes_at=timezone.now() + datetime.timedelta(days=1))
        call.refresh_from_db()
        ApplicationFactory.submitted(call, requested=amount)
        close_call(call)
    with CaptureQueriesContext(connection) as more:
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count("/official/applications/") >= 6
    assert len(more) == len(few)


def test_the_manager_gives_every_application_the_calls_reviewers(applications, officials, client):
    call = applications[0].call
    for reviewer in ("reviewer_1", "reviewer_2"):
        CallAssignmentFactory(
            call=call, person=officials[reviewer], role="reviewer", assigned_by=officials["manager"]
        )
    sign_in(client, officials["manager"])
    team = client.get(f"/official/calls/{call.pk}/team/").content.decode()
    assert all(application.register_number in team for application in applications)
    client.post(f"/official/calls/{call.pk}/team/assign-all/")
    assert ReviewAssignment.objects.count() == 2 * len(applications)
    assert (
        applications[0].register_number not in client.get(f"/official/calls/{call.pk}/team/").content.decode()
    )


def test_the_handling_list_filters_searches_and_sorts(applications, officials, client):
    from avustamo.portal.selectors import HandlingFilters, handling_list

    call = applications[0].call
    request = CompletionRequestFactory(
        application=applications[1],
        question_ids=["objectives"],
        message="Tavoitteet puuttuvat.",
        reply_by=timezone.localdate() + datetime.timedelta(days=2),
        requested_by=officials["manager"],
    )
    type(request).objects.filter(pk=request.pk).update(
        reply_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    ScreeningFactory(application=applications[2], screened_by=officials["manager"])

    def numbers(**filters):
        return [row.register_number for row in handling_list(call, HandlingFilters(**filters))]

    assert numbers(status="completion_overdue") == [applications[1].register_number]
    assert numbers(screening="eligible") == [applications[2].register_number]
    assert len(numbers(screening="unscreened")) == 2
    assert numbers(query=applications[0].applicant_name) == [applications[0].register_number]
    assert numbers(sort="-requested") == [a.register_number for a in applications]
    assert numbers(sort="requested") == [a.register_number for a in reversed(applications)]
    sign_in(client, officials["manager"])
    page = client.get(
        f"/official/calls/{call.pk}/applications/", {"status": "completion_overdue"}
    ).content.decode()
    assert 'class="overdue"' in page and applications[1].register_number in page


def test_the_handling_list_shows_the_current_decision_and_not_the_corrected_one(
    applications, officials, client
):
    corrected_one, undecided = applications[0], applications[1]
    first = DecisionFactory.signed(application=corrected_one, outcome=Outcome.REJECTED)
    DecisionFactory(application=corrected_one, corrects=first, outcome=Outcome.PARTIALLY_APPROVED)
    sign_in(client, officials["manager"])
    page = client.get(f"/official/calls/{corrected_one.call_id}/applications/").content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in page.split("<tr")[2:]}
    assert "hyväksytty osittain (luonnos)" in rows[corrected_one.register_number]
    assert "hylätty" not in rows[corrected_one.register_number]
    assert "hyväksytty" not in rows[undecided.register_number]


def test_an_application_can_have_its_own_presenter(applications, officials):
    application = applications[0]
    own_presenter = UserFactory(roles=["presenter"])
    with pytest.raises(ValidationError) as error:
        review_services.application_presenter_assign(
            application=application, person=officials["reviewer_1"], acting_user=officials["manager"]
        )
    assert error.value.error_dict["person"][0].code == "not_a_presenter"
    review_services.application_presenter_assign(
        application=application, person=own_presenter, acting_user=officials["manager"]
    )
    assert own_presenter.has_perm("decisions.draft_decision", application)
    assert not own_presenter.has_perm("decisions.draft_decision", applications[1])
    assert not own_presenter.has_perm("decisions.propose_funding", application.call)
    assert officials["presenter"].has_perm("decisions.draft_decision", application)


def test_the_decision_maker_returns_a_decision_and_the_presenter_corrects_a_signed_one(
    applications, officials, client
):
    application = applications[0]
    ScreeningFactory(application=application, screened_by=officials["presenter"])
    draft = TestProposalsAndDecisions()._complete_draft(application, officials["presenter"])
    decision_services.decision_send_for_signing(
        decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
    )
    sign_in(client, officials["decider"])
    assert client.post(f"/official/decisions/{draft.pk}/return/", {"reason": ""}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.FOR_SIGNING
    client.post(f"/official/decisions/{draft.pk}/return/", {"reason": "Perustelut ovat liian lyhyet."})
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.DRAFT and draft.decision_maker is None
    assert AuditEntry.objects.filter(
        action="decision.returned", details__reason="Perustelut ovat liian lyhyet."
    ).exists()

    decision_services.decision_send_for_signing(
        decision=draft, decision_maker=officials["decider"], acting_user=officials["presenter"]
    )
    asking = client.post(f"/official/decisions/{draft.pk}/sign/")
    draft.refresh_from_db()
    assert asking.status_code == 200 and draft.status == DecisionStatus.FOR_SIGNING
    assert "Allekirjoitetaanko päätös" in asking.content.decode()
    client.post(f"/official/decisions/{draft.pk}/sign/", {"confirmed": "yes"})
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.SIGNED
    sign_in(client, officials["presenter"])
    client.post(f"/official/decisions/{draft.pk}/correct/")
    correction = Decision.objects.get(corrects=draft)
    assert correction.status == DecisionStatus.DRAFT and correction.terms() == draft.terms()
    page = client.get(f"/official/applications/{application.pk}/decision/").content.decode()
    assert correction.reasons in page


def test_a_repeating_group_is_asked_for_as_a_whole(applications, officials, client):
    from avustamo.demo.content import JOINT_PROJECT_QUESTIONS
    from avustamo.programmes.application_form.standard import standard_definition

    definition = standard_definition()
    definition["sections"][-1]["questions"] += JOINT_PROJECT_QUESTIONS
    form = applications[0].form
    type(form).objects.filter(pk=form.pk).update(definition=definition)
    sign_in(client, officials["manager"])
    page = client.get(f"/official/applications/{applications[0].pk}/screening/").content.decode()
    assert 'name="question_ids" value="partners"' in page
    assert 'value="partner-name"' not in page
