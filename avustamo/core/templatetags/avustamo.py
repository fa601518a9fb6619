"""Formatting for pages: euros, moments in Helsinki time, dates, in the active language."""

import datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal
from django import forms, template
from django.forms import BaseForm
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import pgettext

from avustamo.core.dates import HELSINKI, format_day
from avustamo.core.forms import EuroField
from avustamo.core.money import LOCALES, format_euros, format_percent
from avustamo.core.translation import language_code

register = template.Library()

MOMENT_PATTERNS = {"fi": "d.M.yyyy 'klo' H.mm", "sv": "d.M.yyyy 'kl.' H.mm", "en": "d MMMM yyyy, HH:mm"}


@register.filter
def euros(amount):
    return format_euros(amount)


@register.filter
def number(value):
    """A count with the language's digit grouping, e.g. `12 345` or `12,345`."""
    if value is None:
        return ""
    return format_decimal(value, locale=LOCALES[language_code()])


@register.filter
def moment(value: datetime.datetime | None):
    """A moment as read on a Helsinki clock, e.g. `29.11.2026 klo 16.15`."""
    if value is None:
        return ""
    code = language_code()
    return format_datetime(timezone.localtime(value, HELSINKI), MOMENT_PATTERNS[code], locale=LOCALES[code])


@register.filter
def day(value: datetime.date | None):
    return format_day(value)


@register.filter
def percent(value):
    return format_percent(value)


@register.simple_tag
def lang_attribute(obj, base_name: str):
    """` lang="fi"` when a translated text falls back to another language than the page's, else nothing."""
    source = getattr(type(obj), base_name).source_language(obj)
    return format_html(' lang="{}"', source) if source != language_code() else ""


@register.filter
def error_anchor(bound_field) -> str:
    """The id of the input an error summary links to; grouped inputs (date + time, checkboxes) link to the first."""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


@register.filter
def field_kind(bound_field) -> str:
    """What a field holds, for its width on the page (site.css): an amount or a date is narrow, a text wide.
    "choices" are the fields Django writes as a fieldset: radio buttons, checkboxes, a date with a time."""
    field, widget = bound_field.field, bound_field.field.widget
    if isinstance(field, EuroField):
        return "money"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if bound_field.use_fieldset:
        return "choices"
    if isinstance(widget, forms.Textarea):
        return "long-text"
    if isinstance(widget, forms.DateInput):
        return "date"
    if isinstance(field, forms.DecimalField | forms.IntegerField):
        return "number"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "text"


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Virhe: " before the title of a page that shows errors: a screen reader says the title first (the GOV.UK
    pattern). A page shows errors when a form on it has them, or when its view gives `problems` or a `refusal`."""
    values = context.flatten().values()
    shows_errors = (
        context.get("problems")
        or context.get("refusal")
        or any(isinstance(value, BaseForm) and value.is_bound and value.errors for value in values)
    )
    return pgettext("page title", "Error: ") if shows_errors else ""
