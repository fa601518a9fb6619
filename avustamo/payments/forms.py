from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from avustamo.core.forms import EuroField
from avustamo.core.money import format_euros
from avustamo.hearings.forms import NotHeardFields
from avustamo.payments import interest, selectors
from avustamo.payments.models import Instalment, ReturnGround
from avustamo.programmes.forms import DATE_INPUT
from avustamo.programmes.models import Agency


class InterestForm(forms.Form):
    amount = EuroField(label=_("Amount (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    start = forms.DateField(
        label=_("First day"),
        widget=DATE_INPUT,
        help_text=_("Interest: the day the grant was paid. Penalty interest: the due date."),
    )
    end = forms.DateField(
        label=_("End day (not counted)"),
        widget=DATE_INPUT,
        help_text=_("The day the money is returned or recovered; interest runs up to the day before it."),
    )
    kind = forms.ChoiceField(
        label=_("Interest"),
        choices=interest.InterestKind.choices,
        initial=interest.InterestKind.GRANT,
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.result = interest.calculate_interest(
                    amount=data["amount"],
                    start=data["start"],
                    end=data["end"],
                    kind=data["kind"],
                    rates=selectors.reference_rates(data["start"], data["end"]),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class ReferenceRateForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Valid from"), widget=DATE_INPUT, help_text=_("1 January or 1 July of the half-year.")
    )
    rate = forms.DecimalField(
        label=_("Reference rate (%)"), max_digits=5, decimal_places=2, min_value=-20, max_value=50
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("For example: Suomen Pankin ilmoitus viitekorosta ja viivästyskoroista, SK 1276/2022."),
    )


class PrepareBatchForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Paying agency"), queryset=Agency.objects.order_by("code"))
    execution_date = forms.DateField(label=_("Day of payment"), widget=DATE_INPUT)


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=DATE_INPUT,
        help_text=_("The day the bank paid the batch, from its statement."),
    )


class ReconciliationForm(forms.Form):
    days = forms.IntegerField(
        label=_("Late after days"),
        min_value=1,
        max_value=365,
        help_text=_("A payment still without its answer after this many days is counted as late."),
    )


class PaymentApplicationForm(forms.Form):
    period_start = forms.DateField(label=_("Costs from"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Costs until"), widget=DATE_INPUT)
    costs_incurred = EuroField(
        label=_("Eligible costs incurred (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    amount = EuroField(
        label=_("Payment applied for (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    description = forms.CharField(
        label=_("What the costs were for"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Keep the receipts: the final report and an inspection may ask for them."),
    )


class PaymentApplicationDecisionForm(NotHeardFields):
    approved_amount = EuroField(
        label=_("Amount approved (€)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text=_("0 rejects the application."),
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when less is approved than was applied for, or nothing."),
    )


class ReturnClaimForm(NotHeardFields):
    ground = forms.ChoiceField(label=_("Ground"), choices=ReturnGround.choices)
    amount = EuroField(
        label=_("Amount to return (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)
    learned_on = forms.DateField(
        label=_("Grounds learned on"),
        widget=DATE_INPUT,
        help_text=_("Recovery is decided within a year of this day (section 29)."),
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))


class ReturnReceivedForm(forms.Form):
    received_on = forms.DateField(
        label=_("Money received on"), widget=DATE_INPUT, help_text=_("From the bank statement.")
    )


class RecoveryGroundsForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=ReturnGround.choices)
    learned_on = forms.DateField(
        label=_("Grounds learned on"),
        widget=DATE_INPUT,
        help_text=_(
            "The day the authority learned of them: a recovery is decided within a year (section 29)."
        ),
    )
    description = forms.CharField(
        label=_("What came to light"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseGroundsForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why no return or recovery is decided"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VoluntaryReturnForm(forms.Form):
    amount = EuroField(
        label=_("Amount to return (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    reasons = forms.CharField(
        label=_("Why is the money returned?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: part of the grant was not used, or more was paid than the costs allow."),
    )


class RecordVoluntaryReturnForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=[(ground, ReturnGround(ground).label) for ground in ReturnGround.return_duty()],
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Left empty, the decision gives the recipient's own reasons."),
    )


class GroundsClaimForm(NotHeardFields):
    """A return or recovery decided on noted grounds: their ground and day of learning are the claim's."""

    amount = EuroField(
        label=_("Amount to return (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)
    reasons = forms.CharField(label=_("Reasons"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))


def grounds_prefix(grounds) -> str:
    return f"grounds-{grounds.pk}"


def close_prefix(grounds) -> str:
    return f"close-{grounds.pk}"


def voluntary_prefix(announcement) -> str:
    return f"voluntary-{announcement.pk}"


class SuspensionForm(NotHeardFields):
    grounds = forms.CharField(
        label=_("Grounds (section 19)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which ground of section 19 applies, and the facts it rests on."),
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=_("Suspended from"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=_("Suspended until"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Left empty: until further notice, when a decision ends it."),
    )


class EndSuspensionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for ending the suspension"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WaiverForm(forms.Form):
    amount = EuroField(
        label=_("Amount waived (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0"), initial=0
    )
    interest = EuroField(
        label=_("Interest waived (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0"), initial=0
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why claiming all of it would be unreasonable (section 26)."),
    )


class OffsetForm(NotHeardFields):
    instalment = forms.ModelChoiceField(
        label=_("Instalment of another grant to the same recipient"), queryset=Instalment.objects.none()
    )
    amount = EuroField(
        label=_("Amount offset (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instalments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].queryset = Instalment.objects.filter(pk__in=[i.pk for i in instalments])
        self.fields["instalment"].choices = [
            (
                instalment.pk,
                f"{instalment.grant.application.register_number} {instalment.number}: "
                f"{format_euros(instalment.amount)}",
            )
            for instalment in instalments
        ]


def end_prefix(suspension) -> str:
    return f"end-{suspension.pk}"


def waive_prefix(claim) -> str:
    return f"waive-{claim.pk}"


def offset_prefix(claim) -> str:
    return f"offset-{claim.pk}"
