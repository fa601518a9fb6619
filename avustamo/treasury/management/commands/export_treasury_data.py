import argparse
import shutil
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from avustamo.core.dates import iso_day_argument
from avustamo.treasury import export as treasury
from avustamo.treasury import services


def record_kinds(value: str) -> list[str]:
    kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
    unknown = sorted(set(kinds) - set(treasury.RECORD_KINDS))
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give kinds separated by commas, of {', '.join(treasury.RECORD_KINDS)}"
        )
    return kinds


class Command(BaseCommand):
    help = (
        "Export calls, applications, decisions, payments, changes, returns and reports for the State "
        "Treasury's grant data repository (law 1075/2022), for one call or for a period of days in Helsinki time. "
        "With --deliver the file is also kept in the log of deliveries. The layout is described in "
        "docs/treasury-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--call", default="", metavar="REFERENCE", help="the reference of a published call"
        )
        parser.add_argument("--from", dest="first_day", type=iso_day_argument, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="last_day", type=iso_day_argument, metavar="YYYY-MM-DD")
        parser.add_argument("--format", dest="file_format", choices=treasury.FORMATS, default="json")
        parser.add_argument(
            "--kinds",
            type=record_kinds,
            default=list(treasury.RECORD_KINDS),
            metavar="KIND,…",
            help=f"the record kinds to write, by default all: {','.join(treasury.RECORD_KINDS)}",
        )
        parser.add_argument(
            "--deliver",
            action="store_true",
            help="keep the file in the log of deliveries too (its checksum and each record's fingerprint)",
        )
        parser.add_argument("--output", required=True, type=Path, metavar="FILE")

    def handle(self, *args, call, first_day, last_day, file_format, kinds, deliver, output: Path, **options):
        try:
            selection = treasury.make_selection(call_reference=call, first_day=first_day, last_day=last_day)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        # Written beside the output and moved in place at the end: a failed export leaves no partial file.
        with tempfile.NamedTemporaryFile(dir=output.parent, prefix=".treasury-", delete=False) as out:
            try:
                if deliver:
                    delivery = services.delivery_produce(
                        selection=selection, record_kinds=kinds, file_format=file_format, acting_user=None
                    )
                    with delivery.file.open("rb") as stored:
                        shutil.copyfileobj(stored, out)
                    counts = delivery.counts
                else:
                    counts = treasury.write_export(selection, file_format, out, kinds=kinds)
            except BaseException:
                Path(out.name).unlink()
                raise
        Path(out.name).replace(output)
        if deliver:
            self.stdout.write(f"Delivery {delivery.pk}, SHA-256 {delivery.checksum}.")
        else:
            treasury.record_export(
                acting_user=None, selection=selection, file_format=file_format, counts=counts, via="command"
            )
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Wrote {output}: {summary}.")
