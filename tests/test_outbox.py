"""The email outbox: stored with the change, sent after commit, retried on failure, never sent twice."""

from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from avustamo.core.models import OutboundEmail
from avustamo.core.tasks import deliver, deliver_pending, queue_email

pytestmark = pytest.mark.django_db


def _queue(key="decision-published:1", **overrides):
    values = {
        "key": key,
        "template": "organisations/email/invitation",
        "context": {
            "organisation_name": "Kotipiha ry",
            "invited_by": "Aino",
            "role": "jäsen",
            "accept_url": "https://avustamo.example.org/organisations/invitations/secret/",
            "expires_at": None,
        },
        "recipient": "bertil@example.org",
        "language": "sv",
    } | overrides
    return queue_email(**values)


def test_an_email_is_sent_only_after_the_change_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = _queue()
        assert mail.outbox == []
    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bertil@example.org"]


def test_a_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the service refused")
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_the_same_reason_queues_one_email_and_it_is_never_sent_twice():
    first = _queue()
    again = _queue()
    assert first.pk == again.pk and OutboundEmail.objects.count() == 1
    assert deliver(first.pk) is True
    assert deliver(first.pk) is False
    assert deliver_pending()["sent"] == 0
    assert len(mail.outbox) == 1


def test_a_failure_is_kept_and_retried_by_the_cron_command(capsys):
    email = _queue()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("connection refused")):
        assert deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED and "connection refused" in email.last_error
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2020))
    call_command("send_outbox")
    assert "sent 1" in capsys.readouterr().out
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert len(mail.outbox) == 1


def test_a_single_use_link_is_not_kept_after_sending():
    email = _queue(holds_secret=True)
    deliver(email.pk)
    email.refresh_from_db()
    assert "secret" not in email.body
    assert "secret" in mail.outbox[0].body
