"""The grants' background work: thin tasks that call the services, so a run killed mid-way can be started again."""

from django_tasks import task

from avustamo.core.task_runs import resumable, resumes_stalled_runs
from avustamo.grants import services


@task()
def publish_decisions(*, run_id: int) -> None:
    services.publication_run_execute(run_id=run_id)


@resumable
@task()
def change_decision_send(*, change_request_id: int) -> None:
    services.change_decision_send(change_request_id=change_request_id)


# A publication's run has its own heartbeat: resumed from it rather than from its task's result.
resumes_stalled_runs("publications")(services.publication_runs_resume_stalled)
