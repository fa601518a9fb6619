"""Requests for review (688/2001 §34; 434/2003 chapter 7 a): a party's request in the service or an official's
registration of one that came by post, the time limit from the notification date, the presenter's proposal and
the decision maker's signature (four eyes), a late request not examined, an accepted request carried out by a
correcting grant decision (the register row replaced, the ledger following), and the decision document, the only
one with appeal instructions."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from avustamo.core import notices
from avustamo.core.dates import helsinki_today
from avustamo.core.models import AuditEntry
from avustamo.decisions import services as decision_services
from avustamo.decisions.documents import decision_pdf
from avustamo.decisions.models import DecisionStatus, Outcome
from avustamo.grants import services as grant_services
from avustamo.organisations import services as organisation_services
from avustamo.payments.selectors import ledger_of
from avustamo.register.models import PublishedGrant
from avustamo.review_requests import selectors, services
from avustamo.review_requests.documents import review_decision_pdf
from avustamo.review_requests.models import ReviewChannel, ReviewOutcome, ReviewRequest, ReviewStatus
from tests.access import LOGIN, assert_access, sign_in
from tests.documents import pdf_text
from tests.factories import (
    ApplicationFactory,
    CallAssignmentFactory,
    CallFactory,
    DecisionFactory,
    MembershipFactory,
    ScreeningFactory,
    UserFactory,
    days_from_now_at,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _grant_notified(days_ago: int):
    """A grant whose decision was sent electronically `days_ago` days ago to an organisation that consented."""
    with time_machine.travel(days_from_now_at(-days_ago, 10), tick=False):
        application = ApplicationFactory.submitted(
            CallFactory(closed=True, appropriation=Decimal("50000.00"), min_grant=None)
        )
        ScreeningFactory(application=application)
        decision = DecisionFactory.signed(application=application)
        member = decision.application.submitted_by
        organisation_services.notification_consent_set(
            organisation=decision.application.organisation, consents=True, acting_user=member
        )
        grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
    decision.refresh_from_db()
    grant = decision.grant
    return grant


def _submit(grant, **changes):
    application = grant.application
    values = {
        "application": application,
        "contested": notices.notice_of(grant.decision),
        "requested_change": "Avustus 15 000 euroon.",
        "grounds": "Hakemuksen kustannusarvio oli perusteltu.",
        "acting_user": application.submitted_by,
    } | changes
    return services.review_request_submit(**values)


def _decided(review_request, outcome=ReviewOutcome.ACCEPTED, reasons="Kustannukset ovat hyväksyttäviä."):
    presenter = CallAssignmentFactory.presenter_of(review_request.application.grant)
    decider = UserFactory(roles=["decision_maker"], full_name="Riitta Ratkaisija")
    services.review_request_prepare(
        review_request=review_request, outcome=outcome, reasons=reasons, acting_user=presenter
    )
    services.review_request_send_for_signing(
        review_request=review_request, decision_maker=decider, acting_user=presenter
    )
    request = services.review_request_decide(review_request=review_request, acting_user=decider)
    return request, presenter, decider


class TestInTimeAndLate:
    def test_a_request_within_thirty_days_of_notification_is_in_time_and_joins_the_case(self):
        grant = _grant_notified(5)
        request = _submit(grant)
        notification = notices.notice_of(grant.decision).notification_date
        assert notification == helsinki_today() - 5 * DAY + 3 * DAY
        assert request.time_limit_ends >= notification + 30 * DAY and request.in_time
        assert request.register_number.startswith(f"{grant.application.call.programme.agency.code}/")
        assert request.register_number != grant.application.register_number
        entry = AuditEntry.objects.get(action="review_request.received")
        assert entry.target_id == str(grant.application_id) and entry.details["in_time"] is True

    def test_a_late_request_is_taken_in_but_can_only_be_left_unexamined(self):
        grant = _grant_notified(60)
        request = _submit(grant)
        assert request.in_time is False
        presenter = CallAssignmentFactory.presenter_of(grant)
        with pytest.raises(ValidationError) as refusal:
            services.review_request_prepare(
                review_request=request, outcome=ReviewOutcome.ACCEPTED, reasons="Hyvä.", acting_user=presenter
            )
        assert "saapui määräajan jälkeen" in refusal.value.message_dict["outcome"][0]
        request.refresh_from_db()
        assert request.outcome == "" and request.presenter is None
        decided, _presenter, _decider = _decided(request, ReviewOutcome.NOT_EXAMINED, "Myöhässä.")
        assert decided.status == ReviewStatus.DECIDED and decided.outcome == ReviewOutcome.NOT_EXAMINED

    def test_the_applicant_is_told_that_a_late_request_looks_late_and_why(self, client):
        grant = _grant_notified(60)
        member = grant.application.submitted_by
        sign_in(client, member)
        url = f"/en/applications/{grant.application_id}/review-requests/new/"
        form = client.get(url).content.decode()
        assert "Last day to request a review" in form
        response = client.post(
            url,
            {
                "contested": notices.notice_of(grant.decision).pk,
                "requested_change": "Avustus 15 000 euroon.",
                "grounds": "Perustelut.",
            },
            follow=True,
        )
        page = response.content.decode()
        assert "has been received with the register number" in page
        assert "arrived after the time limit" in page

    def test_an_official_registers_a_request_that_came_by_post_with_its_arrival_date(self):
        grant = _grant_notified(40)
        manager = UserFactory(roles=["programme_manager"])
        notice = notices.notice_of(grant.decision)
        arrived = notice.notification_date + 30 * DAY
        request = services.review_request_register(
            application=grant.application,
            contested=notice,
            channel=ReviewChannel.POST,
            arrived_on=arrived,
            requested_change="Muutos.",
            grounds="Perusteet.",
            acting_user=manager,
        )
        assert request.registered_by == manager and request.arrived_on == arrived
        assert request.in_time == (arrived <= request.time_limit_ends)
        assert request.in_time

    def test_a_request_that_arrives_before_the_letter_is_posted_is_in_time_and_can_be_accepted(self):
        """Without consent to electronic notification the decision waits for the registry to post it: a party who
        requests a review before then is early, not late, and the time limit appears once the letter is posted."""
        with time_machine.travel(days_from_now_at(-2, 10), tick=False):
            application = ApplicationFactory.submitted(
                CallFactory(closed=True, appropriation=Decimal("50000.00"), min_grant=None)
            )
            ScreeningFactory(application=application)
            decision = DecisionFactory.signed(application=application)
            grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
        decision.refresh_from_db()
        notice = notices.notice_of(decision)
        assert notice.notification_date is None
        request = _submit(decision.grant, contested=notice)
        assert request.time_limit_ends is None and request.in_time is True
        decided, _presenter, _decider = _decided(request)
        assert decided.outcome == ReviewOutcome.ACCEPTED
        notices.notice_posted(
            notice=notice, posted_on=helsinki_today(), acting_user=UserFactory(roles=["programme_manager"])
        )
        decided.refresh_from_db()
        assert decided.time_limit_ends == notices.review_time_limit(notices.notice_of(decision))
        assert decided.in_time is True

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"arrived_on": None}, "arrived_on"),
            ({"arrived_on": "tomorrow"}, "arrived_on"),
            ({"requested_change": "  "}, "requested_change"),
            ({"grounds": ""}, "grounds"),
            ({"contested": None}, "contested"),
            ({"channel": "service"}, "channel"),
        ],
    )
    def test_a_registration_lacking_what_the_law_asks_is_refused_and_nothing_saved(self, change, field):
        grant = _grant_notified(10)
        if change.get("arrived_on") == "tomorrow":
            change["arrived_on"] = helsinki_today() + DAY
        values = {
            "application": grant.application,
            "contested": notices.notice_of(grant.decision),
            "channel": ReviewChannel.EMAIL,
            "arrived_on": helsinki_today(),
            "requested_change": "Muutos.",
            "grounds": "Perusteet.",
            "acting_user": UserFactory(roles=["programme_manager"]),
        } | change
        with pytest.raises(ValidationError) as refusal:
            services.review_request_register(**values)
        assert field in refusal.value.message_dict
        assert not ReviewRequest.objects.exists()

    def test_a_member_without_the_right_to_act_cannot_send_one(self):
        grant = _grant_notified(5)
        helper = MembershipFactory(organisation=grant.application.organisation, right_to_act=False).person
        with pytest.raises(ValidationError):
            _submit(grant, acting_user=helper)
        assert not ReviewRequest.objects.exists()

    def test_a_stranger_cannot_send_one(self):
        grant = _grant_notified(5)
        with pytest.raises(PermissionDenied):
            _submit(grant, acting_user=MembershipFactory().person)
        assert not ReviewRequest.objects.exists()


class TestFourEyes:
    def test_the_presenter_cannot_send_to_themselves_nor_sign_and_only_the_chosen_decision_maker_signs(self):
        grant = _grant_notified(5)
        request = _submit(grant)
        # A presenter who is also a decision maker still cannot decide on their own presentation.
        presenter = UserFactory(roles=["presenter", "decision_maker"])
        CallAssignmentFactory(call=grant.application.call, person=presenter)
        services.review_request_prepare(
            review_request=request,
            outcome=ReviewOutcome.REJECTED,
            reasons="Ei perusteita.",
            acting_user=presenter,
        )
        with pytest.raises(ValidationError) as refusal:
            services.review_request_send_for_signing(
                review_request=request, decision_maker=presenter, acting_user=presenter
            )
        assert refusal.value.error_dict["decision_maker"][0].code == "four_eyes"
        decider = UserFactory(roles=["decision_maker"])
        other_decider = UserFactory(roles=["decision_maker"])
        services.review_request_send_for_signing(
            review_request=request, decision_maker=decider, acting_user=presenter
        )
        with pytest.raises(ValidationError) as refusal:
            services.review_request_decide(review_request=request, acting_user=presenter)
        assert refusal.value.code == "four_eyes"
        with pytest.raises(PermissionDenied):
            services.review_request_decide(review_request=request, acting_user=other_decider)
        request.refresh_from_db()
        assert request.status == ReviewStatus.FOR_SIGNING and not request.document
        services.review_request_decide(review_request=request, acting_user=decider)
        request.refresh_from_db()
        assert request.status == ReviewStatus.DECIDED and request.decision_maker == decider
        assert notices.notice_of(request).channel == "electronic"

    def test_the_decision_maker_returns_it_with_a_reason(self):
        grant = _grant_notified(5)
        request = _submit(grant)
        presenter = CallAssignmentFactory.presenter_of(grant)
        decider = UserFactory(roles=["decision_maker"])
        services.review_request_prepare(
            review_request=request,
            outcome=ReviewOutcome.REJECTED,
            reasons="Ei perusteita.",
            acting_user=presenter,
        )
        services.review_request_send_for_signing(
            review_request=request, decision_maker=decider, acting_user=presenter
        )
        with pytest.raises(ValidationError):
            services.review_request_return(review_request=request, reason=" ", acting_user=decider)
        services.review_request_return(
            review_request=request, reason="Perustelut puuttuvat.", acting_user=decider
        )
        request.refresh_from_db()
        assert request.status == ReviewStatus.RECEIVED and request.decision_maker is None


class TestAcceptedRequestCorrectsTheGrant:
    @pytest.mark.reads_pdf
    def test_the_correcting_decision_replaces_the_register_row_and_the_ledger_follows(self):
        grant = _grant_notified(5)
        original = grant.decision
        assert ledger_of(grant).in_force == Decimal("12000.00")
        request, presenter, decider = _decided(_submit(grant))
        correction = services.review_request_correction_start(review_request=request, acting_user=presenter)
        assert correction.corrects == original and correction.status == DecisionStatus.DRAFT
        with pytest.raises(ValidationError, match="on jo aloitettu"):
            services.review_request_correction_start(review_request=request, acting_user=presenter)
        final_report_due = (correction.period_end + 60 * DAY).isoformat()
        terms = decision_services.DecisionTerms(
            **(
                correction.terms()
                | {
                    "amount": Decimal("15000.00"),
                    "outcome": Outcome.PARTIALLY_APPROVED,
                    "eligible_costs": Decimal("20000.00"),
                    "max_share_percent": Decimal("75"),
                    "instalments": [{"percent": "100", "condition": "on_acceptance"}],
                    "reports_due": [{"kind": "final", "due": final_report_due}],
                    "conditions": "Avustusta käytetään päätöksen mukaisesti.",
                }
            )
        )
        decision_services.decision_save_draft(
            application=grant.application, terms=terms, acting_user=presenter
        )
        correction.refresh_from_db()
        assert correction.amount == Decimal("15000.00")
        decision_services.decision_send_for_signing(
            decision=correction, decision_maker=decider, acting_user=presenter
        )
        decision_services.decision_sign(decision=correction, acting_user=decider)
        grant_services.decision_publish(decision_id=correction.pk, acting_user=presenter)
        grant.refresh_from_db()
        assert grant.decision == correction
        assert list(PublishedGrant.objects.values_list("decision_id", "amount_awarded")) == [
            (correction.pk, Decimal("15000.00"))
        ]
        assert ledger_of(grant).in_force == Decimal("15000.00")
        text = pdf_text(decision_pdf(correction, "fi"))
        assert request.register_number in text and "Valitusosoitus" not in text
        # The correction carries out the request: a change of it is sought by appeal, not by a new request.
        contestable = selectors.contestable_notices(grant.application)
        assert notices.notice_of(correction) is not None
        assert notices.notice_of(correction) not in contestable
        assert notices.notice_of(original) in contestable

    def test_a_rejected_request_starts_no_correction(self):
        grant = _grant_notified(5)
        request, presenter, _decider = _decided(_submit(grant), ReviewOutcome.REJECTED, "Ei perusteita.")
        with pytest.raises(ValidationError, match="vain kokonaan tai osittain hyväksytty"):
            services.review_request_correction_start(review_request=request, acting_user=presenter)


@pytest.mark.reads_pdf
class TestDocument:
    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            (
                "fi",
                [
                    "Päätös oikaisuvaatimukseen",
                    "Valitusosoitus",
                    "hallinto-oikeus",
                    "30 päivän kuluessa",
                    "270 euroa",
                    "Oikaisuvaatimus hyväksytään.",
                ],
            ),
            (
                "sv",
                [
                    "Beslut med anledning av begäran om omprövning",
                    "Besvärsanvisning",
                    "förvaltningsdomstol",
                    "inom 30 dagar",
                    "270 euro",
                    "Begäran om omprövning godkänns.",
                ],
            ),
        ],
    )
    def test_the_decision_carries_appeal_instructions_in_finnish_and_swedish(self, language, expected):
        grant = _grant_notified(5)
        request, _presenter, _decider = _decided(_submit(grant))
        text = pdf_text(review_decision_pdf(request, language))
        for phrase in expected:
            assert phrase in text, phrase
        assert request.register_number in text

    def test_the_court_is_that_of_the_recipients_region(self):
        grant = _grant_notified(5)
        request, _presenter, _decider = _decided(_submit(grant))
        region = grant.application.organisation.home_municipality.region_id
        from avustamo.review_requests.courts import competent_court

        court = competent_court(grant.application.organisation)
        assert court.name_fi in pdf_text(review_decision_pdf(request, "fi")), region

    def test_a_late_request_is_not_examined_with_the_reason(self):
        grant = _grant_notified(60)
        request, _presenter, _decider = _decided(_submit(grant), ReviewOutcome.NOT_EXAMINED, "Myöhässä.")
        text = pdf_text(review_decision_pdf(request, "fi"))
        assert "Oikaisuvaatimus jätetään tutkimatta." in text and "49 c" in text

    def test_a_grant_decision_carries_no_appeal_instructions(self):
        grant = _grant_notified(5)
        for language, appeal in (("fi", "Valitusosoitus"), ("sv", "Besvärsanvisning")):
            text = pdf_text(decision_pdf(grant.decision, language))
            assert appeal not in text and "hallinto-oikeu" not in text and "förvaltningsdomstol" not in text


class TestPages:
    def test_the_presenter_prepares_and_the_decision_maker_signs_through_the_pages(self, client):
        grant = _grant_notified(5)
        request = _submit(grant)
        presenter = CallAssignmentFactory.presenter_of(grant)
        decider = UserFactory(roles=["decision_maker"], full_name="Riitta Ratkaisija")
        sign_in(client, presenter)
        url = f"/en/official/review-requests/{request.pk}/"
        page = client.get(url).content.decode()
        assert "The request arrived in time." in page
        response = client.post(url, {"step": "prepare", "outcome": "", "reasons": ""})
        assert response.status_code == 422
        client.post(url, {"step": "prepare", "outcome": "rejected", "reasons": "Ei perusteita."})
        client.post(url, {"step": "send", "decision_maker": decider.pk})
        request.refresh_from_db()
        assert request.status == ReviewStatus.FOR_SIGNING
        sign_in(client, decider)
        client.post(url, {"step": "sign"})
        request.refresh_from_db()
        assert request.status == ReviewStatus.DECIDED
        decision_page = client.get(
            f"/en/official/applications/{grant.application_id}/decision/"
        ).content.decode()
        assert request.register_number in decision_page

    def test_the_register_and_the_request_page_take_as_many_statements_whatever_the_number(
        self, client, django_assert_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        grant = _grant_notified(5)
        _submit(grant)
        manager = UserFactory(roles=["programme_manager"])
        sign_in(client, manager)
        with CaptureQueriesContext(connection) as one:
            client.get("/en/official/review-requests/")
        _submit(grant)
        _submit(_grant_notified(6))
        with django_assert_num_queries(len(one.captured_queries)):
            client.get("/en/official/review-requests/")

    @pytest.mark.parametrize(
        ("who", "register", "detail", "new_official", "new_applicant"),
        [
            ("anonymous", LOGIN, LOGIN, LOGIN, LOGIN),
            ("applicant", 403, 403, 403, 200),
            ("other_applicant", 403, 403, 403, 404),
            ("presenter", 403, 200, 200, 404),
            ("decision_maker", 403, 200, 403, 404),
            ("programme_manager", 200, 200, 200, 404),
            ("finance_officer", 403, 200, 403, 404),
            ("auditor", 403, 200, 403, 404),
            ("reviewer", 403, 403, 403, 404),
        ],
    )
    def test_who_may_see_what(self, client, who, register, detail, new_official, new_applicant):
        grant = _grant_notified(5)
        request = _submit(grant)
        users = {
            "anonymous": AnonymousUser(),
            "applicant": grant.application.submitted_by,
            "other_applicant": MembershipFactory().person,
            "presenter": CallAssignmentFactory.presenter_of(grant),
        }
        user = users.get(who) or UserFactory(roles=[who])
        assert_access(client, user, "GET", "/official/review-requests/", register)
        assert_access(client, user, "GET", f"/official/review-requests/{request.pk}/", detail)
        assert_access(
            client,
            user,
            "GET",
            f"/official/applications/{grant.application_id}/review-requests/new/",
            new_official,
        )
        assert_access(
            client, user, "GET", f"/applications/{grant.application_id}/review-requests/new/", new_applicant
        )
        mine = f"/applications/{grant.application_id}/review-requests/{request.pk}/"
        assert_access(client, user, "GET", mine, new_applicant)

    def test_an_attachment_of_an_unaccepted_type_is_refused_and_nothing_saved(self):
        grant = _grant_notified(5)
        with pytest.raises(ValidationError) as refusal:
            _submit(grant, attachments=[SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 100)])
        assert "attachments" in refusal.value.message_dict
        assert not ReviewRequest.objects.exists()


def test_the_recipient_opening_the_decision_on_the_request_is_its_notification(client):
    grant = _grant_notified(5)
    request, _presenter, _decider = _decided(_submit(grant))
    member = grant.application.submitted_by
    sign_in(client, member)
    page = client.get(
        f"/en/applications/{grant.application_id}/review-requests/{request.pk}/"
    ).content.decode()
    assert "Download the decision on the request (PDF)" in page
    response = client.get(f"/applications/{grant.application_id}/review-requests/{request.pk}/decision.pdf")
    assert response.status_code == 200
    notice = notices.notice_of(request)
    assert notice.first_opened_by == member and notice.notification_date == helsinki_today()


@pytest.mark.parametrize(
    ("who", "official_document", "own_document"),
    [
        ("anonymous", LOGIN, LOGIN),
        ("applicant", 403, 200),
        ("other_applicant", 403, 404),
        ("presenter", 200, 404),
        ("decision_maker", 200, 404),
        ("auditor", 200, 404),
        ("reviewer", 403, 404),
    ],
)
def test_who_may_download_the_decision_on_a_request(client, who, official_document, own_document):
    grant = _grant_notified(5)
    request, _presenter, _decider = _decided(_submit(grant), ReviewOutcome.REJECTED, "Ei perusteita.")
    users = {
        "anonymous": AnonymousUser(),
        "applicant": grant.application.submitted_by,
        "other_applicant": MembershipFactory().person,
        "presenter": CallAssignmentFactory.presenter_of(grant),
    }
    user = users.get(who) or UserFactory(roles=[who])
    assert_access(
        client, user, "GET", f"/official/review-requests/{request.pk}/decision.pdf", official_document
    )
    own = f"/applications/{grant.application_id}/review-requests/{request.pk}/decision.pdf"
    assert_access(client, user, "GET", own, own_document)
    assert (notices.notice_of(request).first_opened_at is not None) == (who == "applicant")
