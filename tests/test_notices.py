"""Notification of decisions (tiedoksianto): the organisation's consent to electronic notification, the notice
each published decision gets, its notification date from the first opening or the law's presumption (the third
day after an electronic message, 13/2003 §19(2); the seventh after a letter, 434/2003 §59(2)), the registry's
list of letters to post, and the last day to request a review (434/2003 §49c; 150/1930 §§2 and 5)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from avustamo.core import notices
from avustamo.core.dates import helsinki_today, is_day_off, time_limit_end
from avustamo.core.models import AuditEntry, DecisionNotice
from avustamo.grants import services as grant_services
from avustamo.grants.models import GrantStatus
from avustamo.organisations import services as organisation_services
from avustamo.organisations.models import NotificationConsent
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    CallAssignmentFactory,
    DecisionFactory,
    MembershipFactory,
    UserFactory,
    days_from_now_at,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _consent(organisation, *, consents=True):
    member = organisation.memberships.first().person
    return organisation_services.notification_consent_set(
        organisation=organisation, consents=consents, acting_user=member
    )


def _published(*, consent: bool):
    """A decision signed and published through the service, to a recipient who did or did not consent."""
    decision = DecisionFactory.signed()
    if consent:
        _consent(decision.application.organisation)
    grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
    decision.refresh_from_db()
    return decision


# --- Consent ---------------------------------------------------------------------------------------------------


class TestConsent:
    def test_a_member_with_the_right_to_act_gives_and_withdraws_it_on_the_organisations_page(self, client):
        member = MembershipFactory(person__full_name="Aino Rahastonhoitaja")
        organisation = member.organisation
        sign_in(client, member.person)
        page = client.get(f"/en/organisations/{organisation.pk}/").content.decode()
        assert "has not consented to electronic notification" in page
        assert 'name="consents"' in page and "checked" not in page.split('name="consents"')[1][:40]
        response = client.post(
            f"/en/organisations/{organisation.pk}/electronic-notification/", {"consents": "on"}
        )
        assert response.status_code == 302
        consent = NotificationConsent.objects.get()
        assert (
            consent.consents and consent.recorded_by == member.person and consent.authority_check is not None
        )
        assert consent.recorded_at.date() == datetime.datetime.now(datetime.UTC).date()
        page = client.get(f"/en/organisations/{organisation.pk}/").content.decode()
        assert "The organisation consented on" in page and "Aino Rahastonhoitaja" in page

        client.post(f"/en/organisations/{organisation.pk}/electronic-notification/", {"withdraw": "1"})
        assert list(organisation.notification_consents.values_list("consents", flat=True)) == [False, True]
        assert AuditEntry.objects.filter(action="organisation.notification_consent_withdrawn").exists()
        assert (
            "The consent was withdrawn on"
            in client.get(f"/en/organisations/{organisation.pk}/").content.decode()
        )

    def test_the_box_must_be_ticked(self, client):
        member = MembershipFactory()
        sign_in(client, member.person)
        response = client.post(f"/en/organisations/{member.organisation_id}/electronic-notification/", {})
        assert response.status_code == 422
        assert "Tick the box to give the consent." in response.content.decode()
        assert not NotificationConsent.objects.exists()

    def test_a_member_without_the_right_to_act_cannot_answer_for_the_organisation(self):
        member = MembershipFactory(right_to_act=False)
        with pytest.raises(ValidationError) as refusal:
            organisation_services.notification_consent_set(
                organisation=member.organisation, consents=True, acting_user=member.person
            )
        assert refusal.value.code == "not_identified"
        assert not NotificationConsent.objects.exists()

    def test_a_stranger_is_not_shown_the_organisation_and_cannot_consent(self, client):
        member = MembershipFactory()
        stranger = MembershipFactory().person
        sign_in(client, stranger)
        url = f"/en/organisations/{member.organisation_id}/electronic-notification/"
        assert client.post(url, {"consents": "on"}).status_code == 404
        assert not NotificationConsent.objects.exists()

    def test_consenting_twice_is_refused(self):
        member = MembershipFactory()
        _consent(member.organisation)
        with pytest.raises(ValidationError) as refusal:
            _consent(member.organisation)
        assert refusal.value.message_dict == {"consents": ["Organisaatio on jo antanut suostumuksensa."]}
        assert NotificationConsent.objects.count() == 1


# --- The notice and its date -----------------------------------------------------------------------------------


class TestNotificationDate:
    def test_with_consent_the_decision_is_sent_electronically_and_presumed_received_on_the_third_day(self):
        sent = days_from_now_at(-10, 15)
        with time_machine.travel(sent, tick=False):
            decision = _published(consent=True)
        notice = notices.notice_of(decision)
        assert notice.channel == DecisionNotice.Channel.ELECTRONIC
        assert notice.notification_date == sent.date() + 3 * DAY
        assert not notice.notified_by_opening
        assert not notices.notices_to_post().exists()

    def test_opening_the_document_before_the_third_day_is_the_notification_date(self, client):
        sent = days_from_now_at(-10, 15)
        with time_machine.travel(sent, tick=False):
            decision = _published(consent=True)
        member = decision.application.submitted_by
        with time_machine.travel(days_from_now_at(-9, 9)):
            sign_in(client, member)
            response = client.get(f"/applications/{decision.application_id}/decision-fi.pdf")
            assert response.status_code == 200
        with time_machine.travel(days_from_now_at(-8, 9)):
            client.get(f"/applications/{decision.application_id}/decision-fi.pdf")
        notice = notices.notice_of(decision)
        assert notice.first_opened_by == member
        assert notice.notification_date == sent.date() + DAY
        assert notice.notified_by_opening

    def test_opening_after_the_presumed_day_does_not_move_the_date(self, client):
        sent = days_from_now_at(-10, 15)
        with time_machine.travel(sent, tick=False):
            decision = _published(consent=True)
        with time_machine.travel(days_from_now_at(-5, 9)):
            sign_in(client, decision.application.submitted_by)
            client.get(f"/applications/{decision.application_id}/decision-fi.pdf")
        notice = notices.notice_of(decision)
        assert notice.first_opened_at is not None
        assert notice.notification_date == sent.date() + 3 * DAY

    def test_an_official_opening_the_recipients_page_is_no_notification(self, client):
        decision = _published(consent=True)
        superuser = UserFactory(is_superuser=True, is_staff=True)
        sign_in(client, superuser)
        assert client.get(f"/applications/{decision.application_id}/decision-fi.pdf").status_code == 200
        assert notices.notice_of(decision).first_opened_at is None

    def test_without_consent_the_letter_is_posted_and_presumed_received_on_the_seventh_day(self):
        decision = _published(consent=False)
        notice = notices.notice_of(decision)
        assert notice.channel == DecisionNotice.Channel.POST and notice.notification_date is None
        assert list(notices.notices_to_post()) == [notice]
        organisation = decision.application.organisation
        assert organisation.street_address in notice.postal_address
        manager = UserFactory(roles=["programme_manager"])
        posted_on = helsinki_today()
        notices.notice_posted(notice=notice, posted_on=posted_on, acting_user=manager)
        notice.refresh_from_db()
        assert notice.notification_date == posted_on + 7 * DAY
        assert not notices.notices_to_post().exists()

    def test_the_day_of_posting_cannot_be_in_the_future_nor_given_twice(self):
        decision = _published(consent=False)
        notice = notices.notice_of(decision)
        manager = UserFactory(roles=["programme_manager"])
        with pytest.raises(ValidationError) as refusal:
            notices.notice_posted(notice=notice, posted_on=helsinki_today() + DAY, acting_user=manager)
        assert refusal.value.message_dict == {"posted_on": ["Postituspäivä ei voi olla tulevaisuudessa."]}
        notice.refresh_from_db()
        assert notice.posted_on is None
        notices.notice_posted(notice=notice, posted_on=helsinki_today(), acting_user=manager)
        with pytest.raises(ValidationError, match="on jo merkitty postitetuksi"):
            notices.notice_posted(notice=notice, posted_on=helsinki_today(), acting_user=manager)

    def test_a_change_decision_and_a_return_decision_get_their_notice_too(
        self, django_capture_on_commit_callbacks
    ):
        from tests.factories import ChangeRequestFactory, GrantFactory

        grant = GrantFactory.accepted()
        with django_capture_on_commit_callbacks(execute=True):
            change_request = ChangeRequestFactory.decided(grant=grant)
        assert notices.notice_of(change_request).channel == DecisionNotice.Channel.POST


# --- The time limit of a request for review ---------------------------------------------------------------------


class TestReviewTimeLimit:
    def test_thirty_days_from_the_notification_date_that_day_not_counted(self):
        start = helsinki_today()
        end = time_limit_end(start, 30)
        assert end >= start + 30 * DAY
        assert not is_day_off(end)
        assert all(is_day_off(start + 30 * DAY + n * DAY) for n in range((end - start).days - 30))

    def test_a_time_limit_ending_on_a_saturday_or_on_christmas_eve_moves_to_the_next_working_day(self):
        year = helsinki_today().year
        christmas_eve = datetime.date(year, 12, 24)
        end = time_limit_end(christmas_eve - 30 * DAY, 30)
        assert end > datetime.date(year, 12, 26) and end.weekday() < 5
        saturday = helsinki_today() + ((5 - helsinki_today().weekday()) % 7 or 7) * DAY
        assert time_limit_end(saturday - 30 * DAY, 30) > saturday

    def test_the_recipient_sees_the_last_day_on_the_decision_page(self, client):
        sent = days_from_now_at(-2, 15)
        with time_machine.travel(sent, tick=False):
            decision = _published(consent=True)
        sign_in(client, decision.application.submitted_by)
        page = client.get(f"/en/applications/{decision.application_id}/decision/").content.decode()
        last_day = time_limit_end(sent.date() + 3 * DAY, 30)
        assert "Last day to request a review" in page
        assert f"{last_day.day} {last_day:%B} {last_day.year}" in page

    def test_officials_see_the_notification_date_on_the_decision_tab(self, client):
        decision = _published(consent=True)
        presenter = CallAssignmentFactory.presenter_of(decision.grant)
        sign_in(client, presenter)
        page = client.get(f"/en/official/applications/{decision.application_id}/decision/").content.decode()
        notification_date = notices.notice_of(decision).notification_date
        assert "Notification date" in page and "presumed by law" in page
        assert f"{notification_date.day} {notification_date:%B} {notification_date.year}" in page


# --- The registry's list -----------------------------------------------------------------------------------------


class TestListToPost:
    def test_the_registry_lists_the_letters_with_the_address_and_the_document_and_marks_them_posted(
        self, client
    ):
        decision = _published(consent=False)
        manager = UserFactory(roles=["programme_manager"])
        sign_in(client, manager)
        page = client.get("/en/official/decisions/to-post/").content.decode()
        notice = notices.notice_of(decision)
        assert decision.application.register_number in page
        assert decision.application.organisation.post_office in page
        document = client.get(f"/en/official/decisions/to-post/{notice.pk}/document.pdf")
        assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
        client.post(
            f"/en/official/decisions/to-post/{notice.pk}/posted/", {"posted_on": helsinki_today().isoformat()}
        )
        notice.refresh_from_db()
        assert notice.posted_on == helsinki_today() and notice.posted_by == manager
        assert (
            "No decisions are waiting to be posted."
            in client.get("/en/official/decisions/to-post/").content.decode()
        )

    def test_the_list_takes_as_many_statements_whatever_its_length(self, client, django_assert_num_queries):
        _published(consent=False)
        manager = UserFactory(roles=["programme_manager"])
        sign_in(client, manager)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as one:
            client.get("/en/official/decisions/to-post/")
        _published(consent=False)
        _published(consent=False)
        with django_assert_num_queries(len(one.captured_queries)):
            client.get("/en/official/decisions/to-post/")

    @pytest.mark.parametrize(
        ("who", "want"),
        [
            ("anonymous", LOGIN),
            ("applicant", 403),
            ("other_applicant", 403),
            ("presenter", 403),
            ("decision_maker", 403),
            ("finance_officer", 403),
            ("auditor", 403),
            ("reviewer", 403),
            ("programme_manager", 200),
            ("administrator", 200),
        ],
    )
    def test_who_may_see_and_mark_the_letters(self, client, who, want):
        from django.contrib.auth.models import AnonymousUser

        decision = _published(consent=False)
        notice = notices.notice_of(decision)
        users = {
            "anonymous": AnonymousUser(),
            "applicant": decision.application.submitted_by,
            "other_applicant": MembershipFactory().person,
        }
        user = users.get(who) or UserFactory(roles=[who])
        assert_access(client, user, "GET", "/official/decisions/to-post/", want)
        assert_access(client, user, "GET", f"/official/decisions/to-post/{notice.pk}/document.pdf", want)
        posted = {"posted_on": helsinki_today().isoformat()}
        assert_access(
            client,
            user,
            "POST",
            f"/official/decisions/to-post/{notice.pk}/posted/",
            302 if want == 200 else want,
            posted,
        )
        notice.refresh_from_db()
        assert (notice.posted_on is not None) == (want == 200)


class TestAcceptanceDeadline:
    def test_a_call_that_sets_days_to_accept_shows_the_last_day_from_the_notification_date(self, client):
        from decimal import Decimal

        from tests.factories import CallFactory

        sent = days_from_now_at(-1, 15)
        with time_machine.travel(sent, tick=False):
            decision = DecisionFactory.signed(
                call=CallFactory(closed=True, appropriation=Decimal("50000.00"), acceptance_days=14)
            )
            _consent(decision.application.organisation)
            grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
        sign_in(client, decision.application.submitted_by)
        page = client.get(f"/en/applications/{decision.application_id}/decision/").content.decode()
        last_day = time_limit_end(sent.date() + 3 * DAY, 14)
        assert f"Accept or decline the terms by {last_day.day} {last_day:%B} {last_day.year}." in page

    def test_the_terms_cannot_be_accepted_after_the_last_day(self):
        from decimal import Decimal

        from tests.factories import CallFactory

        with time_machine.travel(days_from_now_at(-40, 10), tick=False):
            decision = DecisionFactory.signed(
                call=CallFactory(closed=True, appropriation=Decimal("50000.00"), acceptance_days=14)
            )
            _consent(decision.application.organisation)
            grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
        grant = decision.application.grant
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            grant_services.grant_accept(grant=grant, acting_user=decision.application.submitted_by)
        assert refusal.value.code == "acceptance_late"
        assert "can no longer be accepted in the service" in refusal.value.message
        grant.refresh_from_db()
        assert grant.status == GrantStatus.AWAITING_ACCEPTANCE and grant.answered_at is None

    def test_without_days_set_no_deadline_is_shown(self, client):
        decision = _published(consent=True)
        sign_in(client, decision.application.submitted_by)
        page = client.get(f"/en/applications/{decision.application_id}/decision/").content.decode()
        assert "Accept or decline the terms by" not in page


class TestConsentAtSubmission:
    def test_the_check_page_asks_for_the_consent_unticked_until_it_is_given(self, client):
        from tests.factories import (
            ApplicationFactory,
            CallFactory,
            CallFormFactory,
            RegionFactory,
            complete_answers,
        )

        member = MembershipFactory()
        call = CallFactory()
        CallFormFactory(call=call)
        RegionFactory()
        draft = ApplicationFactory(
            call=call,
            organisation=member.organisation,
            created_by=member.person,
            answers=complete_answers(call),
        )
        sign_in(client, member.person)
        page = client.get(f"/en/applications/{draft.pk}/check/").content.decode()
        checkbox = page.split('id="id_notification_consent"')[0].rsplit("<input", 1)[1]
        assert 'name="notification_consent"' in page and "checked" not in checkbox
        _consent(member.organisation)
        assert (
            'name="notification_consent"'
            not in client.get(f"/en/applications/{draft.pk}/check/").content.decode()
        )
