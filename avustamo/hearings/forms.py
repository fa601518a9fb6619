from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from avustamo.hearings.models import ATTACHMENT_KINDS, ATTACHMENT_MAX_MB, HearingSubject, NotHeardGround
from avustamo.programmes.forms import DATE_INPUT


def attachment_help() -> str:
    return gettext("Optional. At most %(mb)s MB each: %(kinds)s.") % {
        "mb": ATTACHMENT_MAX_MB,
        "kinds": ", ".join(kind.upper() for kind in ATTACHMENT_KINDS),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, none included (the services check each file's type from its content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class HearingRequestForm(forms.Form):
    subject = forms.ChoiceField(label=_("The proposed decision is about"))
    proposal = forms.CharField(
        label=_("What is proposed"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the authority proposes to recover 2 000 € of the grant with interest."),
    )
    grounds = forms.CharField(
        label=_("Facts and grounds"),
        max_length=16000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the proposal rests on: the facts found and the sections of the law and terms applied."
        ),
    )
    reply_by = forms.DateField(label=_("Reply by"), widget=DATE_INPUT)
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, subjects: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()
        self.fields["subject"].choices = [(subject, HearingSubject(subject).label) for subject in subjects]


class HearingReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply"),
        max_length=16000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say what you think of the proposal and explain the facts; you may attach documents."),
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()


class NotHeardFields(forms.Form):
    """The two fields of a form that decides against the recipient: a ground for deciding without hearing, and its
    reasons. Left empty, the decision is made on the hearing of its subject (`services.require_heard`)."""

    not_heard_ground = forms.ChoiceField(
        label=_("Decided without hearing because"),
        required=False,
        choices=[("", _("— the recipient has been heard —")), *NotHeardGround.choices],
        help_text=_("Only on a ground of section 34(2) of the Administrative Procedure Act."),
    )
    not_heard_reasons = forms.CharField(
        label=_("Why the ground applies"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A page may show several deciding forms (a return, a payment application): their ids must differ.
        for name in ("not_heard_ground", "not_heard_reasons"):
            self.fields[name].widget.attrs["id"] = f"id_{self.add_prefix(name)}_{type(self).__name__.lower()}"
