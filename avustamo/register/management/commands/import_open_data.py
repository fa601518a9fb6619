from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from avustamo.register.open_data_import import FORMATS, import_open_data


class Command(BaseCommand):
    help = (
        "Import a funder's published grants from a 360Giving JSON package or 360Giving CSV file into the public "
        "register. A file with any problem imports nothing; the problems are listed by row. Re-running a file "
        "changes nothing. See docs/open-data.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            dest="file_format",
            help="json or csv; by default the file's extension",
        )
        parser.add_argument(
            "--source-url",
            default="",
            help="where the file was published, for grants that name no data source",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; save nothing")

    def handle(self, *args, file: Path, file_format: str | None, source_url: str, dry_run: bool, **options):
        report = import_open_data(path=file, file_format=file_format, source_url=source_url, dry_run=dry_run)
        if report.problems:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
