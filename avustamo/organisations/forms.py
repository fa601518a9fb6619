from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.organisations.identifiers import clean_business_id, clean_iban, format_iban
from avustamo.organisations.models import Membership, Organisation
from avustamo.organisations.services import FIXED_AT_REGISTRATION, ORGANISATION_FIELDS
from avustamo.reference.models import Municipality


class OrganisationForm(forms.ModelForm):
    """Identifiers are checked here for quick feedback and again, authoritatively, by the services."""

    business_id = forms.CharField(
        label=_("Business ID"),
        max_length=20,
        help_text=_("As in the Business Information System, e.g. 1234567-1."),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        help_text=_("The account grants are paid to, e.g. FI21 1234 5600 0007 85."),
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = Municipality.objects.filter(valid_until_year__isnull=True)
        if self.instance.pk:
            self.initial["iban"] = format_iban(self.instance.iban)
            for name in FIXED_AT_REGISTRATION:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed at registration; the ministry corrects it if needed.")

    def clean_business_id(self):
        return clean_business_id(self.cleaned_data["business_id"])

    def clean_iban(self):
        return clean_iban(self.cleaned_data["iban"])

    def _post_clean(self):
        # The services run the model's validation inside their transaction; running it here as well would
        # report a taken Business ID before the service can say what to do about it.
        pass


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class VerificationRequestForm(forms.Form):
    explanation = forms.CharField(
        label=_("What the document shows"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "For example: the city board's delegation decision of 12 January, section 7, names me to apply for "
            "state grants."
        ),
    )
    proof = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, Word, OpenDocument text or an image, at most 20 MB."),
    )


class VerificationRefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The person sees this and can ask again with a better document."),
    )


CONSENT_TEXT = _(
    "The organisation consents to decisions in its matters being notified to it electronically: by a message from "
    "this service to the people acting for it, with the decision to open here. Such a decision is presumed "
    "received on the third day after the message was sent, or on the day one of us first opens it, if that is "
    "earlier (Act on Electronic Services 13/2003, section 19). The consent can be withdrawn here at any time; "
    "without it, decisions are posted as letters."
)


class NotificationConsentForm(forms.Form):
    consents = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": _("Tick the box to give the consent.")},
    )
