"""The settlement of a grant from its accepted final report (issue 6, section 6): what the grant earned, and what is
still to pay or to return, shown line by line. One function, for the final report's review and its decision.

- The grant's share of the accepted eligible costs is the maximum share the decision states (688/2001, 6 and 11 §);
  without one, all of them.
- Earned is that share, but never more than the decisions award.
- Paid beyond what was earned is returned (20 §), except an amount of 100 € or less, which is not reclaimed.
- Earned beyond what was paid is still to pay (the last instalment becomes that amount).

Amounts are rounded half up to the cent at the share, the only step that divides.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from avustamo.core.money import to_cents

# 688/2001, 20 §: an amount to return of at most this much need not be returned.
NOT_RECLAIMED_AT_MOST = Decimal("100.00")


@dataclass(frozen=True)
class SettlementLine:
    label: str
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True)
class Settlement:
    accepted_costs: Decimal
    max_share_percent: Decimal
    share_of_costs: Decimal
    awarded: Decimal
    earned: Decimal
    paid: Decimal
    to_pay: Decimal
    over_paid: Decimal
    to_return: Decimal

    @property
    def cuts_the_grant(self) -> bool:
        """The grant earned less than the award in force: a decision against the recipient (HL 34 §)."""
        return self.earned < self.awarded

    @property
    def not_reclaimed(self) -> Decimal:
        """What was paid beyond the earned amount but is too small to reclaim (20 §)."""
        return self.over_paid - self.to_return

    def lines(self) -> list[SettlementLine]:
        lines = [
            SettlementLine(_("Eligible costs accepted from the final report"), self.accepted_costs),
            SettlementLine(_("Maximum share of the eligible costs"), percent=self.max_share_percent),
            SettlementLine(_("The grant's share of the accepted costs"), self.share_of_costs),
            SettlementLine(_("Awarded by the decisions"), self.awarded),
            SettlementLine(_("Earned: the smaller of the two"), self.earned),
            SettlementLine(_("Paid so far"), self.paid),
        ]
        if self.to_pay:
            lines.append(SettlementLine(_("Still to pay"), self.to_pay))
        if self.over_paid:
            lines.append(SettlementLine(_("Paid beyond what was earned"), self.over_paid))
            if self.to_return:
                lines.append(SettlementLine(_("To return (section 20)"), self.to_return))
            else:
                lines.append(
                    SettlementLine(_("Not reclaimed: 100 € or less (section 20)"), self.not_reclaimed)
                )
        return lines


def settle(
    *, accepted_costs: Decimal, max_share_percent: Decimal | None, awarded: Decimal, paid: Decimal
) -> Settlement:
    if accepted_costs < 0 or awarded < 0 or paid < 0:
        raise ValueError("Costs, awards and payments are not negative.")
    percent = Decimal("100") if max_share_percent is None else max_share_percent
    share = to_cents(accepted_costs * percent / 100)
    earned = min(share, awarded)
    over_paid = max(paid - earned, Decimal("0.00"))
    return Settlement(
        accepted_costs=accepted_costs,
        max_share_percent=percent,
        share_of_costs=share,
        awarded=awarded,
        earned=earned,
        paid=paid,
        to_pay=max(earned - paid, Decimal("0.00")),
        over_paid=over_paid,
        to_return=over_paid if over_paid > NOT_RECLAIMED_AT_MOST else Decimal("0.00"),
    )
