"""The security settings: Django's deployment check passes with the production defaults and reports each protection
turned off, the content security policy is on every page, and personal data is never left in a cache."""

import http.client
import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, override_settings

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.core.headers import NoStoreForPersonalPagesMiddleware
from avustamo.grants import services as grant_services
from tests.access import sign_in
from tests.factories import CallFactory, DecisionFactory, MembershipFactory, UserFactory

# What the test settings set for plain http, what the browser tests' conftest sets for the whole run (async safety
# off), and what a developer's shell may hold: none of it reaches the production processes started here.
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_COOKIES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _production_environment(**overrides) -> dict:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in NOT_INHERITED
        and not name.startswith(("SECURE_", "TRUSTED_PROXY", "SUOMIFI_", "STAFF_SSO"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="avustamo.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="avustamo.example.fi",
    )
    environment.update(overrides)
    return environment


def _deploy_check(**overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_environment(**overrides),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER"]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""


def _production_settings(**overrides) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        env=_production_environment(**overrides),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


class TestDeploymentCheck:
    def test_passes_with_the_production_defaults(self):
        result = _deploy_check()
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout

    @pytest.mark.parametrize(
        ("variable", "value", "reported"),
        [
            ("SECURE_HSTS_SECONDS", "0", "security.W004"),
            ("SECURE_SSL_REDIRECT", "false", "security.W008"),
            ("SECURE_COOKIES", "false", "security.W012"),
        ],
    )
    def test_a_protection_turned_off_is_reported(self, variable, value, reported):
        result = _deploy_check(**{variable: value})
        assert result.returncode == 1
        assert reported in result.stderr

    def test_a_short_secret_is_reported(self):
        result = _deploy_check(SECRET_KEY="short")
        assert result.returncode == 1
        assert "security.W009" in result.stderr


class TestProductionDefaults:
    def test_https_everywhere_for_a_year_with_subdomains_and_no_preload_unless_chosen(self):
        production = _production_settings()
        assert production["SECURE_SSL_REDIRECT"] is True
        assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
        assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
        assert production["SECURE_HSTS_PRELOAD"] is False
        assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
        # No proxy is believed about the scheme unless the environment names its header.
        assert production["SECURE_PROXY_SSL_HEADER"] is None

    def test_preload_and_a_trusted_proxy_only_when_told(self):
        production = _production_settings(
            SECURE_HSTS_PRELOAD="true", TRUSTED_PROXY_PROTO_HEADER="X-Forwarded-Proto"
        )
        assert production["SECURE_HSTS_PRELOAD"] is True
        assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
class TestHttpsRedirect:
    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_sent_to_https_but_the_health_probe_is_answered(self):
        client = Client()
        response = client.get("/calls/")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/calls/"
        assert client.get("/health").status_code == 200


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


@pytest.mark.django_db
class TestContentSecurityPolicy:
    def test_every_kind_of_page_has_the_policy_without_inline_code(self, client):
        official = UserFactory(roles=["programme_manager"])
        for who, path in [(None, "/"), (None, "/calls/"), (None, "/register/"), (official, "/official/")]:
            if who:
                sign_in(client, who)
            response = client.get(path)
            assert response.status_code == 200, path
            directives = _directives(response)
            assert directives["default-src"] == ["'self'"], path
            assert directives["object-src"] == ["'none'"]
            assert directives["base-uri"] == ["'self'"]
            assert directives["frame-ancestors"] == ["'none'"]
            assert directives["form-action"][0] == "'self'"
            assert "'unsafe-inline'" not in response["Content-Security-Policy"]
            assert "'unsafe-eval'" not in response["Content-Security-Policy"]

    def test_forms_may_go_on_only_to_the_configured_identification_providers(self, client, settings):
        assert _directives(client.get("/accounts/login/"))["form-action"] == ["'self'"]
        settings.SUOMIFI_OIDC_ISSUER = "https://tunnistautuminen.suomi.fi/oidc"
        settings.SUOMIFI_AUTHORIZATIONS_URL = "https://asiointivaltuudet.suomi.fi/"
        assert _directives(client.get("/accounts/login/"))["form-action"] == [
            "'self'",
            "https://asiointivaltuudet.suomi.fi",
            "https://tunnistautuminen.suomi.fi",
        ]

    def test_our_pages_hold_no_inline_script_style_or_handler(self, client):
        CallFactory()
        page = client.get("/calls/").content.decode()
        assert "<style" not in page and "style=" not in page and " onclick=" not in page
        assert 'name="htmx-config"' in page and '"includeIndicatorStyles": false' in page


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
class TestCaching:
    def test_public_pages_and_static_files_stay_cacheable(self, client):
        CallFactory()
        for path in ("/calls/", "/register/", "/api/v1/calls", "/static/avustamo/site.css"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert not _no_store(response), path
        assert "max-age" in client.get("/static/avustamo/site.css")["Cache-Control"]

    def test_an_answer_that_sets_the_session_cookie_is_not_stored(self, rf):
        def public_page_starting_a_session(request):
            response = HttpResponse("Hakuilmoitukset")
            response.set_cookie(settings.SESSION_COOKIE_NAME, "one-visitors-session")
            return response

        request = rf.get("/calls/")
        request.user = AnonymousUser()
        assert _no_store(NoStoreForPersonalPagesMiddleware(public_page_starting_a_session)(request))

    def test_sign_in_pages_are_not_stored(self, client):
        assert _no_store(client.get("/accounts/login/"))

    def test_every_page_to_a_signed_in_person_is_not_stored(self, client):
        applicant = MembershipFactory().person
        sign_in(client, applicant)
        for path in ("/calls/", "/register/", "/applications/", "/sv/applications/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert _no_store(response), path
            assert "private" in response["Cache-Control"]
        # Static files are the same for everyone and stay cacheable.
        assert not _no_store(client.get("/static/avustamo/site.css"))

    def test_staff_pages_and_the_admin_are_not_stored(self, client):
        sign_in(client, UserFactory(administrator=True))
        for path in ("/official/", "/admin/", "/en/official/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert _no_store(response), path

    def test_the_applicants_api_is_not_stored(self, client):
        person = MembershipFactory().person
        _token, secret = api_token_create(
            name="our system", scope=ApiToken.Scope.READ_WRITE, acting_user=person
        )
        response = client.get("/api/v1/applications", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200
        assert _no_store(response)
        # Refused without a token, and not stored either.
        assert _no_store(client.get("/api/v1/applications"))

    def test_a_downloaded_decision_is_not_stored(self, client):
        decision = DecisionFactory.signed()
        grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
        sign_in(client, decision.application.submitted_by)
        response = client.get(f"/applications/{decision.application_id}/decision-fi.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert _no_store(response)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_with_the_projects_config_does_not_name_itself(tmp_path):
    """gunicorn started as in production (its config read from the project's folder) answers without a Server
    header; the response is otherwise whole (status, Date, the application's own headers)."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    environment = _production_environment(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(gunicorn), "avustamo.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        response = None
        deadline = time.monotonic() + 60
        while response is None and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/health")
                response = connection.getresponse()
            except OSError:
                time.sleep(0.2)
        assert response is not None, log.read_text()
        assert response.status == 200
        assert response.getheader("Server") is None
        assert response.getheader("Date") and response.getheader("Content-Type") == "application/json"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _audit_verdict():
    """.ci/audit_dependencies.py's verdict, loaded from its file (.ci is no package)."""
    path = Path(settings.BASE_DIR) / ".ci" / "audit_dependencies.py"
    spec = importlib.util.spec_from_file_location("audit_dependencies", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verdict


def _pip_audit_report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


DJANGO_AUDITED = {"name": "django", "version": "5.2.19", "vulns": []}
NOT_ON_THE_SERVICE = {"name": "rules", "skip_reason": "Dependency not found on PyPI and could not be audited"}


class TestDependencyAudit:
    def test_a_known_vulnerability_fails_ci_and_names_the_fix(self):
        vulnerable = {
            "name": "django",
            "version": "5.2.1",
            "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"], "aliases": [], "description": ""}],
        }
        status, message = _audit_verdict()(1, _pip_audit_report(vulnerable, DJANGO_AUDITED), "")
        assert status == 1
        assert "django 5.2.1: PYSEC-2025-1 (fixed in 5.2.2)" in message

    def test_a_clean_audit_passes_and_says_how_much_was_audited(self):
        status, message = _audit_verdict()(0, _pip_audit_report(DJANGO_AUDITED, NOT_ON_THE_SERVICE), "")
        assert (status, message) == (
            0,
            "pip-audit: no known vulnerability (installed packages audited: 1, 1 not known to the service).",
        )

    def test_an_unreachable_service_is_said_and_ci_goes_on(self):
        stderr = "Traceback ...\nrequests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'"
        status, message = _audit_verdict()(1, "", stderr)
        assert status == 0
        assert "could not be reached, so NOTHING WAS AUDITED" in message and "api.osv.dev" in message

    def test_a_service_that_knows_no_package_is_said_and_ci_goes_on(self):
        status, message = _audit_verdict()(0, _pip_audit_report(NOT_ON_THE_SERVICE), "")
        assert status == 0
        assert "answered for none of the 1 packages, so NOTHING WAS AUDITED" in message

    def test_any_other_failure_of_pip_audit_fails_ci(self):
        status, message = _audit_verdict()(2, "", "pip-audit: error: unrecognized arguments")
        assert status == 2 and "unrecognized arguments" in message
