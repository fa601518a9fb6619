"""Statements per request at the deadline rush: each request kind the rush repeats has a budget of SQL statements
(issue 15), counted on SQLite and PostgreSQL alike; `pytest tests/test_statement_budgets.py -s` prints the figures
of docs/performance.md.

The tests run outside a test transaction, so a service's transaction is a real one as in production, and the
receipt is queued in the database as the production task backend does (one INSERT) rather than made at once. The
counts are the statements Django sends; BEGIN and COMMIT are not among them (PostgreSQL's driver and SQLite's
COMMIT are not logged; SQLite's logged BEGIN is left out of the count to compare the two).
"""

import datetime
import os
import subprocess
import sys
import threading
import time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.applications import services
from avustamo.applications.models import Application, ApplicationStatus, RegisterNumberSequence
from avustamo.core.models import AuditEntry
from avustamo.demo.documents import one_page_pdf
from tests.access import sign_in
from tests.factories import (
    ApplicationFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    CompletionRequestFactory,
    DecisionFactory,
    MembershipFactory,
    MunicipalityFactory,
    RegionFactory,
    RequiredAttachmentFactory,
    UserFactory,
    close_call,
    complete_answers,
    page_post,
)

pytestmark = pytest.mark.django_db(transaction=True)

SAVE_BUDGET = 8
SUBMIT_BUDGET = 15
FORM_PAGE_BUDGET = 8
STAFF_LIST_BUDGET = 12
STAFF_DETAIL_BUDGET = 10


def _statements(label: str, budget: int, request):
    """Run `request`, print how many statements it sent, and fail with the statements when over `budget`."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    queries = [query["sql"] for query in captured if query["sql"].split()[0] not in ("BEGIN", "COMMIT")]
    print(f"\n{label}: {len(queries)} statements (budget {budget})")
    assert len(queries) <= budget, "\n".join(
        f"{number}. {sql[:160]}" for number, sql in enumerate(queries, start=1)
    )
    return response, len(queries)


@pytest.fixture(autouse=True)
def _receipts_queued_as_in_production(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def call():
    """An open call as the rush meets it: two declarations, two required attachments, the country's regions."""
    call = CallFactory()
    CallFormFactory(call=call)
    CallDeclarationFactory(call=call)
    CallDeclarationFactory(call=call, text_fi="Hakija sitoutuu raportoimaan.")
    RequiredAttachmentFactory(call=call)
    RequiredAttachmentFactory(call=call, name_fi="Toimintakertomus")
    for number in range(1, 20):
        region = RegionFactory(code=f"{number:02}", name_fi=f"Maakunta {number}")
        MunicipalityFactory(code=f"{number:03}", name_fi=f"Kunta {number}", region=region)
    # Numbers have been given this year already: the year's first one also creates the sequence.
    RegisterNumberSequence.objects.create(
        agency=call.programme.agency, year=timezone.localdate().year, last_number=41
    )
    return call


@pytest.fixture
def applicant():
    return MembershipFactory().person


@pytest.fixture
def draft(call, applicant):
    """A complete draft with its required attachments, saved once."""
    draft = services.application_start(
        call=call, organisation=applicant.memberships.get().organisation, acting_user=applicant
    )
    draft = services.application_save(
        application=draft, answers=complete_answers(call), version=draft.version, acting_user=applicant
    )
    for required in call.required_attachments.all():
        upload = SimpleUploadedFile("liite.pdf", one_page_pdf("Liite", ["Kotipiha ry"]), "application/pdf")
        services.attachment_add(
            application=draft, upload=upload, required_attachment=required, acting_user=applicant
        )
    return Application.objects.get(pk=draft.pk)


@pytest.fixture
def token_headers(applicant):
    api_token, token = api_token_create(name="CRM", scope=ApiToken.Scope.READ_WRITE, acting_user=applicant)
    # In use already, as in the rush: the time of use is written at most once a minute.
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _page_post(call, draft, **extra) -> dict:
    """What the form page posts: every answer as its fields, the project renamed."""
    answers = complete_answers(call) | {"project-name": "Perheiden kotoutumisen tuki, toinen versio"}
    return page_post(answers, version=draft.version, edit_key="tab-1", **extra)


class TestApplicant:
    def test_a_save_through_the_api(self, client, draft, token_headers):
        answers = {"project-name": "Toinen nimi"}
        response, _count = _statements(
            "save (API)",
            SAVE_BUDGET,
            lambda: client.patch(
                f"/api/v1/applications/{draft.pk}",
                {"version": draft.version, "answers": answers},
                content_type="application/json",
                **token_headers,
            ),
        )
        assert response.status_code == 200, response.content
        assert response.json()["answers"]["project-name"] == "Toinen nimi"
        draft.refresh_from_db()
        assert draft.answers["project-name"] == "Toinen nimi"

    def test_a_save_through_the_page(self, client, call, draft, applicant):
        sign_in(client, applicant)
        posted = _page_post(call, draft, action="save")
        response, _count = _statements(
            "save (page)", SAVE_BUDGET, lambda: client.post(f"/applications/{draft.pk}/", posted)
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        draft.refresh_from_db()
        assert draft.answers["project-name"] == "Perheiden kotoutumisen tuki, toinen versio"

    def test_an_automatic_save_of_the_page(self, client, call, draft, applicant):
        sign_in(client, applicant)
        posted = _page_post(call, draft)
        response, _count = _statements(
            "automatic save (page)",
            SAVE_BUDGET,
            lambda: client.post(f"/applications/{draft.pk}/", posted, HTTP_HX_REQUEST="true"),
        )
        assert response.status_code == 200
        draft.refresh_from_db()
        assert draft.answers["project-name"] == "Perheiden kotoutumisen tuki, toinen versio"

    def test_a_submit_through_the_api(self, client, draft, token_headers):
        response, _count = _statements(
            "submit (API)",
            SUBMIT_BUDGET,
            lambda: client.post(f"/api/v1/applications/{draft.pk}/submit", **token_headers),
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "submitted" and response.json()["register_number"]

    def test_save_and_check_through_the_page(self, client, call, draft, applicant):
        """The save, and the check that nothing stops the sending (the code lists and the attachments)."""
        sign_in(client, applicant)
        posted = _page_post(call, draft, action="check")
        response, _count = _statements(
            "save and check (page)",
            SAVE_BUDGET + 2,
            lambda: client.post(f"/applications/{draft.pk}/", posted),
        )
        assert response.status_code == 302 and response["Location"].endswith("/check/")

    def test_a_submit_through_the_check_page(self, client, call, draft, applicant):
        sign_in(client, applicant)
        response, _count = _statements(
            "submit (check page)",
            SUBMIT_BUDGET,
            lambda: client.post(f"/applications/{draft.pk}/check/", {"version": draft.version}),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.SUBMITTED

    @pytest.mark.parametrize("page", ["", "check/"])
    def test_the_form_page_and_the_check_page(self, client, draft, applicant, page):
        sign_in(client, applicant)
        response, _count = _statements(
            f"{page or 'form'} page", FORM_PAGE_BUDGET, lambda: client.get(f"/applications/{draft.pk}/{page}")
        )
        assert response.status_code == 200
        assert "Perheiden kotoutumisen tuki" in response.content.decode()


class TestStaff:
    @pytest.fixture
    def call(self):
        call = CallFactory()
        CallFormFactory(call=call)
        CallDeclarationFactory(call=call)
        RegionFactory()
        return call

    @pytest.fixture
    def official(self):
        return UserFactory(roles=["programme_manager"])

    def _submitted(self, call, how_many: int) -> list[Application]:
        submitted = [ApplicationFactory.submitted(call) for _ in range(how_many)]
        close_call(call)
        return submitted

    def test_the_staff_list_within_its_budget_for_3_and_30_applications(self, client, call, official):
        """The same statements for any number of rows, those with a completion request or a decision too."""
        sign_in(client, official)
        url = f"/official/calls/{call.pk}/applications/"
        self._submitted(call, 3)
        small, few = _statements("staff list, 3 applications", STAFF_LIST_BUDGET, lambda: client.get(url))
        type(call).objects.filter(pk=call.pk).update(closes_at=timezone.now() + datetime.timedelta(days=1))
        call.refresh_from_db()
        more = self._submitted(call, 27)
        for application in more[:5]:
            CompletionRequestFactory(application=application, requested_by=official)
        for application in more[5:10]:
            DecisionFactory(application=application)
        large, many = _statements("staff list, 30 applications", STAFF_LIST_BUDGET, lambda: client.get(url))
        assert small.status_code == large.status_code == 200
        assert few == many
        page = large.content.decode()
        assert page.count("/official/applications/") >= 25
        assert "(luonnos)" in page  # a decision shown

    def test_the_staff_list_never_reads_the_whole_call_per_page(self, client, call, official):
        sign_in(client, official)
        self._submitted(call, 3)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/official/calls/{call.pk}/applications/").status_code == 200
        statements = [query["sql"].upper() for query in queries]
        assert not [sql for sql in statements if "SELECT DISTINCT" in sql]
        assert not [sql for sql in statements if '"ANSWERS"' in sql and "APPLICATIONS_APPLICATION" in sql]

    def test_the_staff_detail(self, client, call, official):
        [application] = self._submitted(call, 1)
        sign_in(client, official)
        response, _count = _statements(
            "staff detail",
            STAFF_DETAIL_BUDGET,
            lambda: client.get(f"/official/applications/{application.pk}/"),
        )
        assert response.status_code == 200
        assert application.register_number in response.content.decode()


class TestTransactions:
    def test_a_submit_is_one_transaction_that_a_late_failure_leaves_unsaved(
        self, client, draft, token_headers, monkeypatch
    ):
        """The version kept is written last but one: a failure there undoes the register number, the status,
        the regions and the audit entries written before it."""
        audited = AuditEntry.objects.count()

        def broken(*args, **kwargs):
            raise RuntimeError("the disk is full")

        monkeypatch.setattr(services.SubmittedVersion.objects, "create", broken)
        client.raise_request_exception = False
        response = client.post(f"/api/v1/applications/{draft.pk}/submit", **token_headers)
        assert response.status_code == 500
        draft.refresh_from_db()
        assert (draft.status, draft.register_number, draft.submitted_at) == (
            ApplicationStatus.DRAFT,
            None,
            None,
        )
        assert not draft.regions.exists()
        assert RegisterNumberSequence.objects.get(agency=draft.call.programme.agency).last_number == 41
        assert AuditEntry.objects.count() == audited

    @pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one transaction write at a time, whatever it locks",
    )
    def test_saves_of_two_applications_in_one_call_do_not_wait_for_each_other(self, call, draft, applicant):
        other_applicant = MembershipFactory().person
        other = services.application_start(
            call=call,
            organisation=other_applicant.memberships.get().organisation,
            acting_user=other_applicant,
        )
        holding, done = threading.Event(), threading.Event()

        def hold_the_first_applications_lock():
            try:
                with transaction.atomic():
                    services._locked_for_member(draft, applicant)
                    holding.set()
                    done.wait(20)
            finally:
                connections["default"].close()

        holder = threading.Thread(target=hold_the_first_applications_lock)
        holder.start()
        try:
            assert holding.wait(20)
            with connection.cursor() as cursor:
                # Waiting on a lock fails after a second instead of blocking the test.
                cursor.execute("SET lock_timeout = '1s'")
            started = time.monotonic()
            saved = services.application_save(
                application=other,
                answers={"project-name": "Toinen hakemus"},
                version=other.version,
                acting_user=other_applicant,
            )
            assert time.monotonic() - started < 1
            assert saved.version == other.version + 1
        finally:
            done.set()
            holder.join()
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


class TestTokenUse:
    def test_a_token_is_written_as_used_at_most_once_a_minute(self, client, applicant):
        api_token, token = api_token_create(name="CRM", acting_user=applicant)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            assert client.get("/api/v1/me", **headers).status_code == 200
        api_token.refresh_from_db()
        assert api_token.last_used_at == start
        for later in (datetime.timedelta(seconds=1), datetime.timedelta(seconds=59)):
            with (
                time_machine.travel(start + later, tick=False),
                CaptureQueriesContext(connection) as queries,
            ):
                assert client.get("/api/v1/me", **headers).status_code == 200
            assert not [query for query in queries if query["sql"].startswith("UPDATE")]
            api_token.refresh_from_db()
            assert api_token.last_used_at == start
        with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
            assert client.get("/api/v1/me", **headers).status_code == 200
        api_token.refresh_from_db()
        assert api_token.last_used_at == start + datetime.timedelta(seconds=61)


def _production_database_settings(**environment) -> str:
    probe = "import avustamo.settings as s; d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CONN_MAX_AGE", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="production-secret-from-the-environment",
        ALLOWED_HOSTS="avustamo.example.org",
        DATABASE_URL="postgres://avustamo@db.example.org:5432/avustamo",
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.mark.django_db(False)
def test_production_keeps_database_connections_and_checks_them():
    assert _production_database_settings() == "60 True"
    assert _production_database_settings(CONN_MAX_AGE="0") == "0 True"
