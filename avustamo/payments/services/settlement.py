"""The settlement of a grant from its approved final report, applied to the instalments and the ledger."""

from decimal import Decimal

from django.db.models import Max

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.decisions.models import Decision
from avustamo.grants.models import Grant
from avustamo.grants.services import lock_grant
from avustamo.payments import selectors
from avustamo.payments.models import (
    Instalment,
    InstalmentStatus,
    LedgerKind,
)
from avustamo.payments.services.instalments import added_up, awarded_in_force, record, unpaid_instalments
from avustamo.payments.settlement import Settlement, settle


def _paid_or_on_its_way(grant: Grant) -> Decimal:
    return added_up(grant.instalments.filter(status__in=[InstalmentStatus.PAID, InstalmentStatus.IN_BATCH]))


def settlement_of(grant: Grant, accepted_costs: Decimal) -> Settlement:
    """The settlement the final report's accepted costs would give now. Money in a batch counts as paid. Money
    returned or claimed back by a return or recovery decision counts as not paid, and that decision has taken it
    from the award in force: so the settlement neither claims it twice nor pays it again, however high the
    accepted costs. A correction that cut the award below the claims already decided leaves nothing to earn: the
    claims are owed all the same, so the award in force is then below zero, and the grant earns nothing more."""
    ledger = selectors.ledger_of(grant)
    return settle(
        accepted_costs=accepted_costs,
        max_share_percent=grant.decision.max_share_percent,
        awarded=max(ledger.in_force, Decimal("0")),
        paid=_paid_or_on_its_way(grant) - ledger.claimed_back,
    )


def grant_settle(*, grant: Grant, accepted_costs: Decimal, acting_user) -> Settlement:
    """Settle the grant from its approved final report: the payments not yet made are replaced by one instalment of
    what is still to pay, and the award in force becomes what the grant earned (or what was paid, where more was
    paid: that is returned through a return claim). Called by the final report's approval, inside its
    transaction, which then releases the new instalment (`report_approved`)."""
    grant = lock_grant(grant)
    settlement = settlement_of(grant, accepted_costs)
    today = helsinki_today()
    unpaid_instalments(grant).update(status=InstalmentStatus.CANCELLED)
    in_force = awarded_in_force(grant)
    record(grant, LedgerKind.CHANGED, max(settlement.earned, settlement.paid) - in_force, today)
    if settlement.to_pay:
        Instalment.objects.create(
            grant=grant,
            number=(grant.instalments.aggregate(last=Max("number"))["last"] or 0) + 1,
            amount=settlement.to_pay,
            condition=Decision.InstalmentCondition.AFTER_FINAL_REPORT,
        )
    audit(
        acting_user=acting_user,
        action="grant.settled",
        target=grant,
        accepted_costs=str(settlement.accepted_costs),
        earned=str(settlement.earned),
        to_pay=str(settlement.to_pay),
        to_return=str(settlement.to_return),
    )
    return settlement
