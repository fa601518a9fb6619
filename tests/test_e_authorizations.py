"""The e-Authorizations Web API client: what it sends, how it reads the answers, and how it fails.

The client talks to a scripted HTTP server on this machine that records each request and gives the answers a test
sets, so that paths, headers and bodies are checked as they go over the wire.
"""

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import translation

from avustamo.organisations import e_authorizations
from avustamo.organisations.e_authorizations import AuthorizationServiceError, WebApiSession

CLIENT_ID = "a1b2c3d4"
API_KEY = "pT4kXw9-api-key"
OAUTH_PASSWORD = "oauth-password"
IDENTITY_CODE = "150385-9068"
SESSION = WebApiSession(session_id="5b0e8a44-session", user_id="u-77", request_id="r-1", state="state-1")


@dataclass
class Answer:
    status: int = 200
    body: str = "{}"
    delay: float = 0.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: str


class ScriptedWebApi:
    def __init__(self):
        self.answers: list[Answer] = []
        self.requests: list[Recorded] = []

    def answer(self, body, status: int = 200, delay: float = 0.0) -> None:
        self.answers.append(Answer(status, body if isinstance(body, str) else json.dumps(body), delay))


@pytest.fixture
def web_api(settings):
    api = ScriptedWebApi()

    class Handler(BaseHTTPRequestHandler):
        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            api.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
            scripted = api.answers.pop(0)
            time.sleep(scripted.delay)
            self.send_response(scripted.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(scripted.body.encode())

        do_GET = do_POST = answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SUOMIFI_AUTHORIZATIONS_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID = CLIENT_ID
    settings.SUOMIFI_AUTHORIZATIONS_API_KEY = API_KEY
    settings.SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD = OAUTH_PASSWORD
    settings.SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS = 2.0
    yield api
    server.shutdown()
    server.server_close()


def assert_signed(recorded: Recorded) -> None:
    """The header is "client id, time stamp, checksum" and the checksum is over exactly the path sent."""
    client_id, timestamp, checksum = recorded.headers["X-AsiointivaltuudetAuthorization"].split(" ")
    assert client_id == CLIENT_ID
    moment = datetime.datetime.fromisoformat(timestamp)
    assert abs(datetime.datetime.now(datetime.UTC) - moment) < datetime.timedelta(minutes=1)
    expected = hmac.new(API_KEY.encode(), f"{recorded.path} {timestamp}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(checksum) == expected


# The checksum


@pytest.mark.parametrize(
    ("path_and_query", "timestamp", "expected"),
    [
        # Computed apart from this code, with
        # printf '%s' "<path and query> <time stamp>" | openssl dgst -sha256 -hmac pT4kXw9-api-key -binary | base64
        (
            "/service/ypa/user/register/a1b2c3d4/150385-9068?requestId=7ddcf4a6-3b5c-4d8e-9f10-1a2b3c4d5e6f",
            "2026-03-02T10:15:30+02:00",
            "0G/LYBRjw2ZBTHQ7SvUaa16PLUUJLNooa4L//X3eu5M=",
        ),
        # The time stamp in the form of DVV's own example (minutes and an offset).
        (
            "/service/ypa/api/organizationRoles/5b0e8a44-session?requestId=r-1",
            "1997-07-16T19:20+01:00",
            "psWGVHERIG+wFBY4S+yX4bebdnL60ySkIsSyIA6gZTA=",
        ),
    ],
)
def test_checksum__matches_a_vector_computed_with_openssl(path_and_query, timestamp, expected):
    assert (
        e_authorizations.checksum(path_and_query=path_and_query, timestamp=timestamp, api_key=API_KEY)
        == expected
    )


def test_authorization_header__is_client_id_time_stamp_and_checksum(settings):
    settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID = CLIENT_ID
    settings.SUOMIFI_AUTHORIZATIONS_API_KEY = API_KEY
    moment = datetime.datetime(2026, 3, 2, 8, 15, 30, tzinfo=datetime.UTC)
    header = e_authorizations.authorization_header(
        path_and_query="/service/ypa/user/register/a1b2c3d4/150385-9068?requestId=7ddcf4a6-3b5c-4d8e-9f10-1a2b3c4d5e6f",
        now=moment,
    )
    assert header == "a1b2c3d4 2026-03-02T08:15:30+00:00 " + e_authorizations.checksum(
        path_and_query="/service/ypa/user/register/a1b2c3d4/150385-9068?requestId=7ddcf4a6-3b5c-4d8e-9f10-1a2b3c4d5e6f",
        timestamp="2026-03-02T08:15:30+00:00",
        api_key=API_KEY,
    )


# The calls


def test_register_session__opens_a_session_for_the_person(web_api):
    web_api.answer({"sessionId": "5b0e8a44-session", "userId": "u-77"})

    session = e_authorizations.register_session(
        national_identification_number=IDENTITY_CODE, request_id="r-1"
    )

    [sent] = web_api.requests
    assert sent.method == "GET"
    assert sent.path == f"/service/ypa/user/register/{CLIENT_ID}/{IDENTITY_CODE}?requestId=r-1"
    assert_signed(sent)
    assert (session.session_id, session.user_id, session.request_id) == ("5b0e8a44-session", "u-77", "r-1")
    assert len(session.state) >= 32


def test_register_session__gives_each_session_its_own_request_id_and_state(web_api):
    web_api.answer({"sessionId": "s-1", "userId": "u-1"})
    web_api.answer({"sessionId": "s-2", "userId": "u-2"})

    first = e_authorizations.register_session(national_identification_number=IDENTITY_CODE)
    second = e_authorizations.register_session(national_identification_number=IDENTITY_CODE)

    assert first.request_id != second.request_id
    assert first.state != second.state
    assert dict(parse_qsl(urlsplit(web_api.requests[0].path).query)) == {"requestId": first.request_id}


def test_selection_url__sends_the_person_to_choose_with_the_sessions_user_and_state(web_api):
    url = e_authorizations.selection_url(
        web_api_session=SESSION, redirect_uri="https://avustamo.example/valtuudet/paluu/", language="sv"
    )

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{web_api_url()}/oauth/authorize"
    assert dict(parse_qsl(parts.query)) == {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": "https://avustamo.example/valtuudet/paluu/",
        "user": "u-77",
        "scope": "read",
        "state": "state-1",
        "lang": "sv",
        "requestId": "r-1",
    }


def test_complete_selection__exchanges_the_code_with_the_client_id_and_oauth_password(web_api):
    web_api.answer({"access_token": "token-1", "token_type": "bearer", "expires_in": 599, "scope": "read"})

    token = e_authorizations.complete_selection(
        web_api_session=SESSION,
        params={"code": "code-1", "state": "state-1"},
        redirect_uri="https://avustamo.example/valtuudet/paluu/",
    )

    [sent] = web_api.requests
    assert (sent.method, sent.path) == ("POST", "/oauth/token")
    assert (
        sent.headers["Authorization"]
        == "Basic " + base64.b64encode(f"{CLIENT_ID}:{OAUTH_PASSWORD}".encode()).decode()
    )
    assert dict(parse_qsl(sent.body)) == {
        "grant_type": "authorization_code",
        "code": "code-1",
        "redirect_uri": "https://avustamo.example/valtuudet/paluu/",
    }
    assert token == "token-1"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"code": "code-1", "state": "someone-elses"}, "state_mismatch"),
        ({"code": "code-1"}, "state_mismatch"),
        ({"error": "access_denied", "state": "state-1"}, "cancelled"),
        ({"error": "server_error", "state": "state-1"}, "refused"),
        ({"state": "state-1"}, "malformed"),
    ],
)
def test_complete_selection__refuses_an_answer_it_cannot_use_without_asking_for_a_token(
    web_api, params, code
):
    with pytest.raises(AuthorizationServiceError) as refusal:
        e_authorizations.complete_selection(
            web_api_session=SESSION, params=params, redirect_uri="https://a.example/"
        )

    assert refusal.value.code == code
    assert web_api.requests == []


def test_complete_selection__a_wrong_oauth_password_is_refused_not_an_expired_session(web_api):
    web_api.answer({"error": "unauthorized"}, status=401)

    with pytest.raises(AuthorizationServiceError) as refusal:
        e_authorizations.complete_selection(
            web_api_session=SESSION,
            params={"code": "c", "state": "state-1"},
            redirect_uri="https://a.example/",
        )

    assert refusal.value.code == "refused"


def test_organisation_roles__reads_the_organisation_and_keeps_the_answer_with_its_time(web_api):
    web_api.answer(
        [
            {
                "name": "Kotipiha ry",
                "identifier": "1618033-3",
                "roles": ["PJ", "NIMKO"],
                "complete": True,
                "by": IDENTITY_CODE,
            }
        ]
    )

    [organisation] = e_authorizations.organisation_roles(web_api_session=SESSION, access_token="token-1")

    [sent] = web_api.requests
    assert sent.path == "/service/ypa/api/organizationRoles/5b0e8a44-session?requestId=r-1"
    assert sent.headers["Authorization"] == "Bearer token-1"
    assert_signed(sent)
    assert (organisation.business_id, organisation.name, organisation.roles, organisation.complete) == (
        "1618033-3",
        "Kotipiha ry",
        ("PJ", "NIMKO"),
        True,
    )
    assert organisation.source == f"{web_api_url()}/service/ypa/api/organizationRoles/5b0e8a44-session"
    assert abs(datetime.datetime.now(datetime.UTC) - organisation.received_at) < datetime.timedelta(minutes=1)
    assert IDENTITY_CODE not in json.dumps(organisation.raw)
    assert organisation.raw["roles"] == ["PJ", "NIMKO"]


def test_organisation_roles__an_incomplete_answer_says_so(web_api):
    web_api.answer([{"name": "Kotipiha ry", "identifier": "1618033-3", "roles": [], "complete": False}])

    [organisation] = e_authorizations.organisation_roles(web_api_session=SESSION, access_token="token-1")

    assert organisation.complete is False


@pytest.mark.parametrize(("result", "allowed"), [("ALLOWED", True), ("DISALLOWED", False)])
def test_authorization__asks_about_the_issue_and_reads_the_result(web_api, result, allowed):
    web_api.answer({"result": result, "reasons": []})

    answer = e_authorizations.authorization(
        web_api_session=SESSION, access_token="token-1", business_id="2645751-9", issue="valtionavustus"
    )

    [sent] = web_api.requests
    assert urlsplit(sent.path).path == "/service/ypa/api/authorization/5b0e8a44-session/2645751-9"
    assert dict(parse_qsl(urlsplit(sent.path).query)) == {"requestId": "r-1", "issues": "valtionavustus"}
    assert sent.headers["Authorization"] == "Bearer token-1"
    assert_signed(sent)
    assert (answer.allowed, answer.business_id, answer.issue) == (allowed, "2645751-9", "valtionavustus")
    assert answer.raw == {"result": result, "reasons": []}


# Failures


def call_each(kind: str):
    calls = {
        "register": lambda: e_authorizations.register_session(national_identification_number=IDENTITY_CODE),
        "roles": lambda: e_authorizations.organisation_roles(web_api_session=SESSION, access_token="t"),
        "authorization": lambda: e_authorizations.authorization(
            web_api_session=SESSION, access_token="t", business_id="2645751-9", issue="valtionavustus"
        ),
    }
    return calls[kind]


@pytest.mark.parametrize("kind", ["register", "roles", "authorization"])
@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (Answer(401, '{"error": "session expired"}'), "session_expired"),
        (Answer(503, "Service Unavailable"), "unavailable"),
        (Answer(500, "{}"), "unavailable"),
        (Answer(403, '{"error": "wrong checksum"}'), "refused"),
        (Answer(400, "{}"), "refused"),
        (Answer(200, "<html>not json</html>"), "malformed"),
        (Answer(200, '{"unexpected": true}'), "malformed"),
    ],
)
def test_each_call__fails_with_a_stable_code(web_api, kind, answer, code):
    web_api.answers.append(answer)

    with pytest.raises(AuthorizationServiceError) as failure:
        call_each(kind)()

    assert failure.value.code == code


@pytest.mark.parametrize("kind", ["register", "roles", "authorization"])
def test_each_call__a_slow_service_is_unavailable_after_the_timeout(web_api, settings, kind):
    settings.SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS = 0.2
    web_api.answer({}, delay=1.0)

    with pytest.raises(AuthorizationServiceError) as failure:
        call_each(kind)()

    assert failure.value.code == "unavailable"


def test_a_service_that_cannot_be_reached_is_unavailable_and_the_identity_code_stays_out_of_the_error(
    web_api, settings, caplog
):
    settings.SUOMIFI_AUTHORIZATIONS_URL = "http://127.0.0.1:9"  # the discard port: nothing listens there

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.register_session(national_identification_number=IDENTITY_CODE)

    assert failure.value.code == "unavailable"
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
    assert IDENTITY_CODE not in str(failure.value)
    assert IDENTITY_CODE not in caplog.text
    assert "/service/ypa/user/register/" in caplog.text


@pytest.mark.parametrize(
    "answer", [Answer(500, "{}"), Answer(404, "{}"), Answer(401, "{}"), Answer(200, "x")]
)
def test_a_failed_registration_keeps_the_identity_code_out_of_the_error_and_the_log(web_api, caplog, answer):
    web_api.answers.append(answer)

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.register_session(national_identification_number=IDENTITY_CODE)

    assert IDENTITY_CODE not in str(failure.value)
    assert IDENTITY_CODE not in failure.value.detail
    assert IDENTITY_CODE not in caplog.text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "Oikeutesi asioida organisaation puolesta tarkistus kesti liian kauan. Aloita alusta."),
        ("sv", "Kontrollen av din rätt att företräda organisationen tog för lång tid. Börja om från början."),
        ("en", "The check of your right to act for the organisation took too long. Please start again."),
    ],
)
def test_an_expired_session_tells_the_person_in_their_language_to_start_again(web_api, language, expected):
    web_api.answer({}, status=401)

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.organisation_roles(web_api_session=SESSION, access_token="t")

    with translation.override(language):
        assert failure.value.message == expected


@pytest.mark.parametrize(
    "missing",
    [
        "SUOMIFI_AUTHORIZATIONS_URL",
        "SUOMIFI_AUTHORIZATIONS_CLIENT_ID",
        "SUOMIFI_AUTHORIZATIONS_API_KEY",
        "SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD",
    ],
)
def test_without_any_of_its_settings_the_service_is_off_and_calls_nothing(web_api, settings, missing):
    setattr(settings, missing, "")

    assert e_authorizations.authorizations_configured() is False
    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.register_session(national_identification_number=IDENTITY_CODE)
    assert failure.value.code == "not_configured"
    assert web_api.requests == []


def web_api_url() -> str:
    from django.conf import settings

    return settings.SUOMIFI_AUTHORIZATIONS_URL
