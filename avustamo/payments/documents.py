"""Decisions on a grant's money as PDF/A documents, in the language of the grant decision they concern: returns and
recoveries (with the interest of 24 § line by line as `services.return_claim_create` reckoned it), suspensions of
payments and their ending, waivers, offsettings and payment-application decisions that refuse costs. Each template
payments/pdf/<kind>.html extends money_decision_base.html, which adds the grant decision concerned to the shared
formal base (`decisions.formal`: letterhead, addressee, signers with their titles, the contact person of HL 44 §,
and the review instructions with the agency's registry). The official who made the decision signs it and is its
contact person."""

import datetime
from decimal import Decimal

from avustamo.decisions.formal import formal_decision_pdf, letter_context
from avustamo.payments.interest import ADDED_POINTS, InterestKind
from avustamo.payments.tasks import MONEY_DECISIONS, RETURN, SUSPENSION_END, grant_of

TEMPLATES = {RETURN: "return_decision"}


def money_decision_pdf(kind: str, decision) -> bytes:
    return formal_decision_pdf(
        template=f"payments/pdf/{TEMPLATES.get(kind, kind)}.html",
        context=_context(kind, decision),
        language=decision.language,
    )


def _context(kind: str, decision) -> dict:
    grant = grant_of(decision)
    made_by = getattr(decision, MONEY_DECISIONS[kind].made_by)
    context = letter_context(
        application=grant.application,
        language=decision.language,
        decided_on=decision.ended_on if kind == SUSPENSION_END else decision.decided_on,
        contact=made_by,
        decision_maker=made_by,
    ) | {
        "decision": decision,
        "grant": grant,
        "grant_decision": grant.decision,
        "penalty_points": ADDED_POINTS[InterestKind.PENALTY],
        "grant_points": ADDED_POINTS[InterestKind.GRANT],
    }
    if kind == RETURN:
        context |= _claim_context(decision)
    return context


def _claim_context(claim) -> dict:
    return {
        "claim": claim,
        "interest_lines": [
            {
                "paid_on": datetime.date.fromisoformat(line["paid_on"]),
                "amount": Decimal(line["amount"]),
                "first_day": datetime.date.fromisoformat(line["first_day"]),
                "last_day": datetime.date.fromisoformat(line["last_day"]),
                "days": line["days"],
                "rate": Decimal(line["rate"]),
                "interest": Decimal(line["interest"]),
            }
            for line in claim.interest_lines
        ],
        "last_reckoned_day": claim.interest_reckoned_to - datetime.timedelta(days=1),
        "total_due": claim.amount + claim.interest,
    }
