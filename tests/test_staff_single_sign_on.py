"""The ministry's single sign-on for officials: off unless configured; never opens a non-staff account."""

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from avustamo.accounts.adapters import OfficialSingleSignOnAdapter
from avustamo.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _login_from_provider(email: str, *, verified: bool = True) -> SocialLogin:
    return SocialLogin(
        user=User(email=email),
        account=SocialAccount(provider="ministry", uid="sub-123"),
        email_addresses=[EmailAddress(email=email, verified=verified)],
    )


def _request():
    request = RequestFactory().get("/accounts/oidc/ministry/login/callback/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_without_settings_the_sign_in_page_offers_no_single_sign_on(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Virkailijoiden kertakirjautuminen" not in page


@pytest.mark.parametrize(
    ("person", "verified"),
    [("applicant", True), ("nobody", True), ("official", False)],
    ids=["an applicant", "an unknown address", "an address the provider has not verified"],
)
def test_refused_unless_an_existing_official_with_a_verified_address(person, verified):
    UserFactory(email="applicant@example.org")
    UserFactory(email="official@ministry.example.org", roles=["presenter"])
    email = {
        "applicant": "applicant@example.org",
        "nobody": "nobody@ministry.example.org",
        "official": "official@ministry.example.org",
    }[person]
    request = _request()
    with pytest.raises(ImmediateHttpResponse) as refusal:
        OfficialSingleSignOnAdapter(request).pre_social_login(
            request, _login_from_provider(email, verified=verified)
        )
    assert refusal.value.response["Location"] == "/accounts/login/"
    assert [str(message) for message in request._messages] == [
        "Kertakirjautuminen on virkailijoille, joilla on jo täällä käyttäjätili samalla vahvistetulla "
        "sähköpostiosoitteella. Kirjaudu salasanallasi tai kysy pääkäyttäjältä."
    ]
    assert not SocialAccount.objects.exists()


def test_it_never_creates_accounts():
    assert not OfficialSingleSignOnAdapter().is_open_for_signup(
        _request(), _login_from_provider("x@example.org")
    )
