"""The Suomi.fi OpenID Connect client's protocol edges, against a provider faked at the HTTP transport: every
token here is made with joserfc as a provider would make it, and each test spoils one thing."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.core.cache import cache
from django.core.management import call_command
from django.test import RequestFactory
from joserfc import jwe, jwk, jwt

from avustamo.accounts import suomifi
from avustamo.accounts.suomifi import IdentificationFailed, complete_identification, start_identification
from avustamo.accounts.suomifi_views import jwks

ISSUER = "https://tunnistus.test"
CLIENT_ID = "avustamo-test"
REDIRECT_URI = "https://avustamo.test/auth/suomifi/callback"
IDENTITY_CODE = "150385-9068"
OUR_SIGNING_KEY = jwk.generate_key("RSA", 2048, parameters={"use": "sig"}, auto_kid=True)
OUR_ENCRYPTION_KEY = jwk.generate_key("RSA", 2048, parameters={"use": "enc"}, auto_kid=True)


def new_provider_key():
    return jwk.generate_key("RSA", 2048, parameters={"use": "sig"}, auto_kid=True)


PROVIDER_KEY = new_provider_key()


def response(status=200, body=b"", content_type="application/json"):
    answer = requests.Response()
    answer.status_code = status
    answer._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer.headers["Content-Type"] = content_type
    return answer


class FakeProvider:
    """Discovery, keys, token and userinfo of a provider following the strict profile. Tests change what it
    answers: the ID token's claims, the key it signs with, where it encrypts to, or that it is down or slow."""

    def __init__(self):
        self.signing_key = PROVIDER_KEY
        self.published_keys = [PROVIDER_KEY]
        self.encrypt_to = OUR_ENCRYPTION_KEY
        self.id_token_changes = {}
        self.userinfo_changes = {}
        self.metadata_changes = {}
        self.encrypt_id_token = True
        self.failure = None
        self.failing_path = None
        self.nonce = None
        self.token_requests = []

    def metadata(self):
        return {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/oidc/authorize",
            "token_endpoint": f"{ISSUER}/oidc/token",
            "userinfo_endpoint": f"{ISSUER}/oidc/userinfo",
            "jwks_uri": f"{ISSUER}/oidc/jwks",
            "acr_values_supported": ["http://ftn.ficora.fi/2017/loa2", "http://ftn.ficora.fi/2017/loa3"],
            "require_signed_request_object": True,
            "request_object_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "id_token_encryption_alg_values_supported": ["RSA-OAEP-256"],
            "id_token_encryption_enc_values_supported": ["A256GCM"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "userinfo_encryption_alg_values_supported": ["RSA-OAEP-256"],
            "userinfo_encryption_enc_values_supported": ["A256GCM"],
            **self.metadata_changes,
        }

    def nested(self, claims, encrypt=True):
        signed = jwt.encode(
            {"alg": "RS256", "kid": self.signing_key.kid}, claims, self.signing_key, ["RS256"]
        )
        if not encrypt:
            return signed
        header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT", "kid": self.encrypt_to.kid}
        return jwe.encrypt_compact(header, signed, self.encrypt_to, algorithms=["RSA-OAEP-256", "A256GCM"])

    def id_token(self):
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": [CLIENT_ID],
            "sub": "opaque-subject",
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": self.nonce,
            "acr": "http://ftn.ficora.fi/2017/loa2",
        }
        return self.nested({**claims, **self.id_token_changes}, encrypt=self.encrypt_id_token)

    def userinfo(self):
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "opaque-subject",
            "urn:oid:1.2.246.21": IDENTITY_CODE,
            "urn:oid:1.3.6.1.5.5.7.9.1": "1985-03-15",
            "urn:oid:2.5.4.4": "Rahastonhoitaja",
            "urn:oid:1.2.246.575.1.14": "Aino",
        }
        return self.nested({**claims, **self.userinfo_changes})

    def send(self, adapter, request, **kwargs):
        path = urlsplit(request.url).path
        if self.failure and (self.failing_path is None or self.failing_path == path):
            raise self.failure
        if path == "/.well-known/openid-configuration":
            return response(body=self.metadata())
        if path == "/oidc/jwks":
            return response(body={"keys": [key.as_dict(private=False) for key in self.published_keys]})
        if path == "/oidc/token":
            self.token_requests.append(parse_qs(request.body))
            return response(
                body={"access_token": "access", "token_type": "Bearer", "id_token": self.id_token()}
            )
        if path == "/oidc/userinfo":
            return response(body=self.userinfo().encode(), content_type="application/jwt")
        return response(status=404)


@pytest.fixture
def provider(settings, monkeypatch):
    settings.SUOMIFI_OIDC_ISSUER = ISSUER
    settings.SUOMIFI_OIDC_CLIENT_ID = CLIENT_ID
    settings.SUOMIFI_OIDC_SIGNING_KEY = json.dumps(OUR_SIGNING_KEY.as_dict(private=True))
    settings.SUOMIFI_OIDC_ENCRYPTION_KEY = json.dumps(OUR_ENCRYPTION_KEY.as_dict(private=True))
    settings.SUOMIFI_OIDC_ACR = "substantial"
    cache.clear()
    fake = FakeProvider()
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter,
        "send",
        lambda adapter, request, **kwargs: fake.send(adapter, request, **kwargs),
    )
    yield fake
    cache.clear()


def started(provider, session=None):
    """Start an identification; the fake provider reads the nonce from the signed request object."""
    session = {} if session is None else session
    url = start_identification(session, redirect_uri=REDIRECT_URI, language="sv")
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    request_object = jwt.decode(query["request"], OUR_SIGNING_KEY, algorithms=["RS256"]).claims
    provider.nonce = request_object["nonce"]
    return session, query, request_object


def callback(request_object, **changes):
    return {"code": "the-code", "state": request_object["state"], **changes}


def refusal(provider, session, params) -> IdentificationFailed:
    with pytest.raises(IdentificationFailed) as failure:
        complete_identification(session, params=params, redirect_uri=REDIRECT_URI)
    return failure.value


class TestStart:
    def test_sends_a_signed_request_object_with_pkce_the_level_and_the_language(self, provider):
        session, query, request_object = started(provider)

        assert set(query) == {"response_type", "client_id", "scope", "request"}
        assert request_object["aud"] == ISSUER
        assert request_object["iss"] == request_object["client_id"] == CLIENT_ID
        assert request_object["redirect_uri"] == REDIRECT_URI
        assert request_object["acr_values"] == "http://ftn.ficora.fi/2017/loa2"
        assert request_object["ui_locales"] == "sv"
        assert request_object["code_challenge_method"] == "S256"
        pending = session[suomifi.SESSION_KEY]["pending"][request_object["state"]]
        assert request_object["code_challenge"] == create_s256_code_challenge(pending["code_verifier"])
        assert pending["nonce"] == request_object["nonce"]

    def test_asks_for_high_when_high_is_required(self, provider, settings):
        settings.SUOMIFI_OIDC_ACR = "high"
        _session, _query, request_object = started(provider)
        assert request_object["acr_values"] == "http://ftn.ficora.fi/2017/loa3"

    def test_is_off_without_keys(self, provider, settings):
        settings.SUOMIFI_OIDC_SIGNING_KEY = ""
        assert not suomifi.identification_configured()
        with pytest.raises(IdentificationFailed) as failure:
            start_identification({}, redirect_uri=REDIRECT_URI, language="fi")
        assert failure.value.code == "not_configured"
        assert failure.value.message == "Vahva tunnistautuminen ei ole käytössä tässä palvelussa."


class TestComplete:
    def test_returns_the_identified_person(self, provider):
        session, _query, request_object = started(provider)

        person = complete_identification(session, params=callback(request_object), redirect_uri=REDIRECT_URI)

        assert person.national_identification_number == IDENTITY_CODE
        assert (person.given_name, person.family_name) == ("Aino", "Rahastonhoitaja")
        assert person.birth_date.isoformat() == "1985-03-15"
        assert (person.acr, person.subject, person.issuer) == (
            "http://ftn.ficora.fi/2017/loa2",
            "opaque-subject",
            ISSUER,
        )
        assert IDENTITY_CODE not in repr(person)
        token_request = provider.token_requests[0]
        assert token_request["client_assertion_type"] == [
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ]
        assertion = jwt.decode(token_request["client_assertion"][0], OUR_SIGNING_KEY, algorithms=["RS256"])
        assert assertion.claims["aud"] == f"{ISSUER}/oidc/token"
        assert assertion.claims["iss"] == assertion.claims["sub"] == CLIENT_ID
        assert assertion.claims["jti"]
        assert token_request["code_verifier"]

    def test_cancel_at_the_provider(self, provider):
        session, _query, request_object = started(provider)
        failure = refusal(provider, session, {"error": "access_denied", "state": request_object["state"]})
        assert failure.code == "cancelled"
        assert provider.token_requests == []

    def test_an_error_of_the_provider(self, provider):
        session, _query, request_object = started(provider)
        failure = refusal(provider, session, {"error": "server_error", "state": request_object["state"]})
        assert failure.code == "provider_error"
        assert failure.message == "Tunnistuspalvelu ei voinut tunnistaa sinua. Yritä uudelleen."

    @pytest.mark.parametrize("state", ["somebody-elses-state", None])
    def test_a_wrong_or_missing_state(self, provider, state):
        session, _query, request_object = started(provider)
        failure = refusal(provider, session, callback(request_object, state=state))
        assert failure.code == "state_mismatch"
        assert provider.token_requests == []
        assert request_object["state"] in session[suomifi.SESSION_KEY]["pending"]

    def test_the_same_callback_twice(self, provider):
        session, _query, request_object = started(provider)
        complete_identification(session, params=callback(request_object), redirect_uri=REDIRECT_URI)

        failure = refusal(provider, session, callback(request_object))

        assert failure.code == "replayed"
        assert failure.message == "Tämä tunnistautuminen on jo käytetty. Aloita tunnistautuminen uudelleen."
        assert len(provider.token_requests) == 1

    def test_an_id_token_replayed_from_an_earlier_identification(self, provider):
        session, _query, earlier = started(provider)
        earlier_nonce = earlier["nonce"]
        session, _query, request_object = started(provider, session)
        provider.nonce = earlier_nonce

        assert refusal(provider, session, callback(request_object)).code == "replayed"

    def test_an_expired_id_token(self, provider):
        session, _query, request_object = started(provider)
        provider.id_token_changes = {"iat": int(time.time()) - 900, "exp": int(time.time()) - 600}

        failure = refusal(provider, session, callback(request_object))

        assert failure.code == "token_expired"
        assert failure.message == "Tunnistuspalvelun vastaus on vanhentunut. Tunnistaudu uudelleen."

    def test_an_id_token_not_yet_valid(self, provider):
        session, _query, request_object = started(provider)
        provider.id_token_changes = {"iat": int(time.time()) + 600, "nbf": int(time.time()) + 600}
        assert refusal(provider, session, callback(request_object)).code == "token_expired"

    def test_a_wrong_issuer(self, provider):
        session, _query, request_object = started(provider)
        provider.id_token_changes = {"iss": "https://somebody-else.test"}

        failure = refusal(provider, session, callback(request_object))

        assert failure.code == "wrong_issuer"
        assert failure.message.startswith("Tunnistuspalvelun vastausta ei voitu varmentaa")

    @pytest.mark.parametrize("audience", [["another-service"], [CLIENT_ID, "another-service"]])
    def test_a_wrong_audience(self, provider, audience):
        session, _query, request_object = started(provider)
        provider.id_token_changes = {"aud": audience}
        assert refusal(provider, session, callback(request_object)).code == "wrong_audience"

    def test_a_level_below_the_required_one(self, provider, settings):
        settings.SUOMIFI_OIDC_ACR = "high"
        session, _query, request_object = started(provider)

        failure = refusal(provider, session, callback(request_object))

        assert failure.code == "insufficient_level"
        assert "pankkitunnuksilla" in failure.message

    @pytest.mark.parametrize("acr", ["http://ftn.ficora.fi/2017/loa3", "http://eidas.europa.eu/LoA/high"])
    def test_a_level_above_the_required_one_is_accepted(self, provider, acr):
        session, _query, request_object = started(provider)
        provider.id_token_changes = {"acr": acr}
        person = complete_identification(session, params=callback(request_object), redirect_uri=REDIRECT_URI)
        assert person.acr == acr

    def test_an_unknown_level(self, provider):
        session, _query, request_object = started(provider)
        provider.id_token_changes = {"acr": "http://ftn.ficora.fi/2017/loatest2"}
        assert refusal(provider, session, callback(request_object)).code == "insufficient_level"

    def test_a_bad_signature(self, provider):
        session, _query, request_object = started(provider)
        impostor = new_provider_key()
        provider.signing_key = jwk.RSAKey.import_key(
            {**impostor.as_dict(private=True), "kid": PROVIDER_KEY.kid}
        )
        assert refusal(provider, session, callback(request_object)).code == "bad_signature"

    def test_an_id_token_encrypted_to_another_key(self, provider):
        session, _query, request_object = started(provider)
        provider.encrypt_to = jwk.generate_key("RSA", 2048, parameters={"use": "enc"}, auto_kid=True)
        assert refusal(provider, session, callback(request_object)).code == "undecryptable"

    def test_an_id_token_left_unencrypted(self, provider):
        session, _query, request_object = started(provider)
        provider.encrypt_id_token = False
        assert refusal(provider, session, callback(request_object)).code == "undecryptable"

    def test_userinfo_about_another_person(self, provider):
        session, _query, request_object = started(provider)
        provider.userinfo_changes = {"sub": "somebody-else"}
        assert refusal(provider, session, callback(request_object)).code == "invalid_response"

    def test_a_new_provider_key_is_fetched_when_its_kid_is_unknown(self, provider):
        session, _query, request_object = started(provider)
        suomifi.provider_metadata()
        suomifi._provider_keys(provider.metadata())  # cached before the rotation
        rotated = new_provider_key()
        provider.signing_key = rotated
        provider.published_keys = [PROVIDER_KEY, rotated]

        person = complete_identification(session, params=callback(request_object), redirect_uri=REDIRECT_URI)

        assert person.subject == "opaque-subject"

    def test_the_provider_down(self, provider):
        session, _query, request_object = started(provider)
        provider.failure = requests.ConnectionError("connection refused")
        provider.failing_path = "/oidc/token"

        failure = refusal(provider, session, callback(request_object))

        assert failure.code == "provider_unreachable"
        assert (
            failure.message
            == "Tunnistuspalveluun ei juuri nyt saada yhteyttä. Yritä hetken kuluttua uudelleen."
        )

    def test_the_provider_down_before_the_identification_starts(self, provider):
        provider.failure = requests.ConnectionError("connection refused")
        with pytest.raises(IdentificationFailed) as failure:
            start_identification({}, redirect_uri=REDIRECT_URI, language="fi")
        assert failure.value.code == "provider_unreachable"

    @pytest.mark.parametrize("path", ["/oidc/token", "/oidc/userinfo"])
    def test_the_provider_slower_than_the_timeout(self, provider, path):
        session, _query, request_object = started(provider)
        provider.failure = requests.ReadTimeout("read timed out")
        provider.failing_path = path

        failure = refusal(provider, session, callback(request_object))

        assert failure.code == "provider_timeout"
        assert failure.message == "Tunnistuspalvelu ei vastannut ajoissa. Yritä hetken kuluttua uudelleen."

    def test_the_identity_code_is_never_logged_nor_in_a_refusal(self, provider, caplog):
        session, _query, request_object = started(provider)
        provider.userinfo_changes = {"sub": "somebody-else"}
        with caplog.at_level("DEBUG"):
            failure = refusal(provider, session, callback(request_object))
        assert IDENTITY_CODE not in caplog.text
        assert IDENTITY_CODE not in str(failure)
        assert IDENTITY_CODE not in repr(failure.__cause__ or failure)


class TestOurKeys:
    def test_the_jwks_view_publishes_only_the_public_keys(self, provider):
        answer = jwks(RequestFactory().get("/auth/suomifi/jwks.json"))
        keys = json.loads(answer.content)["keys"]
        assert [key["use"] for key in keys] == ["sig", "enc"]
        assert [key["kid"] for key in keys] == [OUR_SIGNING_KEY.kid, OUR_ENCRYPTION_KEY.kid]
        assert all("d" not in key and "p" not in key for key in keys)

    def test_generated_keys_configure_identification(self, provider, settings, capsys):
        call_command("generate_identification_keys", size=2048)
        printed = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
        settings.SUOMIFI_OIDC_SIGNING_KEY = printed["SUOMIFI_OIDC_SIGNING_KEY"].strip("'")
        settings.SUOMIFI_OIDC_ENCRYPTION_KEY = printed["SUOMIFI_OIDC_ENCRYPTION_KEY"].strip("'")

        _session, query, _request_object = started_with_the_configured_keys(provider)

        keys = jwk.KeySet.import_key_set(suomifi.public_jwks())
        assert jwt.decode(query["request"], keys, algorithms=["RS256"]).claims["client_id"] == CLIENT_ID
        assert all("d" not in key for key in suomifi.public_jwks()["keys"])


def started_with_the_configured_keys(provider):
    url = start_identification({}, redirect_uri=REDIRECT_URI, language="fi")
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    return {}, query, None


def test_a_discovery_document_naming_another_issuer_is_not_used(provider):
    provider.metadata_changes = {"issuer": "https://other.test"}
    with pytest.raises(IdentificationFailed) as failure:
        start_identification({}, redirect_uri=REDIRECT_URI, language="fi")
    assert failure.value.code == "wrong_issuer"
