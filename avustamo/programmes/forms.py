from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from avustamo.core.forms import EuroField
from avustamo.organisations.models import OrganisationType
from avustamo.programmes.models import Call
from avustamo.programmes.services import CALL_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LabelledSplitDateTimeWidget(forms.SplitDateTimeWidget):
    """A date input and a time input, each with its own label under the field's legend."""

    template_name = "programmes/widgets/split_datetime.html"


class HelsinkiDateTimeField(forms.SplitDateTimeField):
    """A date and a time entered as Helsinki wall-clock time (the site's time zone)."""

    widget = LabelledSplitDateTimeWidget(
        date_attrs={"type": "date"}, time_attrs={"type": "time"}, date_format="%Y-%m-%d", time_format="%H:%M"
    )


class CallForm(forms.ModelForm):
    opens_at = HelsinkiDateTimeField(label=_("Opens (Helsinki time)"))
    closes_at = HelsinkiDateTimeField(label=_("Closes (Helsinki time)"))
    eligible_organisation_types = forms.MultipleChoiceField(
        label=_("Who may apply"), widget=forms.CheckboxSelectMultiple, choices=OrganisationType.choices
    )

    class Meta:
        model = Call
        fields = list(CALL_FIELDS)
        field_classes = {"appropriation": EuroField, "min_grant": EuroField, "max_grant": EuroField}
        widgets = {
            "period_earliest_start": DATE_INPUT,
            "period_latest_end": DATE_INPUT,
            "description_fi": forms.Textarea(attrs={"rows": 5}),
            "description_sv": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "how_to_apply_fi": forms.Textarea(attrs={"rows": 3}),
            "how_to_apply_sv": forms.Textarea(attrs={"rows": 3}),
            "how_to_apply_en": forms.Textarea(attrs={"rows": 3}),
            "legal_basis_fi": forms.Textarea(attrs={"rows": 2}),
            "legal_basis_sv": forms.Textarea(attrs={"rows": 2}),
            "legal_basis_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligible_organisation_types"].choices = [
            (code, OrganisationType(code).label) for code in programme.eligible_organisation_types
        ]

    def _post_clean(self):
        # The call's rules are checked by the services, which report them back onto this form.
        pass


class CopyCallForm(forms.Form):
    reference = forms.SlugField(label=_("Reference of the new call"), max_length=60)
    opens_at = HelsinkiDateTimeField(label=_("Opens (Helsinki time)"))
    closes_at = HelsinkiDateTimeField(label=_("Closes (Helsinki time)"))


class ThemeForm(forms.Form):
    name_fi = forms.CharField(label=_("Theme in Finnish"), max_length=300)
    name_sv = forms.CharField(label=_("Theme in Swedish"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Theme in English"), max_length=300, required=False)


class DeclarationForm(forms.Form):
    text_fi = forms.CharField(label=_("Declaration in Finnish"), max_length=500)
    text_sv = forms.CharField(label=_("Declaration in Swedish"), max_length=500, required=False)
    text_en = forms.CharField(label=_("Declaration in English"), max_length=500, required=False)


class CriterionForm(forms.Form):
    name_fi = forms.CharField(label=_("Criterion in Finnish"), max_length=300)
    name_sv = forms.CharField(label=_("Criterion in Swedish"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Criterion in English"), max_length=300, required=False)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), max_digits=5, decimal_places=2, initial=1
    )


class AttachmentForm(forms.Form):
    name_fi = forms.CharField(label=_("Attachment in Finnish"), max_length=300)
    name_sv = forms.CharField(label=_("Attachment in Swedish"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Attachment in English"), max_length=300, required=False)
    max_files = forms.IntegerField(
        label=_("Files at most"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("With one, a new upload replaces the file after asking."),
    )

    def clean_max_files(self):
        # Left empty, a slot takes one file, as most required attachments are one document.
        return self.cleaned_data["max_files"] or 1


PART_FORMSETS = {
    "themes": (formset_factory(ThemeForm, extra=1, can_delete=True), _("Themes")),
    "declarations": (
        formset_factory(DeclarationForm, extra=1, can_delete=True),
        _("Declarations the applicant confirms"),
    ),
    "criteria": (formset_factory(CriterionForm, extra=1, can_delete=True), _("Evaluation criteria")),
    "required_attachments": (
        formset_factory(AttachmentForm, extra=1, can_delete=True),
        _("Required attachments"),
    ),
}


def part_formsets(data=None, call: Call | None = None) -> dict:
    """One formset per list of the call; existing rows come first, then a blank row to add one."""
    formsets = {}
    for name, (formset_class, title) in PART_FORMSETS.items():
        initial = None
        if call is not None and call.pk:
            fields = list(formset_class.form.base_fields)
            initial = [{key: getattr(part, key) for key in fields} for part in getattr(call, name).all()]
        formset = formset_class(data, initial=initial, prefix=name)
        formset.title = title
        formsets[name] = formset
    return formsets


def parts_from_formsets(formsets: dict) -> dict[str, list[dict]]:
    """The rows kept in each formset (filled in and not marked for deletion), in order."""
    return {
        name: [
            {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for name, formset in formsets.items()
    }


class CallFormDefinitionForm(forms.Form):
    """The call's application form as JSON, typed or pasted, or imported from a file."""

    definition = forms.CharField(
        label=_("Form definition (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
    )
    upload = forms.FileField(
        label=_("Or import a JSON file"),
        required=False,
        help_text=_("A file exported from this or another call."),
    )

    MAX_UPLOAD_BYTES = 1024 * 1024

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            if upload.size > self.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than 1 MB; a form definition is much smaller."), code="too_large"
                )
            try:
                cleaned["definition"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text."), code="not_text") from None
        if not cleaned.get("definition", "").strip():
            raise forms.ValidationError(_("Enter the form definition or choose a file."), code="required")
        return cleaned
