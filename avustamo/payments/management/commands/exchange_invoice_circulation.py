"""Deliver the invoices waiting for the State's invoice circulation and fetch its confirmations: run on a schedule
(a systemd timer every quarter of an hour in production; docs/payments.md)."""

from django.core.management.base import BaseCommand, CommandError

from avustamo.payments.models import ConfirmationOutcome
from avustamo.payments.services.invoicing import deliver_invoices, fetch_confirmations
from avustamo.payments.sftp import TransportError


class Command(BaseCommand):
    help = "Deliver waiting invoices to the invoice circulation and apply its confirmations."

    def handle(self, *args, **options):
        try:
            delivery = deliver_invoices()
            fetched = fetch_confirmations()
        except TransportError as error:
            raise CommandError(str(error)) from error
        outcomes = ", ".join(
            f"{outcome.label} {fetched.count(outcome)}"
            for outcome in ConfirmationOutcome
            if fetched.count(outcome)
        )
        self.stdout.write(
            f"Delivered {len(delivery.delivered)} invoices"
            + (f" ({len(delivery.already_there)} found already delivered)" if delivery.already_there else "")
            + f"; fetched {len(fetched.outcomes)} confirmations"
            + (f": {outcomes}" if outcomes else "")
        )
        for name, outcome in fetched.outcomes.items():
            if outcome in (ConfirmationOutcome.UNMATCHED, ConfirmationOutcome.UNREADABLE):
                self.stderr.write(f"{name}: {ConfirmationOutcome(outcome).label}")
