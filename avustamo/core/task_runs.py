"""Background work that survives a killed worker.

django-tasks-db (0.13) marks a task's result RUNNING when a worker claims it, and SUCCESSFUL or FAILED when the
task returns or raises. A worker killed by SIGKILL, the out-of-memory killer or a lost machine leaves the result
RUNNING for ever, and the library has no recovery of its own (nor a record of which workers are alive). Our tasks
are written so that running one again is safe: each item is done in its own transaction under a row lock, and
skipped when it is done already. So work found stalled is simply done again:

- a task marked `@resumable` (a single document, email or receipt: seconds of work) whose result has been RUNNING
  longer than `settings.TASK_STALLED_AFTER` is marked failed ("the worker stopped") and enqueued again with the
  same arguments;
- a run of many items, such as the publication of a call's decisions, records its progress and a heartbeat as it
  goes; its app registers, with `@resumes_stalled_runs`, the function that resumes its stalled runs.

`manage.py resume_stalled_tasks`, run from cron every few minutes, does both (`resume_stalled`).
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult

from avustamo.core.storage import remove_partial_files

RESUMABLE_TASKS: dict[str, Task] = {}
STALLED_RUN_RESUMERS: dict[str, Callable[[], int]] = {}

WORKER_LOST = (
    "The worker running this task stopped before it ended (killed, or its machine lost); "
    "manage.py resume_stalled_tasks has enqueued the work again."
)

DATABASE_LOST = (
    "The task worker lost its database connection while this task ran, so its end was not recorded; a task "
    "safe to run again has been enqueued again."
)


class WorkerLost(Exception):
    """Recorded as the error of a task result whose worker stopped before the task ended."""


def resumable(task: Task) -> Task:
    """Mark a task as safe to run again from the start when its worker died (put above `@task()`)."""
    RESUMABLE_TASKS[task.module_path] = task
    return task


def resumes_stalled_runs(name: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    """Register a function that resumes an app's stalled runs and returns how many it resumed."""

    def register(resumer: Callable[[], int]) -> Callable[[], int]:
        STALLED_RUN_RESUMERS[name] = resumer
        return resumer

    return register


def stalled_before() -> datetime.datetime:
    """Work that has shown no progress since this moment is taken as stalled."""
    return timezone.now() - settings.TASK_STALLED_AFTER


class TaskState:
    WAITING = "waiting"  # enqueued, not yet taken by a worker
    RUNNING = "running"  # taken by a worker, which may since have died
    ENDED = "ended"  # returned or raised (or its result was pruned, which only finished results are)
    UNKNOWN = "unknown"  # a backend that keeps no results, or no result recorded


def task_state(result_id: str) -> str:
    """What the task backend knows of a task's result."""
    if not result_id or not default_task_backend.supports_get_result:
        return TaskState.UNKNOWN
    try:
        status = default_task_backend.get_result(result_id).status
    except TaskResultDoesNotExist:
        return TaskState.ENDED
    return {TaskResultStatus.READY: TaskState.WAITING, TaskResultStatus.RUNNING: TaskState.RUNNING}.get(
        status, TaskState.ENDED
    )


def abandon_task_result(result_id: str, *, reason: str = WORKER_LOST) -> bool:
    """Mark the result of a task whose worker is gone as failed, so that it no longer shows as running and is
    not resumed twice. True when this call marked it (a conditional update: two callers cannot both)."""
    if not result_id:
        return False
    return bool(
        DBTaskResult.objects.filter(pk=result_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=reason,
        )
    )


def enqueue_again(result: DBTaskResult) -> bool:
    """Enqueue a resumable task again with the arguments of an earlier result; False for a task that is not."""
    if result.task_path not in RESUMABLE_TASKS:
        return False
    task = RESUMABLE_TASKS[result.task_path].using(priority=result.priority, queue_name=result.queue_name)
    task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    return True


def resume_task_result(result: DBTaskResult, *, reason: str = WORKER_LOST) -> bool:
    """Mark the result of a task whose run was cut short as failed and, when the task is resumable, enqueue it
    again. True when this call did it, False when the result had already ended (another resumer, or the task
    itself, got there first)."""
    with transaction.atomic():
        if not abandon_task_result(result.pk, reason=reason):
            return False
        enqueue_again(result)
    return True


def resume_stalled_task_results() -> int:
    """Enqueue again every resumable task whose result has been running too long: its worker has died."""
    stalled = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=stalled_before(), task_path__in=list(RESUMABLE_TASKS)
    )
    return sum(resume_task_result(result) for result in stalled)


def resume_stalled() -> dict[str, int]:
    """Resume every stalled run and task, and clear the temporary files of writes a killed worker left."""
    autodiscover_modules("tasks")  # each app's tasks module marks its tasks and registers its resumer
    counts = {name: resumer() for name, resumer in STALLED_RUN_RESUMERS.items()}
    counts["tasks"] = resume_stalled_task_results()
    counts["partial files removed"] = remove_partial_files(
        default_storage, older_than=settings.TASK_STALLED_AFTER
    )
    return counts
