"""Retention of payment data (docs/retention.md): accounting material the service keeps."""

from django.utils.translation import gettext_lazy as _

from avustamo.core.retention import Action, RetentionRule

RULES = [
    RetentionRule(
        kind="payment_data",
        records=_(
            "Payments, payment batches, the grant's ledger, accounting postings, payment applications, returns "
            "and recoveries"
        ),
        clock=_("the end of the financial year of the last entry"),
        action=Action.KEEP,
        basis=_(
            "Accounting Act 1336/1997 chapter 2 §10 and the State Budget Decree 1243/1992: at least ten years "
            "from the end of the financial year; the service does not remove them, the archive formation plan "
            "decides their end."
        ),
    ),
]
