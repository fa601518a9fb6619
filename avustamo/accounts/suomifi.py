"""Strong identification through Suomi.fi e-Identification's OpenID Connect interface: the protocol only.

The authorization code flow with PKCE (S256), a signed request object when the provider takes them, client
authentication with private_key_jwt, and an ID token and a userinfo response that are signed by the provider and
encrypted to us (nested JWTs). Authlib does the OAuth 2.0 requests; joserfc decrypts and verifies. The provider's
metadata decides the algorithms, within the asymmetric ones we accept. What becomes of the identified person is
not decided here: the caller gets an `IdentifiedPerson` or an `IdentificationFailed` with a stable `code`.

The personal identity code leaves this module only inside `IdentifiedPerson` (whose repr hides it): it is never
logged and never put in an exception.
"""

import datetime
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field

import requests
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from joserfc import jwe, jwk, jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    UnsupportedAlgorithmError,
)

logger = logging.getLogger(__name__)

SESSION_KEY = "suomifi_identification"
# Identifications started in one session and not yet finished (several tabs); the oldest is forgotten first.
PENDING_LIMIT = 5
# Hashes of states already used in this session, so that a callback opened twice is told apart from a stranger's.
USED_STATES_LIMIT = 20
# Seconds an identification may take, from leaving for the provider to coming back.
IDENTIFICATION_TIMEOUT_SECONDS = 15 * 60
# Clock difference tolerated between the provider and us, in seconds.
LEEWAY_SECONDS = 60
METADATA_CACHE_SECONDS = 60 * 60
# Long enough for a person to choose how to identify at the provider, which may check it again then.
REQUEST_OBJECT_LIFETIME_SECONDS = 10 * 60

# The levels of assurance: the Finnish Trust Network URIs Suomi.fi e-Identification has used, and the eIDAS URIs
# of the same levels. Both are understood in a response; the request uses the kind the provider lists.
FTN_LEVELS = {"substantial": "http://ftn.ficora.fi/2017/loa2", "high": "http://ftn.ficora.fi/2017/loa3"}
EIDAS_LEVELS = {
    "substantial": "http://eidas.europa.eu/LoA/substantial",
    "high": "http://eidas.europa.eu/LoA/high",
}
LEVEL_RANK = {"substantial": 2, "high": 3}
RANK_OF_ACR = {
    **{uri: LEVEL_RANK[level] for level, uri in FTN_LEVELS.items()},
    **{uri: LEVEL_RANK[level] for level, uri in EIDAS_LEVELS.items()},
}

# Claim names: the SAML attribute OIDs that Suomi.fi e-Identification has used, which the Finnish Trust Network
# brokers' OpenID Connect interfaces carry over; the standard OpenID Connect names as a fallback.
PERSONAL_IDENTITY_CODE = "urn:oid:1.2.246.21"
DATE_OF_BIRTH = "urn:oid:1.3.6.1.5.5.7.9.1"
SURNAME = "urn:oid:2.5.4.4"
FIRST_NAMES = "urn:oid:1.2.246.575.1.14"

# What we accept of the algorithms a provider lists: asymmetric signatures and RSA-OAEP key encryption only.
SIGNING_ALGORITHMS = ["RS256", "PS256", "RS384", "PS384", "RS512", "PS512", "ES256", "ES384", "ES512"]
KEY_ENCRYPTION_ALGORITHMS = ["RSA-OAEP-256", "RSA-OAEP"]
CONTENT_ENCRYPTIONS = ["A256GCM", "A192GCM", "A128GCM", "A256CBC-HS512", "A192CBC-HS384", "A128CBC-HS256"]
# Our own signatures (request objects and client assertions), in order of preference, for our RSA key.
OUR_SIGNING_PREFERENCE = ["RS256", "PS256"]

MESSAGES = {
    "not_configured": _("Strong identification is not in use in this service."),
    "cancelled": _("You cancelled the identification. You can start it again whenever you like."),
    "provider_error": _("The identification service could not identify you. Please try again."),
    "state_mismatch": _(
        "This identification was not started in this browser, or it took too long. Please start the identification again."
    ),
    "replayed": _("This identification has already been used. Please start the identification again."),
    "token_expired": _(
        "The answer of the identification service has expired. Please identify yourself again."
    ),
    "insufficient_level": _(
        "The identification method you used is not strong enough for this service. Please identify yourself with online banking codes, a mobile certificate or an identity card."
    ),
    "untrusted_response": _(
        "The answer of the identification service could not be verified, so it was not used. Please try again; if this happens again, contact the support of this service."
    ),
    "provider_unreachable": _(
        "The identification service cannot be reached right now. Please try again in a moment."
    ),
    "provider_timeout": _("The identification service did not answer in time. Please try again in a moment."),
}
# Codes that mean the answer could not be trusted; the person is told the same, the log tells them apart.
UNTRUSTED = {"wrong_issuer", "wrong_audience", "bad_signature", "undecryptable", "invalid_response"}


class IdentificationFailed(Exception):
    """Identification did not succeed. `code` is stable (for tests, logs and the caller's decisions); `message`
    is what the person is told, in the active language. Neither carries personal data."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES["untrusted_response" if self.code in UNTRUSTED else self.code])


@dataclass(frozen=True)
class IdentifiedPerson:
    national_identification_number: str = field(repr=False)
    given_name: str
    family_name: str
    birth_date: datetime.date | None
    acr: str
    subject: str
    issuer: str
    identified_at: datetime.datetime


def identification_configured() -> bool:
    return all(
        (
            settings.SUOMIFI_OIDC_ISSUER,
            settings.SUOMIFI_OIDC_CLIENT_ID,
            settings.SUOMIFI_OIDC_SIGNING_KEY,
            settings.SUOMIFI_OIDC_ENCRYPTION_KEY,
        )
    )


def _import_private_key(value: str, use: str) -> jwk.RSAKey:
    """A private RSA key as JWK JSON or PEM; its kid is the key's thumbprint unless the JWK names one."""
    value = value.strip()
    data = json.loads(value) if value.startswith("{") else value
    key = jwk.import_key(data, "RSA", parameters={"use": use})
    if not key.is_private:
        raise ValueError(
            f"SUOMIFI_OIDC_{'SIGNING' if use == 'sig' else 'ENCRYPTION'}_KEY must be a private key."
        )
    key.ensure_kid()
    return key


def _signing_key() -> jwk.RSAKey:
    return _import_private_key(settings.SUOMIFI_OIDC_SIGNING_KEY, "sig")


def _encryption_key() -> jwk.RSAKey:
    return _import_private_key(settings.SUOMIFI_OIDC_ENCRYPTION_KEY, "enc")


def public_jwks() -> dict:
    """The public halves of our keys, published at the address registered with the provider (jwks_uri)."""
    if not identification_configured():
        return {"keys": []}
    return {
        "keys": [_signing_key().as_dict(private=False), _encryption_key().as_dict(private=False)],
    }


def _timeout() -> float:
    return settings.SUOMIFI_OIDC_TIMEOUT_SECONDS


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=_timeout())
        response.raise_for_status()
        return response.json()
    except requests.Timeout as error:
        raise IdentificationFailed("provider_timeout") from error
    except (requests.ConnectionError, requests.HTTPError) as error:
        raise IdentificationFailed("provider_unreachable") from error
    except ValueError as error:
        raise IdentificationFailed("invalid_response") from error


DISCOVERY_PATH = "/.well-known/openid-configuration"


def _discovery_url() -> str:
    configured = settings.SUOMIFI_OIDC_ISSUER.rstrip("/")
    return configured if configured.endswith(DISCOVERY_PATH) else f"{configured}{DISCOVERY_PATH}"


def _cache_key(kind: str, url: str) -> str:
    return f"suomifi:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def provider_metadata() -> dict:
    """The provider's discovery document, kept an hour in the cache."""
    url = _discovery_url()
    key = _cache_key("metadata", url)
    metadata = cache.get(key)
    if metadata is None:
        metadata = _get_json(url)
        if not all(
            metadata.get(name) for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        ):
            raise IdentificationFailed("invalid_response")
        # The document must name the issuer it was fetched from (OpenID Connect Discovery 4.3).
        if metadata["issuer"].rstrip("/") != url.removesuffix(DISCOVERY_PATH):
            raise IdentificationFailed("wrong_issuer")
        cache.set(key, metadata, METADATA_CACHE_SECONDS)
    return metadata


def _provider_keys(metadata: dict, *, refresh: bool = False) -> jwk.KeySet:
    url = metadata["jwks_uri"]
    key = _cache_key("jwks", url)
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = _get_json(url)
        cache.set(key, keys, METADATA_CACHE_SECONDS)
    try:
        return jwk.KeySet.import_key_set(keys)
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise IdentificationFailed("invalid_response") from error


def _accepted(metadata: dict, name: str, ours: list[str]) -> list[str]:
    """The algorithms both the provider lists under `name` and we accept; ours when it lists none."""
    listed = metadata.get(name)
    return [alg for alg in ours if alg in listed] if listed else list(ours)


def _our_signing_algorithm(metadata: dict, name: str) -> str:
    accepted = _accepted(metadata, name, OUR_SIGNING_PREFERENCE)
    if not accepted:
        raise IdentificationFailed("invalid_response")
    return accepted[0]


def _required_level() -> str:
    configured = settings.SUOMIFI_OIDC_ACR
    for level in LEVEL_RANK:
        if configured in (level, FTN_LEVELS[level], EIDAS_LEVELS[level]):
            return level
    raise ValueError(f"SUOMIFI_OIDC_ACR must be substantial or high, not {configured!r}.")


def _acr_values(metadata: dict) -> str:
    level = _required_level()
    supported = metadata.get("acr_values_supported") or []
    if EIDAS_LEVELS[level] in supported and FTN_LEVELS[level] not in supported:
        return EIDAS_LEVELS[level]
    return FTN_LEVELS[level]


def _state_digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def start_identification(session, *, redirect_uri: str, language: str) -> str:
    """Remember a new identification in the session (state, nonce, PKCE verifier, start time) and return the
    address of the provider's authorization endpoint to send the person to."""
    if not identification_configured():
        raise IdentificationFailed("not_configured")
    metadata = provider_metadata()
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)
    now = int(time.time())
    parameters = {
        "response_type": "code",
        "client_id": settings.SUOMIFI_OIDC_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": settings.SUOMIFI_OIDC_SCOPE,
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(code_verifier),
        "code_challenge_method": "S256",
        "acr_values": _acr_values(metadata),
        "ui_locales": language,
    }
    if metadata.get("request_parameter_supported") or metadata.get("require_signed_request_object"):
        algorithm = _our_signing_algorithm(metadata, "request_object_signing_alg_values_supported")
        request_object = {
            **parameters,
            "iss": settings.SUOMIFI_OIDC_CLIENT_ID,
            "aud": metadata["issuer"],
            "iat": now,
            "nbf": now,
            "exp": now + REQUEST_OBJECT_LIFETIME_SECONDS,
            "jti": secrets.token_urlsafe(16),
        }
        key = _signing_key()
        signed = jwt.encode(
            {"alg": algorithm, "kid": key.kid, "typ": "oauth-authz-req+jwt"}, request_object, key, [algorithm]
        )
        # OpenID Connect wants these three outside the request object too; the rest travels only inside it.
        query = {name: parameters[name] for name in ("response_type", "client_id", "scope")} | {
            "request": signed
        }
    else:
        query = parameters

    identification = session.get(SESSION_KEY) or {"pending": {}, "used": []}
    pending = identification["pending"]
    pending[state] = {
        "nonce": nonce,
        "code_verifier": code_verifier,
        "redirect_uri": redirect_uri,
        "started_at": now,
    }
    while len(pending) > PENDING_LIMIT:
        oldest = min(pending, key=lambda name: pending[name]["started_at"])
        del pending[oldest]
    session[SESSION_KEY] = identification
    return add_params_to_uri(metadata["authorization_endpoint"], list(query.items()))


def _consume(session, state: str | None) -> dict:
    """Take the identification that `state` names out of the session: it can be completed once only."""
    identification = session.get(SESSION_KEY) or {"pending": {}, "used": []}
    pending = identification["pending"].pop(state, None) if state else None
    if pending is None:
        used = bool(state) and _state_digest(state) in identification["used"]
        raise IdentificationFailed("replayed" if used else "state_mismatch")
    identification["used"] = [*identification["used"], _state_digest(state)][-USED_STATES_LIMIT:]
    session[SESSION_KEY] = identification
    if pending["started_at"] + IDENTIFICATION_TIMEOUT_SECONDS < time.time():
        raise IdentificationFailed("state_mismatch")
    return pending


def complete_identification(session, *, params, redirect_uri: str) -> IdentifiedPerson:
    """Finish the identification the provider sent the person back from (`params` are the callback's query
    parameters): exchange the code, decrypt and verify the ID token and the userinfo, and check the level."""
    if not identification_configured():
        raise IdentificationFailed("not_configured")
    pending = _consume(session, params.get("state"))
    if params.get("error"):
        # The provider's own words stay out of the log: they are free text from outside.
        raise IdentificationFailed("cancelled" if params["error"] == "access_denied" else "provider_error")
    if not params.get("code") or pending["redirect_uri"] != redirect_uri:
        raise IdentificationFailed("provider_error")

    metadata = provider_metadata()
    token = _exchange_code(metadata, params["code"], pending, redirect_uri)
    id_token = _verified_claims(
        metadata,
        token.get("id_token"),
        encryption="id_token_encryption",
        signing="id_token_signing_alg_values_supported",
    )
    _check_id_token(metadata, id_token, pending)
    userinfo = _userinfo(metadata, token)
    if userinfo and userinfo.get("sub") != id_token["sub"]:
        # The userinfo must be about the person the ID token names (OpenID Connect Core 5.3.2).
        raise IdentificationFailed("invalid_response")
    return _person({**userinfo, **id_token})


def _exchange_code(metadata: dict, code: str, pending: dict, redirect_uri: str) -> dict:
    algorithm = _our_signing_algorithm(metadata, "token_endpoint_auth_signing_alg_values_supported")
    key = _signing_key()
    client = OAuth2Session(
        client_id=settings.SUOMIFI_OIDC_CLIENT_ID,
        client_secret=key,
        token_endpoint_auth_method=PrivateKeyJWT(
            metadata["token_endpoint"], headers={"kid": key.kid}, alg=algorithm
        ),
        default_timeout=_timeout(),
    )
    try:
        with client:
            return client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                redirect_uri=redirect_uri,
                code_verifier=pending["code_verifier"],
            )
    except requests.Timeout as error:
        raise IdentificationFailed("provider_timeout") from error
    except requests.ConnectionError as error:
        raise IdentificationFailed("provider_unreachable") from error
    except OAuthError as error:
        logger.warning("Suomi.fi identification: the token endpoint refused the code (%s).", error.error)
        raise IdentificationFailed("provider_error") from error
    except ValueError as error:
        raise IdentificationFailed("invalid_response") from error


def _decrypted(metadata: dict, value: str, encryption: str) -> str:
    """The signed JWT inside a JWE addressed to our encryption key. A provider that lists encryption algorithms
    for this response must encrypt it; one that lists none may send it signed only."""
    encrypted = value.count(".") == 4
    listed = metadata.get(f"{encryption}_alg_values_supported")
    if not encrypted:
        if listed:
            raise IdentificationFailed("undecryptable")
        return value
    algorithms = _accepted(
        metadata, f"{encryption}_alg_values_supported", KEY_ENCRYPTION_ALGORITHMS
    ) + _accepted(metadata, f"{encryption}_enc_values_supported", CONTENT_ENCRYPTIONS)
    try:
        return jwe.decrypt_compact(value, _encryption_key(), algorithms=algorithms).plaintext.decode()
    except (JoseError, ValueError) as error:
        raise IdentificationFailed("undecryptable") from error


def _verified_claims(metadata: dict, value, *, encryption: str, signing: str) -> dict:
    if not isinstance(value, str) or not value:
        raise IdentificationFailed("invalid_response")
    signed = _decrypted(metadata, value, encryption)
    algorithms = _accepted(metadata, signing, SIGNING_ALGORITHMS)
    try:
        kid = jws.extract_compact(signed.encode()).headers().get("kid")
    except (JoseError, ValueError) as error:
        raise IdentificationFailed("invalid_response") from error
    keys = _provider_keys(metadata)
    if kid and not any(key.kid == kid for key in keys.keys):
        # A kid we have not seen: the provider has rotated its keys since we last read them.
        keys = _provider_keys(metadata, refresh=True)
    try:
        return jwt.decode(signed, keys, algorithms=algorithms).claims
    except (BadSignatureError, InvalidKeyIdError, UnsupportedAlgorithmError) as error:
        raise IdentificationFailed("bad_signature") from error
    except (JoseError, ValueError) as error:
        raise IdentificationFailed("invalid_response") from error


def _addressed_to_us(audience) -> bool:
    return settings.SUOMIFI_OIDC_CLIENT_ID in (audience if isinstance(audience, list) else [audience])


def _check_id_token(metadata: dict, claims: dict, pending: dict):
    if claims.get("iss") != metadata["issuer"]:
        raise IdentificationFailed("wrong_issuer")
    audience = claims.get("aud")
    several = isinstance(audience, list) and len(audience) > 1
    if not _addressed_to_us(audience) or (several and claims.get("azp") != settings.SUOMIFI_OIDC_CLIENT_ID):
        raise IdentificationFailed("wrong_audience")
    try:
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS, exp={"essential": True}, iat={"essential": True}, sub={"essential": True}
        ).validate(claims)
    except ExpiredTokenError as error:
        raise IdentificationFailed("token_expired") from error
    except InvalidClaimError as error:
        # iat or nbf in the future: a token not yet valid is as unusable as an expired one.
        raise IdentificationFailed("token_expired") from error
    except JoseError as error:
        raise IdentificationFailed("invalid_response") from error
    if not secrets.compare_digest(str(claims.get("nonce", "")), pending["nonce"]):
        raise IdentificationFailed("replayed")
    if not cache.add(_cache_key("nonce", pending["nonce"]), True, IDENTIFICATION_TIMEOUT_SECONDS):
        raise IdentificationFailed("replayed")
    if RANK_OF_ACR.get(claims.get("acr"), 0) < LEVEL_RANK[_required_level()]:
        raise IdentificationFailed("insufficient_level")


def _userinfo(metadata: dict, token: dict) -> dict:
    """The person's data from the userinfo endpoint (a back-channel call), when the provider has one."""
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    try:
        response = requests.get(
            endpoint,
            headers={"Authorization": f"Bearer {token['access_token']}", "Accept": "application/jwt"},
            timeout=_timeout(),
        )
        response.raise_for_status()
    except requests.Timeout as error:
        raise IdentificationFailed("provider_timeout") from error
    except requests.ConnectionError as error:
        raise IdentificationFailed("provider_unreachable") from error
    except (requests.HTTPError, KeyError) as error:
        raise IdentificationFailed("provider_error") from error
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        claims = _verified_claims(
            metadata,
            response.text,
            encryption="userinfo_encryption",
            signing="userinfo_signing_alg_values_supported",
        )
        if claims.get("iss") not in (None, metadata["issuer"]):
            raise IdentificationFailed("wrong_issuer")
        if "aud" in claims and not _addressed_to_us(claims["aud"]):
            raise IdentificationFailed("wrong_audience")
        return claims
    if metadata.get("userinfo_encryption_alg_values_supported"):
        raise IdentificationFailed("undecryptable")
    try:
        return response.json()
    except ValueError as error:
        raise IdentificationFailed("invalid_response") from error


def _person(claims: dict) -> IdentifiedPerson:
    identity_code = claims.get(PERSONAL_IDENTITY_CODE)
    if not identity_code:
        raise IdentificationFailed("invalid_response")
    birth_date = claims.get(DATE_OF_BIRTH) or claims.get("birthdate")
    try:
        birth_date = datetime.date.fromisoformat(birth_date) if birth_date else None
    except ValueError:
        birth_date = None
    auth_time = claims.get("auth_time") or claims["iat"]
    return IdentifiedPerson(
        national_identification_number=identity_code,
        given_name=claims.get(FIRST_NAMES) or claims.get("given_name", ""),
        family_name=claims.get(SURNAME) or claims.get("family_name", ""),
        birth_date=birth_date,
        acr=claims["acr"],
        subject=claims["sub"],
        issuer=claims["iss"],
        identified_at=datetime.datetime.fromtimestamp(auth_time, tz=datetime.UTC),
    )
