from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from avustamo.accounts.models import User


class PersonDetailsForm(forms.Form):
    """What signup asks besides the email address and the password (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(
        label=_("full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    preferred_language = forms.ChoiceField(label=_("preferred language"), choices=User.Language.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = translation.get_language()
        if current in User.Language.values:
            self.fields["preferred_language"].initial = current

    def signup(self, request, user) -> None:
        """Nothing left to do: the adapter creates the person with these details (accounts.services)."""
