"""django-tasks-db's `db_worker`, kept running while the database is away.

django-tasks-db 0.13's worker loop re-raises every database error except SQLite's "database is locked", so a
PostgreSQL restart of a few seconds stops `manage.py db_worker` for good: receipts, decision documents and emails
then wait until someone starts it again. `manage.py task_worker` takes the same options and runs the same loop;
when the database connection is lost or refused it logs a warning, waits (1 s, doubling up to 30 s by default)
until the database answers, and carries on. Every other error still stops it, as before.

A task that was running when the connection went could not record its end: its result stays RUNNING, as a
killed worker leaves it, and `manage.py resume_stalled_tasks` (avustamo/core/task_runs.py, from cron) would take it
up only once it has shown no progress for TASK_STALLED_AFTER (5 minutes), so an acknowledged submit would wait up
to ten minutes for its receipt. This worker knows the task was cut short, so as soon as the database answers it
does what the resumer would: marks the result failed and enqueues a resumable task again (those tasks skip what
was done already; core.task_runs). A task that is not resumable on its own, a publication of decisions, is only
marked failed: its run then counts as stalled at once and is resumed by its button or resume_stalled_tasks.
"""

import contextlib
import logging
import math
import os
import signal
import time
from argparse import ArgumentParser, ArgumentTypeError

from django.core.management.base import CommandError
from django.db import Error, InterfaceError, OperationalError, connections, router
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from avustamo.core.task_runs import DATABASE_LOST, RESUMABLE_TASKS, enqueue_again, resume_task_result

logger = logging.getLogger("django_tasks_db")
CONNECTION_ERRORS = {
    f"{error.__module__}.{error.__qualname__}" for error in (OperationalError, InterfaceError)
}


class ReconnectingWorker(db_worker.Worker):
    """django-tasks-db's worker, which waits for a lost database rather than stopping."""

    def __init__(self, *, reconnect_wait: float, max_reconnect_wait: float, **worker_options):
        super().__init__(**worker_options)
        self.reconnect_wait = reconnect_wait
        self.max_reconnect_wait = max_reconnect_wait
        self.cut_short: DBTaskResult | None = None

    def run(self) -> None:
        while self.running:
            try:
                self.resume_task_cut_short()
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.database_lost():
                    raise
                self.wait_for_database(error)

    def shutdown(self, signum: int, frame) -> None:
        """The library exits from the signal handler at once when no task runs, which is right while the worker
        sleeps between polls but not while it claims a task: a SIGTERM in the middle of that transaction's COMMIT
        left the connection busy, and the worker died with a traceback and an error status. Then it stops when the
        transaction is over, as after a task."""
        if self.running and not self.running_task and self.database.in_atomic_block:
            logger.warning("Received %s - shutting down after this transaction...", signal.strsignal(signum))
            self.running = False
            return
        super().shutdown(signum, frame)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        connection_before = self.database.connection
        try:
            super().run_task(db_task_result)
        except (OperationalError, InterfaceError):
            # The task's end could not be written (the library records a task's own errors as its result).
            self.cut_short = db_task_result
            raise
        # A task that failed on a connection lost meanwhile: Django dropped it when the task's transaction could
        # not be rolled back, and the library wrote the failure on a new one. Run it again, as if cut short.
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in CONNECTION_ERRORS
            and self.database.connection is not connection_before
            and enqueue_again(db_task_result)
        ):
            logger.warning(
                "Worker %s: task id=%s path=%s failed on the lost connection: enqueued again",
                self.worker_id,
                db_task_result.pk,
                db_task_result.task_path,
            )

    def resume_task_cut_short(self) -> None:
        if self.cut_short is None:
            return
        result = self.cut_short
        if resume_task_result(result, reason=DATABASE_LOST):
            logger.warning(
                "Worker %s: task id=%s path=%s was cut short by the lost connection: marked failed%s",
                self.worker_id,
                result.pk,
                result.task_path,
                " and enqueued again" if result.task_path in RESUMABLE_TASKS else "",
            )
        self.cut_short = None  # only once done: a connection lost again meanwhile leaves it for the next try

    @property
    def database(self):
        return connections[router.db_for_write(DBTaskResult)]

    def database_lost(self) -> bool:
        """True when the error came from a connection that could not be opened or no longer works, rather than
        from a query the database refused (a missing table, a timeout), which waiting would not mend."""
        return self.database.connection is None or not self.database.is_usable()

    def close_database(self) -> None:
        # Closing a connection the server already dropped may fail; Django forgets it either way.
        with contextlib.suppress(Error):
            self.database.close()

    def wait_for_database(self, error: Error) -> None:
        """Wait, with the pause doubling up to `max_reconnect_wait`, until a connection opens again. SIGTERM and
        SIGINT still stop the worker meanwhile: the signal handler exits while nothing runs."""
        logger.warning(
            "Worker %s lost the database connection (%s): waiting for the database, the first try in %g s",
            self.worker_id,
            str(error).strip(),
            self.reconnect_wait,
        )
        lost_at = time.monotonic()
        wait = self.reconnect_wait
        while self.running:
            self.close_database()
            time.sleep(wait)
            try:
                self.database.ensure_connection()
            except (OperationalError, InterfaceError) as still:
                wait = min(wait * 2, self.max_reconnect_wait)
                logger.warning(
                    "Worker %s: the database does not answer yet (%s); trying again in %g s",
                    self.worker_id,
                    str(still).strip(),
                    wait,
                )
                continue
            logger.warning(
                "Worker %s: the database answers again after %.1f s; carrying on",
                self.worker_id,
                time.monotonic() - lost_at,
            )
            return


def positive_seconds(value: str) -> float:
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ArgumentTypeError("Must be a number of seconds greater than zero")
    return seconds


# Receipts, emails and PDFs can wait a few seconds; an applicant's save at the deadline cannot. On a machine shared
# with the web servers the worker takes the processor only when they leave it free: at the deadline rush the
# receipts' PDFs took a third of a core from the requests, and still a tenth at niceness 10 (docs/performance.md).
# On a machine of its own the niceness changes nothing.
DEFAULT_NICENESS = 19


def _yield_the_processor(niceness: int) -> None:
    """Lower this process's CPU priority to `niceness`; never raise it (only the superuser may)."""
    if niceness > os.getpriority(os.PRIO_PROCESS, 0):
        os.setpriority(os.PRIO_PROCESS, 0, niceness)


class Command(db_worker.Command):
    help = (
        "Run the background task worker (django-tasks-db's db_worker, with the same options), which waits for "
        "the database when its connection is lost or refused, e.g. while PostgreSQL restarts, and then carries on."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--reconnect-wait",
            type=positive_seconds,
            default=1.0,
            help="Seconds to wait before the first try when the database is lost; doubled on each failed try "
            "(default: %(default)r)",
        )
        parser.add_argument(
            "--max-reconnect-wait",
            type=positive_seconds,
            default=30.0,
            help="The longest wait between tries to reach the database (default: %(default)r)",
        )
        parser.add_argument(
            "--niceness",
            type=int,
            choices=range(20),
            default=DEFAULT_NICENESS,
            metavar="0-19",
            help="The worker's CPU priority as the operating system's niceness: higher yields more to the web "
            "servers on the same machine (default: %(default)r)",
        )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        batch: bool,
        reload: bool,
        reconnect_wait: float,
        max_reconnect_wait: float,
        niceness: int,
        **options,
    ) -> None:
        _yield_the_processor(niceness)
        # db_worker's handle, but making our worker: the library names its Worker class inside that method.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning(
                "Warning: --reload and --batch cannot be specified together. Disabling autoreload."
            )
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = ReconnectingWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            reconnect_wait=reconnect_wait,
            max_reconnect_wait=max(reconnect_wait, max_reconnect_wait),
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloader's child runs the worker
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
