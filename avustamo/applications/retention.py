"""Retention of applications (docs/retention.md): drafts never sent, withdrawn applications, and the anonymisation
that the rules of later layers (a rejected application, a settled grant) apply to the applications they find."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avustamo.applications.models import (
    Application,
    ApplicationStatus,
    Attachment,
    CoImplementer,
    SubmittedVersion,
)
from avustamo.core.retention import Action, RetentionRule, delete_all, delete_files_after_commit


def anonymise_applications(applications: models.QuerySet) -> int:
    """Remove what the applicants wrote and attached (answers, every version sent, files, the IBAN, the contact
    persons of co-implementers) from the applications of `applications` not yet anonymised, in a fixed number of
    statements. What the register and the case keep stays: register number, organisation, amounts, project name
    and summary, period, who sent it under which right to act, the decisions, and each co-implementer's Business
    ID, name and figures (the decision's shares and the agreements point at them)."""
    ids = list(applications.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    attachments = Attachment.objects.filter(application_id__in=ids)
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments.only("file")]
    attachments.delete()
    delete_files_after_commit(files)
    SubmittedVersion.objects.filter(application_id__in=ids).update(
        answers={}, attachment_ids=[], co_implementers=[]
    )
    CoImplementer.objects.filter(application_id__in=ids).update(
        contact_name="", contact_email="", contact_phone=""
    )
    return Application.objects.filter(pk__in=ids).update(
        answers={}, secret_answers={}, iban="", anonymised_at=timezone.now()
    )


def delete_applications(applications: models.QuerySet) -> int:
    """Delete drafts with their attachments and the attachments' files."""
    files = [
        (attachment.file.storage, attachment.file.name)
        for attachment in Attachment.objects.filter(application__in=applications).only("file")
    ]
    count = delete_all(applications)
    delete_files_after_commit(files)
    return count


RULES = [
    RetentionRule(
        kind="draft_application",
        records=_("Drafts never sent, with their attachments"),
        clock=_("the draft was last saved"),
        action=Action.DELETE,
        basis=_(
            "GDPR art. 5(1)(e) storage limitation: a draft never sent is not a document received by the "
            "authority (Publicity Act 621/1999 §5)."
        ),
        years=1,
        due=lambda cutoff: Application.objects.filter(
            submitted_at__isnull=True,
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN],
            updated_at__lte=cutoff,
        ),
        act=delete_applications,
    ),
    RetentionRule(
        kind="withdrawn_application",
        records=_("Applications withdrawn after they were sent: answers and attachments"),
        clock=_("the application was withdrawn"),
        action=Action.ANONYMISE,
        basis=_(
            "Information management plan (Information Management Act 906/2019 §19): the material of a grant not "
            "given is kept as long as an application that was rejected."
        ),
        years=3,
        from_end_of_year=True,
        due=lambda cutoff: Application.objects.filter(
            status=ApplicationStatus.WITHDRAWN,
            submitted_at__isnull=False,
            withdrawn_at__lte=cutoff,
            anonymised_at__isnull=True,
        ),
        act=anonymise_applications,
    ),
]
