import contextlib
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from avustamo.core.money import amount_from_text, format_amount


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the fields it names, otherwise above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list)


class EuroField(forms.DecimalField):
    """An amount in euros as people write it: "50 000", "50000,00", "50 000,00 €" or "50000.00". A text input,
    since a number input refuses the grouping spaces and the decimal comma of Finnish and Swedish."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            # Text that is no amount is left to DecimalField, which refuses it with its own message.
            with contextlib.suppress(ValueError):
                value = str(amount_from_text(value.strip()))
        return super().to_python(value)

    def prepare_value(self, value):
        # An amount the form starts from is shown as the page's language writes it; what was typed stays as it is.
        if isinstance(value, Decimal | int):
            return format_amount(value)
        return super().prepare_value(value)

    def widget_attrs(self, widget):
        # DecimalField's step and min belong to a number input.
        return {
            name: value
            for name, value in super().widget_attrs(widget).items()
            if name not in ("step", "min", "max")
        }
