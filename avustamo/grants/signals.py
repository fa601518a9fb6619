"""What the life of a grant tells the apps above it.

The grant's money (instalments and the ledger, in `payments`) follows the grant's status, but `payments` sits
above `grants` in the layers (docs/adr/0008-layers.md): these signals let the grant say what happened without
knowing who keeps the money. They are sent inside the transaction that changes the status, so that the money
moves with the status or not at all; `payments.receivers` answers them.
"""

from django.dispatch import Signal

# A positive decision opened the grant, or a correcting decision restated its terms (corrected=True):
# keyword arguments grant, decision, day, corrected.
grant_opened = Signal()
# A negative correcting decision closed the grant: grant, decision, day.
grant_closed = Signal()
# The recipient accepted the terms: grant.
grant_accepted = Signal()
# The recipient declined the grant: grant, day.
grant_declined = Signal()
