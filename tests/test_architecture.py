"""The architecture's rules that import-linter does not see: a status changes only through the transition helper,
which refuses a wrong source state and audits from/to, and docs/workflows.md shows the tables as the code has them
(docs/adr/0009-one-way-to-change-a-status.md)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from avustamo.core.models import AuditEntry
from avustamo.core.transitions import Transitions, transition, workflow_tables_markdown
from avustamo.grants.models import Grant, GrantStatus
from tests.factories import GrantFactory

ROOT = Path(settings.BASE_DIR)
SERVICES = sorted([*ROOT.glob("avustamo/*/services.py"), *ROOT.glob("avustamo/*/services/*.py")])
# Set in bulk, not one object at a time: the instalment plan (recorded in the grant's ledger) and the outbox's claim
# of an email, a conditional UPDATE so that two workers cannot both send it (ADR 0006, ADR 0009).
STATUSES_OUTSIDE_THE_HELPER = {"payments.Instalment", "core.OutboundEmail"}
MARKERS = ("<!-- transition tables: start -->", "<!-- transition tables: end -->")


def test_services_change_a_status_only_through_the_transition_helper():
    assert SERVICES, "no services modules found"
    assignments = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SERVICES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\.status\s*=(?!=)", line)
    ]
    assert assignments == []


def test_every_model_with_a_status_has_a_transition_table():
    without = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("avustamo.")
        and any(field.name == "status" and field.choices for field in model._meta.concrete_fields)
        and not isinstance(getattr(model, "transitions", None), Transitions)
        and model._meta.label not in STATUSES_OUTSIDE_THE_HELPER
    ]
    assert without == []


def test_the_workflow_document_shows_the_tables_as_the_code_has_them():
    text = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    start, end = (text.index(marker) for marker in MARKERS)
    shown = text[start + len(MARKERS[0]) : end].strip()
    assert shown == workflow_tables_markdown().strip(), "run: manage.py workflow_tables, and paste it in"


@pytest.mark.django_db
class TestTheTransitionHelper:
    def test_a_move_from_a_wrong_state_is_refused_with_a_stable_code_and_nothing_changes(self):
        grant = GrantFactory.awaiting_acceptance()
        Grant.objects.filter(pk=grant.pk).update(status=GrantStatus.DECLINED, answered_at=timezone.now())
        audited = AuditEntry.objects.count()
        # The object in memory still says "awaiting acceptance", as a second request racing the first would see it:
        # the helper reads the status again under the lock and refuses.
        with pytest.raises(ValidationError) as refusal, transaction.atomic():
            transition(grant, "accept", acting_user=grant.application.submitted_by)
        assert refusal.value.code == "not_awaiting_acceptance"
        grant.refresh_from_db()
        assert grant.status == GrantStatus.DECLINED
        assert AuditEntry.objects.count() == audited

    def test_a_move_sets_the_status_and_the_changes_and_audits_from_and_to(self):
        grant = GrantFactory.awaiting_acceptance()
        member = grant.application.submitted_by
        with transaction.atomic():
            transition(
                grant,
                "decline",
                acting_user=member,
                changes={
                    "decline_reason": "Ei tarvetta.",
                    "answered_at": timezone.now(),
                    "answered_by": member,
                },
                why="x",
            )
        grant.refresh_from_db()
        assert (grant.status, grant.decline_reason) == (GrantStatus.DECLINED, "Ei tarvetta.")
        entry = AuditEntry.objects.filter(target_type="grants.grant", target_id=str(grant.pk)).first()
        assert entry.action == "grant.declined" and entry.actor == member
        assert entry.details == {"from": "awaiting_acceptance", "to": "declined", "why": "x"}

    def test_a_caller_holding_the_rows_lock_is_trusted_for_the_status_and_still_checked(
        self, django_assert_num_queries
    ):
        declined = GrantFactory.awaiting_acceptance()
        Grant.objects.filter(pk=declined.pk).update(status=GrantStatus.DECLINED, answered_at=timezone.now())
        grant = GrantFactory.awaiting_acceptance()
        member = grant.application.submitted_by
        with transaction.atomic():
            locked = Grant.objects.select_for_update().get(pk=declined.pk)
            with pytest.raises(ValidationError) as refusal:
                transition(locked, "accept", acting_user=member, locked=True)
            assert refusal.value.code == "not_awaiting_acceptance"
            locked = Grant.objects.select_for_update().get(pk=grant.pk)
            # The status read under the lock is not read again: one UPDATE and the audit entry.
            with django_assert_num_queries(2):
                transition(
                    locked, "accept", acting_user=member, locked=True, changes={"answered_at": timezone.now()}
                )
        grant.refresh_from_db()
        assert grant.status == GrantStatus.ACCEPTED
        entry = AuditEntry.objects.filter(target_type="grants.grant", target_id=str(grant.pk)).first()
        assert (entry.action, entry.details) == (
            "grant.accepted",
            {"from": "awaiting_acceptance", "to": "accepted"},
        )

    # Not inside the test's own transaction, which would hide a service's missing one.
    @pytest.mark.django_db(transaction=True)
    def test_a_move_outside_a_transaction_is_a_programming_error(self):
        grant = GrantFactory.awaiting_acceptance()
        with pytest.raises(RuntimeError):
            transition(grant, "accept", acting_user=grant.application.submitted_by)
