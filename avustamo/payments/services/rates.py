"""The table of reference rates that the interest of returns and recoveries is reckoned from."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.payments.models import ReferenceRate, ReturnClaim
from avustamo.payments.services.recovery import complete_interest


@transaction.atomic
def reference_rate_enter(*, valid_from, rate: Decimal, source: str, acting_user) -> ReferenceRate:
    """Enter the reference rate of a half-year, or correct the one entered. The interest of the open claims decided
    before this rate was announced is then completed up to their due dates, where every rate they need is in."""
    if valid_from.day != 1 or valid_from.month not in (1, 7):
        raise ValidationError(
            {"valid_from": _("A reference rate is set for a half-year: give 1 January or 1 July.")}
        )
    existing = ReferenceRate.objects.select_for_update().filter(valid_from=valid_from).first()
    previous = existing.rate if existing else None
    rate_row = existing or ReferenceRate(valid_from=valid_from)
    rate_row.rate = rate
    rate_row.source = source.strip()
    rate_row.entered_by = acting_user
    rate_row.full_clean()
    rate_row.save()
    audit(
        acting_user=acting_user,
        action="payments.reference_rate_corrected" if existing else "payments.reference_rate_entered",
        target=rate_row,
        valid_from=valid_from,
        rate=rate,
        previous_rate=previous,
        source=rate_row.source,
    )
    waiting = ReturnClaim.objects.filter(
        received_on__isnull=True, interest_reckoned_to__lt=models.F("due_date"), due_date__gt=valid_from
    )
    for claim in waiting:
        complete_interest(claim=claim, acting_user=acting_user)
    return rate_row
