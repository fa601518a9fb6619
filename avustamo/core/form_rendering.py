"""Form widgets written out in Python where Django's own templates for them would be used.

The search and filter forms of the busiest pages (the register's search, the handling list) render a dozen
selects with a template per select, per option and per option's attributes on every request: a third of the
register search's time at the deadline rush (docs/performance.md). `FormRenderer` writes the plain inputs, the
selects and their options itself, character for character what Django's templates give
(tests/test_form_rendering.py compares them), and leaves every other template, and any of these that an app
overrides, to the template engine.
"""

from functools import cache
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

WIDGET_TEMPLATES = "django/forms/widgets/"
DJANGOS_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"
# Django's input widgets whose templates only include input.html.
INPUT_TEMPLATES = frozenset(
    f"{WIDGET_TEMPLATES}{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search",
        "tel", "color",
    )
)  # fmt: skip
SELECT_TEMPLATE = f"{WIDGET_TEMPLATES}select.html"
OPTION_TEMPLATE = f"{WIDGET_TEMPLATES}select_option.html"


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape."""
    return conditional_escape(str(value))


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes it without a value."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}'
        f"{_attributes(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attributes(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, group_choices, _group_index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with inputs, selects and options written in Python (see the module)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and self._is_djangos_own(template_name):
            if template_name in INPUT_TEMPLATES:
                return _input(widget)
            if template_name == SELECT_TEMPLATE:
                written = _select(widget)
                if written is not None:
                    return written
        return super().render(template_name, context, request)

    def _is_djangos_own(self, template_name: str) -> bool:
        return _served_by_django(self.engine, template_name)


@cache
def _served_by_django(engine, template_name: str) -> bool:
    """Whether the engine finds Django's own templates for this widget (itself and what it includes), not ones an
    app put in their place."""
    if template_name in INPUT_TEMPLATES:
        used = (template_name, f"{WIDGET_TEMPLATES}input.html", f"{WIDGET_TEMPLATES}attrs.html")
    elif template_name == SELECT_TEMPLATE:
        used = (template_name, OPTION_TEMPLATE, f"{WIDGET_TEMPLATES}attrs.html")
    else:
        return False
    return all(
        Path(engine.get_template(name).origin.name).is_relative_to(DJANGOS_FORM_TEMPLATES) for name in used
    )
