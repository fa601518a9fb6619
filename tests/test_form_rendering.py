"""The form renderer writes inputs and selects in Python (avustamo.core.form_rendering): what a page shows must be
exactly what Django's own templates would have written, for the project's forms and for the awkward cases."""

import datetime
from functools import cached_property

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import override

from avustamo.core.form_rendering import DJANGOS_FORM_TEMPLATES, FormRenderer
from avustamo.register.forms import GrantSearchForm
from avustamo.reviews.forms import HandlingFilterForm
from tests import factories


def both(bound_field) -> tuple[str, str]:
    """The field group as Django's template renderer writes it, and as ours does."""
    form = bound_field.form
    written = []
    for renderer in (DjangoTemplates(), FormRenderer()):
        form.renderer = renderer
        written.append(str(bound_field.as_field_group()))
    return written[0], written[1]


class Awkward(forms.Form):
    plain = forms.CharField(label="Plain <b>", help_text="Help & <i>more</i>", required=True)
    number = forms.DecimalField(label="Amount", min_value=0, decimal_places=2)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    flags = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"readonly": True, "disabled": False, "data-x": 'a"b<c>'}),
    )
    choice = forms.ChoiceField(
        choices=[("", "All"), ("a&b", 'A "quoted" <label>'), (3, "Three"), ("ä", "Åland – ö")], required=False
    )
    grouped = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("Group <one>", [("1", "One"), ("2", "Two")]),
            ("Group two", [("3", "Three")]),
            ("4", "Four"),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")], required=False)
    empty = forms.ChoiceField(choices=[], required=False)
    typed = forms.TypedChoiceField(choices=[(2026, "2026"), (2027, "2027")], coerce=int, required=False)


AWKWARD_DATA = {
    "plain": 'Text with "quotes" & <tags> and \u00e4',
    "number": "-1",
    "when": "2027-13-40",
    "email": "not an email",
    "hidden": "<x>",
    "secret": "s&cret",
    "flags": "0",
    "choice": "a&b",
    "grouped": "2",
    "many": ["x", "z"],
    "typed": "2027",
}


@pytest.mark.parametrize("data", [None, {}, AWKWARD_DATA], ids=["unbound", "empty", "awkward"])
def test_every_widget_is_written_as_djangos_templates_write_it(data):
    form = Awkward(data, initial={"when": datetime.date(2027, 1, 31), "number": 0})
    if data is not None:
        form.is_valid()
    for name in form.fields:
        expected, written = both(form[name])
        assert written == expected, name


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_busiest_filter_forms_are_unchanged(language):
    region = factories.RegionFactory()
    factories.ProgrammeFactory()
    with override(language):
        forms_ = [
            GrantSearchForm(
                {"q": "ry <script>", "region": region.code, "sort": "oldest"}, years=[2026, 2025]
            ),
            GrantSearchForm({}, years=[]),
            HandlingFilterForm({"status": "submitted", "region": "nope"}, regions=[region]),
            HandlingFilterForm(None, regions=[region]),
        ]
        for form in forms_:
            form.is_valid()
            for name in form.fields:
                expected, written = both(form[name])
                assert written == expected, (type(form).__name__, name)


def test_an_app_that_overrides_a_widget_template_keeps_it(tmp_path):
    """A project or app template in place of Django's select is rendered by the template engine, not replaced."""
    override_dir = tmp_path / "django" / "forms" / "widgets"
    override_dir.mkdir(parents=True)
    (override_dir / "select.html").write_text('<select class="ours" name="{{ widget.name }}"></select>')

    class WithOverride(FormRenderer):
        @cached_property
        def engine(self):
            return self.backend(
                {"APP_DIRS": False, "DIRS": [tmp_path, DJANGOS_FORM_TEMPLATES], "NAME": "t", "OPTIONS": {}}
            )

    form = Awkward()
    form.renderer = WithOverride()
    assert str(form["choice"]) == '<select class="ours" name="choice"></select>'
    assert str(form["plain"]).startswith('<input type="text" name="plain"')
