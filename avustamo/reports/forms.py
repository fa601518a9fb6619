from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.core.forms import EuroField
from avustamo.hearings.forms import NotHeardFields
from avustamo.programmes.application_form.budget import COST_CATEGORIES, FINANCING_LINES


class ReportStartForm(forms.Form):
    kind = forms.CharField()
    due_date = forms.DateField()


class ContentApprovalForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes on the content (shown to the recipient)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FinancesApprovalForm(NotHeardFields):
    field_order = ["accepted_costs", "notes"]

    accepted_costs = EuroField(
        label=_("Eligible costs accepted (€)"), max_digits=14, decimal_places=2, min_value=0
    )
    notes = forms.CharField(
        label=_("Notes on the finances (shown to the recipient)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not all reported costs are accepted: say which and why."),
    )


class CompletionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What should the recipient complete?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Complete by"), widget=forms.DateInput(attrs={"type": "date"}))


class CoImplementerPartForm(forms.Form):
    """One co-implementer's actual eligible costs by cost category and its actual own funding."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category, label in COST_CATEGORIES.items():
            self.fields[category] = EuroField(
                label=label, max_digits=14, decimal_places=2, min_value=0, required=False
            )
        self.fields["own_funding"] = EuroField(
            label=FINANCING_LINES["own_funding"], max_digits=14, decimal_places=2, min_value=0, required=False
        )

    @classmethod
    def initial_of(cls, part) -> dict:
        if part is None:
            return {}
        return {
            **{key: Decimal(amount) for key, amount in part.costs.items()},
            "own_funding": part.own_funding,
        }

    def costs(self) -> dict:
        return {
            category: self.cleaned_data[category]
            for category in COST_CATEGORIES
            if self.cleaned_data.get(category) is not None
        }


class CoImplementerInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the co-implementer's representative"),
        help_text=_("The invitation is sent there; they sign in with the same address."),
    )
