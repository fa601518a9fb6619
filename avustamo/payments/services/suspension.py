"""Suspension of payments (maksatuksen keskeyttäminen, 688/2001 19 §): a decision of its own, with its grounds,
reasons and end; while it is in force no instalment of the grant is batched. Ending it is a decision too."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.transitions import transition
from avustamo.grants.models import Grant
from avustamo.grants.services import lock_grant
from avustamo.hearings.models import HearingSubject
from avustamo.hearings.services import require_heard
from avustamo.payments.models import (
    BatchStatus,
    Instalment,
    InstalmentStatus,
    PaymentSuspension,
    SuspensionStatus,
)
from avustamo.payments.tasks import SUSPENSION, SUSPENSION_END, make_money_decision

# The officials who decide returns and recoveries decide suspensions too: the call's presenter or a programme
# manager (docs/roles.md).
SUSPEND_PERMISSION = "payments.claim_return"


@transaction.atomic
def payment_suspend(
    *,
    grant: Grant,
    grounds: str,
    reasons: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    acting_user,
    not_heard_ground: str = "",
    not_heard_reasons: str = "",
) -> PaymentSuspension:
    """Suspend the grant's payments from `starts_on` until `ends_on`, or until further notice when it is None. The
    recipient must have been heard on it, or a ground for not hearing recorded (`hearings.services.require_heard`)."""
    grant = lock_grant(grant)
    if not acting_user.has_perm(SUSPEND_PERMISSION, grant.decision):
        raise PermissionDenied
    today = helsinki_today()
    errors = {}
    if not grounds.strip():
        errors["grounds"] = _("Give the ground of section 19 and the facts it rests on.")
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons of the decision.")
    if starts_on < today:
        errors["starts_on"] = _("A suspension cannot start in the past.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The suspension cannot end before it starts.")
    if grant.suspensions.filter(status=SuspensionStatus.IN_FORCE).exclude(ends_on__lt=today).exists():
        errors["starts_on"] = _(
            "The payments of this grant are already suspended: end that suspension before deciding another."
        )
    if errors:
        raise ValidationError(errors)
    heard = require_heard(
        grant=grant,
        subject=HearingSubject.SUSPENSION,
        acting_user=acting_user,
        not_heard_ground=not_heard_ground,
        not_heard_reasons=not_heard_reasons,
    )
    suspension = PaymentSuspension.objects.create(
        grant=grant,
        grounds=grounds.strip(),
        reasons=reasons.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        decided_by=acting_user,
        language=grant.decision.language,
    )
    withdrawn = _withdraw_from_prepared_batches(suspension)
    audit(
        acting_user=acting_user,
        action="payment_suspension.decided",
        target=suspension,
        starts_on=starts_on,
        ends_on=ends_on,
        withdrawn_from_batches=withdrawn,
        **heard.audit_details(),
    )
    transaction.on_commit(lambda: make_money_decision.enqueue(kind=SUSPENSION, pk=suspension.pk))
    return suspension


def _withdraw_from_prepared_batches(suspension: PaymentSuspension) -> list[int]:
    """The grant's instalments in batches prepared but not yet approved, to be paid while the suspension is in force,
    go back to wait as due: the second finance officer would otherwise approve a payment the decision stopped. A
    batch already approved has gone to the bank; its payment is not taken back here."""
    in_batches = Instalment.objects.filter(
        grant=suspension.grant,
        status=InstalmentStatus.IN_BATCH,
        batch__status=BatchStatus.PREPARED,
        batch__execution_date__gte=suspension.starts_on,
    )
    if suspension.ends_on is not None:
        in_batches = in_batches.filter(batch__execution_date__lte=suspension.ends_on)
    withdrawn = list(in_batches.values_list("pk", flat=True))
    Instalment.objects.filter(pk__in=withdrawn).update(
        status=InstalmentStatus.DUE, batch=None, payee_name="", payee_iban=""
    )
    return withdrawn


@transaction.atomic
def payment_suspension_end(*, suspension: PaymentSuspension, reasons: str, acting_user) -> PaymentSuspension:
    """End a suspension by a decision with its reasons: from then on the grant's due instalments are batched again."""
    suspension = PaymentSuspension.objects.select_related("grant").get(pk=suspension.pk)
    lock_grant(suspension.grant)
    if not acting_user.has_perm(SUSPEND_PERMISSION, suspension.grant.decision):
        raise PermissionDenied
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for ending the suspension.")})
    transition(
        suspension,
        "end",
        acting_user=acting_user,
        changes={"end_reasons": reasons, "ended_by": acting_user, "ended_at": timezone.now()},
    )
    transaction.on_commit(lambda: make_money_decision.enqueue(kind=SUSPENSION_END, pk=suspension.pk))
    return suspension
