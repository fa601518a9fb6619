from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from avustamo.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and every stored file (local or S3) into one archive with a manifest of checksums "
        "(docs/reliability.md, 'Backup and restore')."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, type=Path, help="the archive to write, or a directory to write it in"
        )

    def handle(self, *args, output: Path, **options):
        try:
            summary = backup_create(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"backed up the {summary.database_vendor} database ({summary.database_bytes:,} bytes) and "
            f"{summary.files} files ({summary.file_bytes:,} bytes) to {summary.path} "
            f"({summary.archive_bytes:,} bytes) in {summary.seconds:.1f} s"
        )
