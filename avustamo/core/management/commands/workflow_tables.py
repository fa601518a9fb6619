"""Print the transition table of every model with a status, as Markdown, for docs/workflows.md."""

from django.core.management.base import BaseCommand

from avustamo.core.transitions import workflow_tables_markdown


class Command(BaseCommand):
    help = "Print every status's transition table as Markdown (docs/workflows.md includes the output)."

    def handle(self, *args, **options):
        self.stdout.write(workflow_tables_markdown(), ending="")
