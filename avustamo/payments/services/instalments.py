"""The grant's instalments and ledger: the plan of payments a decision sets, what falls due when, and the
ledger entries every change of the award records. Called by the other payment services and by `receivers`, which
move the money with the grant's status."""

import datetime
from decimal import Decimal

from django.db.models import Max, Q, Sum

from avustamo.core.money import to_cents
from avustamo.decisions.models import Decision
from avustamo.grants.models import Grant
from avustamo.grants.services import lock_grant
from avustamo.payments.models import (
    PAID_STATUSES,
    Instalment,
    InstalmentStatus,
    LedgerEntry,
)
from avustamo.payments.selectors import AWARD_KINDS, PLAN_KINDS


def _plan(grant: Grant) -> list[Instalment]:
    """The decision's instalments as amounts: each its share rounded to the cent, the last the remainder, so that
    they add up to the grant exactly. A decision without instalments is paid at once on acceptance."""
    decision = grant.decision
    shares = decision.instalments or [
        {"percent": "100", "condition": Decision.InstalmentCondition.ON_ACCEPTANCE}
    ]
    instalments = []
    planned = Decimal("0.00")
    for number, share in enumerate(shares, start=1):
        if number == len(shares):
            amount = decision.amount - planned
        else:
            amount = to_cents(decision.amount * Decimal(str(share["percent"])) / 100)
        planned += amount
        if amount > 0:
            instalments.append(
                Instalment(
                    grant=grant, number=len(instalments) + 1, amount=amount, condition=share["condition"]
                )
            )
    return instalments


def unpaid_instalments(grant: Grant):
    """Instalments neither batched, paid nor cancelled."""
    return grant.instalments.filter(status__in=[InstalmentStatus.PLANNED, InstalmentStatus.DUE])


def committed_instalments(grant: Grant):
    """Instalments a correction cannot take back: batched, paid (also by offsetting), or approved on a payment
    application."""
    return grant.instalments.exclude(status=InstalmentStatus.CANCELLED).filter(
        Q(status__in=[InstalmentStatus.IN_BATCH, *PAID_STATUSES]) | Q(payment_application__isnull=False)
    )


def replan(grant: Grant) -> None:
    """The plan of the decision in force. Committed instalments stay; then the others are cancelled and the rest
    of the corrected amount is one instalment: in arrears if the corrected decision pays in arrears, else on
    acceptance of the corrected terms."""
    committed = committed_instalments(grant)
    if not committed.exists():
        # An instalment once approved on a payment application stays, cancelled, beside its application; so does
        # one sent to the invoice circulation and rejected, beside its invoice.
        recorded = grant.instalments.filter(Q(payment_application__isnull=False) | Q(invoices__isnull=False))
        grant.instalments.exclude(pk__in=recorded.values("pk")).delete()
        grant.instalments.filter(
            pk__in=recorded.values("pk"), status__in=[InstalmentStatus.PLANNED, InstalmentStatus.DUE]
        ).update(status=InstalmentStatus.CANCELLED)
        kept = grant.instalments.aggregate(last=Max("number"))["last"] or 0
        plan = _plan(grant)
        for instalment in plan:
            instalment.number += kept
        Instalment.objects.bulk_create(plan)
        return
    unpaid_instalments(grant).exclude(pk__in=committed.values("pk")).update(status=InstalmentStatus.CANCELLED)
    rest = grant.decision.amount - added_up(committed)
    if rest > 0:
        in_arrears = any(
            share["condition"] == Decision.InstalmentCondition.IN_ARREARS
            for share in grant.decision.instalments
        )
        Instalment.objects.create(
            grant=grant,
            number=(grant.instalments.aggregate(last=Max("number"))["last"] or 0) + 1,
            amount=rest,
            condition=Decision.InstalmentCondition.IN_ARREARS
            if in_arrears
            else Decision.InstalmentCondition.ON_ACCEPTANCE,
        )


def awarded_in_force(grant: Grant) -> Decimal:
    """What the decisions now award, after changes and a decline: the sum of those ledger entries."""
    return added_up(grant.ledger.filter(kind__in=AWARD_KINDS))


def awarded_before_claims(grant: Grant) -> Decimal:
    """What the decisions award before returns and recoveries: what the plan of instalments adds up to."""
    return added_up(grant.ledger.filter(kind__in=PLAN_KINDS))


def added_up(rows) -> Decimal:
    """The rows' amounts added up to the cent (SQLite adds decimals as floating point numbers)."""
    return to_cents(rows.aggregate(total=Sum("amount"))["total"] or 0)


def record(grant: Grant, kind: str, amount: Decimal, day: datetime.date, **links) -> None:
    if amount:
        LedgerEntry.objects.create(grant=grant, kind=kind, amount=amount, occurred_on=day, **links)


# Instalments that fall due once the grant may be paid and the report they wait for has been approved.
_AFTER_REPORT = {
    Decision.ReportKind.INTERIM: Decision.InstalmentCondition.AFTER_INTERIM_REPORT,
    Decision.ReportKind.FINAL: Decision.InstalmentCondition.AFTER_FINAL_REPORT,
}


def make_due(grant: Grant) -> None:
    """Instalments paid on acceptance, those approved on payment applications and those after a report now
    approved fall due once the grant may be paid; while it may not (a corrected decision awaiting acceptance),
    approved ones wait as planned."""
    approved = Q(payment_application__isnull=False)
    if grant.may_be_paid:
        released = Q(condition=Decision.InstalmentCondition.ON_ACCEPTANCE) | approved
        # Each approved report releases one instalment waiting for a report of its kind, the earliest first.
        for kind, condition in _AFTER_REPORT.items():
            reported = grant.reports.filter(status="approved", kind=kind).count()
            waiting = grant.instalments.exclude(status=InstalmentStatus.CANCELLED).filter(condition=condition)
            released |= Q(pk__in=list(waiting.order_by("number").values_list("pk", flat=True)[:reported]))
        grant.instalments.filter(status=InstalmentStatus.PLANNED).filter(released).update(
            status=InstalmentStatus.DUE
        )
    else:
        grant.instalments.filter(approved, status=InstalmentStatus.DUE).update(
            status=InstalmentStatus.PLANNED
        )


def report_approved(*, grant: Grant) -> None:
    """An approved report releases the instalments that waited for it. Called by the report's approval, inside
    its transaction."""
    make_due(lock_grant(grant))
