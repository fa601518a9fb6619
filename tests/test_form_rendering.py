"""The form renderer writes fields, labels, error lists, inputs and selects in Python (avustamo.core.form_rendering): what a page shows must be
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


def assert_written_alike(make_form) -> None:
    """Every field group of the form `make_form(renderer=...)` makes, as Django's template renderer writes it and as
    ours does. A form keeps its renderer in its fields and error lists, so each renderer gets a form of its own."""
    djangos, ours = make_form(renderer=DjangoTemplates()), make_form(renderer=FormRenderer())
    for form in (djangos, ours):
        form.is_valid()
    assert list(djangos.fields) == list(ours.fields)
    for name in djangos.fields:
        assert str(ours[name].as_field_group()) == str(djangos[name].as_field_group()), (
            type(ours).__name__,
            name,
        )


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
    radio = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[("a", "A"), ("b", "B <b>")], help_text="Pick <one>", label="Which?"
    )
    checks = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("1", "1")], required=False
    )
    agree = forms.BooleanField(label="I agree.")
    unlabelled = forms.CharField(label="", required=False)
    own_id = forms.CharField(widget=forms.TextInput(attrs={"id": "mine", "aria-describedby": "elsewhere"}))


class AwkwardWithSuffix(Awkward):
    required_css_class = "required"
    error_css_class = "has-error"


# Dates from today's: what is rendered must not depend on the year the suite runs in.
NEXT_MONTH = datetime.date.today() + datetime.timedelta(days=31)
AWKWARD_DATA = {
    "plain": 'Text with "quotes" & <tags> and \u00e4',
    "number": "-1",
    "when": f"{NEXT_MONTH.year}-13-40",  # no such month
    "email": "not an email",
    "hidden": "<x>",
    "secret": "s&cret",
    "flags": "0",
    "choice": "a&b",
    "grouped": "2",
    "many": ["x", "z"],
    "typed": "2027",
    "radio": "c",
}


@pytest.mark.parametrize("data", [None, {}, AWKWARD_DATA], ids=["unbound", "empty", "awkward"])
@pytest.mark.parametrize("form_class", [Awkward, AwkwardWithSuffix])
@pytest.mark.parametrize("label_suffix", [None, " –"])
@pytest.mark.parametrize("auto_id", ["id_%s", False], ids=["with ids", "without ids"])
def test_every_field_is_written_as_djangos_templates_write_it(data, form_class, label_suffix, auto_id):
    assert_written_alike(
        lambda renderer: form_class(
            data,
            initial={"when": NEXT_MONTH, "number": 0},
            label_suffix=label_suffix,
            auto_id=auto_id,
            renderer=renderer,
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_busiest_filter_forms_are_unchanged(language):
    region = factories.RegionFactory()
    factories.ProgrammeFactory()
    with override(language):
        for make_form in (
            lambda renderer: GrantSearchForm(
                {"q": "ry <script>", "region": region.code, "sort": "oldest", "min_amount": "-1"},
                years=[2026, 2025],
                renderer=renderer,
            ),
            lambda renderer: GrantSearchForm({}, years=[], renderer=renderer),
            lambda renderer: HandlingFilterForm(
                {"status": "submitted", "region": "nope"}, regions=[region], renderer=renderer
            ),
            lambda renderer: HandlingFilterForm(None, regions=[region], renderer=renderer),
        ):
            assert_written_alike(make_form)


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
