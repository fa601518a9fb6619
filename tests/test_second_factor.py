"""Officials' second factor and the limits of staff sessions. Codes are computed with allauth's own functions."""

import datetime
import time

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from tests.access import sign_in
from tests.factories import MembershipFactory, UserFactory, days_from_now_at

pytestmark = pytest.mark.django_db

PASSWORD = "virkamies-salasana-2030"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OFFICIAL_PAGE = "/official/"


def _code(secret: str = SECRET, *, periods_ago: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD - periods_ago))


def _official(**kwargs):
    return UserFactory(email="olli@ministry.example.org", password=PASSWORD, roles=["presenter"], **kwargs)


def _password_sign_in(client, email="olli@ministry.example.org"):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def test_official_without_authenticator_is_sent_to_set_one_up_before_any_page(client):
    _official()
    _password_sign_in(client)
    for path in (OFFICIAL_PAGE, "/organisations/", "/accounts/api-tokens/", "/calls/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/?next="), path
    page = client.get("/accounts/2fa/?next=/official/")
    assert "Virkailijat käyttävät salasanan lisäksi toista tunnistustekijää" in page.content.decode()


def test_a_code_typed_as_its_step_ended_is_accepted_and_an_older_one_is_not(client):
    official = _official()
    TOTP.activate(official, SECRET)
    with time_machine.travel(days_from_now_at(1, hour=10, minute=0), tick=False):
        _password_sign_in(client)
        refused = client.post("/accounts/2fa/authenticate/", {"code": _code(periods_ago=2)})
        assert refused.status_code == 200 and refused.context["form"].errors["code"]
        assert client.post("/accounts/2fa/authenticate/", {"code": _code(periods_ago=1)}).status_code == 302


def test_official_with_authenticator_is_asked_for_the_code_at_sign_in(client):
    official = _official()
    TOTP.activate(official, SECRET)
    with time_machine.travel(days_from_now_at(1, hour=10, minute=0), tick=False):
        response = _password_sign_in(client)
        assert response["Location"] == "/accounts/2fa/authenticate/"
        assert not client.session.get("_auth_user_id")
        refused = client.post("/accounts/2fa/authenticate/", {"code": _code(periods_ago=3)})
        assert refused.status_code == 200 and refused.context["form"].errors["code"]
        assert not client.session.get("_auth_user_id")
        assert client.post("/accounts/2fa/authenticate/", {"code": _code()}).status_code == 302
        assert client.get(OFFICIAL_PAGE).status_code == 200


def test_a_recovery_code_signs_in_once(client):
    official = _official()
    TOTP.activate(official, SECRET)
    recovery_code = RecoveryCodes.activate(official).get_unused_codes()[0]
    _password_sign_in(client)
    assert client.post("/accounts/2fa/authenticate/", {"code": recovery_code}).status_code == 302
    assert client.get(OFFICIAL_PAGE).status_code == 200
    client.logout()
    _password_sign_in(client)
    again = client.post("/accounts/2fa/authenticate/", {"code": recovery_code})
    assert again.status_code == 200 and again.context["form"].errors["code"]


def test_staff_page_refused_in_a_session_without_the_second_factor(client):
    official = _official()
    TOTP.activate(official, SECRET)
    with time_machine.travel(days_from_now_at(1, hour=10, minute=0), tick=False):
        client.force_login(
            official
        )  # e.g. signed in before becoming an official: no second factor in the session
        response = client.get(OFFICIAL_PAGE)
        assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fofficial%2F"
        confirmed = client.post("/accounts/2fa/reauthenticate/?next=/official/", {"code": _code()})
        assert confirmed["Location"] == OFFICIAL_PAGE
        assert client.get(OFFICIAL_PAGE).status_code == 200


def test_a_role_without_the_official_tick_also_needs_the_second_factor(client):
    person = UserFactory(email="arvioija@example.org", password=PASSWORD)
    person.role_grants.create(role="reviewer")
    client.force_login(person)
    assert client.get("/organisations/")["Location"].startswith("/accounts/2fa/")


def test_applicants_are_not_asked_for_a_second_factor(client):
    applicant = MembershipFactory(person__password=PASSWORD).person
    response = client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/organisations/").status_code == 200


def test_staff_session_ends_after_idling(client, settings):
    official = _official()
    with time_machine.travel(days_from_now_at(1, hour=10, minute=0), tick=False) as clock:
        sign_in(client, official)
        assert client.get(OFFICIAL_PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES - 1))
        assert client.get(OFFICIAL_PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES + 1))
        response = client.get(OFFICIAL_PAGE)
    assert response["Location"] == "/accounts/login/?next=%2Fofficial%2F"
    assert not client.session.get("_auth_user_id")
    page = client.get(response["Location"]).content.decode()
    assert "Istuntosi on päättynyt. Kirjaudu uudelleen." in page


def test_staff_session_ends_after_the_maximum_however_busy(client, settings):
    official = _official()
    with time_machine.travel(days_from_now_at(1, hour=10, minute=0), tick=False) as clock:
        sign_in(client, official)
        for _quarter in range(settings.STAFF_SESSION_MAX_HOURS * 4):
            assert client.get(OFFICIAL_PAGE).status_code == 200
            clock.shift(datetime.timedelta(minutes=15))
        response = client.get(OFFICIAL_PAGE)
    assert response["Location"].startswith("/accounts/login/")


def test_applicant_session_does_not_end_after_idling(client):
    applicant = MembershipFactory().person
    with time_machine.travel(days_from_now_at(1, hour=10, minute=0), tick=False) as clock:
        sign_in(client, applicant)
        clock.shift(datetime.timedelta(hours=11))
        assert client.get("/organisations/").status_code == 200
