"""Writes of payments and recovery: each checks its rule, writes an audit entry and returns the new state."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.links import site_url
from avustamo.core.tasks import queue_email
from avustamo.decisions.models import Decision
from avustamo.payments.models import Grant, GrantStatus, ReferenceRate


@transaction.atomic
def reference_rate_enter(*, valid_from, rate: Decimal, source: str, acting_user) -> ReferenceRate:
    """Enter the reference rate of a half-year, or correct the one entered."""
    if valid_from.day != 1 or valid_from.month not in (1, 7):
        raise ValidationError(
            {"valid_from": _("A reference rate is set for a half-year: give 1 January or 1 July.")}
        )
    existing = ReferenceRate.objects.select_for_update().filter(valid_from=valid_from).first()
    previous = existing.rate if existing else None
    rate_row = existing or ReferenceRate(valid_from=valid_from)
    rate_row.rate = rate
    rate_row.source = source.strip()
    rate_row.entered_by = acting_user
    rate_row.full_clean()
    rate_row.save()
    audit(
        acting_user=acting_user,
        action="payments.reference_rate_corrected" if existing else "payments.reference_rate_entered",
        target=rate_row,
        valid_from=valid_from,
        rate=rate,
        previous_rate=previous,
        source=rate_row.source,
    )
    return rate_row


def _locked_grant(grant: Grant) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__organisation", "decision__presenter")
        .get(pk=grant.pk)
    )


@transaction.atomic
def grant_open(*, decision: Decision, acting_user) -> Grant | None:
    """Open the grant of a positive decision being published; a correction takes over the grant of the decision
    it corrects, to be accepted anew. A negative correction closes the grant. None for a negative decision."""
    application = decision.application
    existing = Grant.objects.select_for_update().filter(application=application).first()
    if not decision.is_positive:
        if existing is not None:
            audit(
                acting_user=acting_user,
                action="grant.closed_by_correction",
                target=existing,
                decision=decision.pk,
            )
            existing.delete()
        return None
    if existing is not None and existing.decision_id == decision.pk:
        return existing
    grant = existing or Grant(application=application)
    grant.decision = decision
    grant.status = GrantStatus.AWAITING_ACCEPTANCE
    grant.answered_at = None
    grant.answered_by = None
    grant.decline_reason = ""
    grant.save()
    audit(
        acting_user=acting_user,
        action="grant.opened",
        target=grant,
        decision=decision.pk,
        amount=decision.amount,
    )
    return grant


def _require_answerable(grant: Grant, acting_user) -> None:
    if not acting_user.has_perm("payments.answer_grant", grant):
        raise PermissionDenied
    if grant.status != GrantStatus.AWAITING_ACCEPTANCE:
        raise ValidationError(
            _("The grant has already been %(status)s.") % {"status": grant.get_status_display()},
            code="already_answered",
        )


@transaction.atomic
def grant_accept(*, grant: Grant, acting_user) -> Grant:
    """The recipient accepts the decision's terms; payments may then be made."""
    grant = _locked_grant(grant)
    _require_answerable(grant, acting_user)
    grant.status = GrantStatus.ACCEPTED
    grant.answered_at = timezone.now()
    grant.answered_by = acting_user
    grant.save(update_fields=["status", "answered_at", "answered_by"])
    audit(acting_user=acting_user, action="grant.accepted", target=grant, decision=grant.decision_id)
    return grant


@transaction.atomic
def grant_decline(*, grant: Grant, reason: str, acting_user) -> Grant:
    """The recipient declines the grant: nothing is paid, the money is free for the call again, and the decision's
    presenter is told."""
    grant = _locked_grant(grant)
    _require_answerable(grant, acting_user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell us briefly why the grant is declined.")})
    grant.status = GrantStatus.DECLINED
    grant.answered_at = timezone.now()
    grant.answered_by = acting_user
    grant.decline_reason = reason
    grant.save(update_fields=["status", "answered_at", "answered_by", "decline_reason"])
    audit(
        acting_user=acting_user,
        action="grant.declined",
        target=grant,
        decision=grant.decision_id,
        reason=reason,
    )
    presenter = grant.decision.presenter
    application = grant.application
    queue_email(
        key=f"grant-declined:{grant.pk}:{grant.decision_id}",
        template="payments/email/declined",
        context={
            "application": application,
            "decision": grant.decision,
            "reason": reason,
            "url": site_url(
                "official:application_decision", language=presenter.preferred_language, pk=application.pk
            ),
        },
        recipient=presenter.email,
        language=presenter.preferred_language,
    )
    return grant
