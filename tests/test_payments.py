"""Payment plans and payment batches (issue 6, sections 2 and 3): instalments from the decision, due on acceptance,
gathered by one finance officer and approved by another, exported once as an ISO 20022 pain.001.001.03 credit
transfer valid against the official XSD, each instalment paid at most once."""

import datetime
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from avustamo.core.dates import banking_day_from, helsinki_today, is_banking_day
from avustamo.core.models import AuditEntry
from avustamo.grants import services as grant_services
from avustamo.payments import selectors, services
from avustamo.payments.models import BatchStatus, Instalment, InstalmentStatus, PaymentBatch
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    AgencyFactory,
    CallFactory,
    GrantFactory,
    MembershipFactory,
    PaymentBatchFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
TODAY = helsinki_today()
PAYMENT_DAY = banking_day_from(TODAY)
# Next year's: a Friday banks are closed, with the weekend after it.
MIDSUMMER_EVE = next(
    day
    for day in (datetime.date(TODAY.year + 1, 6, 19) + datetime.timedelta(days=n) for n in range(7))
    if day.weekday() == 4
)


def _plan(grant) -> list[tuple]:
    return [
        (instalment.number, instalment.amount, instalment.condition, instalment.status)
        for instalment in Instalment.objects.filter(grant=grant).order_by("number")
    ]


@pytest.fixture
def agency():
    return AgencyFactory(code="TEM", payment_iban="FI2112345600000785", payment_bic="NDEAFIHH")


@pytest.fixture
def call(agency):
    return CallFactory(
        closed=True, programme=ProgrammeFactory(agency=agency), appropriation=Decimal("90000.00")
    )


SIXTY_THIRTY_TEN = [
    {"percent": "60", "condition": "on_acceptance"},
    {"percent": "30", "condition": "after_interim_report"},
    {"percent": "10", "condition": "after_final_report"},
]


class TestPlan:
    def test_instalments_add_up_to_the_grant_exactly(self, call):
        grant = GrantFactory.awaiting_acceptance(call=call, amount="12345.50", instalments=SIXTY_THIRTY_TEN)
        # 60 % = 7 407.30, 30 % = 3 703.65, the last the remainder 1 234.55: 12 345.50 in all.
        assert [(number, amount) for number, amount, _, _ in _plan(grant)] == [
            (1, Decimal("7407.30")),
            (2, Decimal("3703.65")),
            (3, Decimal("1234.55")),
        ]

    def test_a_decision_without_instalments_is_paid_at_once_on_acceptance(self, call):
        grant = GrantFactory.awaiting_acceptance(call=call, amount="5000.00")
        assert _plan(grant) == [(1, Decimal("5000.00"), "on_acceptance", InstalmentStatus.PLANNED)]
        grant_services.grant_accept(grant=grant, acting_user=grant.application.submitted_by)
        assert _plan(grant)[0][3] == InstalmentStatus.DUE

    def test_only_the_instalment_on_acceptance_falls_due(self, call):
        grant = GrantFactory.accepted(call=call, amount="12345.50", instalments=SIXTY_THIRTY_TEN)
        assert [status for *_, status in _plan(grant)] == [
            InstalmentStatus.DUE,
            InstalmentStatus.PLANNED,
            InstalmentStatus.PLANNED,
        ]

    def test_without_acceptance_in_the_call_payment_is_due_at_once(self, agency):
        call = CallFactory(closed=True, programme=ProgrammeFactory(agency=agency), requires_acceptance=False)
        grant = GrantFactory.awaiting_acceptance(call=call, amount="800.00")
        assert _plan(grant)[0][3] == InstalmentStatus.DUE

    def test_declining_cancels_what_was_not_paid(self, call):
        grant = GrantFactory.awaiting_acceptance(call=call)
        grant_services.grant_decline(
            grant=grant, reason="Ei tarvetta.", acting_user=grant.application.submitted_by
        )
        assert {status for *_, status in _plan(grant)} == {InstalmentStatus.CANCELLED}


@pytest.fixture
def finance():
    return UserFactory(roles=["finance_officer"], full_name="Fiia Maksaja")


@pytest.fixture
def approver():
    return UserFactory(roles=["finance_officer"], full_name="Hannu Hyväksyjä")


class TestBatches:
    def test_a_batch_takes_every_due_payment_of_the_agency(self, call, finance):
        first, second = (
            GrantFactory.accepted(call=call, amount="1000.00"),
            GrantFactory.accepted(call=call, amount="2500.50"),
        )
        GrantFactory.awaiting_acceptance(call=call, amount="700.00")  # not accepted: not due
        other_agency = GrantFactory.accepted(
            call=CallFactory(
                closed=True, programme=ProgrammeFactory(code="okm-muu", agency=AgencyFactory(code="OKM"))
            ),
            amount="99.00",
        )
        batch = services.batch_prepare(
            agency=call.programme.agency, execution_date=PAYMENT_DAY, acting_user=finance
        )
        paid = {instalment.grant_id: instalment for instalment in batch.instalments.all()}
        assert set(paid) == {first.pk, second.pk}
        assert paid[first.pk].payee_iban == first.application.organisation.iban
        assert Instalment.objects.get(grant=other_agency).status == InstalmentStatus.DUE
        assert AuditEntry.objects.filter(action="payment_batch.prepared", actor=finance).exists()

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ("nothing_due", "No payment of TEM is due."),
            ("no_account", "Enter the IBAN and BIC of the account TEM pays grants from"),
            ("no_service_code", "and its service code in the bank's payment service"),
            ("past_day", "The day of payment cannot be in the past."),
            (
                "midsummer_eve",
                f"Banks do not pay on {MIDSUMMER_EVE.day} June {MIDSUMMER_EVE.year}: the next banking day is "
                f"{MIDSUMMER_EVE.day + 3} June {MIDSUMMER_EVE.year}.",
            ),
        ],
    )
    def test_a_batch_that_cannot_be_made_is_refused_and_nothing_is_saved(
        self, call, finance, change, message
    ):
        if change != "nothing_due":
            GrantFactory.accepted(call=call, amount="1000.00")
        if change == "no_account":
            call.programme.agency.payment_iban = ""
            call.programme.agency.save()
        if change == "no_service_code":
            call.programme.agency.payment_service_code = ""
            call.programme.agency.save()
        day = {
            "past_day": TODAY - datetime.timedelta(days=1),
            "midsummer_eve": MIDSUMMER_EVE,
        }.get(change, PAYMENT_DAY)
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            services.batch_prepare(agency=call.programme.agency, execution_date=day, acting_user=finance)
        assert message in " ".join(refusal.value.messages)
        assert not PaymentBatch.objects.exists()
        assert not Instalment.objects.filter(status=InstalmentStatus.IN_BATCH).exists()

    def test_the_form_offers_the_next_banking_day(self, finance, client):
        sign_in(client, finance)
        offered = client.get("/official/payments/").context["form"]["execution_date"].value()
        assert offered == banking_day_from(TODAY + datetime.timedelta(days=1))
        assert is_banking_day(offered) and not any(
            is_banking_day(TODAY + datetime.timedelta(days=n)) for n in range(1, (offered - TODAY).days)
        )

    def test_christmas_closes_the_banks_from_christmas_eve_to_boxing_day(self):
        christmas_eve = datetime.date(TODAY.year + 1, 12, 24)
        first_after = datetime.date(TODAY.year + 1, 12, 27)
        while first_after.weekday() >= 5:
            first_after += datetime.timedelta(days=1)
        assert banking_day_from(christmas_eve) == first_after

    def test_the_one_who_prepared_cannot_approve(self, call, finance, approver):
        GrantFactory.accepted(call=call, amount="1000.00")
        batch = PaymentBatchFactory.prepared(agency=call.programme.agency, prepared_by=finance)
        with pytest.raises(ValidationError) as refusal:
            services.batch_approve(batch=batch, acting_user=finance)
        assert refusal.value.code == "four_eyes"
        assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.PREPARED
        approved = services.batch_approve(batch=batch, acting_user=approver)
        assert approved.status == BatchStatus.APPROVED and approved.approved_by == approver

    def test_the_database_refuses_a_batch_approved_by_its_preparer(self, call, finance):
        GrantFactory.accepted(call=call, amount="1000.00")
        batch = PaymentBatchFactory.prepared(agency=call.programme.agency, prepared_by=finance)
        with pytest.raises(IntegrityError), transaction.atomic():
            PaymentBatch.objects.filter(pk=batch.pk).update(status="approved", approved_by=finance)

    @pytest.mark.parametrize("role", ["auditor", "programme_manager", "presenter"])
    def test_only_finance_officers_prepare_and_approve(self, call, finance, role):
        GrantFactory.accepted(call=call, amount="1000.00")
        with pytest.raises(PermissionDenied):
            services.batch_prepare(
                agency=call.programme.agency,
                execution_date=PAYMENT_DAY,
                acting_user=UserFactory(roles=[role]),
            )
        batch = services.batch_prepare(
            agency=call.programme.agency, execution_date=PAYMENT_DAY, acting_user=finance
        )
        with pytest.raises(PermissionDenied):
            services.batch_approve(batch=batch, acting_user=UserFactory(roles=[role]))

    def test_the_credit_transfer_is_valid_pain_001_and_made_once(self, call, finance, approver):
        GrantFactory.accepted(call=call, amount="1000.00")
        GrantFactory.accepted(call=call, amount="2500.50", instalments=SIXTY_THIRTY_TEN)
        batch = PaymentBatchFactory.prepared(agency=call.programme.agency, prepared_by=finance)
        with pytest.raises(ValidationError):
            services.batch_credit_transfer(batch=batch, acting_user=finance)
        services.batch_approve(batch=batch, acting_user=approver)
        xml = services.batch_credit_transfer(batch=batch, acting_user=finance)
        schema = xmlschema.XMLSchema(XSD)
        schema.validate(xml)
        document = schema.to_dict(xml)
        header = document["CstmrCdtTrfInitn"]["GrpHdr"]
        # 1 000.00 + 60 % of 2 500.50 (1 500.30) = 2 500.30
        assert header["NbOfTxs"] == "2" and Decimal(str(header["CtrlSum"])) == Decimal("2500.30")
        assert header["MsgId"] == batch.reference
        [information] = document["CstmrCdtTrfInitn"]["PmtInf"]
        assert information["DbtrAcct"]["Id"]["IBAN"] == "FI2112345600000785"
        # What Finnish banks require to take the file: the paying bank, and the sender by its service code.
        assert information["DbtrAgt"]["FinInstnId"]["BIC"] == "NDEAFIHH"
        assert header["InitgPty"]["Id"]["OrgId"]["Othr"] == [{"Id": "1234567-1", "SchmeNm": {"Cd": "BANK"}}]
        assert information["ReqdExctnDt"] == PAYMENT_DAY.isoformat()
        transfers = {item["PmtId"]["EndToEndId"]: item for item in information["CdtTrfTxInf"]}
        instalments = {instalment.reference: instalment for instalment in batch.instalments.all()}
        assert set(transfers) == set(instalments)
        for reference, instalment in instalments.items():
            assert Decimal(str(transfers[reference]["Amt"]["InstdAmt"]["$"])) == instalment.amount
            assert transfers[reference]["CdtrAcct"]["Id"]["IBAN"] == instalment.payee_iban
        assert services.batch_credit_transfer(batch=batch, acting_user=finance) == xml

    def test_marking_paid_records_the_day_on_every_payment(self, call, finance, approver):
        GrantFactory.accepted(call=call, amount="1000.00")
        batch = PaymentBatchFactory.approved(
            agency=call.programme.agency, prepared_by=finance, approved_by=approver
        )
        with pytest.raises(ValidationError):
            services.batch_mark_paid(batch=batch, paid_on=TODAY, acting_user=finance)  # not sent to the bank
        services.batch_credit_transfer(batch=batch, acting_user=finance)
        with pytest.raises(ValidationError):
            services.batch_mark_paid(
                batch=batch, paid_on=TODAY + datetime.timedelta(days=1), acting_user=finance
            )
        services.batch_mark_paid(batch=batch, paid_on=TODAY, acting_user=finance)
        assert set(batch.instalments.values_list("status", "paid_on")) == {(InstalmentStatus.PAID, TODAY)}


@pytest.mark.django_db(transaction=True)
def test_two_officers_preparing_at_once_never_batch_a_payment_twice(call):
    for amount in ("1000.00", "2000.00", "3000.00"):
        GrantFactory.accepted(call=call, amount=amount)
    officers = [UserFactory(roles=["finance_officer"]) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def prepare(officer):
        try:
            barrier.wait()
            outcomes.append(
                services.batch_prepare(
                    agency=call.programme.agency, execution_date=PAYMENT_DAY, acting_user=officer
                )
            )
        except ValidationError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=prepare, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    batched = list(Instalment.objects.filter(status=InstalmentStatus.IN_BATCH).values_list("pk", "batch"))
    assert len(batched) == 3 and len({pk for pk, _ in batched}) == 3
    assert sorted(type(outcome).__name__ for outcome in outcomes) in (
        ["PaymentBatch", "str"],
        ["PaymentBatch", "PaymentBatch"],
    )
    assert PaymentBatch.objects.filter(instalments__isnull=True).count() == 0


class TestPages:
    def test_a_batch_from_due_payments_to_paid_through_the_pages(self, client, call, finance, approver):
        grant = GrantFactory.accepted(call=call, amount="1500.00")
        sign_in(client, finance)
        overview = client.get("/en/official/payments/").content.decode()
        assert grant.application.register_number in overview and "Prepare the batch" in overview
        prepared = client.post(
            "/en/official/payments/",
            {"agency": call.programme.agency.pk, "execution_date": PAYMENT_DAY.isoformat()},
        )
        batch = PaymentBatch.objects.get()
        assert prepared.status_code == 302 and prepared["Location"].endswith(
            f"/official/payments/batches/{batch.pk}/"
        )
        refused = client.post(f"/en/official/payments/batches/{batch.pk}/approve/")
        assert refused.status_code == 400 and "not by the one who prepared it" in refused.content.decode()
        not_yet = client.get(f"/en/official/payments/batches/{batch.pk}/credit-transfer.xml")
        assert not_yet.status_code == 400 and "approved by a second person first" in not_yet.content.decode()

        sign_in(client, approver)
        asking = client.post(f"/en/official/payments/batches/{batch.pk}/approve/")
        assert (
            asking.status_code == 200
            and "1 payment, €1,500 in all, goes to be paid on" in asking.content.decode()
        )
        assert PaymentBatch.objects.get().status == BatchStatus.PREPARED
        confirmed = client.post(f"/en/official/payments/batches/{batch.pk}/approve/", {"confirmed": "yes"})
        assert confirmed.status_code == 302
        xml = client.get(f"/en/official/payments/batches/{batch.pk}/credit-transfer.xml")
        assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
        xmlschema.XMLSchema(XSD).validate(xml.content)
        rows = (
            client.get(f"/en/official/payments/batches/{batch.pk}/payments.csv").content.decode().splitlines()
        )
        assert rows[0].startswith("reference,payee,iban,amount") and ",1500.00," in rows[1]
        bad_day = client.post(f"/en/official/payments/batches/{batch.pk}/paid/", {"paid_on": "tomorrow"})
        assert bad_day.status_code == 400 and "Enter a valid date." in bad_day.content.decode()
        paid = client.post(f"/en/official/payments/batches/{batch.pk}/paid/", {"paid_on": TODAY.isoformat()})
        assert paid.status_code == 302
        assert PaymentBatch.objects.get().status == BatchStatus.PAID

    def test_an_invalid_batch_request_is_explained(self, client, call, finance):
        sign_in(client, finance)
        response = client.post(
            "/en/official/payments/", {"agency": call.programme.agency.pk, "execution_date": ""}
        )
        assert response.status_code == 400 and "Day of payment" in response.content.decode()
        nothing = client.post(
            "/en/official/payments/",
            {"agency": call.programme.agency.pk, "execution_date": PAYMENT_DAY.isoformat()},
        )
        assert nothing.status_code == 400 and "No payment of TEM is due." in nothing.content.decode()
        assert not PaymentBatch.objects.exists()


PAGE_ROLES = {
    "anonymous": lambda: None,
    "applicant": lambda: MembershipFactory().person,
    "staff_without_role": lambda: UserFactory(official=True),
    "presenter": lambda: UserFactory(roles=["presenter"]),
    "reviewer": lambda: UserFactory(roles=["reviewer"]),
    "decider": lambda: UserFactory(roles=["decision_maker"]),
    "finance": lambda: UserFactory(roles=["finance_officer"]),
    "auditor": lambda: UserFactory(roles=["auditor"]),
    "manager": lambda: UserFactory(roles=["programme_manager"]),
}
READERS = {"finance", "auditor", "manager"}


@pytest.fixture
def prepared_batch(call):
    GrantFactory.accepted(call=call, amount="1000.00")
    return PaymentBatchFactory.prepared(agency=call.programme.agency)


PAGE_CASES = [
    ("GET", lambda batch: "/official/payments/", READERS, 200),
    ("GET", lambda batch: f"/official/payments/batches/{batch.pk}/", READERS, 200),
    ("GET", lambda batch: f"/official/payments/batches/{batch.pk}/payments.csv", READERS, 200),
    ("POST", lambda batch: f"/official/payments/batches/{batch.pk}/approve/", {"finance"}, 302),
    ("GET", lambda batch: f"/official/payments/batches/{batch.pk}/credit-transfer.xml", {"finance"}, 400),
]


@pytest.mark.parametrize("role", list(PAGE_ROLES))
@pytest.mark.parametrize(
    ("method", "path", "allowed", "code"), PAGE_CASES, ids=[str(i) for i in range(len(PAGE_CASES))]
)
def test_who_may_use_the_payment_pages(client, prepared_batch, role, method, path, allowed, code):
    user = PAGE_ROLES[role]() or AnonymousUser()
    expected = LOGIN if role == "anonymous" else (code if role in allowed else 403)
    assert_access(client, user, method, path(prepared_batch), expected)


class TestMoneyShown:
    def test_the_recipient_sees_each_instalment_and_what_was_paid(self, client, call, finance, approver):
        grant = GrantFactory.accepted(call=call, amount="2000.00", instalments=SIXTY_THIRTY_TEN)
        PaymentBatchFactory.paid(
            agency=call.programme.agency, prepared_by=finance, approved_by=approver, paid_on=TODAY
        )
        sign_in(client, grant.application.submitted_by)
        page = client.get(f"/en/applications/{grant.application_id}/decision/").content.decode()
        payments = page.split("The grant's instalments and what has been paid", 1)[1]
        assert "€1,200" in payments and "€600" in payments and "€200" in payments
        assert "Paid" in payments and "after the interim report has been approved" in payments
        assert "Awarded €2,000, paid €1,200, still to be paid €800." in page

    def test_officials_see_each_calls_money(self, client, call, finance, approver):
        GrantFactory.accepted(call=call, amount="2000.00", instalments=SIXTY_THIRTY_TEN)
        GrantFactory.accepted(call=call, amount="500.00")
        GrantFactory.declined(call=call, amount="700.00", reason="Ei tarvetta.")
        batch = PaymentBatchFactory.prepared(agency=call.programme.agency, prepared_by=finance)
        [row] = selectors.money_by_call()
        assert row["reference"] == call.reference and row["grants"] == 2
        assert (row["total"], row["in_batch"], row["due"], row["planned"], row["paid"]) == (
            Decimal("2500.00"),
            Decimal("1700.00"),
            Decimal("0"),
            Decimal("800.00"),
            Decimal("0"),
        )
        services.batch_approve(batch=batch, acting_user=approver)
        sign_in(client, approver)
        page = client.get("/en/official/payments/").content.decode()
        assert "Money by call" in page and "€2,500" in page and "€1,700" in page

    def test_officials_see_the_grant_on_the_applications_decision_page(self, client, call, finance, approver):
        grant = GrantFactory.accepted(call=call, amount="2000.00", instalments=SIXTY_THIRTY_TEN)
        batch = PaymentBatchFactory.approved(
            agency=call.programme.agency, prepared_by=finance, approved_by=approver
        )
        sign_in(client, finance)
        batch_page = client.get(f"/en/official/payments/batches/{batch.pk}/").content.decode()
        assert f"/official/applications/{grant.application_id}/decision/" in batch_page
        page = client.get(f"/en/official/applications/{grant.application_id}/decision/").content.decode()
        shown = page.split("The grant", 1)[1]
        assert "Status: accepted" in shown and grant.application.submitted_by.full_name in shown
        assert "Awarded €2,000, paid €0, still to be paid €2,000." in shown and "In a payment batch" in shown


def test_only_a_second_finance_officer_is_offered_the_approval(client, prepared_batch):
    """The one who prepared a batch is told who approves it, not shown a button that would refuse them."""
    sign_in(client, prepared_batch.prepared_by)
    page = client.get(f"/en/official/payments/batches/{prepared_batch.pk}/").content.decode()
    assert "Approve the batch" not in page
    assert "A second finance officer approves this batch: the one who prepared it cannot." in page
    sign_in(client, UserFactory(roles=["finance_officer"]))
    page = client.get(f"/en/official/payments/batches/{prepared_batch.pk}/").content.decode()
    assert "Approve the batch" in page
    sign_in(client, UserFactory(roles=["auditor"]))
    assert (
        "Approve the batch"
        not in client.get(f"/en/official/payments/batches/{prepared_batch.pk}/").content.decode()
    )


def test_an_action_address_opened_as_a_page_links_to_the_page_of_its_form(client, prepared_batch):
    sign_in(client, UserFactory(roles=["finance_officer"]))
    response = client.get(f"/en/official/payments/batches/{prepared_batch.pk}/approve/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "This address takes a form's answer" in page
    assert f'href="/en/official/payments/batches/{prepared_batch.pk}/"' in page
    assert PaymentBatch.objects.get().status == BatchStatus.PREPARED
