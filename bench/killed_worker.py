"""A task worker killed with SIGKILL while publishing decisions, and the publication resumed.

Starts `manage.py task_worker` as a process on a file SQLite database (or `BENCH_DATABASE_URL`), starts publishing
a call's signed decisions, kills the worker with SIGKILL once some are published, shows the run stalled, resumes
it with `manage.py resume_stalled_tasks` and a new worker, and checks that every decision was published, noticed
and emailed exactly once and that no partial file is left. Prints the figures. See bench/README.md.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STALLED_AFTER_SECONDS = 5


def configure_environment(work: Path) -> dict[str, str]:
    """Settings for this process and the workers it starts: production settings but DEBUG (no secrets needed),
    tasks in the database, files and database in a folder of their own, never the developer's."""
    sys.path.insert(0, str(BASE_DIR))
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "avustamo.settings",
            "DEBUG": "true",
            "DATABASE_URL": database,
            "MEDIA_ROOT": str(work / "media"),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_URL": "dummymail://",
            "TASK_STALLED_AFTER_SECONDS": str(STALLED_AFTER_SECONDS),
            "CACHE_URL": "locmemcache://",
            "PERSON_KEY_SECRET": "bench-only-person-key",
        }
    )
    return dict(os.environ)


def start_worker(environment: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "task_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--no-reload",
        ],
        cwd=BASE_DIR,
        env=environment,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, *, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"gave up waiting {timeout:.0f} s for {what}")
        time.sleep(0.05)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=6, help="signed decisions to publish (default 6)")
    parser.add_argument(
        "--kill-after", type=int, default=2, help="kill once this many are published (default 2)"
    )
    arguments = parser.parse_args()
    if not 0 < arguments.kill_after < arguments.decisions:
        parser.error("--kill-after must be between 0 and --decisions")

    work = Path(tempfile.mkdtemp(prefix="avustamo-killed-worker-"))
    environment = configure_environment(work)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from avustamo.core.models import OutboundEmail
    from avustamo.core.notices import notice_of
    from avustamo.core.storage import PARTIAL_PREFIX
    from avustamo.decisions.models import Decision, DecisionStatus
    from avustamo.grants import services
    from avustamo.grants.models import PublicationRun
    from avustamo.programmes.reference import load_reference_data
    from tests.factories import CallFactory, DecisionFactory, UserFactory

    call_command("migrate", verbosity=0)
    load_reference_data()
    call = CallFactory(closed=True)
    decisions = [DecisionFactory.signed(call=call) for _ in range(arguments.decisions)]
    publisher = UserFactory(roles=["programme_manager"])
    log = work / "workers.log"

    def run() -> PublicationRun:
        return PublicationRun.objects.get(call=call)

    worker = start_worker(environment, log)
    with transaction.atomic():
        services.decisions_publish(call=call, acting_user=publisher)
    seconds_to_kill = wait_for(
        lambda: run().done >= arguments.kill_after, timeout=300, what=f"{arguments.kill_after} published"
    )
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    killed = run()
    task = DBTaskResult.objects.get(pk=killed.task_result_id)
    print(
        f"killed task_worker (pid {worker.pid}) with SIGKILL {seconds_to_kill:.1f} s after publishing began"
    )
    print(f"  run: {killed.status}, {killed.done} of {killed.total}; its task result: {task.status}")
    print(f"  stalled at once: {killed.is_stalled}")
    seconds_to_stall = wait_for(lambda: run().is_stalled, timeout=60, what="the run to count as stalled")
    print(
        f"  stalled after {seconds_to_stall:.1f} s more (TASK_STALLED_AFTER_SECONDS={STALLED_AFTER_SECONDS})"
    )

    command = subprocess.run(
        [sys.executable, "manage.py", "resume_stalled_tasks"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"manage.py resume_stalled_tasks: {command.stdout.strip()}")
    print(
        f"  run: {run().status}; the killed worker's task result: {DBTaskResult.objects.get(pk=task.pk).status}"
    )
    resumed_at = time.monotonic()
    worker = start_worker(environment, log)
    wait_for(lambda: run().status == PublicationRun.Status.FINISHED, timeout=300, what="the resumed run")
    wait_for(
        lambda: not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists(),
        timeout=60,
        what="the emails",
    )
    print(f"a new task_worker finished the run {time.monotonic() - resumed_at:.1f} s after the resume")
    worker.send_signal(signal.SIGTERM)
    worker.wait()

    finished = run()
    published = Decision.objects.filter(pk__in=[d.pk for d in decisions], status=DecisionStatus.PUBLISHED)
    emails = [OutboundEmail.objects.filter(key=f"decision-published:{d.pk}").count() for d in decisions]
    notices = [notice_of(d) is not None for d in decisions]
    media = work / "media"
    files = [path for path in (media / "decisions").rglob("*") if path.is_file()]
    partial = [path for path in files if path.name.startswith(PARTIAL_PREFIX)]
    referenced = {name for d in published for name in (d.document.name, d.courtesy_document.name)}
    unreferenced = [path for path in files if str(path.relative_to(media)) not in referenced]
    checks = {
        f"run finished, {finished.done} of {finished.total}": finished.status
        == PublicationRun.Status.FINISHED
        and finished.done == finished.total == arguments.decisions,
        f"{published.count()} of {arguments.decisions} decisions published": published.count()
        == arguments.decisions,
        f"emails per decision {emails}": emails == [1] * arguments.decisions,
        "every email sent (decisions' and the applications' receipts)": not OutboundEmail.objects.exclude(
            status="sent"
        ).exists(),
        "a notice per decision": all(notices),
        f"no partial file ({len(partial)})": not partial,
        "no task result left running": not DBTaskResult.objects.filter(status="RUNNING").exists(),
    }
    for what, holds in checks.items():
        print(f"  {'ok  ' if holds else 'FAIL'} {what}")
    print(
        f"  decision documents stored: {len(files)}, of which {len(unreferenced)} complete but unreferenced "
        "(written by the transaction the kill rolled back)"
    )
    print(f"work folder (database, files, worker log): {work}")
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
