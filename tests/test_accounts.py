import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from avustamo.accounts.models import User
from avustamo.core.models import AuditEntry, OutboundEmail
from tests.access import sign_in
from tests.factories import AgencyFactory, UserFactory, days_from_now_at

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "full_name": "Aino Rahastonhoitaja",
    "email": "Aino@Example.org",
    "preferred_language": "fi",
    "password1": "kotoutuminen-2027",
    "password2": "kotoutuminen-2027",
}
PASSWORD = "projekt-chef-2027"
LOCKED = "Liian monta epäonnistunutta kirjautumista"


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).removeprefix("http://testserver")


# --- Signup and email verification --------------------------------------------------------------------------


def test_sign_up__creates_the_person_and_asks_to_verify_the_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGN_UP)
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "aino@example.org" and user.full_name == "Aino Rahastonhoitaja"
    assert not user.is_staff
    assert AuditEntry.objects.filter(action="person.signed_up", target_id=str(user.pk)).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert client.get("/organisations/")["Location"].startswith("/accounts/login/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["aino@example.org"]


def test_sign_up__following_the_link_verifies_and_signs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/?next=/organisations/", SIGN_UP | {"next": "/organisations/"})
    link = _link_in(mail.outbox[0])
    response = client.post(link)
    assert response["Location"] == "/organisations/"
    assert EmailAddress.objects.get(email="aino@example.org").verified
    assert client.get("/organisations/").status_code == 200
    stored = OutboundEmail.objects.get()
    assert stored.status == OutboundEmail.Status.SENT and link not in stored.body


def test_unverified_address_cannot_be_used_to_sign_in(client, django_capture_on_commit_callbacks):
    UserFactory(email="bertil@example.org", password=PASSWORD, verified_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_in(client, "bertil@example.org")
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/organisations/")["Location"].startswith("/accounts/login/")
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password2": "something-else-2027"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1"),
        ({"email": "not-an-address"}, "email"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_sign_up__refused_input_shows_message_and_saves_nothing(client, overrides, field):
    response = client.post("/accounts/signup/", SIGN_UP | overrides)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.exists()


def test_sign_up__a_taken_address_gets_the_same_answer_and_its_owner_an_email(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="aino@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/accounts/signup/", SIGN_UP)
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post("/accounts/signup/", SIGN_UP | {"email": "eino@example.org"})
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert User.objects.filter(email="aino@example.org").count() == 1
    assert [message.to for message in mail.outbox] == [["aino@example.org"], ["eino@example.org"]]


def test_sign_up__unsafe_next_address_is_ignored(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGN_UP | {"next": "https://evil.example.com/"})
    response = client.post(_link_in(mail.outbox[0]))
    assert response["Location"] == "/"


# --- Signing in and throttling -----------------------------------------------------------------------------


def test_sign_in__email_is_case_insensitive(client):
    UserFactory(email="bertil@example.org", password=PASSWORD)
    response = _sign_in(client, "Bertil@Example.org")
    assert response.status_code == 302
    assert client.get("/organisations/").status_code == 200


@pytest.mark.parametrize(
    ("preferred", "signed_in_at", "lands_on"),
    [
        ("sv", "/accounts/login/?next=/organisations/", "/sv/organisations/"),
        ("en", "/sv/accounts/login/?next=/sv/organisations/", "/en/organisations/"),
        ("fi", "/en/accounts/login/?next=/en/organisations/", "/organisations/"),
        ("sv", "/accounts/login/", "/sv/"),
    ],
)
def test_sign_in__takes_the_person_to_their_own_language(client, preferred, signed_in_at, lands_on):
    UserFactory(email="bertil@example.org", password=PASSWORD, preferred_language=preferred)
    response = client.post(signed_in_at, {"login": "bertil@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == lands_on


def test_sign_in__wrong_password_is_refused_with_a_clear_message(client):
    UserFactory(email="bertil@example.org", password=PASSWORD)
    response = _sign_in(client, "bertil@example.org", "wrong")
    assert response.status_code == 200
    assert (
        response.context["form"].non_field_errors()[0].startswith("Sähköpostiosoite tai salasana on väärin.")
    )


def test_sign_in__repeated_failures_lock_the_account_until_the_period_ends(client, settings):
    UserFactory(email="bertil@example.org", password=PASSWORD)
    with time_machine.travel(days_from_now_at(1, hour=11, minute=0), tick=False) as clock:
        for _attempt in range(settings.SIGN_IN_FAILURES_PER_ACCOUNT):
            _sign_in(client, "bertil@example.org", "wrong", REMOTE_ADDR=f"10.0.0.{_attempt + 1}")
        # Even the right password, from yet another address, is refused while the lock lasts.
        locked = _sign_in(client, "bertil@example.org", REMOTE_ADDR="10.0.0.99")
        assert locked.status_code == 200
        assert LOCKED in locked.context["form"].non_field_errors()[0]
        assert "15 minuutiksi" in locked.context["form"].non_field_errors()[0]
        assert not client.session.get("_auth_user_id")
        clock.shift(datetime.timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES, seconds=1))
        assert _sign_in(client, "bertil@example.org", REMOTE_ADDR="10.0.0.99").status_code == 302


def test_sign_in__many_failures_from_one_address_lock_that_address_for_every_account(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/15m/ip,100/15m/key"}
    UserFactory(email="bertil@example.org", password=PASSWORD)
    with time_machine.travel(days_from_now_at(1, hour=11, minute=0), tick=False) as clock:
        for number in range(3):
            _sign_in(client, f"guess-{number}@example.org", "wrong", REMOTE_ADDR="192.0.2.7")
        locked = _sign_in(client, "bertil@example.org", REMOTE_ADDR="192.0.2.7")
        assert LOCKED in locked.context["form"].non_field_errors()[0]
        assert _sign_in(client, "bertil@example.org", REMOTE_ADDR="192.0.2.8").status_code == 302
        client.logout()
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        assert _sign_in(client, "bertil@example.org", REMOTE_ADDR="192.0.2.7").status_code == 302


# --- Password reset ----------------------------------------------------------------------------------------


def test_password_reset__link_sent_in_the_persons_language(client, django_capture_on_commit_callbacks):
    UserFactory(email="bertil@example.org", preferred_language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "bertil@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Avustamo: ")
    assert "lösenord" in mail.outbox[0].body
    stored = OutboundEmail.objects.get()
    assert stored.status == OutboundEmail.Status.SENT and "/accounts/password/reset/key/" not in stored.body


def test_password_reset__known_and_unknown_addresses_get_the_same_answer(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="bertil@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"email": "bertil@example.org"})
        unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Each address gets one email; the unknown one is told that it has no account (and how to make one).
    assert sorted(message.to[0] for message in mail.outbox) == ["bertil@example.org", "nobody@example.org"]
    assert "/accounts/signup/" in next(m for m in mail.outbox if m.to == ["nobody@example.org"]).body


def test_password_reset__new_password_works_and_the_old_does_not(client, django_capture_on_commit_callbacks):
    UserFactory(email="bertil@example.org", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "bertil@example.org"})
    form_page = client.get(_link_in(mail.outbox[0]), follow=True)
    new = "uusi-salasana-2030"
    done = client.post(form_page.request["PATH_INFO"], {"password1": new, "password2": new})
    assert done["Location"] == "/accounts/password/reset/key/done/"
    assert _sign_in(client, "bertil@example.org").status_code == 200
    assert _sign_in(client, "bertil@example.org", new).status_code == 302


# --- Accounts of people who signed up before verification --------------------------------------------------


def test_demo_people_have_verified_addresses_and_officials_an_authenticator(db):
    from allauth.mfa.models import Authenticator

    from avustamo.demo.loader import _people

    people = _people()
    assert all(EmailAddress.objects.get(user=person).verified for person in people.values())
    official = people["official@example.org"]
    assert Authenticator.objects.filter(user=official, type=Authenticator.Type.TOTP).exists()
    assert not Authenticator.objects.filter(user=people["applicant-a@example.org"]).exists()


def test_demo_totp_prints_the_code_the_sign_in_accepts(client, capsys):
    from avustamo.demo.loader import _people

    _people()
    with time_machine.travel(timezone.now(), tick=False):
        call_command("demo_totp", "official@example.org")
        code = capsys.readouterr().out.strip()
        _sign_in(client, "official@example.org", "avustamo-demo-2026")
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_the_administrator_edits_an_officials_title_and_telephone_and_the_agencys_registry(client):
    """What decisions print of the people and the authority is kept up to date in the admin."""
    official = UserFactory(official=True, job_title_fi="ylitarkastaja", phone="+358 29 504 7105")
    agency = AgencyFactory(registry_email="kirjaamo.tem@gov.fi")
    sign_in(client, UserFactory(administrator=True))

    person_page = client.get(f"/admin/accounts/user/{official.pk}/change/").content.decode()
    for field in ("job_title_fi", "job_title_sv", "job_title_en", "phone"):
        assert f'name="{field}"' in person_page
    assert 'value="ylitarkastaja"' in person_page and 'value="+358 29 504 7105"' in person_page

    agency_page = client.get(f"/admin/programmes/agency/{agency.pk}/change/").content.decode()
    for field in ("registry_postal_address", "registry_email", "registry_visiting_address"):
        assert f'name="{field}"' in agency_page
    assert 'value="kirjaamo.tem@gov.fi"' in agency_page
