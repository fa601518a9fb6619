from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.accounts.models import User
from avustamo.core.forms import EuroField
from avustamo.decisions.models import Decision, Outcome
from avustamo.programmes.application_form.budget import COST_CATEGORIES
from avustamo.programmes.forms import DATE_INPUT

INSTALMENT_ROWS = 3
REPORT_ROWS = 3
NON_ELIGIBLE_ROWS = 3
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}


class ProposalForm(forms.Form):
    amount = EuroField(label=_("Proposed amount (€)"), **MONEY)
    eligible_costs = EuroField(label=_("Eligible costs (€)"), required=False, **MONEY)
    max_share_percent = forms.DecimalField(
        label=_("Maximum share of eligible costs (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you change a proposal."),
    )


class AllocationForm(forms.Form):
    min_score = forms.DecimalField(
        label=_("Minimum average score"),
        min_value=Decimal(1),
        max_value=Decimal(5),
        decimal_places=2,
        initial=Decimal(3),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    language = forms.ChoiceField(
        label=_("Language of the decision"), choices=[("fi", "suomi"), ("sv", "svenska")]
    )
    amount = EuroField(label=_("Amount (€)"), required=False, **MONEY)
    purpose = forms.CharField(
        label=_("Purpose of use"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    eligible_costs = EuroField(label=_("Eligible costs (€)"), required=False, **MONEY)
    max_share_percent = forms.DecimalField(
        label=_("Maximum share of total eligible costs (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    period_start = forms.DateField(label=_("Period of use starts"), required=False, widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Period of use ends"), required=False, widget=DATE_INPUT)
    conditions = forms.CharField(
        label=_("Conditions and restrictions"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(INSTALMENT_ROWS):
            self.fields[f"instalment-{row}-percent"] = forms.DecimalField(
                label=_("Share (%)"), required=False, min_value=Decimal("0.01"), max_value=Decimal(100)
            )
            self.fields[f"instalment-{row}-condition"] = forms.ChoiceField(
                label=_("Paid"),
                required=False,
                choices=[("", "–"), *Decision.InstalmentCondition.choices],
            )
        for row in range(REPORT_ROWS):
            self.fields[f"report-{row}-kind"] = forms.ChoiceField(
                label=_("Report"), required=False, choices=[("", "–"), *Decision.ReportKind.choices]
            )
            self.fields[f"report-{row}-due"] = forms.DateField(
                label=_("Due"), required=False, widget=DATE_INPUT
            )
        for category, label in COST_CATEGORIES.items():
            self.fields[f"approved-{category}"] = EuroField(label=label, required=False, **MONEY)
        for row in range(NON_ELIGIBLE_ROWS):
            self.fields[f"non-eligible-{row}-description"] = forms.CharField(
                label=_("Cost not eligible"),
                required=False,
                max_length=200,
                help_text=_("E.g. value added tax the recipient can recover."),
            )
            self.fields[f"non-eligible-{row}-amount"] = EuroField(
                label=_("Amount (€)"), required=False, **MONEY
            )

    @classmethod
    def initial_from(cls, terms: dict) -> dict:
        """The form's initial values from a decision's terms (`Decision.terms()` or `draft_defaults`)."""
        rows = ("instalments", "reports_due", "approved_costs", "non_eligible_costs")
        initial = {field: value for field, value in terms.items() if field not in rows}
        # The terms keep amounts as JSON strings; as numbers they are shown in the page's language.
        for category, amount in terms.get("approved_costs", {}).items():
            initial[f"approved-{category}"] = Decimal(amount)
        for row, entry in enumerate(terms.get("non_eligible_costs", [])[:NON_ELIGIBLE_ROWS]):
            initial[f"non-eligible-{row}-description"] = entry["description"]
            initial[f"non-eligible-{row}-amount"] = Decimal(entry["amount"])
        for row, entry in enumerate(terms.get("instalments", [])[:INSTALMENT_ROWS]):
            initial[f"instalment-{row}-percent"] = entry["percent"]
            initial[f"instalment-{row}-condition"] = entry["condition"]
        for row, entry in enumerate(terms.get("reports_due", [])[:REPORT_ROWS]):
            initial[f"report-{row}-kind"] = entry["kind"]
            initial[f"report-{row}-due"] = entry["due"]
        return initial

    def instalment_rows(self):
        return [
            (self[f"instalment-{row}-percent"], self[f"instalment-{row}-condition"])
            for row in range(INSTALMENT_ROWS)
        ]

    def report_rows(self):
        return [(self[f"report-{row}-kind"], self[f"report-{row}-due"]) for row in range(REPORT_ROWS)]

    def approved_cost_fields(self):
        return [self[f"approved-{category}"] for category in COST_CATEGORIES]

    def non_eligible_rows(self):
        return [
            (self[f"non-eligible-{row}-description"], self[f"non-eligible-{row}-amount"])
            for row in range(NON_ELIGIBLE_ROWS)
        ]

    def service_values(self) -> dict:
        data = self.cleaned_data
        instalments = [
            {
                "percent": str(data[f"instalment-{row}-percent"]),
                "condition": data[f"instalment-{row}-condition"],
            }
            for row in range(INSTALMENT_ROWS)
            if data.get(f"instalment-{row}-percent") or data.get(f"instalment-{row}-condition")
        ]
        reports = [
            {"kind": data[f"report-{row}-kind"], "due": data[f"report-{row}-due"]}
            for row in range(REPORT_ROWS)
            if data.get(f"report-{row}-kind") or data.get(f"report-{row}-due")
        ]
        values = {
            field: data.get(field)
            for field in (
                "outcome", "language", "amount", "eligible_costs", "max_share_percent", "period_start", "period_end",
            )
        }  # fmt: skip
        approved_costs = {
            category: str(data[f"approved-{category}"])
            for category in COST_CATEGORIES
            if data.get(f"approved-{category}") is not None
        }
        non_eligible_costs = [
            {
                "description": data[f"non-eligible-{row}-description"],
                "amount": ""
                if data[f"non-eligible-{row}-amount"] is None
                else str(data[f"non-eligible-{row}-amount"]),
            }
            for row in range(NON_ELIGIBLE_ROWS)
            if data.get(f"non-eligible-{row}-description")
            or data.get(f"non-eligible-{row}-amount") is not None
        ]
        values.update(
            approved_costs=approved_costs,
            non_eligible_costs=non_eligible_costs,
            purpose=data.get("purpose", ""),
            conditions=data.get("conditions", ""),
            reasons=data.get("reasons", ""),
            instalments=instalments,
            reports_due=reports,
        )
        return values


class SendForSigningForm(forms.Form):
    decision_maker = forms.ModelChoiceField(label=_("Decision maker"), queryset=User.objects.none())

    def __init__(self, *args, decision_makers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_maker"].queryset = (
            decision_makers if decision_makers is not None else User.objects.none()
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the decision is returned"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CoImplementerSharesForm(forms.Form):
    """How much of the grant the recipient passes on to each co-implementer of the joint project."""

    def __init__(self, *args, co_implementers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.co_implementers = list(co_implementers)
        for co_implementer in self.co_implementers:
            self.fields[f"share-{co_implementer.pk}"] = EuroField(
                label=_("%(name)s (%(business_id)s)")
                % {"name": co_implementer.name, "business_id": co_implementer.business_id},
                required=False,
                **MONEY,
            )

    def shares(self) -> dict[int, Decimal | None]:
        return {item.pk: self.cleaned_data.get(f"share-{item.pk}") for item in self.co_implementers}
