"""Each application has one status a person understands, shown as a timeline on the applicant's pages."""

import datetime

import pytest
from django.utils import translation

from avustamo.applications import services as application_services
from avustamo.core.dates import helsinki_today
from avustamo.portal.timeline import application_timeline
from tests.access import sign_in
from tests.factories import ApplicationFactory, CallFactory, GrantFactory, PaymentBatchFactory

pytestmark = pytest.mark.django_db
TODAY = helsinki_today()


def _steps(application) -> list[tuple[str, bool]]:
    with translation.override("en"):
        return [(step.label, step.done) for step in application_timeline(application).steps]


def test_a_sent_application_in_an_open_call_waits_for_its_handling():
    application = ApplicationFactory.submitted(CallFactory())
    assert _steps(application) == [("Sent", True), ("In handling", False), ("Decided", False)]
    with translation.override("en"):
        assert application_timeline(application).current.label == "In handling"


def test_a_withdrawn_application_ends_at_its_withdrawal():
    application = ApplicationFactory.submitted(CallFactory())
    application_services.application_withdraw(application=application, acting_user=application.submitted_by)
    application.refresh_from_db()
    assert _steps(application) == [("Sent", True), ("Withdrawn", True)]


def test_a_grant_goes_from_paid_to_reports_to_closed(client):
    grant = GrantFactory.to_report_on(
        reports=(
            ("interim", TODAY - datetime.timedelta(days=2)),
            ("final", TODAY + datetime.timedelta(days=60)),
        )
    )
    application = grant.application
    steps = _steps(application)
    assert [label for label, _done in steps] == [
        "Sent",
        "In handling",
        "Decided",
        *(["Accepted"] if application.call.requires_acceptance else []),
        "Paid",
        "Reports",
        "Closed",
    ]
    assert dict(steps)["Paid"] is False and dict(steps)["Closed"] is False
    agency = application.call.programme.agency
    agency.payment_iban = "FI2112345600000785"
    agency.save(update_fields=["payment_iban"])
    PaymentBatchFactory.paid(agency=agency)
    with translation.override("en"):
        timeline = application_timeline(application)
    paid = next(step for step in timeline.steps if step.label == "Paid")
    reports = next(step for step in timeline.steps if step.label == "Reports")
    # 60 % of 12 000 € on acceptance; the rest after the final report.
    assert (paid.done, paid.detail) == (False, "€7,200 of €12,000")
    assert reports.attention and "overdue" in reports.detail and "Interim report" in reports.detail

    sign_in(client, application.submitted_by)
    for page in (f"/en/applications/{application.pk}/", f"/en/applications/{application.pk}/decision/"):
        content = client.get(page).content.decode()
        assert "Where the application is" in content and "€7,200 of €12,000" in content, page
        assert 'aria-current="step"' in content


def test_a_draft_has_no_timeline(client):
    call = CallFactory()
    application = ApplicationFactory.submitted(call)
    draft = application_services.application_start(
        call=call, organisation=application.organisation, acting_user=application.submitted_by
    )
    assert application_timeline(draft).steps == []
    sign_in(client, application.submitted_by)
    assert "Where the application is" not in client.get(f"/en/applications/{draft.pk}/").content.decode()
