"""The task worker carries on when the database comes back after being away; django-tasks-db's own `db_worker`
stops for good (and with it receipts, decision documents and emails).

Real processes and real faults, no mocks: `manage.py task_worker` and `manage.py db_worker` run against the test
database, which is then taken away from them for a few seconds:
- PostgreSQL: the database stops accepting connections (`ALLOW_CONNECTIONS false`) and the workers' connections
  are ended (`pg_terminate_backend`): as in a restart, open connections drop and new ones are refused;
- SQLite: the workers reach the database file through a symbolic link to its folder, which is removed and put
  back, so that opening the file fails ("unable to open database file"). A held SQLite connection never fails so,
  so there the workers open a connection per poll (CONN_MAX_AGE=0, Django's default).
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from avustamo.core.management.commands.task_worker import Command as TaskWorkerCommand
from avustamo.core.management.commands.task_worker import ReconnectingWorker
from avustamo.core.models import OutboundEmail
from avustamo.core.task_runs import DATABASE_LOST, resumable
from avustamo.core.tasks import deliver_email

BASE_DIR = Path(__file__).resolve().parent.parent
TASK_TABLE = DBTaskResult._meta.db_table


CUT_SHORT = set()


@resumable
@task()
def queue_email_after_losing_the_connection(*, key: str, in_transaction: bool) -> None:
    """The first run of each key has its database connection ended by the server halfway; later runs queue the
    email."""
    if key not in CUT_SHORT:
        CUT_SHORT.add(key)
        with (
            transaction.atomic() if in_transaction else contextlib.nullcontext(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    OutboundEmail.objects.create(
        key=key, recipient="hakija@example.com", language="fi", subject="-", body="-"
    )


def in_process_worker() -> ReconnectingWorker:
    """A task worker in the test's own process and connection, running what is queued, then returning."""
    return ReconnectingWorker(
        queue_names=["default"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-process",
        reconnect_wait=0.1,
        max_reconnect_wait=0.1,
    )


@pytest.fixture
def task_database(settings):
    """Tasks stored in the database for a worker process to run (the tests' default runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class PostgresAccess:
    """The workers connect to the test database as any client; the fault refuses them and drops their
    connections. PostgreSQL refuses to stop connections to the database a session is in, so the fault is made
    from a session in the `postgres` database, and the test's own connection is left alone."""

    conn_max_age = "60"  # the production setting: a held connection, checked before use

    def __init__(self):
        settings = connection.settings_dict
        self.name = settings["NAME"]
        self.server = {
            "host": settings["HOST"] or "localhost",
            "port": settings["PORT"] or 5432,
            "user": settings["USER"],
            "password": settings["PASSWORD"] or None,
        }
        credentials = quote(settings["USER"]) + (
            f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
        )
        self.url = f"postgres://{credentials}@{self.server['host']}:{self.server['port']}/{self.name}"

    @contextmanager
    def away(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (own,) = cursor.fetchone()
        with psycopg.connect(**self.server, dbname="postgres", autocommit=True) as server:
            server.execute(
                sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(sql.Identifier(self.name))
            )
            try:
                server.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                    (self.name, own),
                )
                yield
            finally:
                server.execute(
                    sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(sql.Identifier(self.name))
                )


class SqliteAccess:
    """The workers open the test database's file through a link to its folder; the fault removes the link."""

    conn_max_age = "0"

    def __init__(self, tmp_path: Path):
        database = Path(connection.settings_dict["NAME"])
        self.link = tmp_path / "database-folder"
        self.folder = database.parent
        self.link.symlink_to(self.folder, target_is_directory=True)
        self.url = f"sqlite:///{self.link / database.name}"

    @contextmanager
    def away(self):
        self.link.unlink()
        try:
            yield
        finally:
            self.link.symlink_to(self.folder, target_is_directory=True)


@pytest.fixture
def database_access(tmp_path):
    return PostgresAccess() if connection.vendor == "postgresql" else SqliteAccess(tmp_path)


class WorkerProcess:
    def __init__(self, command: str, *options: str, access, tmp_path: Path, worker_id: str):
        self.log_path = tmp_path / f"{worker_id}.log"
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_"))
        } | {
            "DJANGO_SETTINGS_MODULE": "avustamo.settings",
            "DEBUG": "true",  # no production secrets needed; the reloader is turned off below
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": access.url,
            "CONN_MAX_AGE": access.conn_max_age,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_URL": "dummymail://",
            "CACHE_URL": "locmemcache://",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PERSON_KEY_SECRET": "test-suite-only-person-key",
        }
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    command,
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.2",
                    "--worker-id",
                    worker_id,
                    # The suite's other processes keep the cores busy: a worker yielding to them (niceness 19 by
                    # default) would miss these tests' timings for them, not for the code under test.
                    *(
                        ["--niceness", "0"]
                        if command == "task_worker" and "--niceness" not in options
                        else []
                    ),
                    *options,
                ],
                cwd=BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_path.read_text()

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def start_worker(database_access, tmp_path):
    started = []

    def start(command: str, *options: str, worker_id: str) -> WorkerProcess:
        worker = WorkerProcess(
            command, *options, access=database_access, tmp_path=tmp_path, worker_id=worker_id
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(condition, what: str, *, seconds: float, workers=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {worker.log_path.name}:\n{worker.log()}" for worker in workers)
            pytest.fail(f"{what} did not happen within {seconds:.0f} s\n{logs}")
        time.sleep(0.1)


def polling(worker: WorkerProcess) -> bool:
    assert worker.running(), f"{worker.log_path.name} stopped before the fault:\n{worker.log()}"
    return "Starting worker" in worker.log()


def queue_email(number: int) -> OutboundEmail:
    email = OutboundEmail.objects.create(
        key=f"task-worker-test:{number}",
        recipient="hakija@example.com",
        language="fi",
        subject="Hakemus vastaanotettu",
        body="Hakemuksenne on vastaanotettu.",
    )
    deliver_email.enqueue(email_id=email.pk)
    return email


def sent(email: OutboundEmail) -> bool:
    email.refresh_from_db()
    return email.status == OutboundEmail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_task_worker__carries_on_when_the_database_returns__db_worker_stops(
    task_database, database_access, start_worker
):
    ours = start_worker(
        "task_worker", "--reconnect-wait", "0.5", "--max-reconnect-wait", "2", worker_id="ours"
    )
    stock = start_worker("db_worker", worker_id="stock")
    wait_for(
        lambda: polling(ours) and polling(stock), "both workers polling", seconds=60, workers=[ours, stock]
    )

    with database_access.away():
        wait_for(
            lambda: not stock.running() and "lost the database connection" in ours.log(),
            "db_worker stopping and task_worker waiting",
            seconds=15,
            workers=[ours, stock],
        )
        assert ours.running(), ours.log()

    assert stock.process.returncode != 0
    assert "OperationalError" in stock.log()
    email = queue_email(1)
    wait_for(
        lambda: sent(email),
        "the email queued after the database returned being sent",
        seconds=15,
        workers=[ours],
    )
    assert DBTaskResult.objects.get().worker_ids == ["ours"]
    assert "the database answers again" in ours.log()
    assert ours.stop() == 0, ours.log()


@pytest.mark.django_db(transaction=True)
def test_task_worker__stops_cleanly_on_sigterm_while_waiting_for_the_database(
    task_database, database_access, start_worker
):
    ours = start_worker("task_worker", "--reconnect-wait", "30", worker_id="ours")
    wait_for(lambda: polling(ours), "the worker polling", seconds=60, workers=[ours])

    with database_access.away():
        wait_for(
            lambda: "lost the database connection" in ours.log(),
            "the worker waiting",
            seconds=15,
            workers=[ours],
        )
        stopping = time.monotonic()
        ours.process.send_signal(signal.SIGTERM)
        assert ours.process.wait(timeout=10) == 0, ours.log()

    assert time.monotonic() - stopping < 5, "the worker finished its 30 s wait before stopping"
    assert "shutting down gracefully" in ours.log()


def test_task_worker__yields_the_processor_by_default(task_database):
    """At the deadline rush a receipt's PDF can wait; an applicant's save cannot (docs/performance.md)."""
    parser = TaskWorkerCommand().create_parser("manage.py", "task_worker")
    assert parser.parse_args([]).niceness == 19


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("niceness", [19, 3])
def test_task_worker__runs_at_the_niceness_given(task_database, start_worker, niceness):
    ours = start_worker("task_worker", "--niceness", str(niceness), worker_id="ours")
    wait_for(lambda: polling(ours), "the worker polling", seconds=60, workers=[ours])

    running_at = int(Path(f"/proc/{ours.process.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    assert running_at == max(niceness, os.getpriority(os.PRIO_PROCESS, 0))


@pytest.mark.django_db(transaction=True)
def test_task_worker__a_sigterm_while_it_claims_a_task_stops_it_after_that_transaction(task_database):
    """Exiting from the signal handler in the middle of the claiming transaction's COMMIT left the connection busy
    and the worker died with a traceback; between polls it still exits at once."""
    worker = in_process_worker()
    with transaction.atomic():
        worker.shutdown(signal.SIGTERM, None)
        assert not worker.running
        assert OutboundEmail.objects.count() == 0  # the connection still works inside the transaction

    sleeping = in_process_worker()
    with pytest.raises(SystemExit) as exit_:
        sleeping.shutdown(signal.SIGTERM, None)
    assert exit_.value.code == 0


@pytest.mark.parametrize("niceness", ["-1", "20", "x"])
def test_task_worker__refuses_a_niceness_outside_0_to_19(task_database, niceness):
    with pytest.raises(CommandError, match="niceness"):
        call_command("task_worker", "--niceness", niceness)


@pytest.mark.django_db(transaction=True)
def test_task_worker__stops_on_a_database_error_that_waiting_would_not_mend():
    """A worker started before the migrations (its table missing) stops and names the table, rather than waiting
    for ever: on SQLite that error is an OperationalError too, from a connection that works."""
    worker = in_process_worker()
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TASK_TABLE} RENAME TO not_migrated_yet")
        try:
            with pytest.raises(DatabaseError, match=TASK_TABLE):
                worker.run()
        finally:
            cursor.execute(f"ALTER TABLE not_migrated_yet RENAME TO {TASK_TABLE}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("in_transaction", "recorded"),
    [
        # Its end could not be written: the result would stay RUNNING until resume_stalled_tasks found it
        # stalled (TASK_STALLED_AFTER, 5 minutes), so the worker marks it failed itself.
        (False, DATABASE_LOST),
        # Its transaction could not be rolled back, so Django dropped the connection and the library wrote the
        # failure on a new one: FAILED, which nothing would ever resume.
        (True, "terminating connection due to administrator command"),
    ],
)
def test_task_worker__runs_again_at_once_a_task_whose_connection_was_lost(
    task_database, in_transaction, recorded
):
    if connection.vendor != "postgresql":
        pytest.skip("an open SQLite connection is never lost mid-task; on PostgreSQL the server ends it")
    key = f"connection-lost-in-transaction:{in_transaction}"
    queue_email_after_losing_the_connection.enqueue(key=key, in_transaction=in_transaction)

    in_process_worker().run()

    lost, again = DBTaskResult.objects.order_by("enqueued_at")
    assert lost.status == TaskResultStatus.FAILED
    assert recorded in lost.traceback
    assert again.status == TaskResultStatus.SUCCESSFUL
    assert again.args_kwargs == lost.args_kwargs
    assert OutboundEmail.objects.filter(key=key).count() == 1


@pytest.mark.parametrize("option", ["--reconnect-wait", "--max-reconnect-wait"])
def test_task_worker__refuses_a_wait_of_zero_seconds(task_database, option):
    with pytest.raises(CommandError, match="greater than zero"):
        call_command("task_worker", option, "0")
