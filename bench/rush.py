"""The last hour before a call closes: applicants saving and submitting through the API, officials opening the
handling list, the public searching the register, in steps of users; then a check that nothing was lost.

    .venv/bin/python bench/rush.py                           # 25, 50, 100 and 150 users, 45 s each
    .venv/bin/python bench/rush.py --steps 25 50 --step-seconds 30
    .venv/bin/python bench/rush.py --servers 2               # two gunicorn instances, requests spread over both
    .venv/bin/python bench/rush.py --kill-worker             # kill -9 a gunicorn worker in the middle step
    .venv/bin/python bench/rush.py --restart-postgres        # restart PostgreSQL in the middle step

Everything runs on 127.0.0.1: a PostgreSQL cluster of the bench's own (initdb in a temporary folder, a free
port, so that it can be restarted without touching the shared server), gunicorn with the project's
`gunicorn.conf.py` and production settings, the task worker (`manage.py task_worker`) and Redis db 7 as the cache.
The call closes inside the last step, at a whole second. The exit status is 1 when a check of integrity fails.
bench/README.md says what is built, sent and checked.
"""

import argparse
import contextlib
import datetime
import hashlib
import http.client
import json
import math
import os
import queue
import random
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.serving import BIN, Gunicorn, free_port, load_average, machine  # noqa: E402

BENCH_DIR = BASE_DIR / "var" / "bench"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "avustamo_rush"
REDIS_URL = "redis://127.0.0.1:6379/7"
API = "/api/v1/applications"
# The goal of issue 15 on this 2-core machine.
GOAL_REQUESTS_PER_SECOND = 100
GOAL_P95_MS = 300
# Of every ten users, eight are applicants, one an official and one someone searching the register.
ROLES = ("applicant",) * 8 + ("official", "public")
SEARCHES = (
    "kotoutuminen",
    "nuorten",
    "yhdistys",
    "ry",
    "hanke",
    "Helsingin",
    "perheiden",
    "tuki",
    "kulttuuri",
)
SUBMIT_ATTEMPTS = 3
# Officials signed in, each with a session of their own: official users beyond them share their sessions.
OFFICIALS = 15
# A built cluster is used again for a week: its call opened ten days before it was built, its tokens last 90 days.
KEEP_BUILT_DAYS = 7
# Raise it when `build` changes what it makes, so that no run copies a cluster built the old way.
BUILD_VERSION = 1


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--steps", type=int, nargs="+", default=[25, 50, 100, 150], help="users in each step (25 50 100 150)"
    )
    parser.add_argument("--step-seconds", type=float, default=45, help="how long each step lasts (45)")
    parser.add_argument(
        "--applicants",
        type=int,
        default=1200,
        help="organisations with a draft (1200: enough for every step)",
    )
    parser.add_argument("--grants", type=int, default=3000, help="grants in the public register (3000)")
    parser.add_argument("--servers", type=int, default=1, help="gunicorn instances on as many ports (1)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * os.cpu_count(),
        help="gunicorn workers of each instance (two per core, as docs/performance.md advises)",
    )
    parser.add_argument("--task-workers", type=int, default=1, help="`manage.py task_worker` processes (1)")
    parser.add_argument(
        "--cache", choices=("redis", "database"), default="redis", help=f"redis ({REDIS_URL}) or database"
    )
    parser.add_argument(
        "--deadline-before-end",
        type=float,
        default=10,
        help="seconds between the call's closing and the end of the last step (10)",
    )
    parser.add_argument(
        "--kill-worker",
        action="store_true",
        help="kill -9 one gunicorn worker in the middle of the middle step",
    )
    parser.add_argument(
        "--restart-postgres",
        action="store_true",
        help="stop PostgreSQL at once (pg_ctl -m immediate) and start it again, in the middle step",
    )
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="build the data again rather than copy the cluster an earlier run built (var/bench/rush-cluster-*)",
    )
    arguments = parser.parse_args()
    if arguments.deadline_before_end >= arguments.step_seconds:
        parser.error("--deadline-before-end must be shorter than a step")
    return arguments


# --- The bench's own PostgreSQL ---------------------------------------------------------------------------------


class PrivateCluster:
    """A PostgreSQL cluster in a temporary folder, on a free port of 127.0.0.1, with PostgreSQL's default settings.

    PostgreSQL refuses to run as root, so under root its programs run as the `postgres` user.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.log = BENCH_DIR / "rush-postgresql.log"
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(directory, "postgres", "postgres")
        self.log.unlink(missing_ok=True)
        self.log.touch()
        if self.as_owner:
            shutil.chown(self.log, "postgres", "postgres")

    def initdb(self) -> None:
        self._run(
            POSTGRES_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def copy_from(self, data: Path) -> None:
        subprocess.run(["cp", "-a", str(data), str(self.data)], check=True)

    def copy_to(self, data: Path) -> None:
        """A copy of the stopped cluster's data, made whole under another name and then renamed."""
        data.parent.mkdir(parents=True, exist_ok=True)
        partial = data.with_name(data.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(["cp", "-a", str(self.data), str(partial)], check=True)
        shutil.rmtree(data, ignore_errors=True)
        partial.rename(data)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _run(self, *command) -> None:
        subprocess.run(
            [*self.as_owner, *map(str, command)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def start(self, *, fast_and_unsafe: bool = False) -> None:
        """`fast_and_unsafe`: without waiting for the disk, only while the data is built."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        if fast_and_unsafe:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")


# --- Settings, before Django starts -------------------------------------------------------------------------------


def build_key() -> str:
    """What the built cluster depends on: the migrations, the bench's data options and the bench itself."""
    digest = hashlib.sha256(f"{BUILD_VERSION} {ARGUMENTS.applicants} {ARGUMENTS.grants}".encode())
    for path in sorted([*BASE_DIR.glob("avustamo/*/migrations/*.py"), BASE_DIR / "tests" / "factories.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


ARGUMENTS = parse_arguments()
BENCH_DIR.mkdir(parents=True, exist_ok=True)
TEMPORARY = Path(tempfile.mkdtemp(prefix="avustamo-rush-"))
CLUSTER = PrivateCluster(TEMPORARY)
BUILT = BENCH_DIR / f"rush-cluster-{build_key()}"
REUSE = (
    not ARGUMENTS.rebuild
    and (BUILT / "world.json").exists()
    and time.time() - (BUILT / "world.json").stat().st_mtime < KEEP_BUILT_DAYS * 86400
)
if REUSE:
    # A copy of the cluster as an earlier run built it: migrating and building take minutes on a busy machine.
    CLUSTER.copy_from(BUILT / "data")
    SECRETS = json.loads((BUILT / "world.json").read_text())["secrets"]
    CLUSTER.start()
else:
    CLUSTER.initdb()
    SECRETS = {"SECRET_KEY": secrets.token_urlsafe(50), "PERSON_KEY_SECRET": secrets.token_urlsafe(32)}
    CLUSTER.start(fast_and_unsafe=True)
    with psycopg.connect(f"{CLUSTER.url}/postgres", autocommit=True) as server:
        server.execute(f"CREATE DATABASE {DATABASE}")
if ARGUMENTS.cache == "redis":
    redis.Redis.from_url(REDIS_URL).flushdb()
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "avustamo.settings",
    # Never the developer's own database or files, whatever DATABASE_URL or .env says.
    "DATABASE_URL": f"{CLUSTER.url}/{DATABASE}",
    "MEDIA_ROOT": str(TEMPORARY / "media"),
    "CACHE_URL": REDIS_URL if ARGUMENTS.cache == "redis" else "dbcache://avustamo_cache",
    "EMAIL_URL": "dummymail://",
    "DEBUG": "false",
    **SECRETS,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # Plain http on 127.0.0.1: the https protections, on by default in production, are turned off by name.
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENVIRONMENT)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks.base import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from avustamo.accounts.models import ApiToken, User  # noqa: E402
from avustamo.accounts.services import api_token_create  # noqa: E402
from avustamo.applications import services as application_services  # noqa: E402
from avustamo.applications.models import Application, ApplicationStatus, SubmittedVersion  # noqa: E402
from avustamo.core.models import AuditEntry, OutboundEmail  # noqa: E402
from avustamo.programmes.models import Call  # noqa: E402
from avustamo.programmes.reference import load_reference_data  # noqa: E402
from avustamo.register.models import PublishedGrant  # noqa: E402
from avustamo.register.services import refresh_derived  # noqa: E402
from tests.access import sign_in  # noqa: E402
from tests.factories import (  # noqa: E402
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    MembershipFactory,
    PublishedGrantFactory,
    UserFactory,
    complete_answers,
)

# --- The data ----------------------------------------------------------------------------------------------------


@dataclass
class Applicant:
    """One organisation's draft, as its own client knows it."""

    application_id: int
    token: str
    saves_planned: int
    version: int | None = None  # None: to be read (first, or after an answer that did not come)
    saves: int = 0
    acknowledged: str | None = None  # the marker of the last save the server acknowledged
    unconfirmed: list[str] = field(default_factory=list)  # saves sent since that got no answer
    submit_failures: int = 0
    receipt: tuple[str, str] | None = None  # register number and time of the acknowledged submit
    outcome: str = "draft"  # draft, submitted, closed (refused after the deadline), gave up (errors), refused


@dataclass
class World:
    call_id: int
    answers: dict
    applicants: list[Applicant]
    # Signed in at the start of each run: a kept cluster's staff sessions would have ended after
    # STAFF_SESSION_IDLE_MINUTES, and the officials' requests would be redirects to the sign-in page.
    official_cookies: list[str] = field(default_factory=list)

    def save(self, path: Path) -> None:
        world = {
            "secrets": SECRETS,
            "call_id": self.call_id,
            "answers": self.answers,
            "applicants": [[applicant.application_id, applicant.token] for applicant in self.applicants],
        }
        path.write_text(json.dumps(world))

    @classmethod
    def load(cls, path: Path, rng: random.Random) -> "World":
        world = json.loads(path.read_text())
        applicants = [
            Applicant(pk, token, saves_planned=rng.randint(4, 16)) for pk, token in world["applicants"]
        ]
        return cls(world["call_id"], world["answers"], applicants)


def build(rng: random.Random) -> World:
    load_reference_data()
    # Closed far ahead for now: the real closing moment is set when the load starts.
    call = CallFactory(closes_at=timezone.now() + datetime.timedelta(days=1))
    CallFormFactory(call=call)
    CallDeclarationFactory(call=call)
    applicants = []
    for _ in range(ARGUMENTS.applicants):
        # "!": an unusable password, set without hashing; applicants use their API tokens.
        person = MembershipFactory(person__password="!").person
        _token, token = api_token_create(name="rush", scope=ApiToken.Scope.READ_WRITE, acting_user=person)
        draft = application_services.application_start(
            call=call, organisation=person.memberships.get().organisation, acting_user=person
        )
        applicants.append(Applicant(draft.pk, token, saves_planned=rng.randint(4, 16)))
    for number in range(OFFICIALS):
        UserFactory(official=True, roles=["programme_manager"], password="!", email=official_email(number))
    build_register(rng)
    return World(call.pk, complete_answers(call), applicants)


def official_email(number: int) -> str:
    return f"official{number}@rush.example"


def sign_in_officials() -> list[str]:
    """A fresh session cookie for each official, signed in as far as the second factor."""
    cookies = []
    for number in range(OFFICIALS):
        client = Client()
        sign_in(client, User.objects.get(email=official_email(number)))
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def build_register(rng: random.Random) -> None:
    earlier = CallFactory(closed=True)
    themes = ("Perheiden kotoutumisen tuki", "Nuorten harrastustoiminta", "Kulttuuriyhdistyksen hanke")
    places = ("Helsingin", "Tampereen", "Turun", "Oulun", "Vaasan")
    grants = []
    for number in range(ARGUMENTS.grants):
        grant = PublishedGrantFactory.build(
            call=earlier,
            recipient_name=f"{rng.choice(places)} yhdistys {number} ry",
            project_name=rng.choice(themes),
            funding_year=2016 + number % 10,
        )
        grant.fill_derived()
        grants.append(grant)
    PublishedGrant.objects.bulk_create(grants, batch_size=1000)
    refresh_derived()


# --- The load ----------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    step: int
    started: float  # time.time()
    seconds: float
    status: int  # 0: no answer (connection refused or reset, time-out)
    expected_refusal: bool = False  # 422 because the call had closed
    sent_again: bool = False  # on a new connection, the server having closed the kept one


class Rush:
    """The users of one run, what they were answered, and what the clients saw acknowledged."""

    def __init__(self, world: World, bases: list[str]):
        self.world = world
        self.bases = bases
        self.samples: list[Sample] = []
        self.step = 0
        self.users = 0
        self.stopping = threading.Event()
        self.drafts: queue.Queue[Applicant] = queue.Queue()
        for applicant in world.applicants:
            self.drafts.put(applicant)
        self.submitted: list[Applicant] = []
        self.violations: list[str] = []
        self.closes_at = 0.0

    def run_user(self, number: int) -> None:
        role = ROLES[number % len(ROLES)]
        rng = random.Random(f"{ARGUMENTS.seed}-{number}")
        session = KeepAliveClient()
        applicant = None
        time.sleep(rng.uniform(0, 1.5))
        while not self.stopping.is_set():
            if number >= self.users:
                time.sleep(0.2)
                continue
            if role == "applicant":
                applicant = self.applicant_acts(session, applicant, rng)
            elif role == "official":
                cookie = self.world.official_cookies[number % len(self.world.official_cookies)]
                self.request(
                    session, "handling list", "GET", f"/official/calls/{self.world.call_id}/applications/",
                    headers={"Cookie": cookie},
                )  # fmt: skip
            else:
                self.request(
                    session, "register search", "GET", "/register/", params={"q": rng.choice(SEARCHES)}
                )
            self.stopping.wait(rng.uniform(0.5, 1.5))

    def warm_up(self, rounds: int = 20, threads: int = 8) -> int:
        """Each kind of request a few times over every worker before the first step, reading only (each save names
        a version no draft has, and is refused as stale before it writes): a worker's first requests load modules
        and compile templates, which a server that has run since the morning did long before the deadline."""
        self.step = -1
        official = {"Cookie": self.world.official_cookies[0]}

        def user(number: int) -> None:
            session = KeepAliveClient()
            for index in range(rounds):
                applicant = self.world.applicants[(number * rounds + index) % len(self.world.applicants)]
                headers = {"Authorization": f"Bearer {applicant.token}"}
                path = f"{API}/{applicant.application_id}"
                self.request(session, "warm-up", "GET", path, headers=headers)
                self.request(
                    session,
                    "warm-up",
                    "PATCH",
                    path,
                    headers=headers,
                    json={"version": 999_999, "answers": {}},
                )
                self.request(
                    session,
                    "warm-up",
                    "GET",
                    f"/official/calls/{self.world.call_id}/applications/",
                    headers=official,
                )
                self.request(
                    session, "warm-up", "GET", "/register/", params={"q": SEARCHES[index % len(SEARCHES)]}
                )

        workers = [threading.Thread(target=user, args=(number,)) for number in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        sent = sum(sample.kind == "warm-up" for sample in self.samples)
        self.step = 0
        return sent

    def request(self, session: "KeepAliveClient", kind: str, method: str, path: str, **options):
        started = time.time()
        clock = time.perf_counter()
        try:
            response = session.request(method, any_server(self.bases), path, **options)
            status = response.status_code
        except (OSError, http.client.HTTPException):
            response, status = None, 0
        sample = Sample(kind, self.step, started, time.perf_counter() - clock, status)
        sample.sent_again = response is not None and response.sent_again
        self.samples.append(sample)
        return response, sample

    def applicant_acts(self, session, applicant: Applicant | None, rng) -> Applicant | None:
        if applicant is None:
            try:
                applicant = self.drafts.get_nowait()
            except queue.Empty:
                if self.submitted:
                    self.submit_again(session, rng.choice(self.submitted))
                return None
        headers = {"Authorization": f"Bearer {applicant.token}"}
        path = f"{API}/{applicant.application_id}"
        if applicant.version is None:
            response, _sample = self.request(session, "open", "GET", path, headers=headers)
            if response is not None and response.status_code == 200:
                body = response.json()
                applicant.version = body["version"]
                applicant.acknowledged = body["answers"].get("project-summary")
                applicant.unconfirmed.clear()
                if body["status"] == ApplicationStatus.SUBMITTED:
                    return self.acknowledged_submit(applicant, body)
            return applicant
        if applicant.saves < applicant.saves_planned:
            marker = f"{applicant.application_id}:{applicant.saves + 1}"
            answers = {"project-summary": marker, "activities": f"Kerho {rng.randint(1, 99)} kertaa."}
            if applicant.saves == 0:
                answers = self.world.answers | answers
            response, sample = self.request(
                session, "save", "PATCH", path, headers=headers,
                json={"version": applicant.version, "answers": answers},
            )  # fmt: skip
            if response is not None and response.status_code == 200:
                applicant.version = response.json()["version"]
                applicant.acknowledged = marker
                applicant.unconfirmed.clear()
                applicant.saves += 1
                if sample.started >= self.closes_at:
                    self.violations.append(
                        f"a save of application {applicant.application_id} sent after the deadline was accepted"
                    )
            elif self.closed(response, sample):
                applicant.outcome = "closed"
                return None
            else:
                applicant.unconfirmed.append(marker)
                applicant.version = None
            return applicant
        response, sample = self.request(session, "submit", "POST", f"{path}/submit", headers=headers)
        if response is not None and response.status_code == 200:
            return self.acknowledged_submit(applicant, response.json())
        if self.closed(response, sample):
            applicant.outcome = "closed"
            return None
        if response is not None and response.status_code == 422:
            applicant.outcome = "refused"
            self.violations.append(
                f"submit of application {applicant.application_id} refused: {response.text[:300]}"
            )
            return None
        applicant.submit_failures += 1
        if applicant.submit_failures >= SUBMIT_ATTEMPTS:
            applicant.outcome = "gave up"
            return None
        return applicant

    def closed(self, response, sample: Sample) -> bool:
        if response is None or response.status_code != 422:
            return False
        refused = any(problem.get("code") == "call_not_open" for problem in response.json().get("errors", []))
        sample.expected_refusal = refused and sample.started + sample.seconds >= self.closes_at
        return sample.expected_refusal

    def acknowledged_submit(self, applicant: Applicant, body: dict) -> None:
        applicant.receipt = (body["register_number"], body["submitted_at"])
        applicant.outcome = "submitted"
        self.submitted.append(applicant)
        return None

    def submit_again(self, session, applicant: Applicant, kind: str = "submit again") -> None:
        """A client that did not see its answer sends the submit again: it must get the same receipt."""
        response, _sample = self.request(
            session, kind, "POST", f"{API}/{applicant.application_id}/submit",
            headers={"Authorization": f"Bearer {applicant.token}"},
        )  # fmt: skip
        if response is None or response.status_code != 200:
            return
        body = response.json()
        if (body["register_number"], body["submitted_at"]) != applicant.receipt:
            self.violations.append(
                f"submitting application {applicant.application_id} again answered {body['register_number']} "
                f"{body['submitted_at']}, not {applicant.receipt}"
            )


@dataclass
class Answer:
    status_code: int
    text: str
    sent_again: bool = False

    def json(self):
        return json.loads(self.text)


class KeepAliveClient:
    """One user's HTTP/1.1 connections, kept open between requests, one per server. Plain `http.client` rather
    than `requests`: the client runs on the same two cores as the servers, and `requests` cost it three times the
    processor time per request, taken from the servers being measured."""

    TIMEOUT = 30

    def __init__(self):
        self.connections: dict[str, http.client.HTTPConnection] = {}

    def request(self, method: str, base: str, path: str, *, headers=None, json=None, params=None) -> Answer:
        if params:
            path = f"{path}?{urllib.parse.urlencode(params)}"
        body = None if json is None else _json_bytes(json)
        headers = dict(headers or {}) | ({"Content-Type": "application/json"} if body is not None else {})
        connection, kept = self._connection(base)
        try:
            return self._send(base, connection, method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not kept:
                raise
        # The server closed the kept connection as the request went out on it (its keep-alive ran out between the
        # check in `_connection` and the send): with no answer begun, browsers and urllib3 send the request once
        # more on a new connection, and so does this client. The report counts these apart from the errors.
        answer = self._send(base, self._connection(base)[0], method, path, body, headers)
        answer.sent_again = True
        return answer

    def _send(self, base: str, connection, method: str, path: str, body, headers) -> Answer:
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.read().decode())
        except BaseException:
            connection.close()
            self.connections.pop(base, None)
            raise

    def _connection(self, base: str) -> tuple[http.client.HTTPConnection, bool]:
        """The connection to `base`, and whether it is one kept from an earlier request."""
        connection = self.connections.get(base)
        if connection is not None and connection.sock is not None and _closed_by_server(connection.sock):
            connection.close()  # the server's keep-alive ended while the user paused, as urllib3 checks too
            connection = None
        if connection is not None and connection.sock is not None:
            return connection, True
        if connection is None:
            host, port = urllib.parse.urlsplit(base).netloc.split(":")
            connection = http.client.HTTPConnection(host, int(port), timeout=self.TIMEOUT)
            self.connections[base] = connection
        return connection, False


def _json_bytes(value) -> bytes:
    return json.dumps(value).encode()


def _closed_by_server(sock) -> bool:
    """A kept connection the server closed reads as ready (at its end) before any request is sent on it."""
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def any_server(bases: list[str]) -> str:
    """Requests spread over the servers at random, as a load balancer without sticky sessions would."""
    return random.choice(bases)


# --- Faults ------------------------------------------------------------------------------------------------------


def inject_faults(rush: Rush, servers: list[Gunicorn], at: float, log: list[str]) -> None:
    if ARGUMENTS.kill_worker:
        time.sleep(max(0.0, at - time.time()))
        victim = min(servers[0].workers())
        os.kill(victim, signal.SIGKILL)
        log.append(f"kill -9 of gunicorn worker {victim} at {clock(time.time())}, step {rush.step + 1}")
    if ARGUMENTS.restart_postgres:
        time.sleep(max(0.0, at + 5 - time.time()))
        started = time.time()
        CLUSTER.stop("immediate")
        CLUSTER.start()
        log.append(
            f"PostgreSQL stopped at once (pg_ctl -m immediate) at {clock(started)} and serving again "
            f"{time.time() - started:.1f} s later, step {rush.step + 1}"
        )


def clock(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).strftime("%H:%M:%S.%f")[:-3] + " UTC"


# --- After the run -----------------------------------------------------------------------------------------------


def wait_for_tasks(workers: list[subprocess.Popen], limit: float = 300) -> str:
    started = time.monotonic()
    waiting = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    while time.monotonic() - started < limit:
        connection.close()  # a fresh connection: the cluster may have been restarted
        left = DBTaskResult.objects.filter(status__in=waiting).count()
        if not left:
            return f"the task queue drained {time.monotonic() - started:.0f} s after the load"
        if all(worker.poll() is not None for worker in workers):
            return f"every task worker has stopped with {left} tasks left (see {BENCH_DIR}/rush-task_worker-*.log)"
        time.sleep(1)
    return f"the task queue still had {left} tasks after {limit:.0f} s"


def tasks_failed_and_run_again() -> tuple[int, int]:
    """Failed tasks whose work no later task did, and those that the task worker ran again (their connection
    lost, manage.py task_worker enqueues them again with the same arguments)."""
    succeeded = {
        (result.task_path, json.dumps(result.args_kwargs, sort_keys=True))
        for result in DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    }
    failed = Counter(
        (result.task_path, json.dumps(result.args_kwargs, sort_keys=True)) in succeeded
        for result in DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    )
    return failed[False], failed[True]


def check_integrity(rush: Rush, closes_at: datetime.datetime) -> list[str]:
    failures = list(rush.violations)
    applications = {
        application.pk: application
        for application in Application.objects.filter(call_id=rush.world.call_id).only(
            "pk", "status", "answers", "register_number", "submitted_at"
        )
    }
    submitted = {
        pk for pk, application in applications.items() if application.status == ApplicationStatus.SUBMITTED
    }
    versions = Counter(
        SubmittedVersion.objects.filter(application__call_id=rush.world.call_id).values_list(
            "application_id", flat=True
        )
    )
    audits = Counter(
        int(target)
        for target in AuditEntry.objects.filter(
            action="application.submitted", target_type="applications.application"
        ).values_list("target_id", flat=True)
    )
    receipts = defaultdict(list)
    for email in OutboundEmail.objects.filter(key__startswith="submission-receipt:"):
        receipts[int(email.key.split(":")[1])].append(email)
    for pk in sorted(submitted):
        application = applications[pk]
        if versions[pk] != 1 or audits[pk] != 1 or len(receipts[pk]) != 1:
            failures.append(
                f"application {pk}: {versions[pk]} submitted versions, {audits[pk]} audit entries, "
                f"{len(receipts[pk])} receipts (want one of each)"
            )
        elif not default_storage.exists(receipts[pk][0].attachment):
            failures.append(f"application {pk}: its receipt's PDF {receipts[pk][0].attachment} is missing")
        if application.submitted_at >= closes_at:
            failures.append(
                f"application {pk} accepted at {application.submitted_at}, the call closed at {closes_at}"
            )
    for applicant in rush.world.applicants:
        application = applications[applicant.application_id]
        if applicant.receipt:
            if application.status != ApplicationStatus.SUBMITTED:
                failures.append(
                    f"application {application.pk}: submit acknowledged, but it is {application.status}"
                )
            elif application.register_number != applicant.receipt[0]:
                failures.append(
                    f"application {application.pk}: acknowledged as {applicant.receipt[0]}, "
                    f"stored as {application.register_number}"
                )
        if application.status == ApplicationStatus.DRAFT:
            stored = application.answers.get("project-summary")
            if stored != applicant.acknowledged and stored not in applicant.unconfirmed:
                failures.append(
                    f"draft {application.pk} holds the save {stored!r}, its client's last acknowledged save was "
                    f"{applicant.acknowledged!r}"
                )
    return failures


def submit_everything_again(rush: Rush) -> None:
    """Every acknowledged submit sent once more, as a client that missed the answer would: same receipt."""
    session = KeepAliveClient()
    rush.step = -1  # not in any step's figures
    for applicant in list(rush.submitted):
        rush.submit_again(session, applicant, kind="final submit again")


# --- The report ----------------------------------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


KINDS = ("open", "save", "submit", "submit again", "handling list", "register search")


def report_step(rush: Rush, index: int, seconds: float, cpu_seconds: float, load: str) -> dict:
    samples = [sample for sample in rush.samples if sample.step == index]
    errors = Counter(
        sample.status for sample in samples if not 200 <= sample.status < 300 and not sample.expected_refusal
    )
    refused = sum(sample.expected_refusal for sample in samples)
    rate = len(samples) / seconds
    print(
        f"\nStep {index + 1}: {ARGUMENTS.steps[index]} users for {seconds:.0f} s: {len(samples)} requests, "
        f"{rate:.1f} requests/s; {load} at its end; the client used {100 * cpu_seconds / seconds:.0f} % of a core"
    )
    print(f"  {'kind':<16} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors")
    worst_p95 = 0.0
    for kind in KINDS:
        times = sorted(1000 * sample.seconds for sample in samples if sample.kind == kind)
        if not times:
            continue
        kind_errors = Counter(
            sample.status or "no answer"
            for sample in samples
            if sample.kind == kind and not 200 <= sample.status < 300 and not sample.expected_refusal
        )
        p95 = percentile(times, 0.95)
        worst_p95 = max(worst_p95, p95)
        print(
            f"  {kind:<16} {len(times):>8} {percentile(times, 0.5):>8.0f} {p95:>8.0f} {percentile(times, 0.99):>8.0f}"
            f"  {', '.join(f'{status}: {count}' for status, count in sorted(kind_errors.items(), key=str)) or '-'}"
        )
    if refused:
        print(f"  {refused} saves and submits refused because the call had closed (422, expected)")
    sent_again = sum(sample.sent_again for sample in samples)
    if sent_again:
        print(f"  {sent_again} requests sent again on a new connection: the server had closed the kept one")
    goal = rate >= GOAL_REQUESTS_PER_SECOND and worst_p95 < GOAL_P95_MS and not errors
    return {"rate": rate, "worst_p95": worst_p95, "errors": sum(errors.values()), "goal": goal}


# --- Main --------------------------------------------------------------------------------------------------------


def build_cluster(rng: random.Random) -> World:
    call_command("migrate", verbosity=0, interactive=False)
    world = build(rng)
    connection.close()
    CLUSTER.stop()
    CLUSTER.copy_to(BUILT / "data")
    world.save(BUILT / "world.json")
    CLUSTER.start()  # now with PostgreSQL's default settings, fsync on
    return world


def collect_static_files() -> None:
    """As a deployment does; skipped when no static file of ours changed since the last time (it takes a minute)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [path for path in BASE_DIR.glob("avustamo/*/static/**/*") if path.is_file()]
    sources.append(BASE_DIR / "pyproject.toml")  # new versions of Django or allauth bring their own files
    if manifest.exists() and manifest.stat().st_mtime > max(path.stat().st_mtime for path in sources):
        return
    call_command("collectstatic", interactive=False, verbosity=0)


def start_task_workers() -> list[subprocess.Popen]:
    workers = []
    for number in range(ARGUMENTS.task_workers):
        log = (BENCH_DIR / f"rush-task_worker-{number}.log").open("w")
        workers.append(
            subprocess.Popen(
                [str(BIN / "python"), "manage.py", "task_worker"],
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return workers


def main() -> int:
    rng = random.Random(ARGUMENTS.seed)
    servers: list[Gunicorn] = []
    task_workers: list[subprocess.Popen] = []
    rush = None
    try:
        started = time.perf_counter()
        if REUSE:
            world = World.load(BUILT / "world.json", rng)
            print(f"Copied the cluster an earlier run built ({BUILT.name}; --rebuild builds it again)")
        else:
            world = build_cluster(rng)
            print(
                f"Migrated and built the data in {time.perf_counter() - started:.0f} s, kept in {BUILT.name}"
            )
        if ARGUMENTS.cache == "database":
            call_command("createcachetable", verbosity=0)
        world.official_cookies = sign_in_officials()
        collect_static_files()
        print(
            f"{len(world.applicants)} applicants with a draft and a token, {len(world.official_cookies)} "
            f"officials and a register of {ARGUMENTS.grants} grants; ready in {time.perf_counter() - started:.0f} s"
        )
        connection.close()
        servers = [
            Gunicorn(log=BENCH_DIR / f"rush-gunicorn-{number}.log", workers=ARGUMENTS.workers)
            for number in range(ARGUMENTS.servers)
        ]
        task_workers = start_task_workers()
        print(f"Machine: {machine()}; PostgreSQL 15 of the bench's own on port {CLUSTER.port}")
        print(
            f"{ARGUMENTS.servers} gunicorn instance(s) with {ARGUMENTS.workers} workers (gunicorn.conf.py), "
            f"{ARGUMENTS.task_workers} task worker(s), cache: {os.environ['CACHE_URL']}, production settings"
        )
        print(f"At the start: {load_average()}")

        rush = Rush(world, [f"http://127.0.0.1:{server.port}" for server in servers])
        warmed = rush.warm_up()
        print(
            f"Warmed up every worker with {warmed} requests, not counted (a server at the deadline has run for hours)"
        )
        begin = time.time()
        total = ARGUMENTS.step_seconds * len(ARGUMENTS.steps)
        rush.closes_at = math.floor(begin + total - ARGUMENTS.deadline_before_end)
        closes_at = datetime.datetime.fromtimestamp(rush.closes_at, datetime.UTC)
        Call.objects.filter(pk=world.call_id).update(closes_at=closes_at)
        print(f"The call closes at {clock(rush.closes_at)}, {rush.closes_at - begin:.0f} s into the run")
        threads = [
            threading.Thread(target=rush.run_user, args=(number,), daemon=True)
            for number in range(max(ARGUMENTS.steps))
        ]
        for thread in threads:
            thread.start()
        faults: list[str] = []
        fault_step = len(ARGUMENTS.steps) // 2
        fault_thread = None
        if ARGUMENTS.kill_worker or ARGUMENTS.restart_postgres:
            at = begin + ARGUMENTS.step_seconds * (fault_step + 0.4)
            fault_thread = threading.Thread(
                target=inject_faults, args=(rush, servers, at, faults), daemon=True
            )
            fault_thread.start()
        steps = []
        for index, users in enumerate(ARGUMENTS.steps):
            rush.step, rush.users = index, users
            step_start, cpu_start = time.time(), sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
            time.sleep(max(0.0, begin + ARGUMENTS.step_seconds * (index + 1) - time.time()))
            cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - cpu_start
            steps.append((time.time() - step_start, cpu, load_average()))
        rush.stopping.set()
        for thread in threads:
            thread.join(timeout=35)
        if fault_thread:
            fault_thread.join()
        results = [report_step(rush, index, *figures) for index, figures in enumerate(steps)]
        for line in faults:
            print(f"\nFault: {line}")
        print(
            f"\nGoal: {GOAL_REQUESTS_PER_SECOND} requests/s or more with every p95 under {GOAL_P95_MS} ms, no errors:"
        )
        for users, result in zip(ARGUMENTS.steps, results, strict=True):
            print(
                f"  {users} users: {result['rate']:.1f} requests/s, worst p95 {result['worst_p95']:.0f} ms, "
                f"{result['errors']} errors: {'met' if result['goal'] else 'not met'}"
            )

        print(f"\nIntegrity: {wait_for_tasks(task_workers)}")
        outcomes = Counter(applicant.outcome for applicant in world.applicants)
        print(
            "  applicants: " + ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items()))
        )
        receipts_before = OutboundEmail.objects.filter(key__startswith="submission-receipt:").count()
        submit_everything_again(rush)
        print(f"  every acknowledged submit sent again: {wait_for_tasks(task_workers)}")
        receipts_after = OutboundEmail.objects.filter(key__startswith="submission-receipt:").count()
        failures = check_integrity(rush, closes_at)
        if receipts_after != receipts_before:
            failures.append(
                f"submitting again made receipts: {receipts_before} before, {receipts_after} after"
            )
        for number, worker in enumerate(task_workers):
            if worker.poll() is not None:
                failures.append(
                    f"task worker {number} stopped during the run (exit status {worker.returncode}, see "
                    f"var/bench/rush-task_worker-{number}.log): no receipt is made after that"
                )
        failed_tasks, run_again = tasks_failed_and_run_again()
        if failed_tasks:
            failures.append(f"{failed_tasks} tasks failed and were not run again (see the task_worker logs)")
        if run_again:
            print(
                f"  {run_again} tasks cut short by a lost database connection and run again by the task worker"
            )
        late_saves = AuditEntry.objects.filter(action="application.saved", occurred_at__gte=closes_at).count()
        submitted = Application.objects.filter(
            call_id=world.call_id, status=ApplicationStatus.SUBMITTED
        ).count()
        print(
            f"  {submitted} submitted applications, {receipts_after} receipts; {late_saves} saves checked before "
            f"the closing second and written just after it"
        )
        for failure in failures[:30]:
            print(f"  FAILED: {failure}")
        if len(failures) > 30:
            print(f"  … and {len(failures) - 30} more")
        print(f"  {'FAILED: ' + str(len(failures)) + ' problems' if failures else 'every check held'}")
        print(f"\nAt the end: {load_average()}")
        return 1 if failures else 0
    finally:
        if rush:
            rush.stopping.set()
        for server in servers:
            server.stop()
        for worker in task_workers:
            worker.terminate()
            worker.wait(timeout=30)
        connection.close()
        with contextlib.suppress(subprocess.CalledProcessError):
            CLUSTER.stop()
        shutil.rmtree(TEMPORARY, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
