"""What becomes of a return or recovery after its decision, besides the money coming back: a waiver or reduction
(kohtuullistaminen, 688/2001 26 §) of its amount or interest, and offsetting (kuittaus) of what is due against an
unpaid instalment of another grant to the same recipient. Each is a decision with reasons and a document, and each
is written to the grants' ledgers."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.money import format_euros
from avustamo.grants.selectors import missing_agreements
from avustamo.grants.services import lock_grant
from avustamo.hearings.models import HearingSubject
from avustamo.hearings.services import require_heard
from avustamo.payments.accounting import AccountBook, book, income_codes_or_refuse
from avustamo.payments.models import (
    ClaimOffset,
    ClaimWaiver,
    Instalment,
    InstalmentStatus,
    LedgerKind,
    PaymentSuspension,
    PostingPurpose,
    ReturnClaim,
    suspensions_in_force_on,
)
from avustamo.payments.services.instalments import record
from avustamo.payments.tasks import OFFSET, WAIVER, make_money_decision

# The officials who decide returns and recoveries decide what becomes of them.
CLAIM_PERMISSION = "payments.claim_return"


def _open_claim(claim: ReturnClaim, acting_user) -> ReturnClaim:
    claim = ReturnClaim.objects.select_related("grant__decision", "grant__application").get(pk=claim.pk)
    lock_grant(claim.grant)
    claim = (
        ReturnClaim.objects.select_for_update()
        .select_related("grant__decision", "grant__application")
        .get(pk=claim.pk)
    )
    if not acting_user.has_perm(CLAIM_PERMISSION, claim.grant.decision):
        raise PermissionDenied
    if not claim.is_open:
        raise ValidationError(_("Nothing of this claim is left due."), code="claim_closed")
    return claim


@transaction.atomic
def claim_waive(
    *, claim: ReturnClaim, amount: Decimal, interest: Decimal, reasons: str, acting_user
) -> ClaimWaiver:
    """Waive or reduce what is left due of a claim: part or all of its amount, of the interest reckoned on it, or
    both. The waived amount leaves the claim and returns to the grant in its ledger; the waived interest leaves the
    claim (interest is kept on the claim, not in the ledger)."""
    claim = _open_claim(claim, acting_user)
    errors = {}
    if amount < 0 or amount > claim.amount_left:
        errors["amount"] = _("Waive at most what is left of the amount, %(most)s.") % {
            "most": format_euros(claim.amount_left)
        }
    if interest < 0 or interest > claim.interest_left:
        errors["interest"] = _("Waive at most what is left of the interest, %(most)s.") % {
            "most": format_euros(claim.interest_left)
        }
    if not errors and amount == 0 and interest == 0:
        errors["amount"] = _("Waive some of the amount, of the interest, or of both.")
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons of the decision.")
    if errors:
        raise ValidationError(errors)
    waiver = ClaimWaiver.objects.create(
        claim=claim,
        amount=amount,
        interest=interest,
        reasons=reasons.strip(),
        decided_by=acting_user,
        language=claim.language,
    )
    claim.waived_amount += amount
    claim.waived_interest += interest
    claim.save(update_fields=["waived_amount", "waived_interest"])
    record(claim.grant, LedgerKind.WAIVED, amount, helsinki_today())
    audit(
        acting_user=acting_user, action="return_claim.waived", target=claim, amount=amount, interest=interest
    )
    transaction.on_commit(lambda: make_money_decision.enqueue(kind=WAIVER, pk=waiver.pk))
    return waiver


@transaction.atomic
def claim_offset(
    *,
    claim: ReturnClaim,
    instalment: Instalment,
    amount: Decimal,
    reasons: str,
    acting_user,
    not_heard_ground: str = "",
    not_heard_reasons: str = "",
) -> ClaimOffset:
    """Offset `amount` of what is due on the claim against a due instalment of another grant to the same recipient:
    that instalment is reduced by it (cancelled when wholly used) and a part of `amount` is paid by offsetting on
    that grant, and the claim counts as received by it today: first its amount, then its interest. It takes money
    the recipient would otherwise be paid: the recipient is heard on it first, or a ground for not hearing
    recorded (`hearings.services.require_heard`, on the claim's grant)."""
    instalment = Instalment.objects.select_related(
        "grant__decision", "grant__application__call__programme", "grant__application__organisation"
    ).get(pk=instalment.pk)
    # Both grants locked, the lower id first, so that two offsettings between the same grants cannot deadlock.
    grants = {claim.grant_id: claim.grant, instalment.grant_id: instalment.grant}
    for grant_id in sorted(grants):
        lock_grant(grants[grant_id])
    claim = _open_claim(claim, acting_user)
    other = instalment.grant
    if not acting_user.has_perm(CLAIM_PERMISSION, other.decision):
        raise PermissionDenied
    instalment = (
        Instalment.objects.select_for_update(of=("self",))
        .select_related("grant__application__call__programme", "grant__application__organisation")
        .get(pk=instalment.pk)
    )
    today = helsinki_today()
    if (
        other.pk == claim.grant_id
        or other.application.organisation_id != claim.grant.application.organisation_id
    ):
        raise ValidationError(
            {"instalment": _("Offset against an instalment of another grant to the same recipient.")}
        )
    if instalment.status != InstalmentStatus.DUE:
        raise ValidationError({"instalment": _("Only an instalment due for payment can be offset against.")})
    if PaymentSuspension.objects.filter(suspensions_in_force_on(today), grant=other).exists():
        raise ValidationError(
            {
                "instalment": _(
                    "The payments of that grant are suspended: nothing of it is paid, by offsetting either."
                )
            }
        )
    if missing := missing_agreements([other.pk]).get(other.pk):
        raise ValidationError(
            {
                "instalment": _(
                    "That grant is not paid, by offsetting either, before the written agreements on passing it "
                    "on are on file: %(missing)s."
                )
                % {"missing": ", ".join(missing)}
            }
        )
    most = min(instalment.amount, claim.total_left)
    errors = {}
    if amount <= 0 or amount > most:
        errors["amount"] = _(
            "Offset more than 0 and at most %(most)s: what is left due and what the instalment pays."
        ) % {"most": format_euros(most)}
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons of the decision.")
    if errors:
        raise ValidationError(errors)
    principal = min(amount, claim.amount_left)
    income = {
        PostingPurpose.RECOVERY if claim.is_recovery else PostingPurpose.RETURN: principal,
        PostingPurpose.INTEREST: amount - principal,
    }
    income = {purpose: part for purpose, part in income.items() if part}
    income_codes = income_codes_or_refuse(claim.grant, income)
    payment_codes = AccountBook.of([other.application.call.programme.agency_id]).payment_codes(instalment)
    if payment_codes.missing:
        raise ValidationError(
            {
                "instalment": _("The instalment's payment lacks %(missing)s of its accounting posting.")
                % {"missing": ", ".join(payment_codes.missing)}
            },
            code="postings_incomplete",
        )
    heard = require_heard(
        grant=claim.grant,
        subject=HearingSubject.OFFSET,
        acting_user=acting_user,
        not_heard_ground=not_heard_ground,
        not_heard_reasons=not_heard_reasons,
    )
    if amount == instalment.amount:
        # A change of the instalment plan: set by a queryset update, as the plan's other states are (ADR 0009).
        Instalment.objects.filter(pk=instalment.pk).update(status=InstalmentStatus.CANCELLED)
    else:
        instalment.amount -= amount
        instalment.save(update_fields=["amount"])
    paid_by_offsetting = Instalment.objects.create(
        grant=other,
        number=(other.instalments.aggregate(last=Max("number"))["last"] or 0) + 1,
        amount=amount,
        condition=instalment.condition,
        status=InstalmentStatus.OFFSET,
        paid_on=today,
    )
    offset = ClaimOffset.objects.create(
        claim=claim,
        from_instalment=instalment,
        offset_instalment=paid_by_offsetting,
        amount=amount,
        principal=principal,
        interest=amount - principal,
        offset_on=today,
        reasons=reasons.strip(),
        decided_by=acting_user,
        language=claim.language,
    )
    claim.offset_amount += principal
    claim.offset_interest += amount - principal
    claim.save(update_fields=["offset_amount", "offset_interest"])
    record(other, LedgerKind.OFFSET, -amount, today)
    record(claim.grant, LedgerKind.RETURNED, principal, today)
    book(other, PostingPurpose.TRANSFER, payment_codes, amount, today, instalment=paid_by_offsetting)
    for purpose, part in income.items():
        book(claim.grant, purpose, income_codes[purpose], part, today, claim=claim)
    audit(
        acting_user=acting_user,
        action="return_claim.offset",
        target=claim,
        amount=amount,
        instalment=instalment.pk,
        grant=other.pk,
        **heard.audit_details(),
    )
    transaction.on_commit(lambda: make_money_decision.enqueue(kind=OFFSET, pk=offset.pk))
    return offset
