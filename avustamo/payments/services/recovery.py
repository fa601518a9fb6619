"""Returns and recoveries (20–29 §): return claims with their interest, grounds noted before deciding on a
recovery, and voluntary returns."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today, shift_years
from avustamo.core.links import site_url
from avustamo.core.money import format_euros
from avustamo.core.permissions import require_permission
from avustamo.core.tasks import queue_email
from avustamo.grants.models import Grant
from avustamo.grants.services import lock_grant
from avustamo.hearings.models import HearingSubject, NotHeardGround
from avustamo.hearings.services import require_heard
from avustamo.organisations.authority import authority_details, require_authority
from avustamo.payments import selectors
from avustamo.payments.accounting import book, income_codes_or_refuse
from avustamo.payments.interest import InterestKind, calculate_interest, rates_reach, return_interest
from avustamo.payments.models import (
    PAID_STATUSES,
    RECOVERY_YEARS_AFTER_LEARNING,
    InstalmentStatus,
    LedgerKind,
    PostingPurpose,
    RecoveryGrounds,
    ReturnClaim,
    ReturnGround,
    VoluntaryReturn,
)
from avustamo.payments.services.instalments import added_up, committed_instalments, record, unpaid_instalments
from avustamo.payments.settlement import NOT_RECLAIMED_AT_MOST
from avustamo.payments.tasks import RETURN, make_money_decision


def _paid_from(grant: Grant, amount: Decimal) -> list[tuple[datetime.date, Decimal]]:
    """The payments a returned amount is taken from, latest first, as (payment day, part of the amount).

    Interest of 24 § runs from the day the grant was paid; when it was paid in parts, the amount returned is taken
    from the latest payments first, which reckons the least interest (docs/interest.md). A part paid by offsetting
    against a claim is a payment of its day."""
    parts, left = [], amount
    paid = grant.instalments.filter(status__in=PAID_STATUSES).order_by("-paid_on", "-number")
    already = selectors.taken_back_or_let_go(grant, selectors.ledger_of(grant))
    for instalment in paid:
        available = instalment.amount
        if already:
            used = min(already, available)
            available -= used
            already -= used
        if not available or not left:
            continue
        part = min(left, available)
        parts.append((instalment.paid_on, part))
        left -= part
    return parts


def _parts_of(claim: ReturnClaim) -> list[tuple[datetime.date, Decimal]]:
    return [
        (datetime.date.fromisoformat(part["paid_on"]), Decimal(part["amount"]))
        for part in claim.interest_parts
    ]


@transaction.atomic
def return_claim_create(
    *,
    grant: Grant,
    ground: str,
    amount: Decimal,
    due_date: datetime.date,
    learned_on: datetime.date,
    reasons: str,
    acting_user,
    grounds: RecoveryGrounds | None = None,
    not_heard_ground: str = "",
    not_heard_reasons: str = "",
) -> ReturnClaim:
    """Decide a return (20 §) or a recovery (21–22 §): the amount is claimed back with the interest of 24 § from
    the payments it is taken from up to the due date, every line kept for the decision. A recovery stops the
    payments not yet made (21 § orders it, 22 § allows it); a return of 20 § leaves the plan alone, as only a
    suspension of 19 § stops payments. Decided on noted `grounds`, it takes their ground and day of learning and
    closes them. The recipient must have been heard on it, or a ground for not hearing recorded
    (`hearings.services.require_heard`). The decision document is made and sent to the recipient by a task once the
    transaction commits."""
    return _decide_claim(
        grant=grant,
        ground=ground,
        amount=amount,
        due_date=due_date,
        learned_on=learned_on,
        reasons=reasons,
        acting_user=acting_user,
        grounds=grounds,
        voluntary=False,
        not_heard_ground=not_heard_ground,
        not_heard_reasons=not_heard_reasons,
    )


def _decide_claim(
    *,
    grant: Grant,
    ground: str,
    amount: Decimal,
    due_date: datetime.date,
    learned_on: datetime.date,
    reasons: str,
    acting_user,
    grounds: RecoveryGrounds | None,
    voluntary: bool,
    not_heard_ground: str,
    not_heard_reasons: str,
) -> ReturnClaim:
    """`return_claim_create`, also for a voluntary return: 100 € or less is not reclaimed by the authority (20 §),
    but a recipient who returns such an amount of their own will is taken at their word."""
    grant = lock_grant(grant)
    if not acting_user.has_perm("payments.claim_return", grant.decision):
        raise PermissionDenied
    today = helsinki_today()
    errors = {}
    if grounds is not None:
        grounds = RecoveryGrounds.objects.select_for_update().get(pk=grounds.pk)
        if grounds.grant_id != grant.pk or not grounds.is_open:
            raise ValidationError(
                _("These grounds are closed or belong to another grant."), code="grounds_not_open"
            )
        if (ground, learned_on) != (grounds.ground, grounds.learned_on):
            raise ValidationError(
                _("The grounds were noted as %(ground)s, learned on %(day)s: a claim on them keeps both.")
                % {
                    "ground": grounds.get_ground_display(),
                    "day": date_format(grounds.learned_on, "SHORT_DATE_FORMAT"),
                },
                code="grounds_differ",
            )
    ledger = selectors.ledger_of(grant)
    returnable = ledger.paid - selectors.taken_back_or_let_go(grant, ledger)
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons of the decision.")
    if amount <= 0 or amount > returnable:
        errors["amount"] = _(
            "The amount must be more than 0 and at most what was paid and not yet claimed, %(most)s."
        ) % {"most": format_euros(returnable)}
    elif ground in ReturnGround.return_duty() and amount <= NOT_RECLAIMED_AT_MOST and not voluntary:
        errors["amount"] = _("An amount of 100 € or less is not reclaimed (section 20).")
    if due_date < today:
        errors["due_date"] = _("The due date cannot be in the past.")
    errors.update(_learned_in_time(learned_on, today))
    limit = selectors.recovery_limit(grant)
    if limit is not None and limit.recoverable_until < today:
        errors["due_date"] = _(
            "Ten years have passed since the last payment on %(day)s: the grant can no longer be recovered (section 29)."
        ) % {"day": date_format(limit.last_payment_on, "SHORT_DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)
    heard = require_heard(
        grant=grant,
        subject=HearingSubject.RETURN,
        acting_user=acting_user,
        not_heard_ground=not_heard_ground,
        not_heard_reasons=not_heard_reasons,
    )
    parts = _paid_from(grant, amount)
    first_payment = min((paid_on for paid_on, _part in parts), default=today)
    rates = selectors.reference_rates(first_payment, due_date)
    # Before the Bank of Finland has announced the reference rate of a half-year up to the due date, the interest is
    # reckoned to the day of the decision (as far as the rates go) and completed when the rate is entered.
    reach = rates_reach(first_payment, due_date, rates)
    reckoned_to = due_date if reach >= due_date else min(today, reach)
    interest = return_interest(parts=parts, due_date=reckoned_to, rates=rates)
    claim = ReturnClaim.objects.create(
        grant=grant,
        ground=ground,
        amount=amount,
        due_date=due_date,
        learned_on=learned_on,
        reasons=reasons.strip(),
        interest=interest.total,
        interest_lines=interest.lines,
        interest_parts=[{"paid_on": paid_on.isoformat(), "amount": str(part)} for paid_on, part in parts],
        interest_reckoned_to=reckoned_to,
        decided_by=acting_user,
        language=grant.decision.language,
    )
    if grounds is not None:
        grounds.claim = claim
        grounds.closed_by = acting_user
        grounds.closed_at = timezone.now()
        grounds.save(update_fields=["claim", "closed_by", "closed_at"])
    if claim.stops_payments:
        unpaid = unpaid_instalments(grant).exclude(pk__in=committed_instalments(grant).values("pk"))
        record(grant, LedgerKind.CHANGED, -added_up(unpaid), today)
        unpaid.update(status=InstalmentStatus.CANCELLED)
    record(grant, LedgerKind.RECLAIMED, -amount, today)
    audit(
        acting_user=acting_user,
        action="return_claim.decided",
        target=claim,
        amount=amount,
        interest=interest.total,
        interest_complete=claim.interest_complete,
        stops_payments=claim.stops_payments,
        grounds=grounds.pk if grounds else None,
        **heard.audit_details(),
    )
    transaction.on_commit(lambda: make_money_decision.enqueue(kind=RETURN, pk=claim.pk))
    return claim


def complete_interest(*, claim: ReturnClaim, acting_user) -> bool:
    """Complete the interest of a claim decided before the reference rate of a half-year up to its due date was
    announced: the stored lines up to `interest_reckoned_to` stay as the decision gave them, and lines from that
    day to the due date are added, and the recipient is told the amount to pay, as the decision promised. False
    while a rate is still missing. Called inside `reference_rate_enter`'s transaction by the administrator who
    entered the rate; the signed decision's document is not changed (its text states the rule for the rest)."""
    claim = (
        ReturnClaim.objects.select_for_update(of=("self",))
        .select_related("grant__application__submitted_by", "grant__application__call")
        .get(pk=claim.pk)
    )
    # Once the whole amount is waived or paid by offsetting, nothing is left to bear interest to the due date.
    if claim.interest_complete or claim.amount_left <= 0:
        return False
    rates = selectors.reference_rates(claim.interest_reckoned_to, claim.due_date)
    if rates_reach(claim.interest_reckoned_to, claim.due_date, rates) < claim.due_date:
        return False
    rest = return_interest(
        parts=_parts_of(claim), due_date=claim.due_date, rates=rates, since=claim.interest_reckoned_to
    )
    reckoned_from = claim.interest_reckoned_to
    claim.interest += rest.total
    claim.interest_lines = [*claim.interest_lines, *rest.lines]
    claim.interest_reckoned_to = claim.due_date
    claim.save(update_fields=["interest", "interest_lines", "interest_reckoned_to"])
    audit(
        acting_user=acting_user,
        action="return_claim.interest_completed",
        target=claim,
        reckoned_from=reckoned_from,
        added=rest.total,
        interest=claim.interest,
    )
    application = claim.grant.application
    queue_email(
        key=f"interest-completed:{claim.pk}",
        template="payments/email/interest_completed",
        context={
            "application": application,
            "claim": claim,
            "url": site_url("applications:decision", language=claim.language, pk=application.pk),
        },
        recipient=application.submitted_by.email,
        language=claim.language,
    )
    return True


@transaction.atomic
def return_claim_received(*, claim: ReturnClaim, received_on: datetime.date, acting_user) -> ReturnClaim:
    """Record the day the money came back; a day after the due date adds the penalty interest of 25 §."""
    require_permission(acting_user, "payments.prepare_payments")
    claim = (
        ReturnClaim.objects.select_for_update(of=("self",))
        .select_related("grant__application__call__programme")
        .get(pk=claim.pk)
    )
    if claim.received_on is not None:
        raise ValidationError(_("This return has already been recorded."), code="already_received")
    if received_on > helsinki_today():
        raise ValidationError({"received_on": _("The day the money came back cannot be in the future.")})
    penalty = Decimal("0.00")
    left = claim.amount_left
    if received_on > claim.due_date and left > 0:
        penalty = calculate_interest(
            amount=left,
            start=claim.due_date + datetime.timedelta(days=1),
            end=received_on + datetime.timedelta(days=1),
            kind=InterestKind.PENALTY,
            rates=selectors.reference_rates(claim.due_date, received_on),
        ).total
    amounts = {
        PostingPurpose.RECOVERY if claim.is_recovery else PostingPurpose.RETURN: left,
        PostingPurpose.INTEREST: claim.interest_left,
        PostingPurpose.PENALTY_INTEREST: penalty,
    }
    amounts = {purpose: amount for purpose, amount in amounts.items() if amount}
    codes = income_codes_or_refuse(claim.grant, amounts)
    claim.received_on = received_on
    claim.penalty_interest = penalty
    claim.save(update_fields=["received_on", "penalty_interest"])
    record(claim.grant, LedgerKind.RETURNED, left, received_on)
    for purpose, amount in amounts.items():
        book(claim.grant, purpose, codes[purpose], amount, received_on, claim=claim)
    audit(
        acting_user=acting_user,
        action="return_claim.received",
        target=claim,
        amount=left,
        penalty_interest=penalty,
    )
    return claim


def _learned_in_time(learned_on: datetime.date, today: datetime.date) -> dict:
    """The refusal of a day of learning in the future or more than the year of 29 § ago, by field; empty if fine."""
    if learned_on > today:
        return {"learned_on": _("The day the grounds were learned cannot be in the future.")}
    decide_by = shift_years(learned_on, RECOVERY_YEARS_AFTER_LEARNING)
    if decide_by < today:
        return {
            "learned_on": _(
                "A recovery is decided within a year of learning its grounds (section 29); that year ended on %(day)s."
            )
            % {"day": date_format(decide_by, "SHORT_DATE_FORMAT")}
        }
    return {}


@transaction.atomic
def recovery_grounds_note(
    *, grant: Grant, ground: str, learned_on: datetime.date, description: str, acting_user
) -> RecoveryGrounds:
    """Note that grounds for a return or recovery have come to light, before deciding on them: from the day they
    were learned the authority has a year to decide (29 §), and the pages warn in its last three months."""
    grant = lock_grant(grant)
    if not acting_user.has_perm("payments.note_recovery_grounds", grant.decision):
        raise PermissionDenied
    errors = _learned_in_time(learned_on, helsinki_today())
    if ground not in ReturnGround.values:
        errors["ground"] = _("Choose the ground of the law.")
    if not description.strip():
        errors["description"] = _("Describe what came to light.")
    if errors:
        raise ValidationError(errors)
    grounds = RecoveryGrounds.objects.create(
        grant=grant,
        ground=ground,
        learned_on=learned_on,
        description=description.strip(),
        noted_by=acting_user,
    )
    audit(
        acting_user=acting_user,
        action="recovery_grounds.noted",
        target=grounds,
        ground=ground,
        learned_on=learned_on,
    )
    return grounds


@transaction.atomic
def recovery_grounds_close(*, grounds: RecoveryGrounds, reasons: str, acting_user) -> RecoveryGrounds:
    """Record that no return or recovery will be decided on the grounds, with the reasons."""
    grounds = RecoveryGrounds.objects.select_for_update().select_related("grant__decision").get(pk=grounds.pk)
    if not acting_user.has_perm("payments.note_recovery_grounds", grounds.grant.decision):
        raise PermissionDenied
    if not grounds.is_open:
        raise ValidationError(_("These grounds have already been closed."), code="already_closed")
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for making no claim.")})
    grounds.no_claim_reasons = reasons
    grounds.closed_by = acting_user
    grounds.closed_at = timezone.now()
    grounds.save(update_fields=["no_claim_reasons", "closed_by", "closed_at"])
    audit(
        acting_user=acting_user,
        action="recovery_grounds.closed_without_claim",
        target=grounds,
        reasons=reasons,
    )
    return grounds


@transaction.atomic
def voluntary_return_announce(*, grant: Grant, amount: Decimal, reasons: str, acting_user) -> VoluntaryReturn:
    """A member of the recipient announces that it returns money of the grant (20 §); an official records it as
    a return, with the interest of 24 §."""
    grant = lock_grant(grant)
    if not acting_user.has_perm("payments.announce_return", grant):
        raise PermissionDenied
    errors = {}
    returnable = selectors.returnable(grant)
    if returnable <= 0:
        raise ValidationError(_("Nothing paid of the grant is left to return."), code="nothing_to_return")
    if amount <= 0:
        errors["amount"] = _("Give an amount more than 0.")
    elif amount > returnable:
        errors["amount"] = _("At most %(most)s of what was paid is left to return.") % {
            "most": format_euros(returnable)
        }
    if not reasons.strip():
        errors["reasons"] = _("Tell us why the money is returned.")
    if errors:
        raise ValidationError(errors)
    authority = require_authority(person=acting_user, organisation=grant.application.organisation)
    announcement = VoluntaryReturn.objects.create(
        grant=grant, amount=amount, reasons=reasons.strip(), announced_by=acting_user
    )
    audit(
        acting_user=acting_user,
        action="voluntary_return.announced",
        target=announcement,
        amount=amount,
        **authority_details(authority),
    )
    return announcement


@transaction.atomic
def voluntary_return_record(
    *, voluntary_return: VoluntaryReturn, ground: str, due_date: datetime.date, reasons: str, acting_user
) -> ReturnClaim:
    """An official decides the announced return on a ground of 20 §: the announcement's amount, the grounds learned
    on the day it was announced, the interest of 24 § and the return decision as for any claim. The recipient's
    own announcement is accepted, so it is decided without a hearing (HL 34 § 2: a claim that concerns no other
    party is accepted), and the record says so."""
    voluntary_return = (
        VoluntaryReturn.objects.select_for_update().select_related("grant").get(pk=voluntary_return.pk)
    )
    if not acting_user.has_perm("payments.claim_return", voluntary_return.grant.decision):
        raise PermissionDenied
    if voluntary_return.claim_id is not None:
        raise ValidationError(_("This return has already been recorded."), code="already_recorded")
    if ground not in ReturnGround.return_duty():
        raise ValidationError({"ground": _("A voluntary return is decided on a ground of section 20.")})
    claim = _decide_claim(
        grant=voluntary_return.grant,
        ground=ground,
        amount=voluntary_return.amount,
        due_date=due_date,
        learned_on=voluntary_return.announced_on,
        reasons=reasons.strip() or voluntary_return.reasons,
        acting_user=acting_user,
        grounds=None,
        voluntary=True,
        not_heard_ground=NotHeardGround.ACCEPTS_CLAIM,
        not_heard_reasons=_("The recipient announced the return itself on %(day)s.")
        % {"day": date_format(voluntary_return.announced_on, "SHORT_DATE_FORMAT")},
    )
    voluntary_return.claim = claim
    voluntary_return.save(update_fields=["claim"])
    audit(
        acting_user=acting_user, action="voluntary_return.recorded", target=voluntary_return, claim=claim.pk
    )
    return claim
