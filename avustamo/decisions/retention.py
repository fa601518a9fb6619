"""Retention of decisions and of rejected applications (docs/retention.md)."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from avustamo.applications.models import Application
from avustamo.applications.retention import anonymise_applications
from avustamo.core.retention import Action, RetentionRule, cutoff_day
from avustamo.decisions.models import Decision, DecisionStatus, Outcome


def rejected_applications(cutoff):
    """Applications whose decision in force (published, not corrected) gives nothing, dated on or before the
    cut-off day."""
    negative = Decision.objects.filter(
        application=OuterRef("pk"),
        status=DecisionStatus.PUBLISHED,
        corrected_by__isnull=True,
        outcome__in=[Outcome.REJECTED, Outcome.NOT_EXAMINED],
        decision_date__lte=cutoff_day(cutoff),
    )
    return Application.objects.filter(Exists(negative), anonymised_at__isnull=True)


RULES = [
    RetentionRule(
        kind="rejected_application",
        records=_("Rejected applications and those not examined: answers and attachments"),
        clock=_("the decision was made"),
        action=Action.ANONYMISE,
        basis=_(
            "Information management plan (Information Management Act 906/2019 §19); the time for a request for "
            "review and an appeal has long passed. The decision itself is kept."
        ),
        years=3,
        from_end_of_year=True,
        due=rejected_applications,
        act=anonymise_applications,
    ),
    RetentionRule(
        kind="decision",
        records=_("Decisions on grants, their documents and the public register's entries"),
        clock=_("the decision was made"),
        action=Action.KEEP,
        basis=_(
            "Act on Discretionary Government Transfers 688/2001 and the Archives Act 831/1994: decisions are "
            "public documents kept as the archive formation plan says; the service never removes them."
        ),
    ),
]
