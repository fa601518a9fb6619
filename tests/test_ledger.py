"""The grant's ledger (issue 6, section 8): random sequences of decisions, corrections, acceptances, declines,
payments, returns and reports with their settlement, suspensions of payments, waivers and offsettings against
another grant of the recipient (issue 14), driven through the services, and after every step the ledgers of both
grants reconcile with their instalments and the decisions in force."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from avustamo.core.dates import banking_day_from, helsinki_today
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.grants import services as grant_services
from avustamo.grants.models import GrantStatus
from avustamo.hearings.models import HearingSubject
from avustamo.payments import selectors, services
from avustamo.payments.models import BatchStatus, LedgerKind, PaymentBatch, ReferenceRate, ReturnGround
from avustamo.payments.reference_rates import load_reference_rates
from avustamo.payments.services.invoicing import apply_confirmation
from avustamo.programmes.models import PaymentChannel
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    ProgrammeFactory,
    ReportFactory,
    UserFactory,
    heard,
)

SHARES = st.sampled_from(
    [
        [],
        [
            {"percent": "60", "condition": "on_acceptance"},
            {"percent": "40", "condition": "after_final_report"},
        ],
        [
            {"percent": "33", "condition": "on_acceptance"},
            {"percent": "33", "condition": "on_acceptance"},
            {"percent": "34", "condition": "after_interim_report"},
        ],
        [{"percent": "50", "condition": "on_acceptance"}, {"percent": "50", "condition": "in_arrears"}],
        [{"percent": "100", "condition": "in_arrears"}],
    ]
)
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("correct"), AMOUNTS, SHARES),
        st.tuples(st.just("reject")),
        st.tuples(st.just("accept")),
        st.tuples(st.just("decline")),
        st.tuples(st.just("pay")),
        st.tuples(st.just("batch")),
        st.tuples(st.just("bounce")),
        st.tuples(
            st.just("arrears"), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2)
        ),
        st.tuples(
            st.just("reclaim"),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2),
            # A recovery stops the payments not yet made; a return of 20 § leaves them (issue 14).
            st.sampled_from([ReturnGround.MATERIAL_BREACH, ReturnGround.NOT_USED_AS_DECIDED]),
        ),
        st.tuples(st.just("receive")),
        st.tuples(st.just("suspend"), st.booleans()),
        st.tuples(st.just("end_suspension")),
        st.tuples(
            st.just("waive"),
            st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2),
            st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2),
        ),
        st.tuples(
            st.just("offset"), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2)
        ),
        st.tuples(
            st.just("report"),
            st.sampled_from(["interim", "final"]),
            st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2),
        ),
    ),
    max_size=10,
)


def _decision(application, presenter, decider, *, amount, shares, corrects=None, outcome=Outcome.APPROVED):
    return Decision.objects.create(
        application=application,
        corrects=corrects,
        outcome=outcome,
        amount=amount if outcome != Outcome.REJECTED else 0,
        purpose="Tarkoitus." if outcome != Outcome.REJECTED else "",
        instalments=shares if outcome != Outcome.REJECTED else [],
        reasons="Perustelut.",
        presenter=presenter,
        decision_maker=decider,
        status=DecisionStatus.PUBLISHED,
        signed_at=timezone.now(),
        decision_date=helsinki_today(),
        period_start=helsinki_today() - datetime.timedelta(days=200),
        period_end=helsinki_today() + datetime.timedelta(days=200),
        reports_due=[] if outcome == Outcome.REJECTED else REPORTS_DUE,
        published_at=timezone.now(),
    )


REPORTS_DUE = [
    {"kind": "interim", "due": (helsinki_today() + datetime.timedelta(days=30)).isoformat()},
    {"kind": "final", "due": (helsinki_today() + datetime.timedelta(days=260)).isoformat()},
]


def _report(grant, member, kind, accepted_share, reviewer, finance):
    """The report of `kind` written, sent and approved, the final one with `accepted_share` of its costs."""
    amount = grant.decision.amount
    ReportFactory.approved(
        grant=grant,
        kind=kind,
        due_date=datetime.date.fromisoformat(
            next(entry["due"] for entry in REPORTS_DUE if entry["kind"] == kind)
        ),
        created_by=member,
        costs={"personnel": str(amount)},
        content_reviewer=reviewer,
        accepted_costs=(amount * accepted_share).quantize(Decimal("0.01")),
        notes="Osa kuluista ei ollut hyväksyttäviä.",
        finance_officer=finance,
    )


# Half the sequences start with a grant accepted, paid and claimed back in part, so that the steps acting on claims
# (receive, waive, offset) have one to act on.
START = st.sampled_from(
    [
        [],
        [("accept",), ("pay",), ("reclaim", Decimal("0.5"), ReturnGround.MATERIAL_BREACH)],
        [("accept",), ("pay",), ("reclaim", Decimal("0.3"), ReturnGround.NOT_USED_AS_DECIDED)],
        # Through the invoice circulation: a payment rejected, due again, then paid.
        [("accept",), ("bounce",), ("pay",)],
    ]
)


def _answer(batch, *, paid: bool) -> None:
    """The invoice circulation's confirmation of each invoice of the batch, twice over (a file seen again)."""
    for invoice in batch.invoices.all():
        answer = (
            f"<Maksupvm>{batch.execution_date}</Maksupvm>" if paid else "<Hylatty>Tili suljettu.</Hylatty>"
        )
        content = (
            f"<VA-invoice><Header><Pitkaviite>{invoice.long_reference}</Pitkaviite>{answer}</Header></VA-invoice>"
        ).encode()
        for copy in (1, 2):
            apply_confirmation(f"{invoice.long_reference}-{copy}.xml", content)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=AMOUNTS,
    shares=SHARES,
    requires_acceptance=st.booleans(),
    start=START,
    steps=STEPS,
    through_circulation=st.booleans(),
)
def test_the_ledger_reconciles_after_every_step(
    amount, shares, requires_acceptance, start, steps, through_circulation
):
    # An agency pays from its own account (a credit transfer marked paid) or through the State's invoice
    # circulation, whose confirmations pay, or reject and so bounce, the payments sent.
    agency = AgencyFactory(code="TEM")
    # The examples share the database: the agency of an earlier one is set again.
    agency.payment_iban, agency.invoice_edi_code = "FI2112345600000785", "003727697901"
    agency.payment_channel = (
        PaymentChannel.INVOICE_CIRCULATION if through_circulation else PaymentChannel.CREDIT_TRANSFER
    )
    agency.save()
    programme = ProgrammeFactory(agency=agency)
    call = CallFactory(closed=True, programme=programme, requires_acceptance=requires_acceptance)
    membership = MembershipFactory()
    application = ApplicationFactory(
        call=call, organisation=membership.organisation, applicant_name="Yhdistys ry"
    )
    # Its register number names its payments in the invoice circulation.
    application.register_number = f"TEM/{application.pk}/{helsinki_today().year}"
    application.save(update_fields=["register_number"])
    presenter, decider = UserFactory(roles=["presenter"]), UserFactory(roles=["decision_maker"])
    finance, approver = UserFactory(roles=["finance_officer"]), UserFactory(roles=["finance_officer"])
    manager = UserFactory(roles=["programme_manager"])
    load_reference_rates()
    # Rates not yet announced are entered for the test, so that claims are reckoned: money is paid today and
    # claimed back by a due date 30 days on, in this half-year or the next.
    today = helsinki_today()
    this_half_year = datetime.date(today.year, 1 if today.month <= 6 else 7, 1)
    next_half_year = (
        datetime.date(today.year, 7, 1) if this_half_year.month == 1 else datetime.date(today.year + 1, 1, 1)
    )
    for half_year in (this_half_year, next_half_year):
        ReferenceRate.objects.get_or_create(
            valid_from=half_year, defaults={"rate": Decimal("2.0"), "source": "testi"}
        )
    decision = _decision(application, presenter, decider, amount=amount, shares=shares)
    grant = grant_services.grant_open(decision=decision, acting_user=presenter)
    paid_before = Decimal("0")
    # Another grant of the same recipient, from another agency's call so that the batches here leave it alone: its
    # instalment of 5 000 € is due, for offsettings to take from.
    other_programme = ProgrammeFactory(code="okm-toinen-ohjelma", agency=AgencyFactory(code="OKM"))
    other_call = CallFactory(closed=True, programme=other_programme)
    other_application = ApplicationFactory(
        call=other_call, organisation=membership.organisation, applicant_name="Yhdistys ry"
    )
    other = grant_services.grant_open(
        decision=_decision(other_application, presenter, decider, amount=Decimal("5000.00"), shares=[]),
        acting_user=presenter,
    )
    grant_services.grant_accept(grant=other, acting_user=membership.person)

    for step in [*start, *steps]:
        grant.refresh_from_db()
        outcome = "done"
        try:
            if step[0] == "correct" and grant.status != GrantStatus.CLOSED:
                decision = _decision(
                    application, presenter, decider, amount=step[1], shares=step[2], corrects=grant.decision
                )
                grant_services.grant_open(decision=decision, acting_user=presenter)
            elif step[0] == "reject" and grant.status != GrantStatus.CLOSED:
                decision = _decision(
                    application, presenter, decider, amount=0, shares=[], corrects=grant.decision,
                    outcome=Outcome.REJECTED,
                )  # fmt: skip
                grant_services.grant_open(decision=decision, acting_user=presenter)
            elif step[0] == "accept":
                grant_services.grant_accept(grant=grant, acting_user=membership.person)
            elif step[0] == "decline":
                grant_services.grant_decline(
                    grant=grant, reason="Ei tarvetta.", acting_user=membership.person
                )
            elif step[0] == "arrears":
                left = services.arrears_left(grant)
                asked = max(Decimal("0.01"), (left * step[1]).quantize(Decimal("0.01")))
                claim = services.payment_application_submit(
                    grant=grant,
                    period_start=decision.period_start or helsinki_today(),
                    period_end=helsinki_today(),
                    costs_incurred=asked,
                    amount=asked,
                    description="Kulut.",
                    acting_user=membership.person,
                )
                services.payment_application_decide(
                    payment_application=claim, approved_amount=asked, reason="", acting_user=finance
                )
            elif step[0] == "reclaim":
                ledger = selectors.ledger_of(grant)
                returnable = ledger.paid - ledger.returned
                heard(grant)
                services.return_claim_create(
                    grant=grant,
                    ground=step[2],
                    amount=max(Decimal("0.01"), (returnable * step[1]).quantize(Decimal("0.01"))),
                    due_date=helsinki_today() + datetime.timedelta(days=30),
                    learned_on=helsinki_today(),
                    reasons="Ehtoja rikottu.",
                    acting_user=manager,
                )
            elif step[0] == "report":
                _report(grant, membership.person, step[1], step[2], manager, finance)
            elif step[0] == "receive":
                for claim in grant.return_claims.filter(received_on__isnull=True):
                    services.return_claim_received(
                        claim=claim, received_on=helsinki_today(), acting_user=finance
                    )
            elif step[0] == "suspend":
                heard(grant, HearingSubject.SUSPENSION)
                services.payment_suspend(
                    grant=grant,
                    grounds="19 §.",
                    reasons="Selvitys kesken.",
                    starts_on=helsinki_today(),
                    ends_on=helsinki_today() if step[1] else None,
                    acting_user=manager,
                )
            elif step[0] == "end_suspension":
                if not grant.suspensions.filter(status="in_force").exists():
                    outcome = "had nothing to act on"
                for suspension in grant.suspensions.filter(status="in_force"):
                    services.payment_suspension_end(
                        suspension=suspension, reasons="Selvitetty.", acting_user=manager
                    )
            elif step[0] == "waive":
                if not any(claim.is_open for claim in grant.return_claims.filter(received_on__isnull=True)):
                    outcome = "had nothing to act on"
                for claim in grant.return_claims.filter(received_on__isnull=True):
                    if claim.is_open:
                        services.claim_waive(
                            claim=claim,
                            amount=(claim.amount_left * step[1]).quantize(Decimal("0.01")),
                            interest=(claim.interest_left * step[2]).quantize(Decimal("0.01")),
                            reasons="Kohtuutonta.",
                            acting_user=manager,
                        )
            elif step[0] == "offset":
                instalment = other.instalments.filter(status="due").first()
                claim = next(
                    (c for c in grant.return_claims.filter(received_on__isnull=True) if c.is_open), None
                )
                if not (instalment and claim):
                    outcome = "had nothing to act on"
                else:
                    most = min(instalment.amount, claim.total_left)
                    heard(grant, HearingSubject.OFFSET)
                    services.claim_offset(
                        claim=claim,
                        instalment=instalment,
                        amount=max(Decimal("0.01"), (most * step[1]).quantize(Decimal("0.01"))),
                        reasons="Kuittaus.",
                        acting_user=manager,
                    )
            elif step[0] in ("pay", "batch", "bounce"):
                suspended = grant.suspensions.filter(status="in_force").exists()
                batch = services.batch_prepare(
                    agency=agency, execution_date=banking_day_from(helsinki_today()), acting_user=finance
                )
                assert not (suspended and batch.instalments.filter(grant=grant).exists()), (
                    "a suspended grant is not batched"
                )
                services.batch_approve(batch=batch, acting_user=approver)
                if through_circulation and step[0] != "batch":
                    services.batch_send(batch=batch, acting_user=finance)
                    _answer(batch, paid=step[0] == "pay")
                elif step[0] == "pay":
                    services.batch_credit_transfer(batch=batch, acting_user=finance)
                    services.batch_mark_paid(batch=batch, paid_on=helsinki_today(), acting_user=finance)
                elif step[0] == "bounce":
                    outcome = "had nothing to act on"
            event(f"{step[0]} {outcome}")
        except ValidationError:
            event(
                f"{step[0]} refused"
            )  # a step the rules refuse changes nothing, as the checks below also show
        grant.refresh_from_db()
        assert selectors.reconciliation_problems(grant) == [], step
        assert selectors.reconciliation_problems(other) == [], step
        for claim in grant.return_claims.all():
            assert claim.amount_left >= 0 and claim.interest_left >= 0, "nothing is waived or offset twice"
        ledger = selectors.ledger_of(grant)
        assert ledger.paid >= paid_before, "money once paid stays paid"
        paid_before = ledger.paid
        assert all(entry.amount != 0 for entry in ledger.entries), [
            (e.kind, e.amount) for e in ledger.entries
        ]
        reclaimed = ledger.by_kind.get(LedgerKind.RECLAIMED, Decimal("0"))
        waived = ledger.by_kind.get(LedgerKind.WAIVED, Decimal("0"))
        settled = grant.reports.filter(kind="final", status="approved").exists()
        if grant.status in (GrantStatus.AWAITING_ACCEPTANCE, GrantStatus.ACCEPTED) and not (
            reclaimed or settled
        ):
            assert ledger.in_force == grant.decision.amount
        if settled:
            assert ledger.in_force <= max(grant.decision.amount, ledger.paid), (
                "a settlement never awards more"
            )
        assert ledger.returned + waived <= -reclaimed, "no more comes back or is waived than was claimed"
        other_ledger = selectors.ledger_of(other)
        offset_here = sum(
            (offset.principal for c in grant.return_claims.all() for offset in c.offsets.all()), Decimal("0")
        )
        assert other_ledger.paid == sum(
            (offset.amount for c in grant.return_claims.all() for offset in c.offsets.all()), Decimal("0")
        ), "the other grant pays by offsetting what the claims take from it, and nothing else"
        assert offset_here <= ledger.returned
        if not grant.may_be_paid:
            assert not grant.instalments.filter(status="due").exists()
    assert not PaymentBatch.objects.filter(status=BatchStatus.PAID, instalments__isnull=True).exists()
    assert set(selectors.ledger_of(grant).by_kind) <= set(LedgerKind.values)
    assert set(selectors.ledger_of(other).by_kind) <= {LedgerKind.AWARDED, LedgerKind.OFFSET}
