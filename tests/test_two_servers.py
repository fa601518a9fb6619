"""Two app servers and two task workers on one PostgreSQL database: no feature may rely on one process.

Two gunicorn instances on two ports (production settings, the project's gunicorn.conf.py) and two
`manage.py task_worker` processes share a database of their own on 127.0.0.1:5432 (whatever DATABASE_URL says),
one MEDIA_ROOT and Redis db 8 as the cache. Both must be reachable: the test fails and says so when one is not.

Migrating a new database takes a minute on a busy machine, so the first run migrates a template database,
`avustamo_two_servers_template_<hash of the migrations>`, kept for later runs; each run copies it
(CREATE DATABASE … TEMPLATE) and drops its copy at the end.
"""

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import time

import psycopg
import pytest
import redis
import requests

from bench.serving import BASE_DIR, Gunicorn

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/8"
PASSWORD = "correct-horse-battery"  # UserFactory's
LOCKED = "Liian monta epäonnistunutta kirjautumista"
APPLICANTS = 4
# The one name both servers are reached by, as behind a load balancer: allauth keys an account's failed sign-ins by
# the host the server sees (Django's RequestSite) and the address, so servers reached by their own names
# (127.0.0.1:port) would each count their own.
PUBLIC_HOST = "avustamo.test"
# Static files without collectstatic's manifest (a minute of work); everything else as in production.
SETTINGS_MODULE = """from avustamo.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""


def _reachable_or_fail() -> None:
    try:
        psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        pytest.fail(
            f"The two-server test needs PostgreSQL at {POSTGRES_SERVER} (user postgres): {error}", False
        )
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.fail(f"The two-server test needs Redis at {REDIS_URL}: {error}", False)


def _server(sql: str) -> None:
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
        server.execute(sql)


def _migrated_template(environment: dict) -> str:
    digest = hashlib.sha256()
    for path in sorted(BASE_DIR.glob("avustamo/*/migrations/*.py")):
        digest.update(path.read_bytes())
    template = f"avustamo_two_servers_template_{digest.hexdigest()[:12]}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone():
            return template
    # Migrated under a name of its own and renamed when whole, so that no run copies a half-migrated template.
    partial = f"{template}_{os.getpid()}"
    _server(f"CREATE DATABASE {partial}")
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=BASE_DIR,
            env=environment | {"DATABASE_URL": f"{POSTGRES_SERVER}/{partial}"},
            check=True,
        )
        _server(f"ALTER DATABASE {partial} RENAME TO {template}")
    except (subprocess.CalledProcessError, psycopg.errors.DuplicateDatabase):
        _server(f"DROP DATABASE IF EXISTS {partial} WITH (FORCE)")
        raise
    return template


def make_data() -> None:
    """Run by the test in a process of its own, against the two servers' database: prints what it made as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from avustamo.accounts.models import ApiToken
    from avustamo.accounts.services import api_token_create
    from avustamo.applications import services as application_services
    from avustamo.programmes.reference import load_reference_data
    from tests.access import sign_in
    from tests.factories import (
        CallDeclarationFactory,
        CallFactory,
        CallFormFactory,
        MembershipFactory,
        RequiredAttachmentFactory,
        UserFactory,
        complete_answers,
    )

    load_reference_data()
    call = CallFactory()
    CallFormFactory(call=call)
    CallDeclarationFactory(call=call)
    required = RequiredAttachmentFactory(call=call)
    applicants = []
    for number in range(APPLICANTS):
        # Only the first signs in with a password: "!" is an unusable one, stored without a costly hash.
        person = MembershipFactory(
            person__email=f"applicant{number}@two-servers.example",
            person__password=PASSWORD if number == 0 else "!",
        ).person
        _token, token = api_token_create(name="test", scope=ApiToken.Scope.READ_WRITE, acting_user=person)
        draft = application_services.application_start(
            call=call, organisation=person.memberships.get().organisation, acting_user=person
        )
        applicants.append({"email": person.email, "token": token, "application": draft.pk})
    UserFactory(email="bertil@two-servers.example")
    official = UserFactory(official=True, roles=["programme_manager"], password="!")
    client = Client()
    sign_in(client, official)
    print(
        json.dumps(
            {
                "applicants": applicants,
                "answers": complete_answers(call),
                "required_attachment": required.pk,
                "official_cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        )
    )


def _browser() -> requests.Session:
    browser = requests.Session()
    browser.headers["Host"] = PUBLIC_HOST
    return browser


def _sign_in(session: requests.Session, base: str, email: str, password: str) -> requests.Response:
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )


def _wait_for(condition, what: str, seconds: float = 40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    pytest.fail(f"{what} did not happen within {seconds:.0f} s")


@pytest.fixture
def two_servers(tmp_path):
    _reachable_or_fail()
    redis.Redis.from_url(REDIS_URL).flushdb()
    (tmp_path / "two_servers_settings.py").write_text(SETTINGS_MODULE)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "two_servers_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(BASE_DIR)]),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PERSON_KEY_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": f"127.0.0.1,{PUBLIC_HOST}",
        # Plain http on 127.0.0.1: the https protections, on by default in production, are turned off by name.
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_URL": REDIS_URL,
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    template = _migrated_template(environment)
    database = f"avustamo_two_servers_{os.getpid()}_{secrets.token_hex(3)}"
    _server(f"CREATE DATABASE {database} TEMPLATE {template}")
    environment["DATABASE_URL"] = f"{POSTGRES_SERVER}/{database}"
    servers, workers = [], []
    try:
        # The data, the servers and the workers start side by side: each takes seconds to load Django.
        making = subprocess.Popen(
            [sys.executable, "-c", "from tests.test_two_servers import make_data; make_data()"],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        servers = [
            Gunicorn(log=tmp_path / f"gunicorn-{name}.log", workers=1, environment=environment, wait=False)
            for name in "ab"
        ]
        for number in range(2):
            log = (tmp_path / f"task_worker-{number}.log").open("w")
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "task_worker",
                        "--interval",
                        "0.2",
                        "--worker-id",
                        f"w{number}",
                        # The suite's other processes keep the cores busy: a worker yielding to them would wait
                        # on them, not on the code under test.
                        "--niceness",
                        "0",
                    ],
                    cwd=BASE_DIR,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        made, _ = making.communicate(timeout=120)
        assert making.returncode == 0, "making the data failed (its error is above)"
        for server in servers:
            server.wait_until_serving()
        yield {
            "a": f"http://127.0.0.1:{servers[0].port}",
            "b": f"http://127.0.0.1:{servers[1].port}",
            "database": f"{POSTGRES_SERVER}/{database}",
            "media": tmp_path / "media",
            "workers": workers,
            **json.loads(made.strip().splitlines()[-1]),
        }
    finally:
        # All stopped side by side: each takes seconds to finish.
        for server in servers:
            server.begin_stop()
        for worker in workers:
            worker.terminate()
        for server in servers:
            server.stop()
        for worker in workers:
            worker.wait(timeout=30)
        _server(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        redis.Redis.from_url(REDIS_URL).flushdb()


def test_two_servers_and_two_task_workers_share_everything(two_servers):
    a, b = two_servers["a"], two_servers["b"]
    first = two_servers["applicants"][0]

    # A session made on server A works on server B.
    browser = _browser()
    signed_in = _sign_in(browser, a, first["email"], PASSWORD)
    assert signed_in.status_code == 302, "signing in on A did not succeed"
    mine = browser.get(f"{b}/applications/", allow_redirects=False, timeout=30)
    assert mine.status_code == 200, (
        f"B did not know A's session: {mine.status_code} {mine.headers.get('Location')}"
    )

    # Failed sign-ins count together: 3 on A and 2 on B reach the limit of 5, and the right password is refused.
    for base in (a, a, a, b, b):
        assert _sign_in(_browser(), base, "bertil@two-servers.example", "wrong password").status_code == 200
    for base in (a, b):
        refused = _sign_in(_browser(), base, "bertil@two-servers.example", PASSWORD)
        assert refused.status_code == 200, f"{base} let a locked account sign in"
        assert LOCKED in refused.text

    # An application saved on A is read on B; attachments uploaded through A or B.
    # Imported here, not at the top: make_data's process imports this module before Django is set up.
    from tests.conftest import PLACEHOLDER_PDF as pdf

    for number, applicant in enumerate(two_servers["applicants"]):
        token = {"Authorization": f"Bearer {applicant['token']}"}
        path = f"/api/v1/applications/{applicant['application']}"
        version = requests.get(f"{b}{path}", headers=token, timeout=30).json()["version"]
        answers = two_servers["answers"] | {"project-summary": f"Tallennettu palvelimella A ({number})."}
        saved = requests.patch(
            f"{a}{path}", json={"version": version, "answers": answers}, headers=token, timeout=30
        )
        assert saved.status_code == 200, saved.text
        read = requests.get(f"{b}{path}", headers=token, timeout=30).json()
        assert read["answers"]["project-summary"] == answers["project-summary"]
        assert read["version"] == saved.json()["version"]
        uploaded = requests.post(
            f"{(a, b)[number % 2]}{path}/attachments",
            data={"required_attachment_id": str(two_servers["required_attachment"])},
            files={"file": ("saannot.pdf", pdf, "application/pdf")},
            headers=token,
            timeout=30,
        )
        assert uploaded.status_code == 201, uploaded.text
        applicant["attachment"] = uploaded.json()["id"]

    # Submitted through A and B: each receipt is made by one of the two workers, once.
    for number, applicant in enumerate(two_servers["applicants"]):
        submitted = requests.post(
            f"{(a, b)[number % 2]}/api/v1/applications/{applicant['application']}/submit",
            headers={"Authorization": f"Bearer {applicant['token']}"},
            timeout=30,
        )
        assert submitted.status_code == 200, submitted.text
        applicant["register_number"] = submitted.json()["register_number"]

    # The file uploaded through A downloads through B, behind the official's permission check.
    official = {"Cookie": f"sessionid={two_servers['official_cookie']}"}
    download = requests.get(
        f"{b}/official/applications/{first['application']}/attachments/{first['attachment']}/",
        headers=official,
        allow_redirects=False,
        timeout=30,
    )
    assert download.status_code == 200, download.status_code
    assert download.content == pdf
    anonymous = requests.get(
        f"{b}/official/applications/{first['application']}/attachments/{first['attachment']}/",
        allow_redirects=False,
        timeout=30,
    )
    assert anonymous.status_code == 302 and anonymous.content != pdf

    with psycopg.connect(two_servers["database"]) as database:

        def receipts_done():
            rows = database.execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s",
                ("%send_submission_receipt",),
            ).fetchall()
            return (
                rows
                if len(rows) == APPLICANTS and all(status == "SUCCESSFUL" for status, _ in rows)
                else None
            )

        tasks = _wait_for(receipts_done, "the receipts' tasks")
        assert all(len(worker_ids) == 1 for _status, worker_ids in tasks), tasks
        emails = database.execute(
            "SELECT key FROM core_outboundemail WHERE key LIKE 'submission-receipt:%%' ORDER BY key"
        ).fetchall()
    assert sorted(key for (key,) in emails) == sorted(
        f"submission-receipt:{applicant['application']}:1" for applicant in two_servers["applicants"]
    )
    for applicant in two_servers["applicants"]:
        files = list((two_servers["media"] / "receipts" / str(applicant["application"])).iterdir())
        assert len(files) == 1, files
        assert files[0].read_bytes().startswith(b"%PDF")
    assert all(worker.poll() is None for worker in two_servers["workers"]), "a task worker stopped"
