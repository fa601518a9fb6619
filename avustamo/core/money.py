"""Money is Decimal with two places, never float."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency

from avustamo.core.translation import language_code

CENT = Decimal("0.01")
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


def format_percent(value: Decimal | None, language: str | None = None) -> str:
    """`70 %` or `12,5 %`; `12.5 %` in English: no trailing zeros, never `7E+1`."""
    if value is None:
        return ""
    separator = "." if language_code(language) == "en" else ","
    return f"{Decimal(value).normalize():f} %".replace(".", separator)
