from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from avustamo.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` into this installation's database and file storage: every "
        "checksum is checked first, and a target that holds data is refused unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help="the archive `manage.py backup` wrote")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database and a storage that already hold data (the restored files replace those of "
            "the same name; other files are left)",
        )

    def handle(self, *args, input: Path, replace: bool, **options):
        try:
            summary = backup_restore(input, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored the {summary.database_vendor} database and {summary.files} files "
            f"({summary.file_bytes:,} bytes) of the backup made at {summary.made_at} by Avustamo "
            f"{summary.version}, every checksum checked, in {summary.seconds:.1f} s"
        )
        if summary.migrations_to_apply:
            self.stdout.write(
                f"this code has {len(summary.migrations_to_apply)} migrations the backup lacks: run "
                "`manage.py migrate`"
            )
