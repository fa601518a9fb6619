"""The paying authority (issue 19 §6): TEM decides, KEHA-keskus pays. The programme names its payer and a call may
name another; the payer's batch takes the grants it pays, its account is the debtor of the credit transfer and its
EDI address receives the invoice messages, and the decision tells the recipient who pays."""

import pytest
import xmlschema
from django.core.exceptions import ValidationError
from django.utils import translation

from avustamo.core.dates import banking_day_from, helsinki_today
from avustamo.decisions.documents import decision_pdf
from avustamo.organisations.models import Organisation
from avustamo.payments import services
from avustamo.payments.models import Instalment, InstalmentStatus, Invoice
from avustamo.programmes.models import Call, PaymentChannel
from tests.documents import pdf_text
from tests.factories import (
    AgencyFactory,
    CallFactory,
    DecisionFactory,
    GrantFactory,
    PaymentBatchFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.test_invoice_circulation import _fields
from tests.test_payments import XSD

pytestmark = pytest.mark.django_db

PAYMENT_DAY = banking_day_from(helsinki_today())
KEHA_IBAN = "FI2916603000107100"
TEM_IBAN = "FI2112345600000785"
KEHA_EDI_CODE = "003700000002"
ALL_ON_ACCEPTANCE = [{"percent": "100", "condition": "on_acceptance"}]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def tem():
    return AgencyFactory(code="TEM", payment_iban=TEM_IBAN)


@pytest.fixture
def keha():
    # KEHA-keskus keeps no accounts of its own here: the grants are booked in TEM's, whose appropriation pays them.
    return AgencyFactory(
        code="KEHA",
        name_fi="Kehittämis- ja hallintokeskus (KEHA-keskus)",
        name_sv="Utvecklings- och förvaltningscentret (KEHA-centret)",
        name_en="Development and Administrative Services Centre (KEHA Centre)",
        payment_iban=KEHA_IBAN,
        payment_service_code="1234567-2",
        posting_accounts=False,
    )


@pytest.fixture
def guidance_call(tem, keha):
    programme = ProgrammeFactory(code="tem-ohjaus-ja-neuvontapalvelut", agency=tem, paying_agency=keha)
    return CallFactory(closed=True, programme=programme)


@pytest.fixture
def finance():
    return UserFactory(roles=["finance_officer"])


def _payer(call) -> str:
    call = Call.objects.select_related("paying_agency", "programme__paying_agency", "programme__agency").get(
        pk=call.pk
    )
    return call.paying_authority.code


class TestWhoPays:
    def test_the_deciding_agency_pays_unless_the_programme_or_the_call_says_otherwise(self, tem, keha):
        okm = AgencyFactory(code="OKM")
        plain = CallFactory(programme=ProgrammeFactory(agency=tem))
        by_programme = CallFactory(programme=ProgrammeFactory(code="ohjaus", agency=tem, paying_agency=keha))
        by_call = CallFactory(programme=by_programme.programme, paying_agency=okm)
        assert (_payer(plain), _payer(by_programme), _payer(by_call)) == ("TEM", "KEHA", "OKM")


class TestBatches:
    def test_the_payers_batch_takes_the_grants_it_pays_and_the_deciders_does_not(
        self, tem, keha, guidance_call, finance
    ):
        paid_by_keha = GrantFactory.accepted(call=guidance_call, amount="7000.00")
        paid_by_tem = GrantFactory.accepted(
            call=CallFactory(closed=True, programme=ProgrammeFactory(agency=tem))
        )
        batch = services.batch_prepare(agency=keha, execution_date=PAYMENT_DAY, acting_user=finance)
        assert [instalment.grant_id for instalment in batch.instalments.all()] == [paid_by_keha.pk]
        # Booked in the deciding agency's accounts and the call's dimensions.
        assert batch.instalments.get().posting["budget_item"] == "32.50.30"
        tem_batch = services.batch_prepare(agency=tem, execution_date=PAYMENT_DAY, acting_user=finance)
        assert [instalment.grant_id for instalment in tem_batch.instalments.all()] == [paid_by_tem.pk]

    def test_the_decider_has_nothing_to_pay_of_the_payers_grants(self, tem, guidance_call, finance):
        grant = GrantFactory.accepted(call=guidance_call, amount="7000.00")
        with pytest.raises(ValidationError) as refusal:
            services.batch_prepare(agency=tem, execution_date=PAYMENT_DAY, acting_user=finance)
        assert refusal.value.code == "nothing_due"
        assert Instalment.objects.get(grant=grant).status == InstalmentStatus.DUE

    def test_a_call_naming_another_payer_is_paid_by_it(self, tem, keha, guidance_call, finance):
        Call.objects.filter(pk=guidance_call.pk).update(paying_agency=tem)
        grant = GrantFactory.accepted(call=guidance_call, amount="7000.00")
        with pytest.raises(ValidationError):
            services.batch_prepare(agency=keha, execution_date=PAYMENT_DAY, acting_user=finance)
        batch = services.batch_prepare(agency=tem, execution_date=PAYMENT_DAY, acting_user=finance)
        assert batch.instalments.get().grant_id == grant.pk

    def test_the_credit_transfer_is_paid_from_the_payers_account(self, keha, guidance_call, finance):
        GrantFactory.accepted(call=guidance_call, amount="7000.00")
        batch = PaymentBatchFactory.approved(agency=keha, prepared_by=finance)
        xml = services.batch_credit_transfer(batch=batch, acting_user=finance)
        document = xmlschema.XMLSchema(XSD).to_dict(xml)
        [information] = document["CstmrCdtTrfInitn"]["PmtInf"]
        assert information["DbtrAcct"]["Id"]["IBAN"] == KEHA_IBAN
        # The bank file carries the name in the Latin characters of SEPA.
        assert information["Dbtr"]["Nm"] == "Kehittamis- ja hallintokeskus (KEHA-keskus)"

    def test_the_invoice_message_goes_to_the_payers_edi_address(self, tem, keha, guidance_call, finance):
        keha.payment_channel = PaymentChannel.INVOICE_CIRCULATION
        keha.invoice_edi_code = KEHA_EDI_CODE
        keha.invoice_voucher_series = "KH"
        keha.save()
        tem.invoice_edi_code = "003700000001"
        tem.save()
        grant = GrantFactory.accepted(call=guidance_call, amount="7000.00")
        Organisation.objects.filter(pk=grant.application.organisation_id).update(
            organisation_type="municipality"
        )
        batch = PaymentBatchFactory.approved(agency=keha, prepared_by=finance)
        services.batch_send(batch=batch, acting_user=finance)
        fields = _fields(bytes(Invoice.objects.get(batch=batch).message))
        assert (fields["toEdiID"], fields["voucherSeries"]) == (KEHA_EDI_CODE, "KH")
        # The transfer account of TEM's accounts for municipalities, as any TEM grant to one.
        assert fields["generalLedgerAccount"] == batch.instalments.get().posting["account"] != ""


@pytest.mark.reads_pdf
class TestDecision:
    @pytest.mark.parametrize(
        ("language", "sentence"),
        [
            ("fi", "Avustuksen maksaa Kehittämis- ja hallintokeskus (KEHA-keskus)."),
            ("sv", "Understödet betalas av Utvecklings- och förvaltningscentret (KEHA-centret)."),
            ("en", "The grant is paid by Development and Administrative Services Centre (KEHA Centre)."),
        ],
    )
    def test_the_decision_says_who_pays(self, guidance_call, language, sentence):
        decision = DecisionFactory.signed(call=guidance_call, instalments=ALL_ON_ACCEPTANCE)
        text = " ".join(pdf_text(decision_pdf(decision, language)).split())
        assert sentence in text

    def test_a_decision_the_deciding_agency_pays_names_it(self, tem):
        decision = DecisionFactory.signed(
            call=CallFactory(closed=True, programme=ProgrammeFactory()), instalments=ALL_ON_ACCEPTANCE
        )
        text = " ".join(pdf_text(decision_pdf(decision, "fi")).split())
        assert "Avustuksen maksaa Työ- ja elinkeinoministeriö." in text
