"""The retention rules (docs/retention.md): each rule at the edges of its period, and the command on a copy of the
demo data with the clock moved decades forward."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from avustamo.applications.models import Application, Attachment, CoImplementer, SubmittedVersion
from avustamo.core.dates import helsinki_datetime, helsinki_today
from avustamo.core.models import AuditEntry, OutboundEmail, RetentionLog
from avustamo.core.retention import Action, apply_rules
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.demo.loader import load_demo
from avustamo.grants.models import Grant
from avustamo.organisations.models import AuthorityCheck
from avustamo.payments.models import Instalment, LedgerEntry, PaymentBatch, Posting
from avustamo.portal.retention import RULES
from avustamo.register.models import PublishedGrant
from avustamo.reports.models import CoImplementerInvitation, Report, ReportStatus
from tests.conftest import PLACEHOLDER_PDF
from tests.factories import ApplicationFactory, AuthorityCheckFactory, DecisionFactory, ReportFactory

RULE = {rule.kind: rule for rule in RULES}
# The rules are applied at a moment chosen by each test, fourteen years on from today (so nothing the factories make
# today is due by accident), whatever the year the suite runs in.
YEAR = helsinki_today().year + 14
NOW = helsinki_datetime(datetime.date(YEAR, 6, 15), datetime.time(12, 0))


def _counts(results) -> dict[str, int]:
    return {applied.rule.kind: applied.count for applied in results}


def _attach(application) -> Attachment:
    return Attachment.objects.create(
        application=application,
        file=ContentFile(PLACEHOLDER_PDF, name="cv.pdf"),
        original_name="cv.pdf",
        kind="pdf",
        size=len(PLACEHOLDER_PDF),
        sha256="0" * 64,
        uploaded_by=application.created_by,
    )


def test_the_table_has_one_rule_per_kind_each_with_its_basis_and_a_way_to_act_unless_kept():
    assert len(RULE) == len(RULES)
    for rule in RULES:
        assert str(rule.basis) and str(rule.records) and str(rule.clock)
        assert (rule.due is None) == (rule.action == Action.KEEP), rule.kind
    assert RULE["decision"].action == Action.KEEP
    assert RULE["payment_data"].action == Action.KEEP


class TestDrafts:
    def test_a_draft_is_deleted_with_its_files_a_year_after_its_last_save_not_a_day_before(
        self, db, django_capture_on_commit_callbacks
    ):
        draft = ApplicationFactory()
        attachment = _attach(draft)
        storage, name = attachment.file.storage, attachment.file.name
        saved = NOW.replace(year=NOW.year - 1)
        Application.objects.filter(pk=draft.pk).update(updated_at=saved + datetime.timedelta(days=1))

        assert _counts(apply_rules([RULE["draft_application"]], now=NOW)) == {"draft_application": 0}
        assert Application.objects.filter(pk=draft.pk).exists()

        Application.objects.filter(pk=draft.pk).update(updated_at=saved)
        with django_capture_on_commit_callbacks(execute=True):
            assert _counts(apply_rules([RULE["draft_application"]], now=NOW)) == {"draft_application": 1}
        assert not Application.objects.filter(pk=draft.pk).exists()
        assert not Attachment.objects.filter(pk=attachment.pk).exists()
        assert not storage.exists(name)
        log = RetentionLog.objects.get()
        assert (log.kind, log.action, log.count) == ("draft_application", "delete", 1)

    def test_a_sent_application_is_never_deleted_as_a_draft(self, db):
        sent = ApplicationFactory.submitted()
        Application.objects.filter(pk=sent.pk).update(updated_at=NOW - datetime.timedelta(days=3650))
        apply_rules([RULE["draft_application"]], now=NOW)
        assert Application.objects.filter(pk=sent.pk).exists()


def _decided(outcome: str, day: datetime.date) -> Application:
    decision = DecisionFactory.signed(outcome=outcome)
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.PUBLISHED,
        decision_date=day,
        published_at=helsinki_datetime(day, datetime.time(12)),
    )
    return decision.application


class TestRejected:
    def test_anonymised_three_years_from_the_end_of_the_decisions_year_the_decision_kept(self, db):
        # Decided on the last day of a year: kept three full years more, due on the 1 January after them; one decided a
        # day later is due a year later.
        due = _decided(Outcome.REJECTED, datetime.date(YEAR - 4, 12, 31))
        kept = _decided(Outcome.REJECTED, datetime.date(YEAR - 3, 1, 1))
        _attach(due)
        first_january = helsinki_datetime(datetime.date(YEAR, 1, 1), datetime.time(0))

        assert _counts(
            apply_rules([RULE["rejected_application"]], now=first_january - datetime.timedelta(seconds=1))
        ) == {"rejected_application": 0}
        assert _counts(apply_rules([RULE["rejected_application"]], now=first_january)) == {
            "rejected_application": 1
        }

        due.refresh_from_db()
        kept.refresh_from_db()
        assert due.answers == {} and due.iban == "" and due.anonymised_at is not None
        assert not due.attachments.exists()
        assert SubmittedVersion.objects.get(application=due).answers == {}
        assert due.register_number and due.project_name and due.requested_amount
        assert Decision.objects.filter(application=due, outcome=Outcome.REJECTED).exists()
        assert kept.answers and kept.anonymised_at is None

    def test_an_approved_application_is_not_anonymised_as_rejected(self, db):
        approved = _decided(Outcome.APPROVED, datetime.date(YEAR - 10, 5, 1))
        apply_rules([RULE["rejected_application"]], now=NOW)
        approved.refresh_from_db()
        assert approved.answers and approved.anonymised_at is None


class TestGranted:
    def _settled(self, moment) -> Report:
        report = ReportFactory()
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.APPROVED,
            submitted_at=moment,
            accepted_costs="12000.00",
            finances_reviewed_by=report.created_by,
            finances_reviewed_at=moment,
        )
        return report

    def test_application_and_reports_anonymised_ten_years_from_the_end_of_the_settlement_year(self, db):
        report = self._settled(helsinki_datetime(datetime.date(YEAR - 11, 12, 31), datetime.time(23, 30)))
        Report.objects.filter(pk=report.pk).update(answers={"q": "Kävijämäärät"})
        application = report.grant.application
        first_january = helsinki_datetime(datetime.date(YEAR, 1, 1), datetime.time(0))
        rules = [RULE["granted_application"], RULE["report"]]

        assert _counts(apply_rules(rules, now=first_january - datetime.timedelta(seconds=1))) == {
            "granted_application": 0,
            "report": 0,
        }
        assert _counts(apply_rules(rules, now=first_january)) == {"granted_application": 1, "report": 1}
        application.refresh_from_db()
        report.refresh_from_db()
        assert application.answers == {} and report.answers == {} and report.anonymised_at
        assert Grant.objects.filter(pk=report.grant_id).exists()

    def test_a_joint_projects_contact_persons_and_invitations_go_its_co_implementers_figures_stay(self, db):
        report = self._settled(helsinki_datetime(datetime.date(YEAR - 11, 6, 1), datetime.time(12)))
        application = report.grant.application
        partner = CoImplementer.objects.create(
            application=application,
            business_id="1732050-2",
            name="Osatoteuttaja ry",
            costs={"personnel": "1000.00"},
            own_funding="300.00",
            contact_name="Olli Osatoteuttaja",
            contact_email="olli@example.org",
            contact_phone="+358 40 123 4567",
        )
        SubmittedVersion.objects.filter(application=application).update(
            co_implementers=[{"business_id": partner.business_id, "contact_name": partner.contact_name}]
        )
        _invitation(report, partner, expires_at=timezone.now(), accepted=True)

        apply_rules([RULE["granted_application"], RULE["report"]], now=NOW)

        partner.refresh_from_db()
        assert (partner.contact_name, partner.contact_email, partner.contact_phone) == ("", "", "")
        assert (partner.business_id, partner.name, partner.own_funding) == (
            "1732050-2",
            "Osatoteuttaja ry",
            300,
        )
        assert partner.costs == {"personnel": "1000.00"}
        assert all(version.co_implementers == [] for version in application.submitted_versions.all())
        assert not CoImplementerInvitation.objects.filter(report=report).exists()

    def test_a_grant_not_settled_is_never_anonymised(self, db):
        report = ReportFactory()
        apply_rules(
            [RULE["granted_application"], RULE["report"]], now=NOW + datetime.timedelta(days=365 * 40)
        )
        report.grant.application.refresh_from_db()
        assert report.grant.application.answers


def test_sent_emails_are_deleted_a_year_after_sending_waiting_ones_never(db):
    def email(key, status, sent_at):
        return OutboundEmail.objects.create(
            key=key,
            recipient="a@example.org",
            language="fi",
            subject="s",
            body="b",
            status=status,
            sent_at=sent_at,
        )

    year_ago = NOW.replace(year=NOW.year - 1)
    on_the_day = email("on", OutboundEmail.Status.SENT, year_ago)
    day_later = email("later", OutboundEmail.Status.SENT, year_ago + datetime.timedelta(days=1))
    waiting = email("waiting", OutboundEmail.Status.PENDING, None)
    assert _counts(apply_rules([RULE["outbound_email"]], now=NOW)) == {"outbound_email": 1}
    assert set(OutboundEmail.objects.values_list("pk", flat=True)) == {day_later.pk, waiting.pk}
    assert not OutboundEmail.objects.filter(pk=on_the_day.pk).exists()


def test_expired_sessions_and_old_audit_entries_go(db):
    Session.objects.create(
        session_key="a" * 32, session_data="x", expire_date=NOW - datetime.timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="b" * 32, session_data="x", expire_date=NOW + datetime.timedelta(hours=1)
    )
    old = AuditEntry.objects.create(action="x", target_type="t", target_id="1")
    new = AuditEntry.objects.create(action="x", target_type="t", target_id="2")
    AuditEntry.objects.filter(pk=old.pk).update(
        occurred_at=helsinki_datetime(datetime.date(YEAR - 11, 12, 31), datetime.time(23))
    )
    AuditEntry.objects.filter(pk=new.pk).update(
        occurred_at=helsinki_datetime(datetime.date(YEAR - 10, 1, 1), datetime.time(0))
    )
    counts = _counts(apply_rules([RULE["sign_in_session"], RULE["audit_log"]], now=NOW))
    assert counts == {"sign_in_session": 1, "audit_log": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_audit_entries_of_a_case_stay_while_its_material_is_kept(db):
    report = ReportFactory()
    application = report.grant.application
    written = helsinki_datetime(datetime.date(YEAR - 15, 3, 1), datetime.time(12))
    entries = {
        name: AuditEntry.objects.create(
            action="x", target_type=target._meta.label_lower, target_id=str(target.pk)
        )
        for name, target in [
            ("application", application),
            ("decision", report.grant.decision),
            ("grant", report.grant),
            ("report", report),
        ]
    }
    ids = [entry.pk for entry in entries.values()]
    AuditEntry.objects.filter(pk__in=ids).update(occurred_at=written)

    apply_rules([RULE["audit_log"]], now=NOW)
    assert AuditEntry.objects.filter(pk__in=ids).count() == len(entries)
    Application.objects.filter(pk=application.pk).update(anonymised_at=NOW)
    apply_rules([RULE["audit_log"]], now=NOW)
    assert not AuditEntry.objects.filter(pk__in=ids).exists()


def test_dry_run_counts_and_changes_nothing(db):
    draft = ApplicationFactory()
    Application.objects.filter(pk=draft.pk).update(updated_at=NOW - datetime.timedelta(days=400))
    assert _counts(apply_rules([RULE["draft_application"]], now=NOW, dry_run=True)) == {
        "draft_application": 1
    }
    assert Application.objects.filter(pk=draft.pk).exists()
    assert not RetentionLog.objects.exists()


@pytest.mark.django_db(transaction=False)
def test_the_command_on_a_copy_of_the_demo_forty_years_on(django_capture_on_commit_callbacks):
    """The demo's whole history, the clock forty years on: everything with a period is anonymised or deleted;
    decisions, the register and the payment data stay; a second run changes nothing."""
    load_demo()
    kept_before = {
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "outcome", "amount", "status")),
        "published": PublishedGrant.objects.count(),
        "grants": Grant.objects.count(),
        "instalments": list(
            Instalment.objects.order_by("pk").values_list("pk", "amount", "status", "paid_on")
        ),
        "ledger": LedgerEntry.objects.count(),
        "batches": PaymentBatch.objects.count(),
        "postings": Posting.objects.count(),
    }
    drafts = Application.objects.filter(submitted_at__isnull=True).count()
    rejected = Application.objects.filter(
        decisions__status=DecisionStatus.PUBLISHED,
        decisions__outcome__in=[Outcome.REJECTED, Outcome.NOT_EXAMINED],
        decisions__corrected_by__isnull=True,
    ).count()
    settled = Report.objects.filter(kind="final", status=ReportStatus.APPROVED).count()
    assert drafts and rejected and settled, "the demo has a draft, a rejected application and a settled grant"

    # Ten years on, only the material of what was rejected long ago and the drafts are due, not the settled grant.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=365 * 4), tick=False):
        call_command("apply_retention", stdout=StringIO())
    assert Application.objects.filter(anonymised_at__isnull=False).count() >= rejected
    assert Report.objects.filter(anonymised_at__isnull=False).count() == 0

    out = StringIO()
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=365 * 40), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("apply_retention", stdout=out)
    assert not Application.objects.filter(submitted_at__isnull=True).exists()
    assert (
        not Application.objects.filter(anonymised_at__isnull=True)
        .exclude(grant__isnull=False)
        .filter(decisions__status=DecisionStatus.PUBLISHED)
        .exists()
    )
    for application in Application.objects.filter(grant__reports__status=ReportStatus.APPROVED).distinct():
        assert application.answers == {} and not application.attachments.exists()
    assert not Report.objects.filter(
        grant__reports__status=ReportStatus.APPROVED, anonymised_at__isnull=True
    ).exists()
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).exists()
    # Only the entries of cases whose material is still kept (a grant not settled) stay.
    kept_cases = {
        str(pk) for pk in Application.objects.filter(anonymised_at__isnull=True).values_list("pk", flat=True)
    }
    assert (
        not AuditEntry.objects.filter(target_type="applications.application")
        .exclude(target_id__in=kept_cases)
        .exists()
    )
    assert not AuditEntry.objects.exclude(
        target_type__in=["applications.application", "decisions.decision", "grants.grant", "reports.report"]
    ).exists()
    # What the rules keep stayed as it was.
    assert kept_before == {
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "outcome", "amount", "status")),
        "published": PublishedGrant.objects.count(),
        "grants": Grant.objects.count(),
        "instalments": list(
            Instalment.objects.order_by("pk").values_list("pk", "amount", "status", "paid_on")
        ),
        "ledger": LedgerEntry.objects.count(),
        "batches": PaymentBatch.objects.count(),
        "postings": Posting.objects.count(),
    }
    # Each rule that acted was logged; a granted grant not settled keeps its application.
    logged = set(RetentionLog.objects.values_list("kind", flat=True))
    assert {"draft_application", "rejected_application", "granted_application", "report"} <= logged
    assert Application.objects.filter(grant__isnull=False, anonymised_at__isnull=True).exists()

    log_entries = RetentionLog.objects.count()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=365 * 40), tick=False):
        again = StringIO()
        call_command("apply_retention", stdout=again)
    assert RetentionLog.objects.count() == log_entries
    assert all(line.split()[2] == "0" for line in again.getvalue().splitlines())
    assert "draft_application: delete" in out.getvalue()


def test_a_check_of_the_right_to_act_goes_a_year_after_it_was_made_unless_an_act_was_sent_under_it(db):
    used = AuthorityCheckFactory()
    Application.objects.filter(pk=ApplicationFactory().pk).update(authority_check=used)
    unused_due = AuthorityCheckFactory()
    unused_young = AuthorityCheckFactory()
    year_ago = NOW.replace(year=NOW.year - 1)
    AuthorityCheck.objects.filter(pk__in=[used.pk, unused_due.pk]).update(checked_at=year_ago)
    AuthorityCheck.objects.filter(pk=unused_young.pk).update(checked_at=year_ago + datetime.timedelta(days=1))

    assert _counts(apply_rules([RULE["unused_authority_check"]], now=NOW)) == {"unused_authority_check": 1}
    assert set(AuthorityCheck.objects.values_list("pk", flat=True)) == {used.pk, unused_young.pk}
    assert not AuthorityCheck.objects.filter(pk=unused_due.pk).exists()


def _invitation(report, co_implementer, *, expires_at, accepted=False, revoked_at=None):
    return CoImplementerInvitation.objects.create(
        report=report,
        co_implementer=co_implementer,
        email="olli@example.org",
        token_hash=CoImplementerInvitation.hash_token(
            f"kutsu-{expires_at.isoformat()}-{accepted}-{revoked_at}"
        ),
        invited_by=report.created_by,
        expires_at=expires_at,
        accepted_at=expires_at - datetime.timedelta(days=1) if accepted else None,
        accepted_by=report.created_by if accepted else None,
        revoked_at=revoked_at,
    )


def test_an_unused_invitation_to_a_co_implementers_part_goes_ninety_days_after_it_expired_or_ended(db):
    report = ReportFactory()
    partner = CoImplementer.objects.create(
        application=report.grant.application,
        business_id="1732050-2",
        name="Osatoteuttaja ry",
        contact_name="Olli Osatoteuttaja",
        contact_email="olli@example.org",
    )
    moment = helsinki_datetime(datetime.date(YEAR - 1, 3, 17), datetime.time(9, 0))
    expired = _invitation(report, partner, expires_at=moment)
    ended = _invitation(report, partner, expires_at=moment + datetime.timedelta(days=30), revoked_at=moment)
    accepted = _invitation(report, partner, expires_at=moment, accepted=True)
    due_day = moment + datetime.timedelta(days=90)

    assert _counts(
        apply_rules([RULE["co_implementer_invitation"]], now=due_day - datetime.timedelta(seconds=1))
    ) == {"co_implementer_invitation": 0}
    assert _counts(apply_rules([RULE["co_implementer_invitation"]], now=due_day)) == {
        "co_implementer_invitation": 2
    }
    assert set(CoImplementerInvitation.objects.values_list("pk", flat=True)) == {accepted.pk}
    assert not {expired.pk, ended.pk} & set(CoImplementerInvitation.objects.values_list("pk", flat=True))
