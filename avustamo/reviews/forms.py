from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.accounts.models import User
from avustamo.programmes.forms import DATE_INPUT
from avustamo.reviews.models import CallAssignment, ScreeningResult


class HandlingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("submitted", _("submitted")),
            ("completion_requested", _("completion requested")),
            ("completion_overdue", _("completion overdue")),
        ],
    )
    screening = forms.ChoiceField(
        label=_("Screening"),
        required=False,
        choices=[("", _("All")), ("unscreened", _("not screened")), *ScreeningResult.choices],
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("number", _("arrival")),
            ("applicant", _("applicant")),
            ("-requested", _("amount applied for, largest first")),
            ("requested", _("amount applied for, smallest first")),
            ("score", _("score, best first")),
            ("proposal", _("proposal, largest first")),
        ],
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All"))] + [(region.code, region.name) for region in regions]


class ScreeningForm(forms.Form):
    arrived_on_time = forms.BooleanField(label=_("Arrived on time"), required=False)
    applicant_type_eligible = forms.BooleanField(
        label=_("The applicant is of an eligible type"), required=False
    )
    declarations_given = forms.BooleanField(label=_("All declarations are given"), required=False)
    attachments_present = forms.BooleanField(label=_("The required attachments are present"), required=False)
    result = forms.ChoiceField(label=_("Result"), choices=ScreeningResult.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when ineligible: it is written into the decision."),
    )


class CompletionRequestForm(forms.Form):
    question_ids = forms.MultipleChoiceField(
        label=_("Answers to complete"), required=False, widget=forms.CheckboxSelectMultiple
    )
    required_attachments = forms.MultipleChoiceField(
        label=_("Attachments to add"), required=False, widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("What is missing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads this in the email and in the service."),
    )
    reply_by = forms.DateField(
        label=_("Reply by"),
        widget=DATE_INPUT,
        help_text=_("The applicant may reply until midnight of this day, Helsinki time."),
    )

    def __init__(self, *args, questions=(), attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question_ids"].choices = list(questions)
        self.fields["required_attachments"].choices = [(str(item.pk), item.name) for item in attachments]


class CallAssignmentForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Official"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=CallAssignment.Role.choices)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else User.objects.none()


class ReviewerAssignmentForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewers if reviewers is not None else User.objects.none()


class ConflictForm(forms.Form):
    conflicted = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest with this applicant or application")),
            ("yes", _("I have a conflict of interest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    conflict_reason = forms.CharField(
        label=_("What the conflict of interest is"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScoreForm(forms.Form):
    """One score and justification per criterion of the call, started from the reviewer's draft. Nothing is
    required here: a draft may lack any of them, and the service refuses submitted scores with one error per
    criterion (`reviews.services.review_problems`)."""

    def __init__(self, *args, criteria=(), draft=None, **kwargs):
        draft = draft or {}
        initial = {}
        for criterion, entry in draft.items():
            initial[f"score-{criterion}"] = entry.get("score")
            initial[f"justification-{criterion}"] = entry.get("justification", "")
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score-{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[(str(value), str(value)) for value in range(1, 6)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"justification-{criterion.pk}"] = forms.CharField(
                label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3})
            )

    def scores(self) -> dict:
        return {
            criterion.pk: (
                self.cleaned_data.get(f"score-{criterion.pk}"),
                self.cleaned_data.get(f"justification-{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }

    def pairs(self):
        return [
            (criterion, self[f"score-{criterion.pk}"], self[f"justification-{criterion.pk}"])
            for criterion in self.criteria
        ]


class PresenterForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Presenter of this application"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The call's presenter"),
    )

    def __init__(self, *args, presenters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = presenters if presenters is not None else User.objects.none()
