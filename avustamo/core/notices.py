"""The notification of decisions (tiedoksianto): how each decision reached its recipient and when it counts as
received. Every app that decides calls `notice_send` when its decision is sent; the recipient's download views
call `notice_opened`; the registry marks the letters it posted with `notice_posted`. `docs/workflows.md` §15.

Services (writes) and selectors (reads) in one module, because the model belongs to core and every app above
uses both.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today, time_limit_end
from avustamo.core.models import DecisionNotice
from avustamo.core.permissions import is_organisation_member

# Administrative Procedure Act 434/2003 §49c(1): a request for review within 30 days of notification.
REVIEW_DAYS = 30


def _target_filter(target: models.Model, part: str = "") -> dict:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk, "part": part}


# --- Writes ------------------------------------------------------------------------------------------------------


@transaction.atomic
def notice_send(
    target: models.Model,
    *,
    part: str = "",
    organisation_consents: bool,
    recipient_name: str,
    postal_address: str,
    register_number: str,
    title: str,
    language: str,
    document: str,
    acting_user,
) -> DecisionNotice:
    """Record how the decision `target` is notified: as an electronic message sent now, when the organisation has
    consented to electronic notification, otherwise as a letter the registry posts (it goes on the list to post).
    Called in the transaction that sends the decision; a second call for the same decision changes nothing."""
    existing = DecisionNotice.objects.filter(**_target_filter(target, part)).first()
    if existing is not None:
        return existing
    electronic = organisation_consents
    notice = DecisionNotice.objects.create(
        **_target_filter(target, part),
        channel=DecisionNotice.Channel.ELECTRONIC if electronic else DecisionNotice.Channel.POST,
        sent_at=timezone.now() if electronic else None,
        register_number=register_number,
        title=title[:255],
        recipient_name=recipient_name[:255],
        postal_address=postal_address,
        language=language,
        document=document,
    )
    audit(
        acting_user=acting_user,
        action="notice.sent" if electronic else "notice.to_post",
        target=notice,
        decision=f"{target._meta.label_lower}#{target.pk}",
        channel=notice.channel,
    )
    return notice


@transaction.atomic
def notice_opened(
    target: models.Model, *, organisation, acting_user, part: str = ""
) -> DecisionNotice | None:
    """A member of the recipient `organisation` opened the decision document in the service: the first opening is
    the day of notification if it comes before the presumed day. Later openings, and anyone not a member (a
    superuser looking), change nothing. None for a decision sent before notices were recorded."""
    if not is_organisation_member(acting_user, organisation):
        return notice_of(target, part)
    notice = DecisionNotice.objects.select_for_update().filter(**_target_filter(target, part)).first()
    if notice is None or notice.first_opened_at is not None:
        return notice
    notice.first_opened_at = timezone.now()
    notice.first_opened_by = acting_user
    notice.save(update_fields=["first_opened_at", "first_opened_by"])
    audit(
        acting_user=acting_user,
        action="notice.opened",
        target=notice,
        notification_date=notice.notification_date,
    )
    return notice


@transaction.atomic
def notice_posted(*, notice: DecisionNotice, posted_on: datetime.date, acting_user) -> DecisionNotice:
    """The registry posted the decision as a letter on `posted_on`: the recipient is presumed to have received it
    on the seventh day after (434/2003 §59(2))."""
    if not acting_user.has_perm("core.post_decisions"):
        raise PermissionDenied(_("Your role does not allow this."))
    notice = DecisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.channel != DecisionNotice.Channel.POST:
        raise ValidationError(_("This decision was notified electronically."), code="electronic")
    if notice.posted_on is not None:
        raise ValidationError(
            _("The letter was already marked posted on %(day)s.")
            % {"day": date_format(notice.posted_on, "SHORT_DATE_FORMAT")},
            code="already_posted",
        )
    if posted_on is None:
        raise ValidationError(
            {"posted_on": ValidationError(_("Give the day the letter was posted."), code="required")}
        )
    if posted_on > helsinki_today():
        raise ValidationError(
            {"posted_on": ValidationError(_("The day of posting cannot be in the future."), code="future")}
        )
    if posted_on < helsinki_today(notice.created_at):
        raise ValidationError(
            {
                "posted_on": ValidationError(
                    _("The letter cannot be posted before the decision was sent."), code="early"
                )
            }
        )
    notice.posted_on = posted_on
    notice.posted_by = acting_user
    notice.save(update_fields=["posted_on", "posted_by"])
    audit(acting_user=acting_user, action="notice.posted", target=notice, posted_on=posted_on)
    return notice


# --- Reads -------------------------------------------------------------------------------------------------------


def notice_of(target: models.Model | None, part: str = "") -> DecisionNotice | None:
    if target is None or target.pk is None:
        return None
    return DecisionNotice.objects.filter(**_target_filter(target, part)).first()


def notices_for(targets) -> dict[int, DecisionNotice]:
    """The notices of decisions of one kind, by the decision's id, in one query."""
    targets = [target for target in targets if target.pk is not None]
    if not targets:
        return {}
    found = DecisionNotice.objects.filter(
        target_type=ContentType.objects.get_for_model(targets[0]),
        target_id__in=[target.pk for target in targets],
        part="",
    )
    return {notice.target_id: notice for notice in found}


def notices_to_post():
    """The letters the registry has still to post, oldest first."""
    return DecisionNotice.objects.filter(channel=DecisionNotice.Channel.POST, posted_on__isnull=True)


def review_time_limit(notice: DecisionNotice | None) -> datetime.date | None:
    """The last day for a request for review: 30 days from the notification date, that day not counted; None
    while the notification date is not known."""
    if notice is None or notice.notification_date is None:
        return None
    return time_limit_end(notice.notification_date, REVIEW_DAYS)


def acceptance_deadline(notice: DecisionNotice | None, call) -> datetime.date | None:
    """The last day to accept a grant decision's terms, when the call sets a number of days for it: counted from
    the notification date like the other time limits. None without such a call or a known notification date."""
    days = getattr(call, "acceptance_days", None)
    if not days or notice is None or notice.notification_date is None:
        return None
    return time_limit_end(notice.notification_date, days)
