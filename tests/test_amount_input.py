"""Amounts are typed as people write them in Finnish, Swedish or English, and shown in the page's language."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from avustamo.core.forms import EuroField
from avustamo.core.money import format_euros, format_percent

FIELD = EuroField(max_digits=14, decimal_places=2, min_value=Decimal(0))


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("50 000", Decimal("50000")),
        ("50\xa0000,00", Decimal("50000.00")),
        ("50000,00", Decimal("50000.00")),
        ("50000.00", Decimal("50000.00")),
        ("50 000,50 €", Decimal("50000.50")),
        ("€50,000.00", Decimal("50000.00")),
        (" 12,5 ", Decimal("12.5")),
    ],
)
def test_an_amount_is_read_as_written(typed, amount):
    assert FIELD.clean(typed) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("viisikymmentä", "Enter a number."),
        ("-50", "Ensure this value is greater than or equal to 0."),
        ("50000.001", "Ensure that there are no more than 2 decimal places."),
        ("50.000,001", "Enter a number."),
    ],
)
def test_what_is_no_amount_is_refused_with_a_message(typed, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refusal:
            FIELD.clean(typed)
        assert refusal.value.messages == [message]


def test_the_input_takes_spaces_and_commas_and_offers_a_numeric_keypad():
    rendered = FIELD.widget.render("amount", Decimal("50000.00"))
    assert 'type="text"' in rendered and 'inputmode="decimal"' in rendered and 'step="' not in rendered


@pytest.mark.parametrize(
    ("language", "euros", "percent"),
    [
        ("fi", "50\xa0000,50\xa0€", "12,5 %"),
        ("sv", "50\xa0000,50\xa0€", "12,5 %"),
        ("en", "€50,000.50", "12.5 %"),
    ],
)
def test_amounts_and_shares_are_shown_in_the_pages_language(language, euros, percent):
    assert format_euros(Decimal("50000.50"), language) == euros
    assert format_percent(Decimal("12.50"), language) == percent


@pytest.mark.parametrize(
    ("language", "shown"), [("fi", "50\xa0000,50"), ("sv", "50\xa0000,50"), ("en", "50,000.50")]
)
def test_an_amount_the_form_starts_from_is_shown_in_the_pages_language_and_read_back(language, shown):
    class AmountForm(forms.Form):
        amount = EuroField(max_digits=14, decimal_places=2)

    with translation.override(language):
        rendered = str(AmountForm(initial={"amount": Decimal("50000.50")})["amount"])
        assert f'value="{shown}"' in rendered
        # Sent back unchanged, it is the same amount; what a person typed is shown again as typed.
        assert AmountForm({"amount": shown}).is_valid()
        assert 'value="50 000"' in str(AmountForm({"amount": "50 000"})["amount"])
