"""Payment applications (maksatushakemus): the recipient asks for a grant paid in arrears, an official decides."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.money import format_euros, to_cents
from avustamo.core.templatetags.avustamo import percent
from avustamo.core.transitions import transition
from avustamo.decisions.models import Decision
from avustamo.grants.models import Grant
from avustamo.grants.selectors import period_in_force
from avustamo.grants.services import lock_grant
from avustamo.hearings.models import HearingSubject
from avustamo.hearings.services import require_heard
from avustamo.organisations.authority import authority_details, require_authority
from avustamo.payments.models import (
    Instalment,
    InstalmentStatus,
    PaymentApplication,
    PaymentApplicationStatus,
)
from avustamo.payments.services.instalments import added_up, awarded_in_force
from avustamo.payments.tasks import PAYMENT_APPLICATION, make_money_decision


def arrears_left(grant: Grant) -> Decimal:
    """What may still be applied for in arrears: the grant's planned in-arrears instalments, less what pending
    payment applications ask."""
    planned = added_up(
        grant.instalments.filter(
            status=InstalmentStatus.PLANNED,
            condition=Decision.InstalmentCondition.IN_ARREARS,
            payment_application__isnull=True,
        )
    )
    pending = added_up(grant.payment_applications.filter(status=PaymentApplicationStatus.SUBMITTED))
    return planned - pending


@dataclass(frozen=True)
class ArrearsCap:
    """What payment applications may ask in all: the decision's maximum share of the eligible costs incurred, over
    the grant's approved and pending applications, and never more than the award in force."""

    share_percent: Decimal
    costs_so_far: Decimal
    asked_so_far: Decimal
    award: Decimal

    def most_for(self, costs_incurred: Decimal) -> Decimal:
        """The most a new application with `costs_incurred` may ask."""
        share = to_cents((self.costs_so_far + costs_incurred) * self.share_percent / 100)
        return max(Decimal("0.00"), min(share, self.award) - self.asked_so_far)


def arrears_cap(grant: Grant) -> ArrearsCap:
    counted = grant.payment_applications.filter(
        status__in=[PaymentApplicationStatus.SUBMITTED, PaymentApplicationStatus.APPROVED]
    )
    asked = sum(
        (
            item.approved_amount if item.status == PaymentApplicationStatus.APPROVED else item.amount
            for item in counted
        ),
        Decimal("0.00"),
    )
    return ArrearsCap(
        share_percent=grant.decision.max_share_percent or Decimal("100"),
        costs_so_far=sum((item.costs_incurred for item in counted), Decimal("0.00")),
        asked_so_far=asked,
        award=awarded_in_force(grant),
    )


@transaction.atomic
def payment_application_submit(
    *,
    grant: Grant,
    period_start: datetime.date,
    period_end: datetime.date,
    costs_incurred: Decimal,
    amount: Decimal,
    description: str,
    acting_user,
) -> PaymentApplication:
    """The recipient applies for payment of costs incurred, within the grant's period of use and what is left."""
    grant = lock_grant(grant)
    if not acting_user.has_perm("payments.answer_grant", grant):
        raise PermissionDenied
    errors = {}
    if not grant.may_be_paid:
        raise ValidationError(_("Accept the grant's terms before applying for payment."), code="not_payable")
    # The period as change decisions have extended it since the decision.
    in_force_start, in_force_end = period_in_force(grant)
    if period_end < period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    elif (in_force_start and period_start < in_force_start) or (in_force_end and period_end > in_force_end):
        errors["period_start"] = _("The costs must fall within the period of use of the grant.")
    if period_end > helsinki_today():
        errors["period_end"] = _("Apply for costs already incurred: the period cannot end in the future.")
    cap = arrears_cap(grant)
    if costs_incurred <= 0:
        errors["costs_incurred"] = _("Enter the costs incurred: more than zero euros.")
    if amount <= 0:
        errors["amount"] = _("Enter the amount to pay: more than zero euros.")
    elif amount > costs_incurred:
        errors["amount"] = _("The amount cannot be more than the costs incurred.")
    elif amount > (left := arrears_left(grant)):
        errors["amount"] = _("At most %(left)s is left to apply for.") % {"left": format_euros(left)}
    elif amount > (most := cap.most_for(costs_incurred)):
        errors["amount"] = _(
            "The grant pays at most %(percent)s of the eligible costs incurred, and never more than the grant: "
            "with the costs and payments of your earlier applications, this application may ask at most %(most)s."
        ) % {"percent": percent(cap.share_percent), "most": format_euros(most)}
    if errors:
        raise ValidationError(errors)
    authority = require_authority(person=acting_user, organisation=grant.application.organisation)
    application = PaymentApplication.objects.create(
        grant=grant,
        period_start=period_start,
        period_end=period_end,
        costs_incurred=costs_incurred,
        amount=amount,
        description=description.strip(),
        submitted_by=acting_user,
        authority_check=authority,
    )
    audit(
        acting_user=acting_user,
        action="payment_application.submitted",
        target=application,
        amount=amount,
        **authority_details(authority),
    )
    return application


@transaction.atomic
def payment_application_decide(
    *,
    payment_application: PaymentApplication,
    approved_amount: Decimal | None,
    reason: str,
    acting_user,
    not_heard_ground: str = "",
    not_heard_reasons: str = "",
) -> PaymentApplication:
    """An official approves the amount to pay (all or part of what was asked) or rejects the application with a
    reason. The approved amount becomes a due instalment taken from the planned in-arrears instalments. Approving
    less than was asked, or nothing, is a decision against the recipient: it must have been heard on it, or a
    ground for not hearing recorded (`hearings.services.require_heard`)."""
    payment_application = PaymentApplication.objects.select_for_update().get(pk=payment_application.pk)
    grant = lock_grant(payment_application.grant)
    if not acting_user.has_perm("payments.decide_payment_application", grant.decision):
        raise PermissionDenied
    if payment_application.status != PaymentApplicationStatus.SUBMITTED:
        raise ValidationError(_("This payment application has already been decided."), code="already_decided")
    reason = reason.strip()
    changes = {
        "decided_by": acting_user,
        "decided_at": timezone.now(),
        "reason": reason,
        "language": grant.decision.language,
    }
    if approved_amount is None or approved_amount == 0:
        if not reason:
            raise ValidationError({"reason": _("Give the reasons for rejecting the application.")})
        action = "reject"
    else:
        if not 0 < approved_amount <= payment_application.amount:
            raise ValidationError(
                {"approved_amount": _("Approve more than 0 and at most the amount applied for.")}
            )
        if approved_amount < payment_application.amount and not reason:
            raise ValidationError({"reason": _("Give the reasons for approving less than was applied for.")})
        action = "approve"
        changes |= {
            "instalment": _take_from_arrears(grant, approved_amount),
            "approved_amount": approved_amount,
        }
    heard = {}
    if action == "reject" or approved_amount < payment_application.amount:
        heard = require_heard(
            grant=grant,
            subject=HearingSubject.PAYMENT_APPLICATION,
            acting_user=acting_user,
            not_heard_ground=not_heard_ground,
            not_heard_reasons=not_heard_reasons,
        ).audit_details()
    transition(
        payment_application,
        action,
        acting_user=acting_user,
        changes=changes,
        approved_amount=changes.get("approved_amount"),
        **heard,
    )
    if payment_application.refuses_costs:
        transaction.on_commit(
            lambda: make_money_decision.enqueue(kind=PAYMENT_APPLICATION, pk=payment_application.pk)
        )
    return payment_application


def _take_from_arrears(grant: Grant, amount: Decimal) -> Instalment:
    """A due instalment of `amount`, taken from the planned in-arrears instalments so the plan's total stays."""
    left = amount
    for planned in grant.instalments.filter(
        status=InstalmentStatus.PLANNED,
        condition=Decision.InstalmentCondition.IN_ARREARS,
        payment_application__isnull=True,
    ).order_by("number"):
        taken = min(left, planned.amount)
        if taken == planned.amount:
            # A change of the instalment plan: set by a queryset update, as the plan's other states are (ADR 0009).
            grant.instalments.filter(pk=planned.pk).update(status=InstalmentStatus.CANCELLED)
        else:
            planned.amount -= taken
            planned.save(update_fields=["amount"])
        left -= taken
        if not left:
            break
    if left:
        raise ValidationError({"approved_amount": _("More than is left of the grant cannot be approved.")})
    number = (grant.instalments.aggregate(last=Max("number"))["last"] or 0) + 1
    return Instalment.objects.create(
        grant=grant,
        number=number,
        amount=amount,
        condition=Decision.InstalmentCondition.IN_ARREARS,
        status=InstalmentStatus.DUE,
    )
