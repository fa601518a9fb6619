"""Writes of hearings: the official sends a hearing request, the recipient replies, and the deciding services ask
`require_heard` before a decision against the recipient (Administrative Procedure Act 434/2003, 34 §)."""

import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.links import site_url
from avustamo.core.tasks import queue_email
from avustamo.core.transitions import transition
from avustamo.core.uploads import accepted_uploads, stored_name
from avustamo.grants.models import Grant
from avustamo.grants.services import lock_grant
from avustamo.hearings.models import (
    ATTACHMENT_KINDS,
    ATTACHMENT_MAX_MB,
    REPLY_DAYS,
    Hearing,
    HearingAttachment,
    HearingStatus,
    HearingSubject,
    NotHeard,
    NotHeardGround,
)
from avustamo.organisations.authority import authority_details, require_authority

# Who may send a hearing request on a subject: whoever may decide it (docs/roles.md). Suspensions and offsettings
# are decided by those who decide returns and recoveries.
SUBJECT_PERMISSION = {
    HearingSubject.RETURN: "payments.claim_return",
    HearingSubject.SUSPENSION: "payments.claim_return",
    HearingSubject.SETTLEMENT: "reports.review_finances",
    HearingSubject.PAYMENT_APPLICATION: "payments.decide_payment_application",
    HearingSubject.OFFSET: "payments.claim_return",
}


def subjects_for(user, grant: Grant) -> list[str]:
    """The subjects on which `user` may hear the recipient of `grant`: those they may decide."""
    return [
        subject
        for subject, permission in SUBJECT_PERMISSION.items()
        if user.has_perm(permission, grant.decision)
    ]


def earliest_reply_date(sent_on: datetime.date) -> datetime.date:
    return sent_on + datetime.timedelta(days=REPLY_DAYS)


def _store(hearing: Hearing, checked, party: str, acting_user) -> None:
    for upload, kind in checked:
        original = Path(upload.name or "file").name[-200:]
        attachment = HearingAttachment(
            hearing=hearing,
            party=party,
            original_name=original,
            kind=kind,
            size=upload.size,
            uploaded_by=acting_user,
        )
        attachment.file.save(stored_name(original, kind), upload, save=False)
        attachment.save()


@transaction.atomic
def hearing_send(
    *,
    grant: Grant,
    subject: str,
    proposal: str,
    grounds: str,
    reply_by: datetime.date | None = None,
    attachments=(),
    acting_user,
) -> Hearing:
    """Send the recipient a hearing request: what is proposed, on what facts and grounds, and the day to reply by
    (at least `REPLY_DAYS` days from today, by default exactly that), with the official's attachments. Every
    member of the recipient with an email address is told."""
    grant = lock_grant(grant)
    if subject not in HearingSubject.values:
        raise ValidationError({"subject": _("Choose what the proposed decision is about.")})
    if not acting_user.has_perm(SUBJECT_PERMISSION[subject], grant.decision):
        raise PermissionDenied
    today = helsinki_today()
    earliest = earliest_reply_date(today)
    reply_by = reply_by or earliest
    errors = {}
    if not proposal.strip():
        errors["proposal"] = _("Say what decision is proposed.")
    if not grounds.strip():
        errors["grounds"] = _("Give the facts and grounds the proposal rests on.")
    if reply_by < earliest:
        errors["reply_by"] = _("Give the recipient at least %(days)s days to reply: %(day)s or later.") % {
            "days": REPLY_DAYS,
            "day": date_format(earliest, "SHORT_DATE_FORMAT"),
        }
    if errors:
        raise ValidationError(errors)
    checked = accepted_uploads(attachments, kinds=ATTACHMENT_KINDS, max_mb=ATTACHMENT_MAX_MB)
    hearing = Hearing.objects.create(
        grant=grant,
        subject=subject,
        proposal=proposal.strip(),
        grounds=grounds.strip(),
        reply_by=reply_by,
        sent_by=acting_user,
    )
    _store(hearing, checked, HearingAttachment.Party.AUTHORITY, acting_user)
    audit(
        acting_user=acting_user,
        action="hearing.sent",
        target=grant.application,
        hearing=hearing.pk,
        subject=subject,
        reply_by=reply_by,
    )
    _tell_members(hearing)
    return hearing


def _tell_members(hearing: Hearing) -> None:
    application = hearing.grant.application
    for membership in application.organisation.memberships.select_related("person"):
        person = membership.person
        if not (person.is_active and person.email):
            continue
        queue_email(
            key=f"hearing:{hearing.pk}:{person.pk}",
            template="hearings/email/request",
            context={
                "hearing": hearing,
                "application": application,
                "url": site_url(
                    "applications:hearing",
                    language=person.preferred_language,
                    pk=application.pk,
                    hearing_pk=hearing.pk,
                ),
            },
            recipient=person.email,
            language=person.preferred_language,
        )


@transaction.atomic
def hearing_reply(*, hearing: Hearing, reply: str, attachments=(), acting_user) -> Hearing:
    """A member with the right to act for the recipient replies (vastine), with attachments, until the hearing is
    decided; a reply after the reply date is still taken in while no decision has used the hearing. The official
    who sent the request is told."""
    hearing = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("grant__application__organisation", "sent_by")
        .get(pk=hearing.pk)
    )
    grant = hearing.grant
    if not acting_user.has_perm("hearings.reply_to_hearing", grant):
        raise PermissionDenied
    if not hearing.may_be_replied:
        raise ValidationError(
            _("This hearing has already been replied to or decided."), code="hearing_closed"
        )
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": _("Write your reply.")})
    checked = accepted_uploads(attachments, kinds=ATTACHMENT_KINDS, max_mb=ATTACHMENT_MAX_MB)
    authority = require_authority(person=acting_user, organisation=grant.application.organisation)
    transition(
        hearing,
        "reply",
        acting_user=acting_user,
        changes={
            "reply": reply,
            "replied_by": acting_user,
            "replied_at": timezone.now(),
            "authority_check": authority,
        },
        audit_target=grant.application,
        hearing=hearing.pk,
        **authority_details(authority),
    )
    _store(hearing, checked, HearingAttachment.Party.RECIPIENT, acting_user)
    official = hearing.sent_by
    if official.is_active and official.email:
        queue_email(
            key=f"hearing-replied:{hearing.pk}",
            template="hearings/email/replied",
            context={
                "hearing": hearing,
                "application": grant.application,
                "url": site_url("official:hearing", language=official.preferred_language, pk=hearing.pk),
            },
            recipient=official.email,
            language=official.preferred_language,
        )
    return hearing


def require_heard(
    *, grant: Grant, subject: str, acting_user, not_heard_ground: str = "", not_heard_reasons: str = ""
) -> Hearing | NotHeard:
    """The rule before a decision against the recipient on `subject`, called inside the deciding service's
    transaction once its grant is locked. Returns the record the decision is made on, used by that decision only,
    for its audit entry (`record.audit_details()`):
    - with `not_heard_ground`, a new record of that ground of 34 § 2 momentti and its reasons;
    - otherwise the latest hearing on the subject, once a reply or the passing of its reply date has closed it.
    Refuses (on the field `not_heard_ground`) while no hearing on the subject has been sent, or while its reply
    date has not passed and no reply has arrived."""
    if subject not in HearingSubject.values:
        raise ValueError(f"Unknown hearing subject {subject!r}")
    if not_heard_ground:
        return _record_not_heard(
            grant=grant,
            subject=subject,
            ground=not_heard_ground,
            reasons=not_heard_reasons,
            acting_user=acting_user,
        )
    today = helsinki_today()
    open_hearings = list(
        Hearing.objects.select_for_update()
        .filter(
            grant=grant, subject=subject, status__in=[HearingStatus.AWAITING_REPLY, HearingStatus.REPLIED]
        )
        .order_by("-sent_at", "-id")
    )
    # The latest request is the one the decision answers: an earlier one closed does not let the official decide
    # before the recipient has had the chance to reply to a later one (a new proposal, say).
    latest = open_hearings[0] if open_hearings else None
    closed = latest if latest is not None and latest.is_closed_for_deciding(today) else None
    if closed is not None:
        transition(
            closed,
            "decide",
            acting_user=acting_user,
            changes={"decided_at": timezone.now(), "decided_by": acting_user},
            audit_target=grant.application,
            hearing=closed.pk,
        )
        return closed
    if latest is not None:
        pending = latest
        raise ValidationError(
            {
                "not_heard_ground": ValidationError(
                    _(
                        "The recipient may reply to the hearing request of %(sent)s until %(day)s. Decide after "
                        "the reply or after that day, or record a ground for not hearing."
                    )
                    % {
                        "sent": date_format(helsinki_today(pending.sent_at), "SHORT_DATE_FORMAT"),
                        "day": date_format(pending.reply_by, "SHORT_DATE_FORMAT"),
                    },
                    code="hearing_pending",
                )
            }
        )
    raise ValidationError(
        {
            "not_heard_ground": ValidationError(
                _(
                    "The recipient has not been heard on this (%(subject)s). Send a hearing request and decide "
                    "after the reply or the reply date, or record a ground of section 34 of the Administrative "
                    "Procedure Act for not hearing."
                )
                % {"subject": HearingSubject(subject).label},
                code="not_heard",
            )
        }
    )


def _record_not_heard(*, grant: Grant, subject: str, ground: str, reasons: str, acting_user) -> NotHeard:
    errors = {}
    if ground not in NotHeardGround.values:
        errors["not_heard_ground"] = _("Choose a ground of section 34 of the Administrative Procedure Act.")
    reasons = reasons.strip()
    if not reasons:
        errors["not_heard_reasons"] = _("Say why the ground applies: the reasons are kept with the decision.")
    if errors:
        raise ValidationError(errors)
    record = NotHeard.objects.create(
        grant=grant, subject=subject, ground=ground, reasons=reasons, recorded_by=acting_user
    )
    audit(
        acting_user=acting_user,
        action="hearing.not_heard",
        target=grant.application,
        not_heard=record.pk,
        subject=subject,
        ground=ground,
        reason=reasons,
    )
    return record
