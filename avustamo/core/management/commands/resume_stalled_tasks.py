from django.core.management.base import BaseCommand

from avustamo.core.task_runs import resume_stalled


class Command(BaseCommand):
    help = (
        "Resume the background work of task workers that were killed: publications of decisions that show no "
        "progress, and documents, receipts and emails whose task never ended (run from cron every few minutes, "
        "beside send_outbox). Nothing is done twice: what was done already is skipped."
    )

    def handle(self, *args, **options):
        counts = resume_stalled()
        self.stdout.write("; ".join(f"{name} {count}" for name, count in counts.items()))
