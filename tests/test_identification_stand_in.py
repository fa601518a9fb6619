"""The whole identification against the local stand-in, a real OpenID provider process: our client starts it,
a person picks a test person on the stand-in's page, and the callback gives that person back."""

import json
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwk
from joserfc.jws import serialize_compact

from avustamo.accounts.suomifi import IdentificationFailed, complete_identification, start_identification
from tests.identification_stand_in import (
    CLIENT_ID,
    REDIRECT_URI,
    identification_stand_in,
    suomifi_stand_in_settings,
)

__all__ = ["identification_stand_in", "suomifi_stand_in_settings"]

AINO = "150385-9068"


class HiddenFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value", "")


def open_test_page(authorization_url: str) -> tuple[requests.Response, dict]:
    page = requests.get(authorization_url, timeout=10)
    parser = HiddenFields()
    parser.feed(page.text)
    return page, parser.fields


def choose(authorization_url: str, **choice) -> dict:
    """Post the stand-in's form as a person would, and return the parameters it sends back to our callback."""
    _page, fields = open_test_page(authorization_url)
    answer = requests.post(
        authorization_url.split("?")[0], data={**fields, **choice}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def test_a_person_chosen_at_substantial_level_comes_back_identified(suomifi_stand_in_settings):
    session = {}
    url = start_identification(session, redirect_uri=REDIRECT_URI, language="fi")
    page, fields = open_test_page(url)
    assert page.status_code == 200
    assert "Testitunnistaja" in page.text
    assert "Paikallinen korvike" in page.text
    assert "Aino Rahastonhoitaja" in page.text
    assert "request" in fields

    params = choose(url, person=AINO, level="substantial", action="identify")
    person = complete_identification(session, params=params, redirect_uri=REDIRECT_URI)

    assert person.national_identification_number == AINO
    assert (person.given_name, person.family_name) == ("Aino", "Rahastonhoitaja")
    assert person.birth_date.isoformat() == "1985-03-15"
    assert person.acr == "http://ftn.ficora.fi/2017/loa2"
    assert person.issuer == suomifi_stand_in_settings.issuer
    assert AINO not in person.subject


def test_the_same_callback_twice_is_refused_the_second_time(suomifi_stand_in_settings):
    session = {}
    url = start_identification(session, redirect_uri=REDIRECT_URI, language="fi")
    params = choose(url, person=AINO, level="high", action="identify")
    complete_identification(session, params=params, redirect_uri=REDIRECT_URI)

    with pytest.raises(IdentificationFailed) as failure:
        complete_identification(session, params=params, redirect_uri=REDIRECT_URI)
    assert failure.value.code == "replayed"


def test_cancel_at_the_stand_in_comes_back_as_cancelled(suomifi_stand_in_settings):
    session = {}
    url = start_identification(session, redirect_uri=REDIRECT_URI, language="fi")
    params = choose(url, action="cancel")
    assert params["error"] == "access_denied"

    with pytest.raises(IdentificationFailed) as failure:
        complete_identification(session, params=params, redirect_uri=REDIRECT_URI)
    assert failure.value.code == "cancelled"
    assert failure.value.message == "Peruutit tunnistautumisen. Voit aloittaa sen uudelleen milloin tahansa."


def test_a_slow_stand_in_runs_into_the_client_timeout(suomifi_stand_in_settings, settings):
    session = {}
    url = start_identification(session, redirect_uri=REDIRECT_URI, language="fi")
    params = choose(url, person=AINO, level="substantial", action="identify")
    settings.SUOMIFI_OIDC_TIMEOUT_SECONDS = 0.5
    suomifi_stand_in_settings.set_delay(2)

    with pytest.raises(IdentificationFailed) as failure:
        complete_identification(session, params=params, redirect_uri=REDIRECT_URI)
    assert failure.value.code == "provider_timeout"


def test_the_stand_in_refuses_an_authorization_request_without_a_signed_request_object(
    suomifi_stand_in_settings,
):
    url = (
        f"{suomifi_stand_in_settings.issuer}/oidc/authorize?response_type=code&scope=openid&client_id={CLIENT_ID}"
        f"&redirect_uri={REDIRECT_URI}&state=s&nonce=n&code_challenge_method=S256&code_challenge={'a' * 43}"
    )
    page = requests.get(url, timeout=10, allow_redirects=False)
    assert page.status_code in (302, 400)
    assert "signed request objects" in (page.text + page.headers.get("Location", ""))


class TestTheTokenEndpoint:
    """Only the registered client, proving itself with an assertion signed by its own key, gets tokens."""

    def code(self):
        session = {}
        url = start_identification(session, redirect_uri=REDIRECT_URI, language="fi")
        return choose(url, person=AINO, level="substantial", action="identify")["code"]

    def assertion(self, stand_in, key):
        now = int(time.time())
        claims = {
            "iss": CLIENT_ID,
            "sub": CLIENT_ID,
            "aud": f"{stand_in.issuer}/oidc/token",
            "iat": now,
            "exp": now + 60,
            "jti": f"test-{now}-{id(key)}",
        }
        return serialize_compact({"alg": "RS256", "kid": key.kid}, json.dumps(claims), key)

    def token_request(self, stand_in, **extra):
        data = {
            "grant_type": "authorization_code",
            "code": self.code(),
            "redirect_uri": REDIRECT_URI,
            **extra,
        }
        return requests.post(f"{stand_in.issuer}/oidc/token", data=data, timeout=10)

    def test_without_a_client_assertion_is_refused(self, suomifi_stand_in_settings):
        answer = self.token_request(suomifi_stand_in_settings, client_id=CLIENT_ID)
        assert answer.status_code in (400, 401)
        assert answer.json()["error"] == "invalid_client"
        assert "id_token" not in answer.json()

    def test_with_an_assertion_signed_by_another_key_is_refused(self, suomifi_stand_in_settings):
        stranger = jwk.generate_key("RSA", 2048, parameters={"use": "sig"})
        stranger_with_clients_kid = jwk.RSAKey.import_key(
            {**stranger.as_dict(private=True), "kid": suomifi_stand_in_settings.signing_key.kid}
        )
        answer = self.token_request(
            suomifi_stand_in_settings,
            client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            client_assertion=self.assertion(suomifi_stand_in_settings, stranger_with_clients_kid),
        )
        assert answer.status_code in (400, 401)
        assert answer.json()["error"] == "invalid_client"
        assert "id_token" not in answer.json()
