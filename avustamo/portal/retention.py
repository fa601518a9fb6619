"""The one table of retention rules (docs/retention.md): each app's own rules, gathered here at the top layer, for
`manage.py apply_retention` and the privacy notice.

The audit log's rule is core's, narrowed here: core knows no case, and the entries of a case (its application, the
decisions on it, its grant and reports) are kept for as long as the case's material is, so that its handling can
be shown for as long as the grant can be recovered."""

import dataclasses

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from avustamo.accounts import retention as accounts
from avustamo.applications import retention as applications
from avustamo.applications.models import Application
from avustamo.core import retention as core
from avustamo.core.models import AuditEntry
from avustamo.decisions import retention as decisions
from avustamo.decisions.models import Decision
from avustamo.grants.models import Grant
from avustamo.organisations import retention as organisations
from avustamo.payments import retention as payments
from avustamo.reports import retention as reports
from avustamo.reports.models import Report


def _ids_as_text(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(id_text=Cast("pk", CharField())).values("id_text")


def audit_entries_due(cutoff) -> QuerySet:
    """Entries written on or before the cut-off, except those of a case whose application is not yet anonymised."""
    kept = Application.objects.filter(anonymised_at__isnull=True)
    of_kept_cases = (
        Q(target_type="applications.application", target_id__in=_ids_as_text(kept))
        | Q(
            target_type="decisions.decision",
            target_id__in=_ids_as_text(Decision.objects.filter(application__in=kept)),
        )
        | Q(
            target_type="grants.grant", target_id__in=_ids_as_text(Grant.objects.filter(application__in=kept))
        )
        | Q(
            target_type="reports.report",
            target_id__in=_ids_as_text(Report.objects.filter(grant__application__in=kept)),
        )
    )
    return AuditEntry.objects.filter(occurred_at__lte=cutoff).exclude(of_kept_cases)


RULES = [
    *applications.RULES,
    *decisions.RULES,
    *reports.RULES,
    *payments.RULES,
    *(
        dataclasses.replace(rule, due=audit_entries_due) if rule.kind == "audit_log" else rule
        for rule in core.RULES
    ),
    *accounts.RULES,
    *organisations.RULES,
]
