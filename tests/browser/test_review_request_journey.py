"""Requests for review in a real browser: a recipient whose decision was notified two months ago asks for a review
and is told it looks late; the presenter leaves it unexamined and the decision maker signs. Another recipient asks
in time; the request is accepted, and the presenter starts the correcting decision, raises the grant on the
decision tab and sends it to be signed; once published, the recipient's page shows the corrected grant. axe finds
nothing on any page. In English, so that the test reads the same before and after the translations."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def _checked(page: Page) -> None:
    assert_page_basics(page, "en")
    assert_no_axe_violations(page)


def _grant_notified(days_ago: int, reference: str):
    """A complete grant decision on a screened application, published `days_ago` days ago to an organisation that
    consented to electronic notification."""
    from avustamo.grants import services as grant_services
    from avustamo.organisations import services as organisation_services
    from tests.factories import (
        ApplicationFactory,
        CallFactory,
        DecisionFactory,
        ScreeningFactory,
        days_from_now_at,
        next_year,
    )

    start, end = next_year()
    with time_machine.travel(days_from_now_at(-days_ago, 10), tick=False):
        call = CallFactory(
            closed=True, appropriation=Decimal("50000.00"), min_grant=None, reference=reference
        )
        application = ApplicationFactory.submitted(call)
        ScreeningFactory(application=application)
        decision = DecisionFactory.signed(
            application=application,
            outcome="partially_approved",
            amount=Decimal("12000.00"),
            eligible_costs=Decimal("20000.00"),
            max_share_percent=Decimal("75"),
            instalments=[{"percent": "100", "condition": "on_acceptance"}],
            reports_due=[{"kind": "final", "due": (end + datetime.timedelta(days=60)).isoformat()}],
            conditions="Avustusta käytetään päätöksen mukaisesti.",
            period=(start, end),
        )
        organisation_services.notification_consent_set(
            organisation=application.organisation, consents=True, acting_user=application.submitted_by
        )
        grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
    decision.refresh_from_db()
    return decision.grant


def _ask_for_review(page: Page, site: str, grant) -> None:
    sign_in(page, site, grant.application.submitted_by.email, PASSWORD)
    page.goto(f"{site}/en/applications/{grant.application_id}/decision/")
    _checked(page)
    page.get_by_role("link", name="Request a review of a decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for review")
    _checked(page)
    page.get_by_role("button", name="Send the request for review").click()
    expect(page.locator(".error-summary")).to_contain_text("This field is required")
    _checked(page)
    page.get_by_label("Change requested").fill("The grant should be 15 000 euros.")
    page.locator("#id_grounds").fill("The costs of the groups were shown in the application.")
    page.get_by_role("button", name="Send the request for review").click()
    expect(page.get_by_role("main")).to_contain_text("has been received with the register number")
    _checked(page)


def _decide(page: Page, site: str, review_request, presenter, decider, outcome: str) -> None:
    sign_in(page, site, presenter.email, PASSWORD)
    page.goto(f"{site}/en/official/review-requests/{review_request.pk}/")
    _checked(page)
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Reasons").fill("Reasoned as the law requires.")
    page.get_by_role("button", name="Save the proposal").click()
    expect(page.get_by_role("main")).to_contain_text("The proposal has been saved.")
    page.get_by_label("Decision maker").select_option(str(decider.pk))
    page.get_by_role("button", name="Send for signing").click()
    expect(page.get_by_role("main")).to_contain_text("sent for signing")
    sign_in(page, site, decider.email, PASSWORD)
    page.goto(f"{site}/en/official/review-requests/{review_request.pk}/")
    _checked(page)
    page.get_by_role("button", name="Sign the decision").click()
    expect(page.get_by_role("main")).to_contain_text("The decision has been signed.")
    _checked(page)


def test_a_late_request_and_one_in_time_that_corrects_the_grant(page: Page, site: str):
    from avustamo.grants import services as grant_services
    from avustamo.payments.selectors import ledger_of
    from avustamo.register.models import PublishedGrant
    from avustamo.review_requests.models import ReviewRequest
    from tests.factories import CallAssignmentFactory, UserFactory

    late_grant = _grant_notified(60, "TEM-OIKAISU-MYOHASSA")
    grant = _grant_notified(5, "TEM-OIKAISU-AJOISSA")
    decider = UserFactory(roles=["decision_maker"], full_name="Riitta Ratkaisija")

    # Late: the recipient is told, the presenter can only leave it unexamined.
    _ask_for_review(page, site, late_grant)
    expect(page.get_by_role("main")).to_contain_text("arrived after the time limit")
    late = ReviewRequest.objects.get(application=late_grant.application)
    late_presenter = CallAssignmentFactory.presenter_of(late_grant)
    sign_in(page, site, late_presenter.email, PASSWORD)
    page.goto(f"{site}/en/official/review-requests/{late.pk}/")
    expect(page.get_by_role("main")).to_contain_text("The request arrived after the time limit")
    page.get_by_label("accepted in full", exact=True).check()
    page.get_by_label("Reasons").fill("The costs were shown.")
    page.get_by_role("button", name="Save the proposal").click()
    expect(page.locator(".error-summary")).to_contain_text("it is not examined")
    _checked(page)
    _decide(page, site, late, late_presenter, decider, "not examined")
    late.refresh_from_db()
    assert late.outcome == "not_examined" and late.document

    # In time: accepted, and carried out by a correcting decision.
    _ask_for_review(page, site, grant)
    request = ReviewRequest.objects.get(application=grant.application)
    presenter = CallAssignmentFactory.presenter_of(grant)
    _decide(page, site, request, presenter, decider, "accepted in full")
    sign_in(page, site, presenter.email, PASSWORD)
    page.goto(f"{site}/en/official/review-requests/{request.pk}/")
    page.get_by_role("button", name="Start the correcting decision").click()
    expect(page.get_by_role("main")).to_contain_text("The correcting decision has been started")
    page.goto(f"{site}/en/official/applications/{grant.application_id}/decision/")
    _checked(page)
    page.locator("#id_decision-amount").fill("15000.00")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("main")).to_contain_text("The draft decision has been saved.")
    page.get_by_label("Decision maker").select_option(str(decider.pk))
    page.get_by_role("button", name="Send for signing").click()
    sign_in(page, site, decider.email, PASSWORD)
    page.goto(f"{site}/en/official/applications/{grant.application_id}/decision/")
    page.get_by_role("button", name="Sign the decision").click()
    expect(page.locator("h1")).to_contain_text("Sign the decision on")
    page.get_by_role("button", name="Sign the decision").click()
    expect(page.get_by_role("main")).to_contain_text("The decision has been signed.")
    request.refresh_from_db()
    correction = request.correction
    assert correction.status == "signed" and correction.amount == Decimal("15000.00")
    grant_services.decision_publish(decision_id=correction.pk, acting_user=presenter)

    grant.refresh_from_db()
    assert grant.decision_id == correction.pk
    assert list(
        PublishedGrant.objects.filter(call_id=grant.application.call_id).values_list(
            "amount_awarded", flat=True
        )
    ) == [Decimal("15000.00")]
    assert ledger_of(grant).in_force == Decimal("15000.00")
    sign_in(page, site, grant.application.submitted_by.email, PASSWORD)
    page.goto(f"{site}/en/applications/{grant.application_id}/decision/")
    expect(page.get_by_role("main")).to_contain_text("€15,000")
    _checked(page)
    organisation = grant.application.organisation
    page.goto(f"{site}/en/organisations/{organisation.pk}/")
    expect(page.get_by_role("main")).to_contain_text("The organisation consented on")
    _checked(page)

    # The register of requests and the registry's letters, as a programme manager sees them.
    sign_in(page, site, "official@example.org")
    page.goto(f"{site}/en/official/review-requests/")
    expect(page.get_by_role("main")).to_contain_text(late.register_number)
    expect(page.get_by_role("main")).to_contain_text("late")
    _checked(page)
    page.goto(f"{site}/en/official/decisions/to-post/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions to post")
    _checked(page)
