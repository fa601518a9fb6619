"""A call's rule on the applicant municipality (Talent Hub: at least 15,000 foreign-language residents; competence
centres: at least 8,000), checked against Statistics Finland's figures loaded in the service
(docs/municipality-figures.md).

The check tells; it does not refuse the sending. The authority must take in and decide every application it
receives (Administrative Procedure Act 434/2003), and the figures are those of the end of a past year: a municipality
below the threshold is told so, with the figure and its year, before it sends, and the official sees the same in
screening. Where no figure is loaded, the applicant's own declaration stands and the official is asked to check it
(docs/adr/0015-municipality-rules-tell-not-refuse.md).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustamo.core.dates import in_helsinki
from avustamo.core.templatetags.avustamo import number
from avustamo.reference.models import Municipality
from avustamo.reference.selectors import latest_population


class RuleOutcome(models.TextChoices):
    MET = "met", gettext_lazy("meets the rule")
    BELOW = "below", gettext_lazy("below the threshold")
    NO_FIGURE = "no_figure", gettext_lazy("no figure loaded: self-declaration")


def _number(value: int) -> str:
    return number(value)


@dataclass(frozen=True)
class MunicipalityRuleCheck:
    """How the applicant's municipality stands against the call's threshold: with the figure and its statistics
    year, or without either where none is loaded."""

    threshold: int
    municipality: Municipality
    outcome: RuleOutcome
    figure: int | None = None
    year: int | None = None

    @property
    def needs_attention(self) -> bool:
        return self.outcome != RuleOutcome.MET

    @property
    def message(self) -> str:
        values = {
            "municipality": self.municipality.name,
            "threshold": _number(self.threshold),
            "figure": _number(self.figure) if self.figure is not None else "",
            "year": self.year,
        }
        if self.outcome == RuleOutcome.MET:
            return (
                _(
                    "By Statistics Finland's figures for the end of %(year)s, %(municipality)s has %(figure)s "
                    "foreign-language residents: the call requires at least %(threshold)s."
                )
                % values
            )
        if self.outcome == RuleOutcome.BELOW:
            return (
                _(
                    "By Statistics Finland's figures for the end of %(year)s, %(municipality)s has %(figure)s "
                    "foreign-language residents, fewer than the %(threshold)s the call requires. A grant can be "
                    "given only to a municipality that meets the rule."
                )
                % values
            )
        return (
            _(
                "The service has no figure from Statistics Finland of the foreign-language residents of "
                "%(municipality)s. The call requires at least %(threshold)s: the application's declaration is "
                "relied on, and the official checks it."
            )
            % values
        )

    def as_details(self) -> dict:
        """What the audit log keeps of the check made at submission."""
        return {
            "municipality_rule": self.outcome.value,
            "municipality_rule_threshold": self.threshold,
            "municipality_rule_figure": self.figure,
            "municipality_rule_year": self.year,
        }


def check_municipality_rule(call, organisation) -> MunicipalityRuleCheck | None:
    """The check of the call's municipality rule for the applicant (its home municipality: for a municipality,
    itself), against the latest statistics year loaded up to the year the call opens; None when the call has no
    such rule. Two statements where it has one (the home municipality, unless read with the organisation, and its
    figures), none otherwise."""
    threshold = call.min_foreign_language_population
    if threshold is None:
        return None
    municipality = organisation.home_municipality
    figures = latest_population(municipality.pk, not_after_year=in_helsinki(call.opens_at).year)
    if figures is None:
        return MunicipalityRuleCheck(threshold, municipality, RuleOutcome.NO_FIGURE)
    outcome = RuleOutcome.MET if figures.foreign_language_population >= threshold else RuleOutcome.BELOW
    return MunicipalityRuleCheck(
        threshold, municipality, outcome, figure=figures.foreign_language_population, year=figures.year
    )
