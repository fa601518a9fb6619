"""Money is Decimal with two places, never float."""

import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, format_decimal

from avustamo.core.translation import language_code

CENT = Decimal("0.01")
CURRENCY_MARK = re.compile(r"^(?:€|eur\b)\s*|\s*(?:€|\beur)$", re.IGNORECASE)
# Spaces of any width group thousands in Finnish: "12 345,67", "12\u00a0345,67".
DIGIT_GROUPING_SPACE = re.compile(r"[\s\u00a0\u2009\u202f]")
LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_IE"}


def to_cents(amount) -> Decimal:
    """Round half up to the cent, the way amounts on decisions are rounded."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def is_whole_cents(amount: Decimal) -> bool:
    """Whether the amount has at most two decimals, so that rounding it to the cent would change nothing."""
    return amount == to_cents(amount)


def format_euros(amount, language: str | None = None) -> str:
    """`12 345,67 €` in Finnish and Swedish, `€12,345.67` in English; whole euros drop the cents."""
    if amount is None:
        return ""
    amount = to_cents(amount)
    locale = LOCALES[language_code(language)]
    if amount == amount.to_integral_value():
        pattern = "¤#,##0" if language_code(language) == "en" else "#,##0\xa0¤"
        return format_currency(amount, "EUR", format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount, "EUR", locale=locale)


def format_amount(amount, language: str | None = None) -> str:
    """`12 345,67` in Finnish and Swedish, `12,345.67` in English: an amount in a form's field, the euro sign
    beside it; `amount_from_text` reads it back."""
    if amount is None:
        return ""
    return format_decimal(to_cents(amount), format="#,##0.00", locale=LOCALES[language_code(language)])


def format_percent(value: Decimal | None, language: str | None = None) -> str:
    """`70 %` or `12,5 %`; `12.5 %` in English: no trailing zeros, never `7E+1`."""
    if value is None:
        return ""
    separator = "." if language_code(language) == "en" else ","
    return f"{Decimal(value).normalize():f} %".replace(".", separator)


def _grouped(integer_part: str, separator: str) -> str:
    """The digits of an integer part grouped in thousands by the separator; refused when grouped otherwise."""
    groups = integer_part.split(separator)
    if not groups[0] or len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:]):
        raise ValueError(integer_part)
    return "".join(groups)


def amount_from_text(text: str) -> Decimal:
    """The amount written as "12 345,67 €", "12,345.67", "€12,345", "12.345,67", "12345" or "50 000"; ValueError
    when the text is no amount.

    A lone separator followed by three digits groups thousands, since euro amounts have at most two decimals;
    followed by one or two digits it is the decimal point. With both separators, the last one is the decimal
    point."""
    digits = DIGIT_GROUPING_SPACE.sub("", CURRENCY_MARK.sub("", text))
    if not re.fullmatch(r"\d[\d.,]*\d|\d", digits):
        raise ValueError(text)
    last = max(digits.rfind(","), digits.rfind("."))
    if last < 0:
        return Decimal(digits)
    point, decimals, integer_part = digits[last], digits[last + 1 :], digits[:last]
    other = "." if point == "," else ","
    if other in digits:
        if point in integer_part or len(decimals) > 2:
            raise ValueError(text)
        return Decimal(f"{_grouped(integer_part, other)}.{decimals}")
    if point in integer_part or len(decimals) == 3:
        return Decimal(_grouped(digits, point))
    if len(decimals) > 2:
        raise ValueError(text)
    return Decimal(f"{integer_part}.{decimals}")
