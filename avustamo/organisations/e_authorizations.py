"""Suomi.fi e-Authorizations (Suomi.fi-valtuudet) through its Web API: the protocol, nothing more.

A person acting for a company or an association ("yrityksen puolesta asiointi", `ypa`) goes through four steps:

1. `register_session` opens a Web API session for the identified person:
   `GET /service/ypa/user/register/{client id}/{personal identity code}?requestId=…`, answered with
   `{"sessionId": …, "userId": …}`.
2. `selection_url` is where the person's browser goes to choose whom they act for: the OAuth 2.0
   authorization endpoint `/oauth/authorize` with `client_id`, `response_type=code`, `redirect_uri`, `user` (the
   registration's userId), `scope=read`, `state`, `lang` and `requestId`. It redirects back with `code` and
   `state`, or with `error=access_denied` when the person cancels.
3. `complete_selection` checks `state` and exchanges the code at `POST /oauth/token` (HTTP Basic with the Web
   API client id and the OAuth password), answered with `{"access_token": …, "token_type": "bearer", …}`.
4. `organisation_roles` asks `GET /service/ypa/api/organizationRoles/{sessionId}?requestId=…` (the chosen
   organisation's register roles: `[{"identifier", "name", "roles", "complete"}]`), and `authorization` asks
   `GET /service/ypa/api/authorization/{sessionId}/{principal}?requestId=…&issues=…` whether a mandate for an
   issue allows the person to act for it (`{"result": "ALLOWED" | "DISALLOWED", "reasons": […]}`).

Every call carries `X-AsiointivaltuudetAuthorization: {client id} {ISO 8601 time} {checksum}`, the checksum being
Base64(HMAC-SHA256(API key, "{path and query} {time}")); the API refuses times more than five minutes off. An
expired Web API session answers HTTP 401.

Sources: DVV's pages "Web API and selection interface" and "Web API connection: instructions for developers"
(kehittajille.suomi.fi) and DVV's published reference clients. The personal identity code travels in the
registration path only; it is never logged, never put in an error's text and never kept in an answer.
"""

import base64
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

AUTHORIZATION_HEADER = "X-AsiointivaltuudetAuthorization"

# A Finnish personal identity code: birth date, century sign (those in use from 2023 included), individual number
# and check character, in either case as people write them. Answers are kept for the record, so any such code in
# them is blanked out before they are; the public version of an application removes them too.
IDENTITY_CODE = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.IGNORECASE)
REDACTED = "[redacted]"


class AuthorizationServiceError(Exception):
    """The e-Authorizations service could not answer, or refused; `code` is stable, `message` is for the user."""

    MESSAGES = {
        "not_configured": _("Checking the right to act for an organisation is not in use in this service."),
        "session_expired": _(
            "The check of your right to act for the organisation took too long. Please start again."
        ),
        "unavailable": _(
            "Suomi.fi e-Authorizations cannot be reached just now. Nothing was lost: please try again later."
        ),
        "refused": _("Suomi.fi e-Authorizations refused the request. Please start again."),
        "malformed": _(
            "Suomi.fi e-Authorizations gave an answer that could not be read. Please try again later."
        ),
        "cancelled": _("You cancelled choosing the organisation you act for."),
        "state_mismatch": _(
            "The answer from Suomi.fi e-Authorizations did not belong to this visit. Please start again."
        ),
    }

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code])


@dataclass(frozen=True)
class WebApiSession:
    """One person's Web API session: plain strings, so it can be kept in the Django session as a dict."""

    session_id: str
    user_id: str
    request_id: str
    state: str


@dataclass(frozen=True)
class OrganisationRoles:
    """The person's register roles in one organisation, as OrganizationalRoles gave them."""

    business_id: str
    name: str
    roles: tuple[str, ...]
    complete: bool
    source: str
    received_at: datetime
    raw: dict


@dataclass(frozen=True)
class AuthorizationAnswer:
    """Whether a mandate for `issue` allows the person to act for the organisation `business_id`."""

    business_id: str
    issue: str
    allowed: bool
    reasons: tuple
    source: str
    received_at: datetime
    raw: dict


def authorizations_configured() -> bool:
    return all(
        (
            settings.SUOMIFI_AUTHORIZATIONS_URL,
            settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID,
            settings.SUOMIFI_AUTHORIZATIONS_API_KEY,
            settings.SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD,
        )
    )


def checksum(*, path_and_query: str, timestamp: str, api_key: str) -> str:
    """The checksum of `X-AsiointivaltuudetAuthorization`: Base64 of HMAC-SHA256 over "path?query timestamp"."""
    digest = hmac.new(api_key.encode(), f"{path_and_query} {timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def authorization_header(*, path_and_query: str, now: datetime | None = None) -> str:
    timestamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    signature = checksum(
        path_and_query=path_and_query, timestamp=timestamp, api_key=settings.SUOMIFI_AUTHORIZATIONS_API_KEY
    )
    return f"{settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID} {timestamp} {signature}"


def register_session(*, national_identification_number: str, request_id: str | None = None) -> WebApiSession:
    _require_configuration()
    request_id = request_id or str(uuid.uuid4())
    path = (
        f"/service/ypa/user/register/{_segment(settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID)}"
        f"/{_segment(national_identification_number)}"
    )
    answer, _received_at = _signed_get(
        path, {"requestId": request_id}, hide=(national_identification_number,)
    )
    if not isinstance(answer, dict) or not _all_text(answer.get("sessionId"), answer.get("userId")):
        raise AuthorizationServiceError("malformed", "registration answer without sessionId and userId")
    return WebApiSession(
        session_id=answer["sessionId"],
        user_id=answer["userId"],
        request_id=request_id,
        state=secrets.token_urlsafe(32),
    )


def selection_url(*, web_api_session: WebApiSession, redirect_uri: str, language: str) -> str:
    """Where the person chooses whom they act for; they come back to `redirect_uri` with `code` and `state`."""
    _require_configuration()
    query = urlencode(
        {
            "client_id": settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "user": web_api_session.user_id,
            "scope": "read",
            "state": web_api_session.state,
            "lang": language,
            "requestId": web_api_session.request_id,
        }
    )
    return f"{_base_url()}/oauth/authorize?{query}"


def complete_selection(*, web_api_session: WebApiSession, params, redirect_uri: str) -> str:
    """The access token for the organisation chosen, from the parameters the person came back with."""
    _require_configuration()
    if not hmac.compare_digest(str(params.get("state", "")), web_api_session.state):
        raise AuthorizationServiceError("state_mismatch", "the state parameter is not this session's")
    if params.get("error"):
        code = "cancelled" if params.get("error") == "access_denied" else "refused"
        raise AuthorizationServiceError(code, f"selection answered error {params.get('error')!r}")
    if not params.get("code"):
        raise AuthorizationServiceError("malformed", "selection answered without a code")
    url = f"{_base_url()}/oauth/token"
    try:
        response = requests.post(
            url,
            data={"grant_type": "authorization_code", "code": params["code"], "redirect_uri": redirect_uri},
            auth=(settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID, settings.SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD),
            timeout=settings.SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise _unavailable("/oauth/token", error, hide=()) from None
    # The token endpoint answers 401 for a wrong client password, not for an expired Web API session.
    if response.status_code == 401:
        raise AuthorizationServiceError("refused", "the token endpoint refused the client credentials")
    answer = _json_of(response, "/oauth/token", hide=())
    if not isinstance(answer, dict) or not _all_text(answer.get("access_token")):
        raise AuthorizationServiceError("malformed", "token answer without access_token")
    return answer["access_token"]


def organisation_roles(*, web_api_session: WebApiSession, access_token: str) -> list[OrganisationRoles]:
    """The chosen organisation with the person's roles in it; empty when the registers give them none there."""
    _require_configuration()
    path = f"/service/ypa/api/organizationRoles/{_segment(web_api_session.session_id)}"
    answer, received_at = _signed_get(
        path, {"requestId": web_api_session.request_id}, access_token=access_token, hide=()
    )
    if not isinstance(answer, list):
        raise AuthorizationServiceError("malformed", "organizationRoles answer is not a list")
    source = _source(path)
    organisations = []
    for item in answer:
        roles = item.get("roles") if isinstance(item, dict) else None
        if (
            not isinstance(item, dict)
            or not _all_text(item.get("identifier"), item.get("name"))
            or not isinstance(roles, list)
            or not _all_text(*roles)
        ):
            raise AuthorizationServiceError(
                "malformed", "organizationRoles item without identifier, name or roles"
            )
        organisations.append(
            OrganisationRoles(
                business_id=item["identifier"],
                name=item["name"],
                roles=tuple(roles),
                complete=item.get("complete") is True,
                source=source,
                received_at=received_at,
                raw=_without_identity_codes(item),
            )
        )
    return organisations


def authorization(
    *, web_api_session: WebApiSession, access_token: str, business_id: str, issue: str
) -> AuthorizationAnswer:
    _require_configuration()
    path = f"/service/ypa/api/authorization/{_segment(web_api_session.session_id)}/{_segment(business_id)}"
    answer, received_at = _signed_get(
        path,
        {"requestId": web_api_session.request_id, "issues": issue},
        access_token=access_token,
        hide=(),
    )
    if not isinstance(answer, dict) or answer.get("result") not in ("ALLOWED", "DISALLOWED"):
        raise AuthorizationServiceError(
            "malformed", "authorization answer without result ALLOWED or DISALLOWED"
        )
    reasons = answer.get("reasons") or []
    if not isinstance(reasons, list):
        raise AuthorizationServiceError("malformed", "authorization answer's reasons are not a list")
    return AuthorizationAnswer(
        business_id=business_id,
        issue=issue,
        allowed=answer["result"] == "ALLOWED",
        reasons=tuple(_without_identity_codes(reasons)),
        source=_source(path),
        received_at=received_at,
        raw=_without_identity_codes(answer),
    )


def _signed_get(path: str, query: dict, *, hide: tuple[str, ...], access_token: str | None = None):
    """GET one Web API path with its checksum header; the answer's JSON and when it arrived."""
    path_and_query = f"{urlsplit(_base_url()).path}{path}?{urlencode(query)}"
    headers = {AUTHORIZATION_HEADER: authorization_header(path_and_query=path_and_query)}
    if access_token:
        headers["Authorization"] = f"Bearer {access_token}"
    origin = urlsplit(_base_url())
    try:
        response = requests.get(
            f"{origin.scheme}://{origin.netloc}{path_and_query}",
            headers=headers,
            timeout=settings.SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise _unavailable(path, error, hide=hide) from None
    if response.status_code == 401:
        raise AuthorizationServiceError("session_expired", f"{_hidden(path, hide)} answered 401")
    return _json_of(response, path, hide=hide), timezone.now()


def _json_of(response: requests.Response, path: str, *, hide: tuple[str, ...]):
    shown = _hidden(path, hide)
    if response.status_code >= 500:
        logger.warning("Suomi.fi e-Authorizations %s answered %s", shown, response.status_code)
        raise AuthorizationServiceError("unavailable", f"{shown} answered {response.status_code}")
    if response.status_code != 200:
        logger.warning("Suomi.fi e-Authorizations %s refused with %s", shown, response.status_code)
        raise AuthorizationServiceError("refused", f"{shown} answered {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise AuthorizationServiceError(
            "malformed", f"{shown} answered with something other than JSON"
        ) from None


def _unavailable(
    path: str, error: requests.RequestException, *, hide: tuple[str, ...]
) -> AuthorizationServiceError:
    # The exception's own text repeats the address, identity code included: only its kind is kept.
    detail = f"{_hidden(path, hide)}: {type(error).__name__}"
    logger.warning("Suomi.fi e-Authorizations cannot be reached: %s", detail)
    return AuthorizationServiceError("unavailable", detail)


def _hidden(text: str, hide: tuple[str, ...]) -> str:
    for secret in hide:
        text = text.replace(secret, REDACTED).replace(_segment(secret), REDACTED)
    return IDENTITY_CODE.sub(REDACTED, text)


def _without_identity_codes(value):
    if isinstance(value, dict):
        return {key: _without_identity_codes(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_identity_codes(item) for item in value]
    if isinstance(value, str):
        return IDENTITY_CODE.sub(REDACTED, value)
    return value


def _segment(value: str) -> str:
    # "+" (the 1800s century sign) is allowed in a path segment, and servers sign the path as they see it.
    return quote(value, safe="+")


def _all_text(*values) -> bool:
    return all(isinstance(value, str) and value for value in values)


def _source(path: str) -> str:
    return f"{_base_url()}{path}"


def _base_url() -> str:
    return settings.SUOMIFI_AUTHORIZATIONS_URL.rstrip("/")


def _require_configuration() -> None:
    if not authorizations_configured():
        raise AuthorizationServiceError("not_configured")
