"""The grant's money follows its status: answers to the signals of `grants.signals`, inside the transaction that
changed the status."""

from django.dispatch import receiver

from avustamo.grants import signals
from avustamo.payments.models import InstalmentStatus, LedgerKind
from avustamo.payments.services.instalments import (
    added_up,
    awarded_before_claims,
    awarded_in_force,
    make_due,
    record,
    replan,
    unpaid_instalments,
)


@receiver(signals.grant_opened)
def plan_the_award(sender, *, grant, decision, day, corrected: bool, **kwargs) -> None:
    """The award enters the ledger (a correction records the difference) and the decision's instalments are
    planned; those payable at once fall due. A correction sets the award before claims: a return or recovery
    already decided is still owed."""
    if corrected:
        record(
            grant, LedgerKind.CHANGED, decision.amount - awarded_before_claims(grant), day, decision=decision
        )
    else:
        record(grant, LedgerKind.AWARDED, decision.amount, day, decision=decision)
    replan(grant)
    make_due(grant)


@receiver(signals.grant_closed)
def end_the_award(sender, *, grant, decision, day, **kwargs) -> None:
    """A negative correction ends the grant: what was not paid is cancelled and nothing is awarded any more. Money
    already paid stays on the grant's ledger, to be returned or recovered by a decision of its own."""
    unpaid_instalments(grant).update(status=InstalmentStatus.CANCELLED)
    record(grant, LedgerKind.CHANGED, -awarded_in_force(grant), day, decision=decision)


@receiver(signals.grant_accepted)
def release_the_payable(sender, *, grant, **kwargs) -> None:
    make_due(grant)


@receiver(signals.grant_declined)
def cancel_the_unpaid(sender, *, grant, day, **kwargs) -> None:
    """Nothing more is paid of a declined grant: its unpaid instalments leave the award."""
    payable = unpaid_instalments(grant)
    record(grant, LedgerKind.DECLINED, -added_up(payable), day)
    payable.update(status=InstalmentStatus.CANCELLED)
