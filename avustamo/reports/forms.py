from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.core.forms import EuroField
from avustamo.hearings.forms import NotHeardFields


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
