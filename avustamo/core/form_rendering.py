"""Form fields written out in Python where Django's own templates for them would be used.

The search and filter forms of the busiest pages (the register's search, the handling list) render a dozen
fields with a template per field, label, error list, select, option and set of attributes on every request: a
third of the register search's time at the deadline rush (docs/performance.md). `FormRenderer` writes the field
groups, labels, error lists, plain inputs, selects and options itself, character for character what Django's
templates give (tests/test_form_rendering.py compares them), and leaves every other template (radio buttons,
checkboxes, text areas, whole forms), and any of these that an app overrides, to the template engine.
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
FIELD_TEMPLATE = "django/forms/field.html"
LABEL_TEMPLATE = "django/forms/label.html"
ERRORS_TEMPLATE = "django/forms/errors/list/default.html"
# Each template written here, with the templates it includes: all must be Django's own for it to be written here.
INCLUDES = {
    **{
        name: (name, f"{WIDGET_TEMPLATES}input.html", f"{WIDGET_TEMPLATES}attrs.html")
        for name in INPUT_TEMPLATES
    },
    SELECT_TEMPLATE: (SELECT_TEMPLATE, OPTION_TEMPLATE, f"{WIDGET_TEMPLATES}attrs.html"),
    FIELD_TEMPLATE: (FIELD_TEMPLATE,),
    LABEL_TEMPLATE: (LABEL_TEMPLATE, "django/forms/attrs.html"),
    ERRORS_TEMPLATE: (ERRORS_TEMPLATE, "django/forms/errors/list/ul.html"),
}


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


def _field(field) -> str:
    """django/forms/field.html: the label (a legend in a fieldset), the help text, the errors and the widget."""
    if field.use_fieldset:
        described = (
            f' aria-describedby="{conditional_escape(field.aria_describedby)}"'
            if field.aria_describedby
            else ""
        )
        heading = f"\n  <fieldset{described}>\n  {field.legend_tag() if field.label else ''}\n"
    else:
        heading = f"\n  {field.label_tag() if field.label else ''}\n"
    help_text = ""
    if field.help_text:
        help_id = f' id="{conditional_escape(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{help_id}>{field.help_text}</div>'
    closing = "</fieldset>" if field.use_fieldset else ""
    return f"{heading}\n{help_text}\n{field.errors}\n{field}{closing}\n".strip()


def _label(context: dict) -> str:
    if not context["use_tag"]:
        return str(conditional_escape(context["label"]))
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attributes(context['attrs'] or {})}>{conditional_escape(context['label'])}</{tag}>"


def _errors(context: dict) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = f' id="{conditional_escape(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
    return f'<ul class="{conditional_escape(context["error_class"])}"{field_id}>{items}</ul>'


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with field groups, labels, error lists, inputs and selects written in Python
    (see the module)."""

    def render(self, template_name, context, request=None):
        if template_name in INCLUDES and _served_by_django(self.engine, template_name):
            written = _written(template_name, context)
            if written is not None:
                return written
        return super().render(template_name, context, request)


def _written(template_name: str, context: dict) -> str | None:
    """The template's output, or None when this context needs the template itself."""
    if template_name in INPUT_TEMPLATES:
        return _input(context["widget"])
    if template_name == SELECT_TEMPLATE:
        return _select(context["widget"])
    if template_name == FIELD_TEMPLATE:
        return _field(context["field"])
    if template_name == LABEL_TEMPLATE:
        return _label(context)
    return _errors(context)


@cache
def _served_by_django(engine, template_name: str) -> bool:
    """Whether the engine finds Django's own templates for this name (itself and what it includes), not ones an
    app put in their place."""
    return all(
        Path(engine.get_template(name).origin.name).is_relative_to(DJANGOS_FORM_TEMPLATES)
        for name in INCLUDES[template_name]
    )
