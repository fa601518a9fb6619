from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from avustamo.review_requests.models import ReviewChannel, ReviewOutcome

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, notice):
        return gettext(notice.title)


class _RequestFields(forms.Form):
    contested = NoticeChoiceField(label=_("Decision you ask to be reviewed"), queryset=None, empty_label=None)
    requested_change = forms.CharField(
        label=_("Change requested"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which part of the decision should be changed, and how."),
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why the decision should be changed: the facts and the rules you rely on."),
    )

    def __init__(self, *args, notices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contested"].queryset = notices


class ReviewRequestForm(_RequestFields):
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, Word, OpenDocument or an image, at most 20 MB."),
    )


class RegisterReviewRequestForm(_RequestFields):
    channel = forms.ChoiceField(
        label=_("Arrived"),
        choices=[
            (ReviewChannel.EMAIL, ReviewChannel.EMAIL.label),
            (ReviewChannel.POST, ReviewChannel.POST.label),
        ],
    )
    arrived_on = forms.DateField(
        label=_("Arrived on"),
        widget=DATE_INPUT,
        help_text=_("The day it reached the registry: the time limit is judged by it."),
    )


class PrepareForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 6}))
