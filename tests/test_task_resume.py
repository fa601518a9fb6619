"""Work of a task worker that was killed is detected and resumed, and nothing is done twice; documents appear
under their names only when whole.

A worker killed with SIGKILL leaves its django-tasks-db result RUNNING and its transaction rolled back. The tests
make that state exactly: the tasks run on the database backend, a worker of ours claims the result, and the task
is stopped by an exception no `except Exception` catches, which the worker never records, as after SIGKILL.
`bench/killed_worker.py` does it for real with `manage.py task_worker` and `kill -9`.
"""

import datetime
import io
import os
from contextlib import contextmanager
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from avustamo.applications.tasks import send_submission_receipt
from avustamo.core.models import OutboundEmail
from avustamo.core.notices import notice_of
from avustamo.core.storage import PARTIAL_PREFIX, remove_partial_files, save_whole
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.grants import services as grant_services
from avustamo.grants.models import PublicationRun
from tests.access import sign_in
from tests.factories import ApplicationFactory, CallFactory, DecisionFactory, UserFactory

pytestmark = pytest.mark.django_db

STALLED = settings.TASK_STALLED_AFTER + datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _media_of_this_test(settings, tmp_path):
    """Files of this test only: what a test finds in a folder is what it wrote."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def task_database(settings):
    """Tasks stored in the database and run by a worker, as in production (the tests' default runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class WorkerKilled(BaseException):
    """What SIGKILL does to a task: it stops, and neither the task nor the worker records anything."""


def db_worker(worker_id: str) -> Worker:
    """django-tasks-db's worker, as `manage.py db_worker` makes it."""
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_worker(capture_on_commit) -> int:
    """A db_worker of ours takes the ready tasks one by one until none is left; how many it ran."""
    worker = db_worker("test-worker")
    ran = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        with capture_on_commit(execute=True):
            worker.run_task(result)
        ran += 1
    return ran


@contextmanager
def killed_at_decision(number: int):
    """The worker is killed while publishing the `number`th decision (counting from 1): the decisions before it
    were committed, its transaction is rolled back."""
    publish = grant_services.decision_publish
    calls = 0

    def publish_until_killed(**kwargs):
        nonlocal calls
        calls += 1
        if calls == number:
            raise WorkerKilled
        return publish(**kwargs)

    with mock.patch.object(grant_services, "decision_publish", publish_until_killed):
        yield


def start_and_kill(result: DBTaskResult, capture_on_commit, *, at_decision: int) -> None:
    """A worker claims the publication's task and is killed with SIGKILL mid-run."""
    result.claim("killed-worker")
    with killed_at_decision(at_decision), pytest.raises(WorkerKilled), capture_on_commit(execute=True):
        result.task.call(*result.task_result.args, **result.task_result.kwargs)


@pytest.fixture
def resume_stalled_tasks(django_capture_on_commit_callbacks):
    """`manage.py resume_stalled_tasks` as cron runs it, committing what it does; returns what it printed."""

    def run() -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("resume_stalled_tasks", stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def publication(task_database, django_capture_on_commit_callbacks):
    """A closed call with three signed decisions, publishing started by its programme manager; the worker that
    took the task published the first decision and was killed while publishing the second."""
    call = CallFactory(closed=True)
    decisions = [DecisionFactory.signed(call=call) for _ in range(3)]
    publisher = UserFactory(roles=["programme_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        run = grant_services.decisions_publish(call=call, acting_user=publisher)
    run.refresh_from_db()
    start_and_kill(
        DBTaskResult.objects.get(pk=run.task_result_id), django_capture_on_commit_callbacks, at_decision=2
    )
    return {"call": call, "decisions": decisions, "publisher": publisher, "run": run}


def _run(publication) -> PublicationRun:
    return PublicationRun.objects.get(pk=publication["run"].pk)


def assert_each_decision_published_once(publication) -> None:
    run = _run(publication)
    assert (run.status, run.done, run.total) == (PublicationRun.Status.FINISHED, 3, 3)
    for decision in publication["decisions"]:
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.PUBLISHED
        assert decision.document.open("rb").read().startswith(b"%PDF")
        assert OutboundEmail.objects.filter(key=f"decision-published:{decision.pk}").count() == 1
        assert notice_of(decision) is not None
    sent_to = sorted(message.to[0] for message in mail.outbox)
    assert sent_to == sorted(d.application.submitted_by.email for d in publication["decisions"])
    folder = os.path.dirname(publication["decisions"][0].document.path)
    assert not [name for name in os.listdir(folder) if name.startswith(PARTIAL_PREFIX)]


def test_a_killed_publication_shows_as_running_until_no_progress_for_the_stall_time(publication, client):
    run = _run(publication)
    assert (run.status, run.done) == (PublicationRun.Status.RUNNING, 1)
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == TaskResultStatus.RUNNING
    assert not run.is_stalled
    sign_in(client, publication["publisher"])
    page = client.get(f"/official/calls/{publication['call'].pk}/publication/").content.decode()
    assert "Julkaiseminen on pysähtynyt" not in page and 'hx-trigger="every 2s"' in page
    with time_machine.travel(timezone.now() + STALLED):
        assert _run(publication).is_stalled


def test_a_stalled_publication_says_so_and_offers_the_button_only_to_those_who_may_publish(
    publication, client
):
    auditor = UserFactory(roles=["auditor"])
    url = f"/official/calls/{publication['call'].pk}/publication/"
    with time_machine.travel(timezone.now() + STALLED):
        sign_in(client, publication["publisher"])
        page = client.get(url).content.decode()
        assert "Julkaiseminen on pysähtynyt" in page and "Jatka julkaisemista" in page
        assert 'hx-trigger="every 2s"' not in page  # nothing to follow until it is resumed
        handling = client.get(f"/official/calls/{publication['call'].pk}/applications/").content.decode()
        assert "Jatka julkaisemista" in handling
        client.logout()
        sign_in(client, auditor)
        page = client.get(url).content.decode()
        assert "Julkaiseminen on pysähtynyt" in page and "Jatka julkaisemista" not in page


def test_the_command_resumes_a_stalled_publication_and_no_decision_is_published_twice(
    publication, resume_stalled_tasks, django_capture_on_commit_callbacks
):
    published_by_the_killed_worker = dict(
        Decision.objects.filter(
            pk__in=[decision.pk for decision in publication["decisions"]], status=DecisionStatus.PUBLISHED
        ).values_list("pk", "document")
    )
    assert len(published_by_the_killed_worker) == 1
    old_task = _run(publication).task_result_id
    with time_machine.travel(timezone.now() + STALLED):
        assert "publications 1" in resume_stalled_tasks()
        run = _run(publication)
        assert run.status == PublicationRun.Status.QUEUED and run.task_result_id != old_task
        abandoned = DBTaskResult.objects.get(pk=old_task)
        assert abandoned.status == TaskResultStatus.FAILED and "stopped" in abandoned.traceback
        assert "publications 0" in resume_stalled_tasks()  # a second cron run finds nothing to do
        run_worker(django_capture_on_commit_callbacks)
    assert_each_decision_published_once(publication)
    [(pk, document)] = published_by_the_killed_worker.items()
    assert Decision.objects.get(pk=pk).document.name == document  # made once, by the killed worker
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 0


def test_the_button_resumes_a_stalled_publication(publication, client, django_capture_on_commit_callbacks):
    sign_in(client, publication["publisher"])
    with time_machine.travel(timezone.now() + STALLED):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/official/calls/{publication['call'].pk}/publication/resume/", follow=True
            )
        assert response.status_code == 200
        assert "Julkaisemista jatketaan" in response.content.decode()
        run_worker(django_capture_on_commit_callbacks)
    assert_each_decision_published_once(publication)


def test_a_task_that_ended_without_finishing_its_run_is_stalled_at_once(
    task_database, django_capture_on_commit_callbacks
):
    """A second Ctrl+C (or SIGTERM) stops db_worker's current task: the worker records its result as failed, and
    the run is left running. That is known at once, without waiting for the stall time."""
    call = CallFactory(closed=True)
    DecisionFactory.signed(call=call)
    publisher = UserFactory(roles=["programme_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        run = grant_services.decisions_publish(call=call, acting_user=publisher)
    run.refresh_from_db()
    result = DBTaskResult.objects.get(pk=run.task_result_id)
    result.claim("stopped-worker")
    with killed_at_decision(1):
        db_worker("stopped-worker").run_task(result)
    assert DBTaskResult.objects.get(pk=result.pk).status == TaskResultStatus.FAILED
    run.refresh_from_db()
    assert run.status == PublicationRun.Status.RUNNING and run.is_stalled
    with django_capture_on_commit_callbacks(execute=True):
        grant_services.publication_run_resume(run=run, acting_user=publisher)
    run.refresh_from_db()
    assert run.status == PublicationRun.Status.QUEUED and run.task_result_id != str(result.pk)
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == TaskResultStatus.READY


def test_a_queued_publication_waiting_for_a_worker_has_not_stalled(
    task_database, resume_stalled_tasks, django_capture_on_commit_callbacks
):
    call = CallFactory(closed=True)
    DecisionFactory.signed(call=call)
    publisher = UserFactory(roles=["programme_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        run = grant_services.decisions_publish(call=call, acting_user=publisher)
    with time_machine.travel(timezone.now() + STALLED):
        run.refresh_from_db()
        assert run.status == PublicationRun.Status.QUEUED and not run.is_stalled
        assert "publications 0" in resume_stalled_tasks()
        assert DBTaskResult.objects.count() == 1


def test_the_button_is_refused_to_an_official_who_may_not_publish(publication, client):
    auditor = UserFactory(roles=["auditor"])
    sign_in(client, auditor)
    with time_machine.travel(timezone.now() + STALLED):
        response = client.post(f"/official/calls/{publication['call'].pk}/publication/resume/")
    assert response.status_code == 403
    run = _run(publication)
    assert run.status == PublicationRun.Status.RUNNING
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == TaskResultStatus.RUNNING


def test_the_button_is_refused_while_the_worker_is_still_publishing(publication, client):
    sign_in(client, publication["publisher"])
    response = client.post(f"/official/calls/{publication['call'].pk}/publication/resume/", follow=True)
    assert "Julkaiseminen ei ole pysähtynyt" in response.content.decode()
    run = _run(publication)
    assert (run.status, run.done) == (PublicationRun.Status.RUNNING, 1)
    assert not DBTaskResult.objects.filter(task_path__endswith=".publish_decisions", status="READY").exists()
    assert run.task_result_id == publication["run"].task_result_id


def test_a_finished_publication_is_not_resumed(
    publication, resume_stalled_tasks, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now() + STALLED):
        resume_stalled_tasks()
        run_worker(django_capture_on_commit_callbacks)
    with pytest.raises(grant_services.ValidationError) as refused:
        grant_services.publication_run_resume(run=_run(publication), acting_user=publication["publisher"])
    assert refused.value.code == "not_stalled"
    assert "päättynyt" in refused.value.messages[0]


def test_publishing_again_while_stalled_points_to_the_button(publication):
    with (
        time_machine.travel(timezone.now() + STALLED),
        pytest.raises(grant_services.ValidationError) as refused,
    ):
        grant_services.decisions_publish(call=publication["call"], acting_user=publication["publisher"])
    assert refused.value.code == "stalled" and "Jatka julkaisemista" in refused.value.messages[0]
    assert PublicationRun.objects.filter(call=publication["call"]).count() == 1


def test_a_receipt_whose_worker_was_killed_is_sent_once_by_the_command(
    task_database, resume_stalled_tasks, django_capture_on_commit_callbacks
):
    application = ApplicationFactory.submitted(CallFactory())
    OutboundEmail.objects.all().delete()
    mail.outbox.clear()
    result = send_submission_receipt.enqueue(application_id=application.pk, language="fi")
    DBTaskResult.objects.get(pk=result.id).claim("killed-worker")  # and SIGKILL before it stored anything
    assert resume_stalled_tasks().startswith("publications 0; tasks 0")  # not yet stalled
    with time_machine.travel(timezone.now() + STALLED):
        assert "tasks 1" in resume_stalled_tasks()
        assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
        assert run_worker(django_capture_on_commit_callbacks) == 2  # the receipt, then its email
        assert "tasks 0" in resume_stalled_tasks()
    receipt = OutboundEmail.objects.get(key=f"submission-receipt:{application.pk}:1")
    assert receipt.status == OutboundEmail.Status.SENT and len(mail.outbox) == 1
    # Run once more (two cron runs racing, say): no second copy is stored, no second email.
    send_submission_receipt.call(application_id=application.pk, language="fi")
    folder = os.path.dirname(FileSystemStorage().path(receipt.attachment))
    assert len(os.listdir(folder)) == 1 and len(mail.outbox) == 1


# --- Files written whole --------------------------------------------------------------------------------------


class BreaksMidWrite(File):
    """Content whose second chunk never comes: the disk filled up, or the process was stopped."""

    def __init__(self):
        super().__init__(io.BytesIO(b"%PDF-1.7 half"), name="decision.pdf")

    def chunks(self, chunk_size=None):
        yield b"%PDF-1.7 the first half of a document"
        raise OSError("No space left on device")


def test_a_failure_mid_write_leaves_no_file_under_the_name_and_no_temporary_file(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    with pytest.raises(OSError, match="No space"):
        save_whole(storage, "decisions/2026/decision-1-fi.pdf", BreaksMidWrite())
    assert not storage.exists("decisions/2026/decision-1-fi.pdf")
    assert os.listdir(tmp_path / "decisions" / "2026") == []


def test_a_whole_file_appears_under_its_name_and_never_replaces_another(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    first = save_whole(storage, "decisions/decision-1-fi.pdf", b"%PDF first")
    second = save_whole(storage, "decisions/decision-1-fi.pdf", ContentFile(b"%PDF second"))
    assert first == "decisions/decision-1-fi.pdf" and second != first
    assert storage.open(first).read() == b"%PDF first" and storage.open(second).read() == b"%PDF second"
    assert sorted(os.listdir(tmp_path / "decisions")) == sorted(os.path.basename(n) for n in (first, second))


def test_a_storage_that_overwrites_gets_the_new_file_in_one_step(tmp_path):
    storage = FileSystemStorage(location=tmp_path, allow_overwrite=True)
    save_whole(storage, "receipt.pdf", b"%PDF old")
    assert save_whole(storage, "receipt.pdf", b"%PDF new") == "receipt.pdf"
    assert storage.open("receipt.pdf").read() == b"%PDF new" and os.listdir(tmp_path) == ["receipt.pdf"]


def test_other_storages_upload_the_whole_object_through_their_own_save():
    storage = InMemoryStorage()
    name = save_whole(storage, "decisions/decision-1-fi.pdf", b"%PDF whole")
    assert storage.open(name).read() == b"%PDF whole"
    assert remove_partial_files(storage, older_than=datetime.timedelta(0)) == 0


def test_the_temporary_file_of_a_killed_write_is_removed_once_old(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    (tmp_path / "decisions").mkdir()
    left = tmp_path / "decisions" / f"{PARTIAL_PREFIX}0123abcd"
    left.write_bytes(b"%PDF-1.7 half")
    young = tmp_path / "decisions" / f"{PARTIAL_PREFIX}4567ef01"
    young.write_bytes(b"%PDF-1.7 being written now")
    kept = tmp_path / "decisions" / "decision-1-fi.pdf"
    kept.write_bytes(b"%PDF whole")
    # Each file's age set on the suite's clock, which may run ahead of the file system's (tests/conftest.py).
    now = timezone.now().timestamp()
    an_hour_ago = now - 3600
    os.utime(young, (now, now))
    os.utime(left, (an_hour_ago, an_hour_ago))
    os.utime(kept, (an_hour_ago, an_hour_ago))
    assert remove_partial_files(storage, older_than=datetime.timedelta(minutes=5)) == 1
    assert sorted(os.listdir(tmp_path / "decisions")) == sorted([young.name, kept.name])
