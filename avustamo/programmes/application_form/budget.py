"""The budget table's arithmetic: eligible costs by category, and the grant applied for.

requested = total eligible costs - income - other public funding - own funding. All amounts are Decimal euros
with two places; shares are percentages of the total eligible costs, rounded half up to two places.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from avustamo.core.money import to_cents

COST_CATEGORIES = {
    "personnel": _("Personnel costs"),
    "purchased_services": _("Purchased services"),
    "rents": _("Rents"),
    "travel": _("Travel"),
    "equipment": _("Equipment"),
    "other": _("Other costs"),
}
FINANCING_LINES = {
    "income": _("Income of the project"),
    "other_public_funding": _("Other public funding"),
    "own_funding": _("Own funding"),
}
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class BudgetFigures:
    costs: dict[str, Decimal] = field(default_factory=dict)
    income: Decimal = ZERO
    other_public_funding: Decimal = ZERO
    own_funding: Decimal = ZERO

    @classmethod
    def from_answer(cls, answer: dict | None) -> "BudgetFigures":
        answer = answer or {}
        costs = answer.get("costs") or {}
        return cls(
            costs={category: to_cents(costs.get(category) or 0) for category in COST_CATEGORIES},
            **{line: to_cents(answer.get(line) or 0) for line in FINANCING_LINES},
        )

    @property
    def total_eligible_costs(self) -> Decimal:
        return to_cents(sum(self.costs.values(), ZERO))

    @property
    def requested(self) -> Decimal:
        return to_cents(
            self.total_eligible_costs - self.income - self.other_public_funding - self.own_funding
        )

    def share_of_costs(self, amount: Decimal) -> Decimal | None:
        """`amount` as a percentage of the total eligible costs; None when there are no costs."""
        if not self.total_eligible_costs:
            return None
        return (amount / self.total_eligible_costs * HUNDRED).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def requested_share(self) -> Decimal | None:
        return self.share_of_costs(self.requested)

    @property
    def own_funding_share(self) -> Decimal | None:
        return self.share_of_costs(self.own_funding)
