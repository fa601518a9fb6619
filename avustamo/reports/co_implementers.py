"""A report of a joint project: the lead's own part (the report's budget answer) and each co-implementer's part
(`CoImplementerReportPart`), the totals the report gives, and what the officials' review and the settlement see
about each co-implementer: its actual costs and own funding, the share of the grant the decision passes on to
it, and whether the call's minimum own funding is reached where the call applies it to each co-implementer.

Reads are `joint_report` (a fixed number of statements); the rest is arithmetic on its result.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from avustamo.applications.joint import figures_of
from avustamo.core.money import format_euros, format_percent, to_cents
from avustamo.decisions.models import CoImplementerShare
from avustamo.programmes.application_form.budget import COST_CATEGORIES, ZERO, BudgetFigures


@dataclass(frozen=True)
class ReportedPart:
    """One co-implementer in a report: what it reported (nothing yet when `saved` is false), what it planned in
    the application, and the share of the grant the decision passes on to it (None when it gives none)."""

    co_implementer: object  # applications.CoImplementer
    actual: BudgetFigures
    planned: BudgetFigures
    share: Decimal | None
    saved: bool

    @property
    def name(self) -> str:
        return self.co_implementer.name

    @property
    def costs_less_own_funding(self) -> Decimal:
        """The part of its actual costs that its own funding does not cover: what the grant passed on paid."""
        return max(self.actual.total_eligible_costs - self.actual.own_funding, ZERO)

    @property
    def share_difference(self) -> Decimal | None:
        """Its costs less its own funding against its share: below zero, it used less than it was passed."""
        return None if self.share is None else self.costs_less_own_funding - self.share


@dataclass(frozen=True)
class JointReport:
    lead: BudgetFigures
    parts: tuple[ReportedPart, ...]

    @property
    def is_joint(self) -> bool:
        return bool(self.parts)

    @property
    def whole(self) -> BudgetFigures:
        """The report's totals: every part's costs by category and own funding summed; the income and other
        public funding of the project are the lead's lines."""
        all_figures = [self.lead, *(part.actual for part in self.parts)]
        return BudgetFigures(
            costs={
                category: to_cents(sum((figures.costs[category] for figures in all_figures), ZERO))
                for category in COST_CATEGORIES
            },
            income=self.lead.income,
            other_public_funding=self.lead.other_public_funding,
            own_funding=to_cents(sum((figures.own_funding for figures in all_figures), ZERO)),
        )

    @property
    def planned_co_implementer_costs(self) -> dict[str, Decimal]:
        """The co-implementers' costs in the application, by category: with the lead's approved budget, the
        approved budget of the whole project."""
        return {
            category: to_cents(sum((part.planned.costs[category] for part in self.parts), ZERO))
            for category in COST_CATEGORIES
        }


def joint_report(report) -> JointReport:
    """The report's parts as saved: the lead's from its budget answer, each co-implementer of the application with
    its part of this report and its share in the decision. Three statements, whatever the number of
    co-implementers."""
    budget = report.form.parsed.fact_questions()["budget"]
    lead = BudgetFigures.from_answer(report.answers.get(budget.id))
    co_implementers = list(report.grant.application.co_implementers.all())
    if not co_implementers:
        return JointReport(lead=lead, parts=())
    saved = {part.co_implementer_id: part for part in report.co_implementer_parts.all()}
    shares = dict(
        CoImplementerShare.objects.filter(decision_id=report.grant.decision_id).values_list(
            "co_implementer_id", "amount"
        )
    )
    parts = tuple(
        ReportedPart(
            co_implementer=co_implementer,
            actual=(
                figures_of(saved[co_implementer.pk].costs, saved[co_implementer.pk].own_funding)
                if co_implementer.pk in saved
                else BudgetFigures(costs=dict.fromkeys(COST_CATEGORIES, ZERO))
            ),
            planned=figures_of(co_implementer.costs, co_implementer.own_funding),
            share=shares.get(co_implementer.pk),
            saved=co_implementer.pk in saved,
        )
        for co_implementer in co_implementers
    )
    return JointReport(lead=lead, parts=parts)


def part_notes(call, joint: JointReport) -> list[dict]:
    """What the officials and the recipient should notice about the co-implementers' parts, each naming the
    co-implementer, as {co_implementer, code, message}: a part not entered, own funding below the call's minimum
    where the call applies it to each co-implementer, and costs less own funding below the share the decision
    passed on. They do not stop the report from being sent: the figures are what was spent, and the officials
    judge them in the review of the finances."""
    notes = []
    minimum = call.own_funding_min_percent if call.own_funding_min_per_co_implementer else None
    for part in joint.parts:

        def note(code, message, part=part):
            notes.append({"co_implementer": part.co_implementer.pk, "code": code, "message": message})

        if not part.saved:
            note(
                "co_implementer_part_missing",
                _("The part of %(name)s has not been entered.") % {"name": part.name},
            )
            continue
        share = part.actual.own_funding_share
        if minimum is not None and share is not None and share < minimum:
            note(
                "co_implementer_own_funding_below_minimum",
                _(
                    "The own funding of %(name)s is %(share)s of its actual eligible costs, below the call's "
                    "minimum of %(limit)s for each co-implementer."
                )
                % {"name": part.name, "share": format_percent(share), "limit": format_percent(minimum)},
            )
        if part.share_difference is not None and part.share_difference < 0:
            note(
                "co_implementer_used_less_than_share",
                _(
                    "The actual costs of %(name)s less its own funding, %(used)s, are less than the share of the "
                    "grant the decision passes on to it, %(share)s."
                )
                % {
                    "name": part.name,
                    "used": format_euros(part.costs_less_own_funding),
                    "share": format_euros(part.share),
                },
            )
    return notes


def settlement_breakdown(joint: JointReport) -> list[dict]:
    """The co-implementers' figures as the approved settlement keeps them (plain JSON, amounts as text)."""
    return [
        {
            "co_implementer": part.co_implementer.pk,
            "business_id": part.co_implementer.business_id,
            "name": part.name,
            "eligible_costs": str(part.actual.total_eligible_costs),
            "own_funding": str(part.actual.own_funding),
            "costs_less_own_funding": str(part.costs_less_own_funding),
            "share": None if part.share is None else str(part.share),
        }
        for part in joint.parts
    ]
