"""The applicant's forms beside the application form itself: a co-implementer of a joint project."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.core.forms import EuroField
from avustamo.programmes.application_form.budget import COST_CATEGORIES

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0), "required": False}


class CoImplementerForm(forms.Form):
    """A co-implementer with its part of the budget; the rules are the service's (`co_implementer_add`)."""

    business_id = forms.CharField(
        label=_("Business ID"), max_length=20, help_text=_("For example 1234567-1."), required=False
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=255, required=False)
    own_funding = EuroField(
        label=_("Own funding"), help_text=_("The co-implementer's own money for its part."), **MONEY
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.CharField(
        label=_("Contact person's email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact person's phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput({"type": "tel"}),
    )
    cost_field_names = [f"cost_{category}" for category in COST_CATEGORIES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category, label in COST_CATEGORIES.items():
            self.fields[f"cost_{category}"] = EuroField(label=label, **MONEY)

    @classmethod
    def initial_of(cls, co_implementer) -> dict:
        return {
            "business_id": co_implementer.business_id,
            "name": co_implementer.name,
            "own_funding": co_implementer.own_funding,
            "contact_name": co_implementer.contact_name,
            "contact_email": co_implementer.contact_email,
            "contact_phone": co_implementer.contact_phone,
            **{f"cost_{key}": Decimal(value) for key, value in (co_implementer.costs or {}).items()},
        }

    def service_fields(self) -> dict:
        """The cleaned fields as the service takes them."""
        data = self.cleaned_data
        return {
            "business_id": data["business_id"],
            "name": data["name"],
            "own_funding": data["own_funding"],
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
            "contact_phone": data["contact_phone"],
            "costs": {
                category: data[f"cost_{category}"]
                for category in COST_CATEGORIES
                if data.get(f"cost_{category}") is not None
            },
        }

    def cost_fields(self):
        return [self[name] for name in self.cost_field_names]

    def contact_fields(self):
        return [self["contact_name"], self["contact_email"], self["contact_phone"]]
