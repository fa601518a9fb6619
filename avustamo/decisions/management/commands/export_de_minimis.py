import csv
import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from avustamo.core.dates import iso_day_argument
from avustamo.decisions.de_minimis import REGISTER_FIELDS, de_minimis_grants


class Command(BaseCommand):
    help = (
        "Print the de minimis grants signed from SINCE to UNTIL (inclusive), one row per decision, as CSV or JSON: "
        "what the central de minimis register needs (docs/de-minimis.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", required=True, type=iso_day_argument, help="first day of signing, YYYY-MM-DD"
        )
        parser.add_argument(
            "--until", required=True, type=iso_day_argument, help="last day of signing, YYYY-MM-DD"
        )
        parser.add_argument("--format", choices=("csv", "json"), default="csv")

    def handle(self, *args, since: datetime.date, until: datetime.date, format: str, **options):
        start, end = since, until
        if end < start:
            raise CommandError("--until is before --since.")
        rows = de_minimis_grants(start, end)
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=REGISTER_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
