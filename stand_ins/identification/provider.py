"""The OpenID provider: Authlib's authorization server with the stand-in's clients, test persons and memory.

Authlib runs the protocol (authorization code grant, PKCE, request objects, client assertions); joserfc signs,
verifies and encrypts. What is ours is only where things are kept and which claims a test person has.
"""

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import requests
from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode, OpenIDJWTAuthenticationRequest
from django.conf import settings
from joserfc import jwe, jwk, jwt

TEST_PERSONS_FILE = Path(__file__).resolve().parent.parent / "test_persons.json"

# The levels of assurance of the Finnish Trust Network, as Suomi.fi e-Identification has used them; the eIDAS
# URIs of the same levels are accepted in acr_values.
LEVELS = {
    "substantial": "http://ftn.ficora.fi/2017/loa2",
    "high": "http://ftn.ficora.fi/2017/loa3",
}
EIDAS_LEVELS = {
    "http://eidas.europa.eu/LoA/substantial": "substantial",
    "http://eidas.europa.eu/LoA/high": "high",
}

# Claim names of the Finnish Trust Network brokers' OpenID Connect interfaces, which carry over the SAML attribute
# OIDs that Suomi.fi e-Identification has used.
PERSONAL_IDENTITY_CODE = "urn:oid:1.2.246.21"
DATE_OF_BIRTH = "urn:oid:1.3.6.1.5.5.7.9.1"
SURNAME = "urn:oid:2.5.4.4"
FIRST_NAMES = "urn:oid:1.2.246.575.1.14"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"

SIGNING_ALGORITHM = "RS256"
ENCRYPTION_ALGORITHM = "RSA-OAEP-256"
CONTENT_ENCRYPTION = "A256GCM"
ENCRYPTION_ALGORITHMS = ["RSA-OAEP-256", "RSA-OAEP"]
CONTENT_ENCRYPTIONS = ["A256GCM", "A128GCM", "A128CBC-HS256", "A256CBC-HS512"]
REQUEST_OBJECT_ALGORITHMS = ["RS256", "PS256"]

CODE_LIFETIME_SECONDS = 60
ID_TOKEN_LIFETIME_SECONDS = 300
ACCESS_TOKEN_LIFETIME_SECONDS = 300
CLIENT_JWKS_TIMEOUT_SECONDS = 5


@cache
def test_persons() -> dict[str, dict]:
    persons = json.loads(TEST_PERSONS_FILE.read_text(encoding="utf-8"))["persons"]
    return {person["national_identification_number"]: person for person in persons}


@cache
def signing_key() -> jwk.RSAKey:
    """A new key each time the process starts: clients read it from the JWKS, as they would after a rotation."""
    return jwk.generate_key("RSA", 2048, parameters={"use": "sig", "alg": SIGNING_ALGORITHM}, auto_kid=True)


def issuer() -> str:
    return settings.IDENTIFICATION_STAND_IN_ISSUER.rstrip("/")


def endpoint(path: str) -> str:
    return f"{issuer()}{path}"


def metadata() -> dict:
    return {
        "issuer": issuer(),
        "authorization_endpoint": endpoint("/oidc/authorize"),
        "token_endpoint": endpoint("/oidc/token"),
        "userinfo_endpoint": endpoint("/oidc/userinfo"),
        "jwks_uri": endpoint("/oidc/jwks"),
        "scopes_supported": ["openid", "profile", "personal_identity_code"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "acr_values_supported": [*LEVELS.values(), *EIDAS_LEVELS],
        "claims_supported": [
            "sub",
            "acr",
            "auth_time",
            PERSONAL_IDENTITY_CODE,
            DATE_OF_BIRTH,
            SURNAME,
            FIRST_NAMES,
            DISPLAY_NAME,
            "given_name",
            "family_name",
            "birthdate",
        ],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": REQUEST_OBJECT_ALGORITHMS,
        "request_parameter_supported": True,
        "request_uri_parameter_supported": False,
        "require_signed_request_object": True,
        "request_object_signing_alg_values_supported": REQUEST_OBJECT_ALGORITHMS,
        "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
        "id_token_encryption_alg_values_supported": ENCRYPTION_ALGORITHMS,
        "id_token_encryption_enc_values_supported": CONTENT_ENCRYPTIONS,
        "userinfo_signing_alg_values_supported": [SIGNING_ALGORITHM],
        "userinfo_encryption_alg_values_supported": ENCRYPTION_ALGORITHMS,
        "userinfo_encryption_enc_values_supported": CONTENT_ENCRYPTIONS,
        "ui_locales_supported": ["fi", "sv", "en"],
        "claims_parameter_supported": False,
    }


class Memory:
    """Codes, access tokens, used nonces and used assertion ids: one process, one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes: dict[str, IssuedCode] = {}
        self.access_tokens: dict[str, IssuedAccess] = {}
        self.used_nonces: set[tuple[str, str]] = set()
        self.used_assertion_ids: set[tuple[str, str]] = set()
        self.delay_seconds = settings.IDENTIFICATION_STAND_IN_DELAY_SECONDS

    def keep_code(self, issued: "IssuedCode"):
        with self.lock:
            self.codes[issued.code] = issued
            self.used_nonces.add((issued.client_id, issued.nonce))

    def take_code(self, code: str) -> "IssuedCode | None":
        """A code is gone as soon as it is presented, whether or not the rest of the request is right."""
        with self.lock:
            return self.codes.pop(code, None)

    def nonce_used(self, client_id: str, nonce: str) -> bool:
        with self.lock:
            return (client_id, nonce) in self.used_nonces

    def first_use_of_assertion(self, client_id: str, assertion_id: str) -> bool:
        with self.lock:
            if (client_id, assertion_id) in self.used_assertion_ids:
                return False
            self.used_assertion_ids.add((client_id, assertion_id))
            return True

    def keep_access(self, access_token: str, issued: "IssuedAccess"):
        with self.lock:
            self.access_tokens[access_token] = issued

    def access(self, access_token: str) -> "IssuedAccess | None":
        with self.lock:
            issued = self.access_tokens.get(access_token)
        if issued is None or issued.expires_at < time.time():
            return None
        return issued


@cache
def memory() -> Memory:
    return Memory()


@dataclass(frozen=True)
class Identified:
    """The test person chosen on the test page, the level chosen and for which client."""

    person: dict
    level: str
    client_id: str
    auth_time: int

    @property
    def subject(self) -> str:
        # Pairwise and opaque, as a provider that must not hand out the identity code as an identifier would do.
        seed = f"stand-in:{self.client_id}:{self.person['national_identification_number']}"
        return hashlib.sha256(seed.encode()).hexdigest()

    def claims(self) -> dict:
        person = self.person
        return {
            "sub": self.subject,
            PERSONAL_IDENTITY_CODE: person["national_identification_number"],
            DATE_OF_BIRTH: person["birth_date"],
            SURNAME: person["family_name"],
            FIRST_NAMES: person["given_name"],
            DISPLAY_NAME: f"{person['given_name']} {person['family_name']}",
        }


@dataclass(frozen=True)
class IssuedCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    identified: Identified
    expires_at: float

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.identified.auth_time

    def get_acr(self):
        return LEVELS[self.identified.level]


@dataclass(frozen=True)
class IssuedAccess:
    identified: Identified
    client_id: str
    expires_at: float


class RegisteredClient(ClientMixin):
    """A client from IDENTIFICATION_STAND_IN_CLIENTS: its redirect addresses and where its public keys are."""

    def __init__(self, client_id: str, registration: dict):
        self.client_id = client_id
        self.redirect_uris = list(registration["redirect_uris"])
        self.jwks_uri = registration.get("jwks_uri")
        self.inline_jwks = registration.get("jwks")
        self.id_token_encryption = (
            registration.get("id_token_encrypted_response_alg", ENCRYPTION_ALGORITHM),
            registration.get("id_token_encrypted_response_enc", CONTENT_ENCRYPTION),
        )
        self.userinfo_encryption = (
            registration.get("userinfo_encrypted_response_alg", ENCRYPTION_ALGORITHM),
            registration.get("userinfo_encrypted_response_enc", CONTENT_ENCRYPTION),
        )

    def public_keys(self) -> jwk.KeySet:
        """Read again each time, so that a client's new key works at once (the stand-in is not in a hurry)."""
        if self.jwks_uri:
            response = requests.get(self.jwks_uri, timeout=CLIENT_JWKS_TIMEOUT_SECONDS)
            response.raise_for_status()
            return jwk.KeySet.import_key_set(response.json())
        return jwk.KeySet.import_key_set(self.inline_jwks)

    def encryption_key(self) -> jwk.Key:
        keys = [key for key in self.public_keys().keys if key.get("use") == "enc"]
        if not keys:
            raise InvalidRequestError(f"Client {self.client_id} publishes no encryption key.")
        return keys[0]

    def encrypt(self, signed_jwt: str, algorithms: tuple[str, str]) -> str:
        key = self.encryption_key()
        alg, enc = algorithms
        header = {"alg": alg, "enc": enc, "cty": "JWT"}
        if key.kid:
            header["kid"] = key.kid
        return jwe.encrypt_compact(header, signed_jwt, key, algorithms=[alg, enc])

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        supported = metadata()["scopes_supported"]
        return " ".join(item for item in (scope or "").split() if item in supported)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return False

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "private_key_jwt"

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


def registered_client(client_id: str) -> RegisteredClient | None:
    registration = settings.IDENTIFICATION_STAND_IN_CLIENTS.get(client_id)
    return RegisteredClient(client_id, registration) if registration else None


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 on every authorization request, not only when the client chooses to send it."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE is required: code_challenge with code_challenge_method=S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code):
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code):
        return authorization_code.code_challenge_method


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt"]

    def save_authorization_code(self, code, request):
        payload = request.payload
        memory().keep_code(
            IssuedCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=payload.redirect_uri,
                scope=request.client.get_allowed_scope(payload.scope),
                nonce=payload.data.get("nonce", ""),
                code_challenge=payload.data["code_challenge"],
                code_challenge_method=payload.data["code_challenge_method"],
                identified=request.user,
                expires_at=time.time() + CODE_LIFETIME_SECONDS,
            )
        )

    def query_authorization_code(self, code, client):
        issued = memory().take_code(code)
        if issued is None or issued.client_id != client.get_client_id() or issued.expires_at < time.time():
            return None
        return issued

    def delete_authorization_code(self, authorization_code):
        """Already gone: taken from memory when it was presented."""

    def authenticate_user(self, authorization_code):
        return authorization_code.identified


class SignedAndEncryptedIDToken(OpenIDCode):
    """The ID token is signed with the provider's key (RS256, with its kid), then encrypted to the client's key."""

    def __init__(self):
        super().__init__(require_nonce=True)

    def exists_nonce(self, nonce, request):
        return memory().nonce_used(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client):
        return signing_key()

    def get_client_algorithm(self, client):
        return SIGNING_ALGORITHM

    def get_encode_header(self, client):
        return {"alg": SIGNING_ALGORITHM, "kid": signing_key().kid, "typ": "JWT"}

    def get_client_claims(self, client):
        return {
            "iss": issuer(),
            "aud": [client.get_client_id()],
            "exp": int(time.time()) + ID_TOKEN_LIFETIME_SECONDS,
        }

    def generate_user_info(self, user, scope):
        # The person's data travel in the userinfo response; the ID token says who and how strongly.
        return {"sub": user.subject}

    def encode_id_token(self, token, request):
        signed = super().encode_id_token(token, request)
        return request.client.encrypt(signed, request.client.id_token_encryption)


class SignedRequestObjects(OpenIDJWTAuthenticationRequest):
    """Every authorization request comes as a request object signed with a key from the client's JWKS."""

    def __init__(self):
        super().__init__(support_request=True, support_request_uri=False)
        self.claims_validator = jwt.JWTClaimsRegistry(
            client_id={"essential": True},
            aud={"essential": True, "value": issuer()},
            exp={"essential": True},
        )

    def resolve_client_public_key(self, client):
        return client.public_keys()

    def get_server_metadata(self):
        return metadata()

    def get_client_require_signed_request_object(self, client):
        return True


class ClientAssertion(JWTBearerClientAssertion):
    """private_key_jwt (RFC 7523): the assertion's signature checked with the client's published keys, its
    audience the token endpoint or the issuer, and each assertion id accepted once."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self):
        super().__init__(validate_jti=True, leeway=30)

    def get_audiences(self):
        return [endpoint("/oidc/token"), issuer()]

    def validate_jti(self, claims, jti):
        return memory().first_use_of_assertion(claims["sub"], jti)

    def resolve_client_public_key(self, client):
        return client.public_keys()


class StandInServer(AuthorizationServer):
    def __init__(self):
        super().__init__(client_model=None, token_model=None)

    def query_client(self, client_id):
        return registered_client(client_id)

    def save_token(self, token, request):
        memory().keep_access(
            token["access_token"],
            IssuedAccess(
                identified=request.user,
                client_id=request.client.get_client_id(),
                expires_at=time.time() + ACCESS_TOKEN_LIFETIME_SECONDS,
            ),
        )


@cache
def server() -> StandInServer:
    authorization_server = StandInServer()
    authorization_server.register_client_auth_method(ClientAssertion.CLIENT_AUTH_METHOD, ClientAssertion())
    authorization_server.register_grant(
        AuthorizationCodeGrant, [S256CodeChallenge(required=True), SignedAndEncryptedIDToken()]
    )
    authorization_server.register_extension(SignedRequestObjects())
    return authorization_server


def userinfo_response_for(access_token: str) -> str | None:
    """The person's claims as a JWT signed by the provider and encrypted to the client; None for a bad token."""
    issued = memory().access(access_token)
    if issued is None:
        return None
    client = registered_client(issued.client_id)
    claims = {**issued.identified.claims(), "iss": issuer(), "aud": issued.client_id, "iat": int(time.time())}
    header = {"alg": SIGNING_ALGORITHM, "kid": signing_key().kid, "typ": "JWT"}
    signed = jwt.encode(header, claims, signing_key(), algorithms=[SIGNING_ALGORITHM])
    return client.encrypt(signed, client.userinfo_encryption)


def identified_now(person: dict, level: str, client_id: str) -> Identified:
    return Identified(person=person, level=level, client_id=client_id, auth_time=int(time.time()))


def level_requested(acr_values: str | None) -> str:
    """The lowest level the client asked for, in the stand-in's own words; substantial when it asked none."""
    requested = set()
    for value in (acr_values or "").split():
        for level, uri in LEVELS.items():
            if value == uri:
                requested.add(level)
        if value in EIDAS_LEVELS:
            requested.add(EIDAS_LEVELS[value])
    return "substantial" if "substantial" in requested or not requested else "high"
