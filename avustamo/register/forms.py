"""The register's search form: the same query parameters drive the page, the downloads and the statistics."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from avustamo.core.forms import EuroField
from avustamo.organisations.models import OrganisationType
from avustamo.programmes.models import Agency, Programme
from avustamo.reference.models import Region
from avustamo.register.models import GrantOutcome
from avustamo.register.selectors import ALL_OUTCOMES, DEFAULT_SORT, GrantFilters, TotalsFilters

SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("amount_desc", _("Largest amount first")),
    ("amount_asc", _("Smallest amount first")),
    ("recipient", _("Recipient A–Z")),
]
OUTCOME_CHOICES = [
    (GrantOutcome.AWARDED, _("Grants awarded")),
    (GrantOutcome.REJECTED, _("Applications rejected")),
    (GrantOutcome.NOT_EXAMINED, _("Applications not examined")),
    (ALL_OUTCOMES, _("All published decisions")),
]
AMOUNT_LIMIT = Decimal("999999999999.99")


class GrantSearchForm(forms.Form):
    q = forms.CharField(label=_("Search words"), required=False, max_length=200)
    year = forms.TypedChoiceField(label=_("Funding year"), required=False, coerce=int, empty_value=None)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    call = forms.CharField(label=_("Call"), required=False, max_length=60)
    region = forms.ChoiceField(label=_("Region of the recipient"), required=False)
    organisation_type = forms.ChoiceField(label=_("Organisation type"), required=False)
    min_amount = EuroField(
        label=_("Amount at least (€)"), required=False, min_value=0, max_value=AMOUNT_LIMIT, decimal_places=2
    )
    max_amount = EuroField(
        label=_("Amount at most (€)"), required=False, min_value=0, max_value=AMOUNT_LIMIT, decimal_places=2
    )
    outcome = forms.ChoiceField(label=_("Decisions"), required=False, choices=OUTCOME_CHOICES)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["year"].choices = everything + [(year, str(year)) for year in years]
        self.fields["agency"].choices = everything + [
            (agency.code, agency.name) for agency in Agency.objects.order_by("code")
        ]
        self.fields["programme"].choices = everything + [
            (programme.code, programme.name) for programme in Programme.objects.order_by("name_fi")
        ]
        self.fields["region"].choices = everything + [
            (region.code, region.name) for region in Region.objects.order_by("code")
        ]
        self.fields["organisation_type"].choices = everything + list(OrganisationType.choices)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_amount"), cleaned.get("max_amount")
        if low is not None and high is not None and low > high:
            self.add_error("max_amount", _("The upper limit is below the lower limit."))
        return cleaned

    def filters(self) -> GrantFilters:
        data = self.cleaned_data
        return GrantFilters(
            **self._dimensions(),
            call=data.get("call") or "",
            organisation_type=data.get("organisation_type") or "",
            min_amount=data.get("min_amount"),
            max_amount=data.get("max_amount"),
            q=data.get("q") or "",
        )

    def totals_filters(self) -> TotalsFilters:
        return TotalsFilters(**self._dimensions())

    def _dimensions(self) -> dict:
        data = self.cleaned_data
        return {
            "year": data.get("year"),
            "agency": data.get("agency") or "",
            "programme": data.get("programme") or "",
            "region": data.get("region") or "",
            "outcome": data.get("outcome") or GrantOutcome.AWARDED,
        }

    def sort_order(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT
