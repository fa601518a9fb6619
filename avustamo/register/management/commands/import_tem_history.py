from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from avustamo.programmes.reference import DATA_DIR
from avustamo.register.imports import HistoryFileError, import_tem_history


class Command(BaseCommand):
    help = (
        "Import TEM's published integration NGO calls (2016–2022) and grants (2016–2021) as closed calls with "
        "awarded grants. DIR holds the two CSV files; by default the copies shipped with the service."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path, default=DATA_DIR, metavar="DIR")

    def handle(self, *args, directory: Path, **options):
        try:
            outcomes = import_tem_history(directory=directory)
        except (HistoryFileError, ValueError, KeyError) as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        self.stdout.write(
            "Calls: {calls_created} created, {calls_updated} updated, {calls_unchanged} unchanged. "
            "Grants: {grants_created} created, {grants_updated} updated, {grants_unchanged} unchanged.".format_map(
                outcomes
            )
        )
