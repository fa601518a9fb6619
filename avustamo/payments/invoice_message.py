"""The invoice circulation's messages: one grant payment as an invoice (`invoice_xml`), and its answer, a confirmation
(`read_confirmation`). Both are checked against the schemas in `schemas/`, written from the structure the Finnish
National Agency for Education's grant system exchanges with the State's invoice circulation (docs/payments.md).

The long reference names the payment in both directions: the application's register number and the instalment's
number (TEM/12/2027_1), with the attempt after a dash when a rejected payment is sent again (TEM/12/2027_1-2)."""

import datetime
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xmlschema

from avustamo.core.dates import in_helsinki

SCHEMAS = Path(__file__).resolve().parent / "schemas"
INVOICE_SCHEMA = xmlschema.XMLSchema(SCHEMAS / "invoice.xsd")
CONFIRMATION_SCHEMA = xmlschema.XMLSchema(SCHEMAS / "confirmation.xsd")
# Finnish Business IDs are Finnish organisations: their country for the circulation's address fields.
VENDOR_COUNTRY = "FI"
INVOICE_SOURCE = "AVUSTAMO"


def long_reference(register_number: str, instalment_number: int, attempt: int) -> str:
    reference = f"{register_number}_{instalment_number}"
    return reference if attempt == 1 else f"{reference}-{attempt}"


def file_name(reference: str) -> str:
    """The invoice's file name on the server: its long reference made safe for a file name."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", reference) + ".xml"


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **children) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    for child_tag, child_text in children.items():
        ElementTree.SubElement(element, child_tag).text = child_text
    return element


def invoice_xml(*, reference: str, instalment, batch, organisation) -> bytes:
    """The invoice message of one payment of an approved batch, as UTF-8 XML valid against `invoice.xsd`.
    The verifier is the finance officer who prepared the batch, the approver the second one who approved it."""
    agency = batch.agency
    posting = instalment.posting
    objects = ElementTree.Element("objects")
    record = _add(objects, "object")
    header = _add(record, "header")
    _add(header, "toEdiID", agency.invoice_edi_code)
    _add(header, "invoiceType", "INVOICE")
    _add(header, "vendorName", instalment.payee_name)
    _add(
        header,
        "addressFields",
        addressField1=organisation.street_address,
        addressField2=f"{organisation.postal_code} {organisation.post_office}".strip(),
        addressField5=VENDOR_COUNTRY,
    )
    _add(header, "vendorRegistrationId", organisation.business_id)
    _add(header, "bankAccount", instalment.payee_iban.replace(" ", "").upper())
    _add(header, "invoiceNumber", reference)
    _add(header, "longReference", reference)
    _add(header, "documentDate", in_helsinki(batch.approved_at).date().isoformat())
    _add(header, "dueDate", batch.execution_date.isoformat())
    _add(header, "paymentTerm", agency.invoice_payment_term)
    _add(header, "currencyCode", "EUR")
    _add(header, "grossAmount", _amount(instalment.amount))
    _add(header, "netamount", _amount(instalment.amount))
    _add(header, "vatamount", _amount(Decimal("0")))
    _add(header, "voucherSeries", agency.invoice_voucher_series)
    _add(header, "postingDate", batch.execution_date.isoformat())
    _add(
        header,
        "handler",
        verifierName=batch.prepared_by.full_name or batch.prepared_by.email,
        verifierEmail=batch.prepared_by.email,
        approverName=batch.approved_by.full_name or batch.approved_by.email,
        approverEmail=batch.approved_by.email,
        verifyDate=in_helsinki(batch.prepared_at).date().isoformat(),
        approvedDate=in_helsinki(batch.approved_at).date().isoformat(),
    )
    _add(header, "invoicesource", INVOICE_SOURCE)
    rows = _add(_add(record, "postings"), "postingRows")
    _add(
        rows,
        "postingRow",
        rowId="1",
        generalLedgerAccount=posting["account"],
        postingAmount=_amount(instalment.amount),
        accountingObject01=posting["operational_unit"].replace(" ", ""),
        accountingObject02=posting["budget_item"].replace(".", "").replace(" ", ""),
        accountingObject04=posting["project_code"].replace(" ", ""),
        accountingObject08=posting["partner_code"].replace(" ", ""),
    )
    content = ElementTree.tostring(objects, encoding="UTF-8", xml_declaration=True)
    problem = next(INVOICE_SCHEMA.iter_errors(content.decode()), None)
    if problem is not None:
        raise InvalidInvoice(reference, problem.reason or str(problem.obj))
    return content


class InvalidInvoice(ValueError):
    """The payment's data do not make a message the invoice circulation accepts (a schema's rule is broken)."""

    def __init__(self, reference: str, reason: str):
        super().__init__(f"{reference}: {reason}")
        self.reference, self.reason = reference, reason


class UnreadableConfirmation(ValueError):
    """Not a confirmation message: not XML, or not in the confirmation's form."""


@dataclass(frozen=True)
class Confirmation:
    long_reference: str
    paid_on: datetime.date | None
    rejection_reason: str

    @property
    def paid(self) -> bool:
        return self.paid_on is not None


def read_confirmation(content: bytes) -> Confirmation:
    try:
        resource = xmlschema.XMLResource(content.decode("utf-8"), defuse="always")
        CONFIRMATION_SCHEMA.validate(resource)
    except (UnicodeDecodeError, xmlschema.XMLSchemaException) as error:
        raise UnreadableConfirmation(
            str(error).splitlines()[0] if str(error) else error.__class__.__name__
        ) from error
    header = resource.root.find("Header")
    paid_on = header.findtext("Maksupvm")
    return Confirmation(
        long_reference=header.findtext("Pitkaviite").strip(),
        paid_on=datetime.date.fromisoformat(paid_on.strip()) if paid_on is not None else None,
        rejection_reason=(header.findtext("Hylatty") or "").strip(),
    )
