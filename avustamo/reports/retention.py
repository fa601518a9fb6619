"""Retention of the material of a granted grant: its application and its reports (docs/retention.md). The clock
is the settlement of the final report (the end of the grant's use, 688/2001 §14 and §16): from then the grant may
still be recovered, so its material is kept ten years from the end of that year."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avustamo.applications.models import Application
from avustamo.applications.retention import anonymise_applications
from avustamo.core.retention import Action, RetentionRule, delete_all, delete_files_after_commit
from avustamo.reports.models import (
    CoImplementerInvitation,
    Report,
    ReportAttachment,
    ReportKind,
    ReportStatus,
)

GRANTED_BASIS = _(
    "Act on Discretionary Government Transfers 688/2001: a grant may be recovered for ten years after its last "
    "instalment; Accounting Act 1336/1997 chapter 2 §10 and the State Budget Decree 1243/1992: accounting "
    "material is kept ten years from the end of the financial year."
)


def _settled_by(cutoff):
    """Final reports whose finances were approved (the grant settled) on or before the cut-off."""
    return Report.objects.filter(
        kind=ReportKind.FINAL, status=ReportStatus.APPROVED, finances_reviewed_at__lte=cutoff
    )


def granted_applications(cutoff):
    return Application.objects.filter(
        Exists(_settled_by(cutoff).filter(grant__application=OuterRef("pk"))), anonymised_at__isnull=True
    )


def grant_reports(cutoff):
    return Report.objects.filter(
        Exists(_settled_by(cutoff).filter(grant=OuterRef("grant"))), anonymised_at__isnull=True
    )


def anonymise_reports(reports) -> int:
    """Remove what the recipient wrote and attached in the reports, and the invitations to co-implementers'
    representatives (their email addresses); the review, the settlement and its decision stay, and so do the
    co-implementers' figures."""
    ids = list(reports.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    attachments = ReportAttachment.objects.filter(report_id__in=ids)
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments.only("file")]
    attachments.delete()
    delete_files_after_commit(files)
    CoImplementerInvitation.objects.filter(report_id__in=ids).delete()
    return Report.objects.filter(pk__in=ids).update(answers={}, anonymised_at=timezone.now())


def unused_co_implementer_invitations(cutoff):
    """Invitations to enter a co-implementer's part that can no longer be used: never accepted and expired, or
    ended by the lead or an official, on or before the cut-off. An accepted one stays with its report as the
    record of who was let in, until the report is anonymised."""
    return CoImplementerInvitation.objects.filter(
        Q(accepted_at__isnull=True, expires_at__lte=cutoff) | Q(revoked_at__lte=cutoff)
    )


RULES = [
    RetentionRule(
        kind="granted_application",
        records=_("Applications that led to a grant: answers and attachments"),
        clock=_("the grant was settled (its final report approved)"),
        action=Action.ANONYMISE,
        basis=GRANTED_BASIS,
        years=10,
        from_end_of_year=True,
        due=granted_applications,
        act=anonymise_applications,
    ),
    RetentionRule(
        kind="report",
        records=_("Interim and final reports: answers and attachments"),
        clock=_("the grant was settled (its final report approved)"),
        action=Action.ANONYMISE,
        basis=GRANTED_BASIS,
        years=10,
        from_end_of_year=True,
        due=grant_reports,
        act=anonymise_reports,
    ),
    RetentionRule(
        kind="co_implementer_invitation",
        records=_(
            "Invitations of co-implementers' representatives to a report (the invitee's email address)"
        ),
        clock=_("the invitation expired unaccepted or was ended"),
        action=Action.DELETE,
        basis=_("GDPR art. 5(1)(e) storage limitation: such an invitation can no longer be used."),
        days=90,
        due=unused_co_implementer_invitations,
        act=delete_all,
    ),
]
