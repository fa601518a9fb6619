from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.accounts.models import User


class IdentifiedSignUpForm(forms.Form):
    """What a person identified for the first time adds: where the service writes to them, and in which language."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Notices of your applications and decisions come to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    preferred_language = forms.ChoiceField(label=_("Language of emails"), choices=User.Language.choices)
