"""Business IDs and IBANs: validated with python-stdnum, stored in canonical form."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus

IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")


def clean_business_id(value: str) -> str:
    """Return the Business ID as `1234567-1`, or raise a ValidationError saying what is wrong."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Enter the Business ID."), code="required")
    try:
        return ytunnus.format(ytunnus.validate(value))
    except InvalidChecksum:
        raise ValidationError(
            _(
                "The check digit of Business ID %(value)s is wrong. Check the number on the Business Information System (ytj.fi)."
            ),
            code="business_id_checksum",
            params={"value": value},
        ) from None
    except StdnumError:
        raise ValidationError(
            _(
                "%(value)s is not a Business ID. Enter it as seven digits, a hyphen and a check digit, e.g. 1234567-1."
            ),
            code="business_id_format",
            params={"value": value},
        ) from None


def clean_iban(value: str) -> str:
    """Return the IBAN in compact form (`FI2112345600000785`), or raise a ValidationError."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Enter the IBAN."), code="required")
    try:
        if not IBAN_SHAPE.match(stdnum_iban.compact(value)):
            raise StdnumError
        return stdnum_iban.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "The check digits of IBAN %(value)s do not match the account number. Check it against a bank statement."
            ),
            code="iban_checksum",
            params={"value": value},
        ) from None
    except InvalidComponent:
        raise ValidationError(
            _("%(value)s is not an account number of the country it names. Check the IBAN."),
            code="iban_country",
            params={"value": value},
        ) from None
    except StdnumError:
        raise ValidationError(
            _(
                "%(value)s is not an IBAN. A Finnish IBAN is FI followed by 16 digits, e.g. FI21 1234 5600 0007 85."
            ),
            code="iban_format",
            params={"value": value},
        ) from None


def format_iban(value: str) -> str:
    return stdnum_iban.format(value) if value else ""
