"""How long each kind of record is kept, as data: the retention rules (säilytysajat) of the information management
plan (Information Management Act 906/2019), and the machinery that applies them.

Each app declares the rules of its own records in its own `retention.py` (core knows no domain app); the portal
gathers them into one table (`avustamo.portal.retention.RULES`), which `manage.py apply_retention` applies and the
privacy notice shows, so that the page and the command cannot say different things (docs/retention.md).

A rule's `due` returns, set-based, the records whose time is up at a cut-off moment; its `act` anonymises or
deletes them in a few statements whatever their number, and returns how many it touched. A rule that keeps its
records (`Action.KEEP`) has neither: the command never touches them. Rules are idempotent: what a rule has
anonymised no longer matches its `due`, and what it deleted is gone.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from avustamo.core.dates import HELSINKI, helsinki_datetime, in_helsinki, shift_years
from avustamo.core.models import AuditEntry, OutboundEmail, RetentionLog


class Action(models.TextChoices):
    DELETE = "delete", _("deleted")
    ANONYMISE = "anonymise", _("anonymised")
    KEEP = "keep", _("kept permanently")


@dataclass(frozen=True)
class RetentionRule:
    """One kind of record: how long it is kept, from what, what happens then, and on what legal basis.

    The period runs `years` and `days` from the clock's event; with `from_end_of_year` it runs from the end of the
    calendar year of the event (in Helsinki), as archives and accounting count."""

    kind: str
    records: Promise
    clock: Promise
    action: Action
    basis: Promise
    years: int = 0
    days: int = 0
    from_end_of_year: bool = False
    due: Callable[[datetime.datetime], models.QuerySet] | None = None
    act: Callable[[models.QuerySet], int] | None = None

    def cutoff(self, now: datetime.datetime) -> datetime.datetime:
        """Records whose clock's event is at or before this moment are due at `now`."""
        if self.from_end_of_year:
            # Kept `years` from the end of the event's year: due on 1 January of the year `years` + 1 after it, so
            # the events due now are those before 1 January of (this year minus `years`).
            start = helsinki_datetime(
                datetime.date(in_helsinki(now).year - self.years, 1, 1), datetime.time(0)
            )
            return start - datetime.timedelta(microseconds=1)
        return shift_years(now, -self.years) - datetime.timedelta(days=self.days)

    @property
    def period(self) -> str:
        """The period in words, in the active language: "10 years from the end of the year", "1 year"."""
        if self.action == Action.KEEP:
            return str(_("permanently"))
        parts = []
        if self.years:
            parts.append(ngettext("%(count)d year", "%(count)d years", self.years) % {"count": self.years})
        if self.days:
            parts.append(ngettext("%(count)d day", "%(count)d days", self.days) % {"count": self.days})
        text = " ".join(parts) or str(_("until the event"))
        if self.from_end_of_year:
            return str(_("%(period)s from the end of the calendar year") % {"period": text})
        return text


def cutoff_day(cutoff: datetime.datetime) -> datetime.date:
    """The cut-off as a day in Helsinki, for a clock kept as a date: events on it or before are due."""
    return cutoff.astimezone(HELSINKI).date()


@dataclass(frozen=True)
class Applied:
    rule: RetentionRule
    count: int


def apply_rules(rules, *, now: datetime.datetime | None = None, dry_run: bool = False) -> list[Applied]:
    """Apply each rule to what is due at `now`, each in its own transaction with its log entry; with `dry_run`
    only count what would be touched. Returns the count of every rule that acts."""
    now = now or timezone.now()
    results = []
    for rule in rules:
        if rule.action == Action.KEEP:
            continue
        cutoff = rule.cutoff(now)
        if dry_run:
            results.append(Applied(rule, rule.due(cutoff).count()))
            continue
        with transaction.atomic():
            count = rule.act(rule.due(cutoff))
            if count:
                RetentionLog.objects.create(
                    kind=rule.kind, action=rule.action, count=count, cutoff=cutoff, applied_at=now
                )
        results.append(Applied(rule, count))
    return results


def delete_all(queryset: models.QuerySet) -> int:
    """Delete the records of `queryset` (with what cascades from them); the count of the records themselves."""
    _deleted, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


def delete_files_after_commit(names: list[tuple]) -> None:
    """Remove stored files once the transaction that deleted their records has committed (a rollback keeps
    them). `names`: pairs of (storage, name)."""
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names if name])


# The core's own records.
RULES = [
    RetentionRule(
        kind="outbound_email",
        records=_("Emails sent by the service (recipient, subject, text)"),
        clock=_("the email was sent"),
        action=Action.DELETE,
        basis=_(
            "GDPR art. 5(1)(e) storage limitation; the notice of a decision keeps its own record of delivery, so "
            "the sent message is needed only to answer questions about it."
        ),
        years=1,
        due=lambda cutoff: OutboundEmail.objects.filter(
            status=OutboundEmail.Status.SENT, sent_at__lte=cutoff
        ),
        act=delete_all,
    ),
    RetentionRule(
        kind="sign_in_session",
        records=_("Sign-in sessions (the session cookie's data on the server)"),
        clock=_("the session expired"),
        action=Action.DELETE,
        basis=_("GDPR art. 5(1)(e) storage limitation: an expired session is of no use."),
        due=lambda cutoff: Session.objects.filter(expire_date__lte=cutoff),
        act=delete_all,
    ),
    RetentionRule(
        kind="audit_log",
        records=_("Audit log: who did what to which record, and who viewed an application"),
        clock=_("the entry was written"),
        action=Action.DELETE,
        basis=_(
            "Information Management Act 906/2019 §17 (log of use and disclosures); kept as long as the material "
            "of a granted grant, so that its handling can be shown for as long as the grant can be recovered."
        ),
        years=10,
        from_end_of_year=True,
        due=lambda cutoff: AuditEntry.objects.filter(occurred_at__lte=cutoff),
        act=delete_all,
    ),
]
