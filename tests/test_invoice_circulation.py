"""Payments through the State's invoice circulation (issue 17): each payment of an approved batch becomes an invoice
message valid against our schema, delivered over SFTP to a real server (the stand-in, a process of its own), and
the circulation's confirmations mark the payments paid on their day or rejected, never twice."""

import datetime
import io
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from avustamo.core.dates import banking_day_from, helsinki_today
from avustamo.core.models import AuditEntry
from avustamo.organisations.models import Organisation, OrganisationType
from avustamo.payments import services
from avustamo.payments.accounting import PUBLISHED_TRANSFER_ACCOUNTS
from avustamo.payments.invoice_message import INVOICE_SCHEMA
from avustamo.payments.models import (
    BatchStatus,
    ConfirmationFile,
    ConfirmationOutcome,
    Instalment,
    InstalmentStatus,
    Invoice,
    InvoiceStatus,
    LedgerEntry,
    LedgerKind,
    Posting,
    PostingPurpose,
)
from avustamo.payments.selectors import ledger_of
from avustamo.payments.sftp import TransportError
from avustamo.programmes.models import PaymentChannel
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    AgencyFactory,
    CallFactory,
    DecisionFactory,
    GrantFactory,
    MembershipFactory,
    PaymentBatchFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.invoice_circulation_stand_in import started_invoice_circulation

pytestmark = pytest.mark.django_db

TODAY = helsinki_today()
PAYMENT_DAY = banking_day_from(TODAY)
EDI_CODE = "003727697901"
CLOSED_ACCOUNT = "FI7912345600000785"


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages are read in English here; the pages choose their language by the address."""
    with translation.override("en"):
        yield


@pytest.fixture
def agency():
    return AgencyFactory(
        code="TEM", payment_channel=PaymentChannel.INVOICE_CIRCULATION, invoice_edi_code=EDI_CODE
    )


@pytest.fixture
def call(agency):
    return CallFactory(closed=True, programme=ProgrammeFactory(agency=agency, partner_code="P100"))


@pytest.fixture
def finance():
    return UserFactory(roles=["finance_officer"], full_name="Fiia Maksaja", email="fiia.maksaja@tem.example")


@pytest.fixture
def approver():
    return UserFactory(roles=["finance_officer"], full_name="Hannu Hyväksyjä", email="hannu@tem.example")


def _grant(call, organisation_type=OrganisationType.REGISTERED_ASSOCIATION, amount="1000.00", **organisation):
    """An accepted grant, due for payment, to an organisation of `organisation_type` (and other `organisation`
    facts, such as its IBAN)."""
    grant = GrantFactory.accepted(call=call, amount=amount)
    Organisation.objects.filter(pk=grant.application.organisation_id).update(
        organisation_type=organisation_type, **organisation
    )
    grant.application.organisation.refresh_from_db()
    return grant


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send a batch as the page does: the delivery task runs once the sending has been committed."""

    def sending(batch, acting_user):
        with django_capture_on_commit_callbacks(execute=True):
            return services.batch_send(batch=batch, acting_user=acting_user)

    return sending


def _approved_batch(agency, finance, approver):
    return PaymentBatchFactory.approved(agency=agency, prepared_by=finance, approved_by=approver)


def _fields(message: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(message)
    return {element.tag: (element.text or "") for element in root.iter() if len(element) == 0}


class TestInvoiceMessage:
    @pytest.mark.parametrize("organisation_type", OrganisationType.values)
    def test_every_kind_of_recipient_gets_a_valid_message_with_its_account(
        self, agency, call, finance, approver, organisation_type
    ):
        grant = _grant(call, organisation_type, amount="12345.60")
        batch = _approved_batch(agency, finance, approver)
        services.batch_send(batch=batch, acting_user=finance)
        [invoice] = Invoice.objects.filter(batch=batch)
        INVOICE_SCHEMA.validate(bytes(invoice.message).decode())
        fields = _fields(bytes(invoice.message))
        application = grant.application
        expected_account = PUBLISHED_TRANSFER_ACCOUNTS.get(organisation_type, "82900000")
        assert fields["generalLedgerAccount"] == expected_account
        assert fields["longReference"] == fields["invoiceNumber"] == f"{application.register_number}_1"
        assert fields["vendorRegistrationId"] == application.organisation.business_id
        assert fields["bankAccount"] == application.organisation.iban.replace(" ", "")
        assert fields["grossAmount"] == fields["netamount"] == fields["postingAmount"] == "12345.60"
        assert fields["vatamount"] == "0.00"
        assert fields["toEdiID"] == EDI_CODE
        assert fields["dueDate"] == batch.execution_date.isoformat()
        assert (fields["accountingObject01"], fields["accountingObject02"]) == ("3201001000", "325030")
        assert (fields["accountingObject04"], fields["accountingObject08"]) == ("3250300101", "P100")
        # The four eyes: the one who prepared verifies, the second who approved approves.
        assert (fields["verifierName"], fields["verifierEmail"]) == (
            "Fiia Maksaja",
            "fiia.maksaja@tem.example",
        )
        assert (fields["approverName"], fields["approverEmail"]) == ("Hannu Hyväksyjä", "hannu@tem.example")

    def test_a_call_overrides_its_programmes_codes(self, agency, finance, approver):
        call = CallFactory(
            closed=True,
            programme=ProgrammeFactory(agency=agency),
            budget_line="32.50.31",
            operational_unit="3201002000",
            project_code="777",
        )
        _grant(call)
        batch = _approved_batch(agency, finance, approver)
        services.batch_send(batch=batch, acting_user=finance)
        fields = _fields(bytes(Invoice.objects.get(batch=batch).message))
        assert (fields["accountingObject01"], fields["accountingObject02"], fields["accountingObject04"]) == (
            "3201002000",
            "325031",
            "777",
        )


class TestIncompletePostings:
    def test_a_payment_lacking_a_code_stays_out_of_the_batch_and_the_page_says_what_is_missing(
        self, client, agency, call, finance
    ):
        ready = _grant(call)
        lacking = _grant(call, OrganisationType.WELLBEING_SERVICES_COUNTY)
        agency.posting_accounts.filter(organisation_type=OrganisationType.WELLBEING_SERVICES_COUNTY).delete()
        batch = services.batch_prepare(agency=agency, execution_date=PAYMENT_DAY, acting_user=finance)
        assert {instalment.grant_id for instalment in batch.instalments.all()} == {ready.pk}
        assert Instalment.objects.get(grant=lacking).status == InstalmentStatus.DUE
        sign_in(client, finance)
        page = client.get("/en/official/payments/").content.decode()
        assert "Waiting for accounting codes" in page
        assert "the general ledger account" in page

    def test_nothing_is_batched_when_no_payment_has_its_codes(self, agency, finance):
        call = CallFactory(closed=True, programme=ProgrammeFactory(agency=agency, project_code=""))
        _grant(call)
        with pytest.raises(ValidationError) as refusal:
            services.batch_prepare(agency=agency, execution_date=PAYMENT_DAY, acting_user=finance)
        assert refusal.value.code == "postings_incomplete"
        assert "lacks a code of its accounting posting" in refusal.value.messages[0]
        assert not Instalment.objects.filter(status=InstalmentStatus.IN_BATCH).exists()

    def test_an_agency_paying_through_the_circulation_needs_its_edi_address(self, agency, call, finance):
        _grant(call)
        agency.invoice_edi_code = ""
        agency.save()
        with pytest.raises(ValidationError) as refusal:
            services.batch_prepare(agency=agency, execution_date=PAYMENT_DAY, acting_user=finance)
        assert refusal.value.code == "no_edi_code"


class TestRoundTrip:
    def test_sent_confirmed_and_paid_on_the_circulations_day(
        self, invoice_circulation, agency, call, finance, approver, send
    ):
        first, second = (
            _grant(call, amount="1000.00"),
            _grant(call, OrganisationType.MUNICIPALITY, amount="250.50"),
        )
        batch = _approved_batch(agency, finance, approver)
        send(batch, finance)
        assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.SENT}
        invoice_circulation.wait_for_confirmations(2)
        fetched = services.fetch_confirmations()
        assert fetched.count(ConfirmationOutcome.PAID) == 2
        batch.refresh_from_db()
        assert batch.status == BatchStatus.ANSWERED
        for grant, amount, account in ((first, "1000.00", "82510000"), (second, "250.50", "82010000")):
            instalment = Instalment.objects.get(grant=grant)
            assert (instalment.status, instalment.paid_on) == (InstalmentStatus.PAID, batch.execution_date)
            assert LedgerEntry.objects.get(grant=grant, kind=LedgerKind.PAID).amount == -Decimal(amount)
            posting = Posting.objects.get(grant=grant)
            assert (posting.purpose, posting.account, posting.amount) == (
                PostingPurpose.TRANSFER,
                account,
                Decimal(amount),
            )
            assert ledger_of(grant).paid == Decimal(amount)
        # Handled files are moved aside; fetching again finds nothing new.
        assert invoice_circulation.confirmations() == []
        assert services.fetch_confirmations().outcomes == {}

    def test_a_rejected_payment_is_due_again_and_goes_in_a_later_batch_as_a_new_attempt(
        self, tmp_path, settings, agency, call, finance, approver, send
    ):
        grant = _grant(call, iban=CLOSED_ACCOUNT)
        with started_invoice_circulation(tmp_path, reject_accounts=[CLOSED_ACCOUNT]) as stand_in:
            settings.INVOICE_CIRCULATION = stand_in.settings
            send(_approved_batch(agency, finance, approver), finance)
            stand_in.wait_for_confirmations(1)
            assert services.fetch_confirmations().count(ConfirmationOutcome.REJECTED) == 1
            invoice = Invoice.objects.get()
            assert invoice.status == InvoiceStatus.REJECTED
            assert invoice.rejection_reason == "Maksu hylätty: tili on suljettu."
            instalment = Instalment.objects.get(grant=grant)
            assert (instalment.status, instalment.batch) == (InstalmentStatus.DUE, None)
            assert not LedgerEntry.objects.filter(kind=LedgerKind.PAID).exists()
            assert not Posting.objects.exists()
            # The recipient corrects its account; the payment goes again under a reference of its own.
            grant.application.organisation.iban = "FI2112345600000785"
            grant.application.organisation.save()
            send(_approved_batch(agency, finance, approver), finance)
            stand_in.wait_for_confirmations(1)
            assert services.fetch_confirmations().count(ConfirmationOutcome.PAID) == 1
        second = Invoice.objects.get(attempt=2)
        assert second.long_reference == f"{grant.application.register_number}_1-2"
        assert Instalment.objects.get(grant=grant).status == InstalmentStatus.PAID
        assert ledger_of(grant).paid == Decimal("1000.00")

    def test_a_confirmation_matching_nothing_changes_nothing_and_is_reported(
        self, invoice_circulation, agency, call, finance
    ):
        _grant(call)
        invoice_circulation.put_confirmation(
            "va_unknown.xml",
            '<?xml version="1.0" encoding="UTF-8"?><VA-invoice><Header><Pitkaviite>TEM/999/2020_1</Pitkaviite>'
            "<Maksupvm>2020-06-08</Maksupvm></Header></VA-invoice>",
        )
        invoice_circulation.put_confirmation("va_garbage.xml", "<not-a-confirmation/>")
        out, err = io.StringIO(), io.StringIO()
        call_command("exchange_invoice_circulation", stdout=out, stderr=err)
        assert "va_unknown.xml: matches no invoice" in err.getvalue()
        assert "va_garbage.xml: not a confirmation message" in err.getvalue()
        assert "fetched 2 confirmations" in out.getvalue()
        assert dict(ConfirmationFile.objects.values_list("name", "outcome")) == {
            "va_unknown.xml": ConfirmationOutcome.UNMATCHED,
            "va_garbage.xml": ConfirmationOutcome.UNREADABLE,
        }
        assert not Instalment.objects.filter(status=InstalmentStatus.PAID).exists()

    def test_a_confirmation_seen_twice_pays_once(
        self, invoice_circulation, agency, call, finance, approver, send
    ):
        grant = _grant(call)
        send(_approved_batch(agency, finance, approver), finance)
        [name] = invoice_circulation.wait_for_confirmations(1)
        content = (invoice_circulation.root / "from_handi" / name).read_text()
        services.fetch_confirmations()
        invoice_circulation.put_confirmation("va_again.xml", content)
        assert services.fetch_confirmations().outcomes == {
            "va_again.xml": ConfirmationOutcome.ALREADY_ANSWERED
        }
        assert LedgerEntry.objects.filter(grant=grant, kind=LedgerKind.PAID).count() == 1
        assert Posting.objects.filter(grant=grant).count() == 1

    def test_a_server_that_is_down_leaves_the_invoices_waiting_with_the_reason_and_a_retry_sends_them_once(
        self, tmp_path, settings, agency, call, finance, approver, send
    ):
        _grant(call)
        with started_invoice_circulation(tmp_path) as stand_in:
            server_settings = stand_in.settings
        settings.INVOICE_CIRCULATION = server_settings  # the server has stopped
        batch = _approved_batch(agency, finance, approver)
        send(batch, finance)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.SENT
        assert "could not be reached" in batch.delivery_error
        assert Invoice.objects.get().status == InvoiceStatus.MADE
        with pytest.raises(CommandError, match="could not be reached"):
            call_command("exchange_invoice_circulation", stdout=io.StringIO())
        with started_invoice_circulation(tmp_path) as stand_in:
            settings.INVOICE_CIRCULATION = stand_in.settings
            assert len(services.deliver_invoices().delivered) == 1
            assert services.deliver_invoices().delivered == []  # nothing is left to send
            stand_in.wait_for_confirmations(1)
            services.fetch_confirmations()
            assert len(stand_in.answered()) == 1
        batch.refresh_from_db()
        assert (batch.status, batch.delivery_error) == (BatchStatus.ANSWERED, "")

    def test_an_unconfigured_server_is_said_plainly(self, settings, agency, call, finance, approver):
        settings.INVOICE_CIRCULATION = {**settings.INVOICE_CIRCULATION, "HOST": ""}
        with pytest.raises(TransportError, match="not configured"):
            services.fetch_confirmations()


class TestNothingTwice:
    def test_a_batch_is_sent_once(self, invoice_circulation, agency, call, finance, approver):
        _grant(call)
        batch = _approved_batch(agency, finance, approver)
        services.batch_send(batch=batch, acting_user=finance)
        with pytest.raises(ValidationError) as refusal:
            services.batch_send(batch=batch, acting_user=finance)
        assert refusal.value.code == "not_sendable"
        assert Invoice.objects.count() == 1

    def test_an_instalment_has_one_standing_invoice(
        self, invoice_circulation, agency, call, finance, approver
    ):
        _grant(call)
        batch = _approved_batch(agency, finance, approver)
        services.batch_send(batch=batch, acting_user=finance)
        invoice = Invoice.objects.get()
        with pytest.raises(IntegrityError), transaction.atomic():
            Invoice.objects.create(
                instalment=invoice.instalment,
                batch=batch,
                attempt=2,
                long_reference=invoice.long_reference + "-2",
                file_name="other.xml",
                message=b"<objects/>",
                amount=invoice.amount,
            )

    def test_an_invoice_agency_makes_no_credit_transfer_and_a_bank_agency_sends_no_invoices(
        self, agency, call, finance, approver
    ):
        _grant(call)
        batch = _approved_batch(agency, finance, approver)
        with pytest.raises(ValidationError) as refusal:
            services.batch_credit_transfer(batch=batch, acting_user=finance)
        assert refusal.value.code == "invoice_circulation"
        bank_agency = AgencyFactory(code="PAY", payment_iban="FI2112345600000785")
        bank_call = CallFactory(closed=True, programme=ProgrammeFactory(code="pay-muu", agency=bank_agency))
        _grant(bank_call)
        bank_batch = _approved_batch(bank_agency, finance, approver)
        with pytest.raises(ValidationError) as refusal:
            services.batch_send(batch=bank_batch, acting_user=finance)
        assert refusal.value.code == "credit_transfer"
        assert not Invoice.objects.exists()

    def test_sending_is_audited(self, invoice_circulation, agency, call, finance, approver, send):
        _grant(call)
        batch = _approved_batch(agency, finance, approver)
        send(batch, finance)
        assert AuditEntry.objects.filter(action="payment_batch.sent", actor=finance).exists()
        assert AuditEntry.objects.filter(action="invoice.delivered").count() == 1


def test_the_dates_are_the_batchs(agency, call, finance, approver, invoice_circulation):
    _grant(call)
    execution_date = banking_day_from(TODAY + datetime.timedelta(days=3))
    batch = PaymentBatchFactory.approved(
        agency=agency, prepared_by=finance, approved_by=approver, execution_date=execution_date
    )
    services.batch_send(batch=batch, acting_user=finance)
    fields = _fields(bytes(Invoice.objects.get().message))
    assert fields["dueDate"] == fields["postingDate"] == execution_date.isoformat()
    assert fields["documentDate"] == fields["approvedDate"] == TODAY.isoformat()


ROLES = {
    "anonymous": lambda: None,
    "applicant": lambda: MembershipFactory().person,
    "staff_without_role": lambda: UserFactory(official=True),
    "presenter": lambda: UserFactory(roles=["presenter"]),
    "decider": lambda: UserFactory(roles=["decision_maker"]),
    "finance": lambda: UserFactory(roles=["finance_officer"]),
    "auditor": lambda: UserFactory(roles=["auditor"]),
    "manager": lambda: UserFactory(roles=["programme_manager"]),
}
READERS = {"finance", "auditor", "manager"}
# The server is left unconfigured: a finance officer reaches it and is told it cannot be reached (502). The batch
# is approved, not sent: delivering it again is refused (400).
CASES = [
    ("GET", lambda batch: "/official/payments/reconciliation/", READERS, 200),
    ("GET", lambda batch: "/official/payments/reconciliation/?days=x", READERS, 400),
    ("GET", lambda batch: "/official/payments/reconciliation/invoices.csv", READERS, 200),
    ("POST", lambda batch: "/official/payments/reconciliation/fetch/", {"finance"}, 502),
    ("POST", lambda batch: f"/official/payments/batches/{batch.pk}/send/", {"finance"}, 302),
    ("POST", lambda batch: f"/official/payments/batches/{batch.pk}/deliver/", {"finance"}, 400),
    ("GET", lambda batch: f"/official/payments/batches/{batch.pk}/", READERS, 200),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    ("method", "path", "allowed", "code"), CASES, ids=[str(i) for i in range(len(CASES))]
)
def test_who_may_use_the_invoice_circulation_pages(
    client, settings, agency, call, finance, approver, role, method, path, allowed, code
):
    settings.INVOICE_CIRCULATION = {**settings.INVOICE_CIRCULATION, "HOST": ""}
    _grant(call)
    batch = _approved_batch(agency, finance, approver)
    user = ROLES[role]() or AnonymousUser()
    expected = LOGIN if role == "anonymous" else (code if role in allowed else 403)
    assert_access(client, user, method, path(batch), expected)


class TestPages:
    def test_a_finance_officer_sends_a_batch_and_reconciles_it(
        self, client, invoice_circulation, agency, call, finance, approver, django_capture_on_commit_callbacks
    ):
        grant = _grant(call, amount="4321.00")
        batch = _approved_batch(agency, finance, approver)
        sign_in(client, finance)
        page = client.get(f"/en/official/payments/batches/{batch.pk}/").content.decode()
        assert "Send to the invoice circulation" in page
        assert "Download the credit transfer" not in page
        assert (
            "account 82510000, budget item 32.50.30, operational unit 3201001000, project 3250300101" in page
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/en/official/payments/batches/{batch.pk}/send/", follow=True)
        page = response.content.decode()
        assert "The batch is sent" in page
        assert f"{grant.application.register_number}_1" in page
        page = client.get(f"/en/official/payments/batches/{batch.pk}/").content.decode()
        assert "delivered, awaiting confirmation" in page
        invoice_circulation.wait_for_confirmations(1)
        response = client.post("/en/official/payments/reconciliation/fetch/", follow=True)
        page = response.content.decode()
        assert "1 confirmation was fetched." in page
        batches = page.split('id="batches-heading"', 1)[1].split("</table>", 1)[0]
        assert batch.reference in batches and "€4,321" in batches and ">yes<" in batches
        assert "Every confirmation fetched has been applied." in page
        export = client.get("/en/official/payments/reconciliation/invoices.csv").content.decode()
        header, row = export.splitlines()
        assert header.startswith("batch,long_reference,register_number")
        assert (
            f"{grant.application.register_number}_1" in row and ",4321.00,paid," in row and "82510000" in row
        )

    def test_a_server_that_is_down_is_said_on_the_batch_page_and_nothing_changes(
        self, client, tmp_path, settings, agency, call, finance, approver
    ):
        _grant(call)
        with started_invoice_circulation(tmp_path) as stand_in:
            settings.INVOICE_CIRCULATION = stand_in.settings
        batch = _approved_batch(agency, finance, approver)
        services.batch_send(batch=batch, acting_user=finance)
        sign_in(client, finance)
        response = client.post(f"/en/official/payments/batches/{batch.pk}/deliver/")
        assert response.status_code == 502
        page = response.content.decode()
        assert "could not be reached or refused" in page
        assert Invoice.objects.get().status == InvoiceStatus.MADE

    def test_an_unreadable_number_of_days_is_refused_with_a_message(self, client, finance):
        sign_in(client, finance)
        response = client.get("/en/official/payments/reconciliation/?days=0")
        assert response.status_code == 400
        assert "Ensure this value is greater than or equal to 1." in response.content.decode()

    def test_the_pages_make_as_many_statements_however_many_invoices(
        self, client, invoice_circulation, agency, call, finance, approver, send
    ):
        def statements(path) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            return len(queries)

        _grant(call)
        first = _approved_batch(agency, finance, approver)
        send(first, finance)
        invoice_circulation.wait_for_confirmations(1)
        services.fetch_confirmations()
        sign_in(client, finance)
        pages = ["/en/official/payments/reconciliation/", f"/en/official/payments/batches/{first.pk}/"]
        for path in pages:
            statements(path)
        once = [statements(path) for path in pages]
        for _ in range(3):
            _grant(call, OrganisationType.MUNICIPALITY)
        second = _approved_batch(agency, finance, approver)
        send(second, finance)
        invoice_circulation.wait_for_confirmations(3)
        services.fetch_confirmations()
        invoice_circulation.put_confirmation("va_unknown.xml", "<nothing/>")
        services.fetch_confirmations()
        pages[1] = f"/en/official/payments/batches/{second.pk}/"
        assert [statements(path) for path in pages] == once


def test_the_payments_page_makes_as_many_statements_however_many_payments_wait_for_codes(
    client, agency, call, finance
):
    agency.posting_accounts.filter(organisation_type=OrganisationType.WELLBEING_SERVICES_COUNTY).delete()
    _grant(call, OrganisationType.WELLBEING_SERVICES_COUNTY)
    sign_in(client, finance)

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/official/payments/").status_code == 200
        return len(queries)

    statements()
    once = statements()
    for _ in range(3):
        _grant(call, OrganisationType.WELLBEING_SERVICES_COUNTY)
    page = client.get("/en/official/payments/").content.decode()
    assert page.split('id="codes-heading"', 1)[1].count("the general ledger account") == 4
    assert statements() == once


def test_a_batch_sent_to_the_bank_before_the_agency_moved_is_finished_as_a_credit_transfer(
    client, agency, call, finance, approver
):
    agency.payment_channel, agency.payment_iban = PaymentChannel.CREDIT_TRANSFER, "FI2112345600000785"
    agency.save()
    grant = _grant(call)
    batch = _approved_batch(agency, finance, approver)
    services.batch_credit_transfer(batch=batch, acting_user=finance)
    agency.payment_channel = PaymentChannel.INVOICE_CIRCULATION
    agency.save()
    sign_in(client, finance)
    page = client.get(f"/en/official/payments/batches/{batch.pk}/").content.decode()
    assert "by credit transfer from the agency&#x27;s own bank account" in page
    assert "Download the credit transfer" in page and "Mark the batch paid" in page
    assert "Send to the invoice circulation" not in page
    services.batch_mark_paid(batch=batch, paid_on=TODAY, acting_user=finance)
    assert Posting.objects.get(grant=grant).account == "82510000"
    assert ledger_of(grant).paid == Decimal("1000.00")


def test_a_correction_keeps_a_rejected_payment_beside_its_invoice_and_plans_the_rest_anew(
    tmp_path, settings, agency, call, finance, approver, send
):
    grant = _grant(call, iban=CLOSED_ACCOUNT)
    with started_invoice_circulation(tmp_path, reject_accounts=[CLOSED_ACCOUNT]) as stand_in:
        settings.INVOICE_CIRCULATION = stand_in.settings
        send(_approved_batch(agency, finance, approver), finance)
        stand_in.wait_for_confirmations(1)
        services.fetch_confirmations()
    rejected = Instalment.objects.get(grant=grant)
    assert rejected.status == InstalmentStatus.DUE
    correction = DecisionFactory.published(corrects=grant.decision, amount="800.00")
    grant.refresh_from_db()
    assert grant.decision == correction
    rejected.refresh_from_db()
    assert (
        rejected.status == InstalmentStatus.CANCELLED
        and rejected.invoices.get().status == InvoiceStatus.REJECTED
    )
    [planned] = grant.instalments.exclude(status=InstalmentStatus.CANCELLED)
    assert (planned.number, planned.amount) == (2, Decimal("800.00"))
