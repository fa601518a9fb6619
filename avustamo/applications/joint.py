"""The budget of a joint project: the lead applicant's own part and each co-implementer's part, and the call's
funding rules applied to the whole and, where the call says so, to each co-implementer.

A co-implementer's part is its eligible costs by the budget's cost categories and its own funding; the income
and other public funding of the project are the lead's lines. The whole is the sum of the parts, so the grant
applied for is the whole's costs less its income, other public funding and everyone's own funding.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from avustamo.core.money import format_euros, format_percent, to_cents
from avustamo.programmes.application_form.budget import COST_CATEGORIES, ZERO, BudgetFigures


@dataclass(frozen=True)
class CoImplementerPart:
    """One co-implementer as the budget and the copies show it: from the table, or as a submitted version
    kept it (`snapshot`)."""

    business_id: str
    name: str
    figures: BudgetFigures
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    pk: int | None = None

    @classmethod
    def from_model(cls, co_implementer) -> "CoImplementerPart":
        return cls(
            business_id=co_implementer.business_id,
            name=co_implementer.name,
            figures=figures_of(co_implementer.costs, co_implementer.own_funding),
            contact_name=co_implementer.contact_name,
            contact_email=co_implementer.contact_email,
            contact_phone=co_implementer.contact_phone,
            pk=co_implementer.pk,
        )

    @classmethod
    def from_snapshot(cls, kept: dict) -> "CoImplementerPart":
        return cls(
            business_id=kept.get("business_id", ""),
            name=kept.get("name", ""),
            figures=figures_of(kept.get("costs"), kept.get("own_funding")),
            contact_name=kept.get("contact_name", ""),
            contact_email=kept.get("contact_email", ""),
            contact_phone=kept.get("contact_phone", ""),
            pk=kept.get("id"),
        )

    @property
    def costs_by_category(self) -> list[tuple[str, Decimal]]:
        """The categories with costs, each with its label in the active language."""
        return [(str(COST_CATEGORIES[key]), amount) for key, amount in self.figures.costs.items() if amount]

    @property
    def contact(self) -> str:
        return ", ".join(part for part in (self.contact_name, self.contact_email, self.contact_phone) if part)


def snapshot(co_implementer) -> dict:
    """A co-implementer as a submitted version keeps it: plain JSON, amounts as text with two places."""
    figures = figures_of(co_implementer.costs, co_implementer.own_funding)
    return {
        "id": co_implementer.pk,
        "business_id": co_implementer.business_id,
        "name": co_implementer.name,
        "costs": {key: str(amount) for key, amount in figures.costs.items() if amount},
        "own_funding": str(figures.own_funding),
        "contact_name": co_implementer.contact_name,
        "contact_email": co_implementer.contact_email,
        "contact_phone": co_implementer.contact_phone,
    }


def figures_of(costs: dict | None, own_funding) -> BudgetFigures:
    """A co-implementer's part as budget figures; an amount that is no number counts as nothing (the service
    never stores one)."""
    costs = costs if isinstance(costs, dict) else {}
    return BudgetFigures(
        costs={category: _amount(costs.get(category)) for category in COST_CATEGORIES},
        own_funding=_amount(own_funding),
    )


def _amount(value) -> Decimal:
    try:
        return to_cents(value or 0)
    except (InvalidOperation, TypeError, ValueError):
        return ZERO


@dataclass(frozen=True)
class JointBudget:
    """The lead's own part, the co-implementers' parts, and the whole."""

    lead: BudgetFigures
    co_implementers: tuple[CoImplementerPart, ...]

    @property
    def whole(self) -> BudgetFigures:
        parts = [self.lead, *(part.figures for part in self.co_implementers)]
        return BudgetFigures(
            costs={
                category: to_cents(sum((part.costs.get(category, ZERO) for part in parts), ZERO))
                for category in COST_CATEGORIES
            },
            income=self.lead.income,
            other_public_funding=self.lead.other_public_funding,
            own_funding=to_cents(sum((part.own_funding for part in parts), ZERO)),
        )

    @property
    def is_joint(self) -> bool:
        return bool(self.co_implementers)

    @property
    def rows(self) -> list[tuple[str, BudgetFigures]]:
        """The breakdown: the lead's part, then each co-implementer's, by name."""
        return [
            (_("The applicant's own part"), self.lead),
            *((part.name, part.figures) for part in self.co_implementers),
        ]


def co_implementer_problems(call, parts: tuple[CoImplementerPart, ...]) -> list[dict]:
    """Why the co-implementers cannot be sent as they are, each message naming the co-implementer: the call must
    allow them, each must have costs and no more own funding than costs, and, where the call says so, reach its
    minimum own funding. As {field, code, message}."""
    if not parts:
        return []
    if not call.co_implementers_allowed:
        return [
            {
                "field": "co_implementers",
                "code": "co_implementers_not_allowed",
                "message": _("This call does not allow co-implementers: remove them before sending."),
            }
        ]
    problems = []
    for part in parts:
        field = f"co_implementer_{part.pk}" if part.pk else "co_implementers"
        problems += [
            {"field": field, "code": code, "message": message}
            for code, message in part_problems(call, part.name, part.figures)
        ]
    return problems


def part_problems(call, name: str, figures: BudgetFigures) -> list[tuple[str, str]]:
    """The rules for one co-implementer's part, as (code, message) naming it."""
    if not figures.total_eligible_costs:
        return [("co_implementer_costs_missing", _("Enter the eligible costs of %(name)s.") % {"name": name})]
    if figures.own_funding > figures.total_eligible_costs:
        return [
            (
                "co_implementer_own_funding_above_costs",
                _("The own funding of %(name)s, %(own)s, is more than its eligible costs, %(costs)s.")
                % {
                    "name": name,
                    "own": format_euros(figures.own_funding),
                    "costs": format_euros(figures.total_eligible_costs),
                },
            )
        ]
    limit = call.own_funding_min_percent
    if call.own_funding_min_per_co_implementer and limit is not None and figures.own_funding_share < limit:
        return [
            (
                "co_implementer_own_funding_too_small",
                _(
                    "The own funding of %(name)s must be at least %(limit)s of its eligible costs; it is "
                    "%(share)s."
                )
                % {
                    "name": name,
                    "limit": format_percent(limit),
                    "share": format_percent(figures.own_funding_share),
                },
            )
        ]
    return []
