"""Forms of the grant: accepting or declining it, asking for a change, deciding a part of the change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.core.forms import EuroField
from avustamo.grants.models import ChangeKind, ChangeOutcome
from avustamo.programmes.application_form.budget import COST_CATEGORIES
from avustamo.programmes.forms import DATE_INPUT

COST_AMOUNT = {"max_digits": 14, "decimal_places": 2, "required": False}


REASONS = {"max_length": 4000, "required": False, "widget": forms.Textarea(attrs={"rows": 3})}


def _cost_fields(form, costs_in_force: dict) -> None:
    for category, label in COST_CATEGORIES.items():
        form.fields[f"cost_{category}"] = EuroField(
            label=_("%(category)s (€)") % {"category": label}, initial=costs_in_force[category], **COST_AMOUNT
        )


def _costs(form) -> dict:
    """The cost fields by category; an empty one keeps its amount in force."""
    return {
        category: form.cleaned_data[f"cost_{category}"]
        for category in COST_CATEGORIES
        if form.cleaned_data.get(f"cost_{category}") is not None
    }


class ChangeRequestForm(forms.Form):
    """The recipient's change request: any of its three parts, each with its reasons. The cost categories start
    from the amounts in force; the budget is asked to change only when an amount or its reasons are changed."""

    period_end = forms.DateField(label=_("New end of the period of use"), required=False, widget=DATE_INPUT)
    extension_reasons = forms.CharField(label=_("Reasons for the extension"), **REASONS)
    budget_reasons = forms.CharField(label=_("Reasons for moving money"), **REASONS)
    content = forms.CharField(
        label=_("Change of content"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is done differently from the application: activities, target groups, places."),
    )
    content_reasons = forms.CharField(label=_("Reasons for the change of content"), **REASONS)

    def __init__(self, *args, costs_in_force: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.costs_in_force = costs_in_force
        _cost_fields(self, costs_in_force)

    def cost_fields(self):
        return [self[f"cost_{category}"] for category in COST_CATEGORIES]

    def service_values(self) -> dict:
        data = self.cleaned_data
        costs = _costs(self)
        moved = any(amount != self.costs_in_force[category] for category, amount in costs.items())
        return {
            "period_end": data["period_end"],
            "extension_reasons": data["extension_reasons"],
            "costs": costs if moved or data["budget_reasons"].strip() else None,
            "budget_reasons": data["budget_reasons"],
            "content": data["content"],
            "content_reasons": data["content_reasons"],
        }


class ChangePartDecisionForm(forms.Form):
    """The presenter's decision on one part; the end date, amounts or wording are the presenter's own when the
    part is accepted with changes."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=ChangeOutcome.choices, widget=forms.RadioSelect)
    period_end = forms.DateField(
        label=_("Period of use ends on, as decided"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Only when accepted with changes."),
    )
    content = forms.CharField(
        label=_("Change of content, as decided"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only when accepted with changes."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("Needed unless the part is accepted as asked."),
        **REASONS,
    )

    def __init__(self, *args, part, **kwargs):
        super().__init__(*args, prefix=f"part-{part.pk}", **kwargs)
        self.part = part
        if part.kind != ChangeKind.EXTENSION:
            del self.fields["period_end"]
        if part.kind != ChangeKind.CONTENT:
            del self.fields["content"]
        if part.kind == ChangeKind.BUDGET:
            _cost_fields(self, {category: part.asked_budget[category] for category in COST_CATEGORIES})

    def cost_fields(self):
        return [self[f"cost_{category}"] for category in COST_CATEGORIES if f"cost_{category}" in self.fields]

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {"outcome": data["outcome"], "reasons": data["reasons"]}
        if self.part.kind == ChangeKind.EXTENSION:
            values["period_end"] = data["period_end"]
        elif self.part.kind == ChangeKind.CONTENT:
            values["content"] = data["content"]
        else:
            values["costs"] = _costs(self)
        return values


class AcceptGrantForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read the decision and its terms, and I accept them on behalf of the organisation."),
    )


class DeclineGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the grant declined?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The presenter of the decision reads this. The money is then free for other applicants."),
    )


class OnwardTransferAgreementForm(forms.Form):
    """The written agreement with one co-implementer: its date and the signed document."""

    signed_on = forms.DateField(label=_("Date of the agreement"), required=False, widget=DATE_INPUT)
    document = forms.FileField(
        label=_("The signed agreement"),
        required=False,
        help_text=_("PDF, Word, OpenDocument, JPEG or PNG, at most 20 MB."),
    )
