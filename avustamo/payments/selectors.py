"""Reads of payments and recovery."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from avustamo.core.dates import helsinki_today, shift_years
from avustamo.core.money import to_cents
from avustamo.core.spreadsheets import neutralised
from avustamo.grants.models import Grant, GrantStatus
from avustamo.grants.selectors import missing_agreements
from avustamo.payments.accounting import AccountBook
from avustamo.payments.interest import half_year_start
from avustamo.payments.models import (
    PAID_STATUSES,
    ClaimOffset,
    ClaimWaiver,
    ConfirmationFile,
    ConfirmationOutcome,
    Instalment,
    InstalmentStatus,
    Invoice,
    InvoiceStatus,
    LedgerEntry,
    LedgerKind,
    PaymentApplication,
    PaymentBatch,
    PaymentSuspension,
    Posting,
    PostingPurpose,
    RecoveryGrounds,
    ReferenceRate,
    ReturnClaim,
    VoluntaryReturn,
    batch_reference,
    suspensions_in_force_on,
)
from avustamo.payments.tasks import MONEY_DECISIONS
from avustamo.programmes.models import PaymentChannel
from avustamo.programmes.selectors import paying_authority_relations


def reference_rates(start: datetime.date, end: datetime.date) -> dict[datetime.date, Decimal]:
    """The reference rates of the half-years from `start` to `end`, by the first day of each."""
    rows = ReferenceRate.objects.filter(valid_from__gte=half_year_start(start), valid_from__lte=end)
    return dict(rows.values_list("valid_from", "rate"))


def all_reference_rates():
    return ReferenceRate.objects.select_related("entered_by").order_by("-valid_from")


def due_instalments():
    """Instalments due for payment, oldest grant first, with what the payments page shows; each with `suspended`
    (a suspension of 19 § in force today holds it back) and `suspended_until` (its last day; None: until further
    notice)."""
    in_force = PaymentSuspension.objects.filter(
        suspensions_in_force_on(helsinki_today()), grant=OuterRef("grant")
    )
    return (
        Instalment.objects.filter(status=InstalmentStatus.DUE)
        .select_related(
            *paying_authority_relations("grant__application__call"), "grant__application__organisation"
        )
        .annotate(
            suspended=Exists(in_force),
            suspended_until=Subquery(in_force.values("ends_on")[:1]),
            payer_code=Coalesce(
                *(f"{relation}__code" for relation in paying_authority_relations("grant__application__call"))
            ),
        )
        .order_by("payer_code", "grant__opened_at", "number")
    )


@dataclass
class PaymentsDue:
    """The instalments due, in three lists: ready to join a batch, held back by a suspension of 19 §, and waiting
    for a code of their accounting posting (each with `missing_codes`, the codes it lacks by name)."""

    ready: list[Instalment]
    held: list[Instalment]
    lacking_codes: list[Instalment]
    # Due instalments of grants passing money on to co-implementers whose written agreement is not on file, each
    # with `missing_agreements` (the co-implementers by name).
    awaiting_agreements: list[Instalment] = field(default_factory=list)

    @property
    def ready_total(self) -> Decimal:
        return sum((instalment.amount for instalment in self.ready), Decimal("0"))


def payments_due() -> PaymentsDue:
    instalments = list(due_instalments())
    book = AccountBook.of(
        {instalment.grant.application.call.programme.agency_id for instalment in instalments}
    )
    result = PaymentsDue(ready=[], held=[], lacking_codes=[])
    agreements = missing_agreements({instalment.grant_id for instalment in instalments})
    for instalment in instalments:
        instalment.missing_codes = book.payment_codes(instalment).missing
        instalment.missing_agreements = agreements.get(instalment.grant_id, [])
        if instalment.suspended:
            result.held.append(instalment)
        elif instalment.missing_agreements:
            result.awaiting_agreements.append(instalment)
        elif instalment.missing_codes:
            result.lacking_codes.append(instalment)
        else:
            result.ready.append(instalment)
    return result


def suspensions_of(grant: Grant) -> list[PaymentSuspension]:
    return list(grant.suspensions.select_related("decided_by", "ended_by").order_by("decided_at", "pk"))


def suspension(pk: int) -> PaymentSuspension | None:
    return (
        PaymentSuspension.objects.select_related("grant__decision", "grant__application")
        .filter(pk=pk)
        .first()
    )


def suspension_in_force(suspensions: list[PaymentSuspension]) -> PaymentSuspension | None:
    """Of a grant's suspensions, the one in force today, if any."""
    today = helsinki_today()
    return next((item for item in suspensions if item.in_force_on(today)), None)


def recent_batches(limit: int = 50):
    return (
        PaymentBatch.objects.select_related("agency", "prepared_by", "approved_by")
        .annotate(payments=Count("instalments"), amount=Sum("instalments__amount"))
        .order_by("-prepared_at", "-id")[:limit]
    )


def batch_with_payments(pk: int) -> PaymentBatch | None:
    batch = (
        PaymentBatch.objects.select_related("agency", "prepared_by", "approved_by")
        .annotate(payments=Count("instalments"), amount=Sum("instalments__amount"))
        .filter(pk=pk)
        .first()
    )
    if batch is not None:
        batch.rows = list(batch.instalments.select_related("grant__application__call").order_by("pk"))
        batch.invoice_rows = list(
            batch.invoices.select_related("instalment__grant__application").order_by("pk")
        )
        # How this batch is paid: as it was sent, whatever way its agency pays now.
        if batch.exported_at:
            batch.channel = PaymentChannel.CREDIT_TRANSFER
        elif batch.invoice_rows:
            batch.channel = PaymentChannel.INVOICE_CIRCULATION
        else:
            batch.channel = PaymentChannel(batch.agency.payment_channel)
    return batch


BATCH_CSV_HEADER = (
    "reference", "payee", "iban", "amount", "register_number", "instalment", "call", "day_of_payment", "status",
)  # fmt: skip


def batch_csv_rows(batch: PaymentBatch):
    """The batch's payments as CSV rows (header first), for the accounts and for reading in a spreadsheet."""
    yield BATCH_CSV_HEADER
    for instalment in batch.rows:
        application = instalment.grant.application
        yield (
            instalment.reference,
            neutralised(instalment.payee_name),
            instalment.payee_iban,
            f"{instalment.amount:.2f}",
            application.register_number,
            instalment.number,
            application.call.reference,
            batch.execution_date.isoformat(),
            instalment.status,
        )


def instalments_of(grant: Grant) -> list[Instalment]:
    return list(grant.instalments.select_related("batch").order_by("number"))


def money_by_call() -> list[dict]:
    """Per call with grants, the money of its instalments (cancelled ones left out): in all, paid, in batches, due
    and still planned, and the number of grants."""
    by_status = {
        "paid": PAID_STATUSES,
        "in_batch": [InstalmentStatus.IN_BATCH],
        "due": [InstalmentStatus.DUE],
        "planned": [InstalmentStatus.PLANNED],
    }
    rows = (
        Instalment.objects.exclude(status=InstalmentStatus.CANCELLED)
        .values(reference=F("grant__application__call__reference"))
        .annotate(
            grants=Count("grant", distinct=True),
            total=Sum("amount"),
            **{
                key: Coalesce(Sum("amount", filter=Q(status__in=statuses)), Decimal("0"))
                for key, statuses in by_status.items()
            },
        )
        .order_by("-reference")
    )
    return list(rows)


@dataclass(frozen=True)
class Ledger:
    """A grant's money as its ledger sums it. `in_force` is what the decisions award now; `paid` what the state has
    paid; `owed` what is still to pay (negative: paid beyond the award, to be returned or recovered)."""

    entries: tuple
    by_kind: dict

    @property
    def in_force(self) -> Decimal:
        return sum((self.by_kind.get(kind, Decimal("0")) for kind in AWARD_KINDS), Decimal("0"))

    @property
    def paid(self) -> Decimal:
        """Paid to the recipient: by payment batches, and by offsetting against a claim on another grant."""
        return -sum((self.by_kind.get(kind, Decimal("0")) for kind in PAID_KINDS), Decimal("0"))

    @property
    def claimed_back(self) -> Decimal:
        """Claimed back by returns and recoveries, less what waivers let go."""
        return -(
            self.by_kind.get(LedgerKind.RECLAIMED, Decimal("0"))
            + self.by_kind.get(LedgerKind.WAIVED, Decimal("0"))
        )

    @property
    def awarded_before_claims(self) -> Decimal:
        """What the decisions award, before returns and recoveries claim part of it back (and waivers let part of
        a claim go): the amount the instalments of the plan add up to."""
        return sum((self.by_kind.get(kind, Decimal("0")) for kind in PLAN_KINDS), Decimal("0"))

    @property
    def returned(self) -> Decimal:
        return self.by_kind.get(LedgerKind.RETURNED, Decimal("0"))

    @property
    def owed(self) -> Decimal:
        """Still to pay; negative: to be returned."""
        return self.in_force - self.paid + self.returned


PLAN_KINDS = (LedgerKind.AWARDED, LedgerKind.CHANGED, LedgerKind.DECLINED)
# A waiver lets part of a claim go: that part is the recipient's again, as if it had not been reclaimed.
AWARD_KINDS = (*PLAN_KINDS, LedgerKind.RECLAIMED, LedgerKind.WAIVED)
PAID_KINDS = (LedgerKind.PAID, LedgerKind.OFFSET)


def ledger_of(grant: Grant) -> Ledger:
    entries = tuple(grant.ledger.order_by("recorded_at", "pk"))
    by_kind: dict = {}
    for entry in entries:
        by_kind[entry.kind] = by_kind.get(entry.kind, Decimal("0")) + entry.amount
    return Ledger(entries=entries, by_kind=by_kind)


def reconciliation_problems(grant: Grant) -> list[str]:
    """What does not add up between the grant's ledger, its instalments and its decision; empty when all do."""
    ledger = ledger_of(grant)
    instalments = list(grant.instalments.select_related("payment_application"))
    problems = []
    paid = sum((i.amount for i in instalments if i.status in PAID_STATUSES), Decimal("0"))
    committed = sum(
        (
            i.amount
            for i in instalments
            if i.status in (*PAID_STATUSES, InstalmentStatus.IN_BATCH)
            or (
                i.status in (InstalmentStatus.DUE, InstalmentStatus.PLANNED)
                and hasattr(i, "payment_application")
            )
        ),
        Decimal("0"),
    )
    standing = sum((i.amount for i in instalments if i.status != InstalmentStatus.CANCELLED), Decimal("0"))
    if ledger.paid != paid:
        problems.append(f"ledger paid {ledger.paid} != instalments paid {paid}")
    # The plan adds up to the award before claims: a return of 20 § leaves the plan alone, a recovery stops the
    # unpaid instalments, which the ledger records as a change of the award.
    if standing != max(ledger.awarded_before_claims, committed):
        problems.append(
            f"instalments standing {standing} != max(awarded {ledger.awarded_before_claims}, committed {committed})"
        )
    # A return or recovery decision stops the payments and reclaims money: after one, the plan follows the ledger
    # rather than the grant decision.
    reclaiming = LedgerKind.RECLAIMED in ledger.by_kind
    # So does the settlement of an approved final report: the award becomes what the grant earned.
    settled = grant.reports.filter(kind="final", status="approved").exists()
    decided = (
        grant.status in (GrantStatus.AWAITING_ACCEPTANCE, GrantStatus.ACCEPTED)
        and not reclaiming
        and not settled
    )
    if decided and ledger.in_force != grant.decision.amount:
        problems.append(f"in force {ledger.in_force} != the decision's {grant.decision.amount}")
    if grant.status == GrantStatus.CLOSED and not reclaiming and ledger.in_force != 0:
        problems.append(f"closed grant still awards {ledger.in_force}")
    if any(i.amount <= 0 for i in instalments):
        problems.append("an instalment is not positive")
    problems += _posting_problems(grant, ledger, instalments)
    return problems


def _posting_problems(grant: Grant, ledger: Ledger, instalments: list[Instalment]) -> list[str]:
    """What does not add up between the grant's ledger and the postings for the State's accounts, or between its
    payments and the invoice circulation's confirmations."""
    booked = {purpose: Decimal("0") for purpose in PostingPurpose.values}
    for purpose, amount in grant.postings.values_list("purpose", "amount"):
        booked[purpose] += amount
    problems = []
    if booked[PostingPurpose.TRANSFER] != ledger.paid:
        problems.append(f"booked as paid {booked[PostingPurpose.TRANSFER]} != ledger paid {ledger.paid}")
    came_back = booked[PostingPurpose.RETURN] + booked[PostingPurpose.RECOVERY]
    if came_back != ledger.returned:
        problems.append(f"booked as returned {came_back} != ledger returned {ledger.returned}")
    confirmed = Counter(
        Invoice.objects.filter(instalment__grant=grant, status=InvoiceStatus.PAID).values_list(
            "instalment", flat=True
        )
    )
    if any(count > 1 for count in confirmed.values()):
        problems.append("an instalment was confirmed paid twice")
    unpaid = [i.pk for i in instalments if i.pk in confirmed and i.status != InstalmentStatus.PAID]
    if unpaid:
        problems.append(f"instalments {unpaid} confirmed paid but not paid")
    return problems


def payment_application(pk: int) -> PaymentApplication | None:
    return (
        PaymentApplication.objects.select_related("grant__decision", "grant__application")
        .filter(pk=pk)
        .first()
    )


def payment_applications_of(grant: Grant) -> list[PaymentApplication]:
    return list(
        grant.payment_applications.select_related("submitted_by", "decided_by").order_by("submitted_at")
    )


def return_claim(pk: int) -> ReturnClaim | None:
    return ReturnClaim.objects.select_related("grant__application").filter(pk=pk).first()


def return_claims_of(grant: Grant) -> list[ReturnClaim]:
    """The grant's claims, each with its waivers and offsettings."""
    return list(
        grant.return_claims.select_related("decided_by", "voluntary_return", "recovery_grounds")
        .prefetch_related(
            Prefetch(
                "waivers", ClaimWaiver.objects.select_related("decided_by").order_by("decided_at", "pk")
            ),
            Prefetch(
                "offsets",
                ClaimOffset.objects.select_related(
                    "decided_by", "from_instalment__grant__application"
                ).order_by("decided_at", "pk"),
            ),
        )
        .order_by("decided_at", "pk")
    )


def recovery_grounds(pk: int) -> RecoveryGrounds | None:
    return (
        RecoveryGrounds.objects.select_related("grant__decision", "grant__application").filter(pk=pk).first()
    )


def recovery_grounds_of(grant: Grant) -> list[RecoveryGrounds]:
    """The grounds noted on the grant, open ones first, each by the day it was learned."""
    rows = grant.recovery_grounds.select_related("noted_by", "closed_by", "claim")
    return sorted(rows, key=lambda grounds: (not grounds.is_open, grounds.learned_on, grounds.pk))


def open_recovery_grounds() -> list[RecoveryGrounds]:
    """Every grant's open grounds, the nearest one-year limit of 29 § first, for the officials' payments page."""
    return list(
        RecoveryGrounds.objects.filter(closed_at__isnull=True)
        .select_related("grant__application")
        .order_by("learned_on", "pk")
    )


def voluntary_return(pk: int) -> VoluntaryReturn | None:
    return (
        VoluntaryReturn.objects.select_related("grant__decision", "grant__application").filter(pk=pk).first()
    )


def voluntary_returns_of(grant: Grant) -> list[VoluntaryReturn]:
    return list(
        grant.voluntary_returns.select_related("announced_by", "claim").order_by("announced_at", "pk")
    )


# 688/2001, 29 §: recovery is decided within ten years of the last payment (the one year from learning its grounds
# is in models).
RECOVERY_YEARS_AFTER_LAST_PAYMENT = 10
# Officials are warned this long before the ten years run out.
RECOVERY_WARNING_DAYS = 365


@dataclass(frozen=True)
class RecoveryLimit:
    last_payment_on: datetime.date
    recoverable_until: datetime.date

    def days_left(self, today: datetime.date) -> int:
        return (self.recoverable_until - today).days

    def warns(self, today: datetime.date) -> bool:
        return self.days_left(today) <= RECOVERY_WARNING_DAYS


def recovery_limit(grant: Grant) -> RecoveryLimit | None:
    """The last day a recovery of the grant may be decided by the ten-year rule of 29 §; None before any payment."""
    last = grant.instalments.filter(status__in=PAID_STATUSES).aggregate(last=Max("paid_on"))["last"]
    if last is None:
        return None
    return RecoveryLimit(
        last_payment_on=last, recoverable_until=shift_years(last, RECOVERY_YEARS_AFTER_LAST_PAYMENT)
    )


def taken_back_or_let_go(grant: Grant, ledger: Ledger) -> Decimal:
    """Of what was paid, what has come back, is claimed back and not yet received, or was let go by a waiver: no
    claim takes it again."""
    open_claims = grant.return_claims.filter(received_on__isnull=True)
    waived = ledger.by_kind.get(LedgerKind.WAIVED, Decimal("0"))
    return to_cents(
        ledger.returned + waived + sum((claim.amount_left for claim in open_claims), Decimal("0"))
    )


def returnable(grant: Grant) -> Decimal:
    """What was paid and is neither back, claimed back, waived, nor announced as returned in an announcement not yet
    recorded as a claim: what the recipient may still announce it returns."""
    ledger = ledger_of(grant)
    announced = grant.voluntary_returns.filter(claim__isnull=True).aggregate(total=Sum("amount"))["total"]
    return to_cents(ledger.paid - taken_back_or_let_go(grant, ledger) - Decimal(str(announced or 0)))


def money_decision(kind: str, pk: int):
    """A decision on a grant's money of `kind` (`tasks.MONEY_DECISIONS`), with its grant; None if there is none."""
    spec = MONEY_DECISIONS.get(kind)
    if spec is None:
        return None
    return spec.model.objects.select_related(f"{spec.grant_path}__application").filter(pk=pk).first()


def offsettable_instalments(grant: Grant) -> list[Instalment]:
    """The due instalments of the recipient's other grants, which a claim on `grant` may be offset against."""
    return list(
        Instalment.objects.filter(
            status=InstalmentStatus.DUE, grant__application__organisation=grant.application.organisation_id
        )
        .exclude(grant=grant)
        .select_related("grant__application")
        .order_by("grant__application__register_number", "number")
    )


@dataclass
class Reconciliation:
    """The invoice circulation's side beside the ledger's, for finance: per batch and per call what was sent,
    confirmed paid, rejected or is still waiting (late: longer than `late_after_days`), the ledger's payments of
    each batch and the postings booked, and the confirmation files that matched nothing."""

    late_after_days: int
    batches: list[dict]
    calls: list[dict]
    accounts: list[dict]
    unmatched: list


def _invoice_totals(rows, late_since) -> list[dict]:
    waiting = Q(status__in=(InvoiceStatus.MADE, InvoiceStatus.SENT))
    return [
        {**row, **{key: to_cents(row[key] or 0) for key in row if key.endswith("_amount")}}
        for row in rows.annotate(
            sent=Count("pk"),
            sent_amount=Sum("amount"),
            paid=Count("pk", filter=Q(status=InvoiceStatus.PAID)),
            paid_amount=Sum("amount", filter=Q(status=InvoiceStatus.PAID)),
            rejected=Count("pk", filter=Q(status=InvoiceStatus.REJECTED)),
            rejected_amount=Sum("amount", filter=Q(status=InvoiceStatus.REJECTED)),
            waiting=Count("pk", filter=waiting),
            waiting_amount=Sum("amount", filter=waiting),
            late=Count("pk", filter=waiting & Q(made_at__lt=late_since)),
        )
    ]


def reconciliation(late_after_days: int) -> Reconciliation:
    late_since = timezone.now() - datetime.timedelta(days=late_after_days)
    batches = _invoice_totals(
        Invoice.objects.values("batch", "batch__agency__code", "batch__execution_date").order_by("-batch"),
        late_since,
    )
    ledger = dict(
        LedgerEntry.objects.filter(kind=LedgerKind.PAID, batch__in=[row["batch"] for row in batches])
        .values("batch")
        .annotate(total=Sum("amount"))
        .values_list("batch", "total")
    )
    booked = dict(
        Posting.objects.filter(purpose=PostingPurpose.TRANSFER, batch__in=[row["batch"] for row in batches])
        .values("batch")
        .annotate(total=Sum("amount"))
        .values_list("batch", "total")
    )
    for row in batches:
        row["reference"] = batch_reference(
            row["batch__agency__code"], row["batch__execution_date"], row["batch"]
        )
        row["ledger_paid"] = -to_cents(ledger.get(row["batch"]) or 0)
        row["booked"] = to_cents(booked.get(row["batch"]) or 0)
        row["reconciles"] = row["ledger_paid"] == row["paid_amount"] == row["booked"]
    calls = _invoice_totals(
        Invoice.objects.values(reference=F("instalment__grant__application__call__reference")).order_by(
            "reference"
        ),
        late_since,
    )
    accounts = [
        {**row, "total": to_cents(row["total"])}
        for row in Posting.objects.values("purpose", "account", "budget_item")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("purpose", "account", "budget_item")
    ]
    for row in accounts:
        row["purpose_label"] = PostingPurpose(row["purpose"]).label
    unmatched = list(
        ConfirmationFile.objects.exclude(
            outcome__in=(ConfirmationOutcome.PAID, ConfirmationOutcome.REJECTED)
        ).order_by("-fetched_at", "-pk")[:100]
    )
    return Reconciliation(late_after_days, batches, calls, accounts, unmatched)


RECONCILIATION_CSV_HEADER = (
    "batch", "long_reference", "register_number", "call", "payee", "amount", "status", "delivered_at",
    "paid_on", "rejection_reason", "account", "budget_item", "operational_unit", "project_code", "partner_code",
)  # fmt: skip


def reconciliation_csv_rows():
    """Every invoice sent to the circulation, with its answer and posting, as CSV rows (header first)."""
    yield RECONCILIATION_CSV_HEADER
    invoices = Invoice.objects.select_related(
        "batch__agency", "instalment__grant__application__call"
    ).order_by("batch", "pk")
    for invoice in invoices.iterator(chunk_size=500):
        instalment = invoice.instalment
        application = instalment.grant.application
        posting = instalment.posting
        yield (
            invoice.batch.reference,
            invoice.long_reference,
            application.register_number,
            application.call.reference,
            neutralised(instalment.payee_name),
            f"{invoice.amount:.2f}",
            invoice.status,
            invoice.sent_at.isoformat() if invoice.sent_at else "",
            invoice.paid_on.isoformat() if invoice.paid_on else "",
            neutralised(invoice.rejection_reason),
            *(
                posting.get(name, "")
                for name in ("account", "budget_item", "operational_unit", "project_code", "partner_code")
            ),
        )
