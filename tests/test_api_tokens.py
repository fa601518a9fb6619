"""Personal API tokens: expiry, scope, last use, and revocation when what they rest on ends."""

import datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create, person_deactivate
from avustamo.organisations import services as organisation_services
from tests.access import give_second_factor, sign_in
from tests.factories import MembershipFactory, UserFactory, days_from_now_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """A client asking in English (Accept-Language), the language the messages are checked in here."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def member():
    return MembershipFactory()


def test_token_expires_after_the_configured_days(client, member, settings):
    settings.API_TOKEN_DAYS = 30
    a_day = days_from_now_at(1, hour=9, minute=0)
    with time_machine.travel(a_day, tick=False) as clock:
        api_token, token = api_token_create(name="CRM", acting_user=member.person)
        assert api_token.expires_at == a_day + datetime.timedelta(days=30)
        clock.shift(datetime.timedelta(days=30) - datetime.timedelta(seconds=1))
        assert client.get("/api/v1/me", **_bearer(token)).status_code == 200
        clock.shift(datetime.timedelta(seconds=1))
        refused = client.get("/api/v1/me", **_bearer(token))
    assert refused.status_code == 401
    expired_on = timezone.localtime(a_day + datetime.timedelta(days=30))
    assert refused.json()["detail"].startswith(f"The token expired on {expired_on:%Y-%m-%d %H:%M}")


def test_last_use_is_recorded_and_shown(client, member):
    a_day = days_from_now_at(1, hour=9, minute=0)
    with time_machine.travel(a_day, tick=False):
        api_token, token = api_token_create(name="CRM", acting_user=member.person)
        client.get("/api/v1/me", **_bearer(token))
    api_token.refresh_from_db()
    assert api_token.last_used_at == a_day
    sign_in(client, member.person)
    assert f"{a_day.day}.{a_day.month}.{a_day.year}" in client.get("/accounts/api-tokens/").content.decode()


def test_read_token_reads_but_may_not_write(client, member):
    _api_token, token = api_token_create(name="raportit", acting_user=member.person)
    assert client.get("/api/v1/applications", **_bearer(token)).status_code == 200
    refused = client.post(
        "/api/v1/applications",
        {"call_id": 1, "organisation_id": 1},
        content_type="application/json",
        **_bearer(token),
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This token may only read. Create a token with the right to read and write.",
        "errors": [],
    }


def test_tokens_page_makes_a_read_and_write_token(client, member):
    sign_in(client, member.person)
    client.post("/accounts/api-tokens/", {"name": "Kirjanpito", "scope": "read_write"})
    assert ApiToken.objects.get().scope == ApiToken.Scope.READ_WRITE


def test_unknown_scope_is_refused_and_nothing_saved(member):
    with pytest.raises(ValidationError) as refusal:
        api_token_create(name="CRM", scope="admin", acting_user=member.person)
    assert refusal.value.message_dict["scope"] == ["Valitse, mitä avaimella saa tehdä."]
    assert not ApiToken.objects.exists()


def test_official_without_second_factor_cannot_make_a_token(db):
    official = UserFactory(official=True)
    with pytest.raises(ValidationError) as refusal:
        api_token_create(name="laskenta", acting_user=official)
    assert refusal.value.messages == [
        "Virkailija tarvitsee toisen tunnistustekijän ennen API-avaimen luomista. Ota se ensin käyttöön."
    ]
    assert not ApiToken.objects.exists()


def test_officials_token_stops_working_when_the_second_factor_is_removed(client, db):
    official = UserFactory(official=True, roles=["finance_officer"])
    give_second_factor(official)
    _api_token, token = api_token_create(name="laskenta", acting_user=official)
    assert client.get("/api/v1/me", **_bearer(token)).status_code == 200
    Authenticator.objects.filter(user=official).delete()
    refused = client.get("/api/v1/me", **_bearer(token))
    assert refused.status_code == 403
    assert (
        refused.json()["detail"] == "An official's token works only while the official has a second factor."
    )


def test_password_reset_revokes_every_token(client, member, django_capture_on_commit_callbacks):
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": member.person.email})
    link = next(word for word in mail.outbox[0].body.split() if "/password/reset/key/" in word)
    form_page = client.get(link.removeprefix("http://testserver"), follow=True)
    client.post(
        form_page.request["PATH_INFO"], {"password1": "uusi-salasana-2030", "password2": "uusi-salasana-2030"}
    )
    refused = client.get("/api/v1/me", **_bearer(token))
    assert refused.status_code == 401 and refused.json()["detail"].startswith("The token was revoked on")
    assert ApiToken.objects.get().revoked_because == "password"


def test_password_change_revokes_every_token(client, member):
    member.person.set_password("vanha-salasana-2029")
    member.person.save()
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    sign_in(client, member.person)
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "vanha-salasana-2029",
            "password1": "uusi-salasana-2030",
            "password2": "uusi-salasana-2030",
        },
    )
    assert client.get("/api/v1/me", **_bearer(token)).status_code == 401


def test_leaving_an_organisation_revokes_the_persons_tokens(client, member):
    administrator = MembershipFactory(organisation=member.organisation, administrator=True).person
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    organisation_services.membership_remove(membership=member, acting_user=administrator)
    assert client.get("/api/v1/me", **_bearer(token)).status_code == 401
    assert ApiToken.objects.get().revoked_because == "left_organisation"


def test_closing_the_account_revokes_the_tokens(client, member):
    administrator = UserFactory(administrator=True)
    api_token, _token = api_token_create(name="CRM", acting_user=member.person)
    person_deactivate(person=member.person, acting_user=administrator)
    api_token.refresh_from_db()
    assert api_token.revoked_because == "account_closed"
    assert not member.person.__class__.objects.get(pk=member.person.pk).is_active
