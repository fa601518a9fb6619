"""A change request in a real browser: the recipient asks to extend the period of use and to move money between
cost categories, is refused when the total changes, and sends the request; the presenter accepts the extension
with a shorter one and rejects the move; the recipient sees the terms in force and the change decision. axe finds
nothing on any of the pages. In English, so that the test reads the same before and after the translations."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def _checked(page: Page) -> None:
    assert_page_basics(page, "en")
    assert_no_axe_violations(page)


def test_a_recipient_asks_for_a_change_and_the_presenter_decides_it(page: Page, site: str):
    from avustamo.core.dates import helsinki_today
    from avustamo.grants import selectors as grant_selectors
    from avustamo.grants.models import ChangeRequest
    from tests.factories import CallAssignmentFactory, CallFactory, GrantFactory

    # The period of use is next year, so that an extension is asked in time whatever today is.
    next_year = helsinki_today().year + 1
    grant = GrantFactory.accepted(
        period=(datetime.date(next_year, 1, 1), datetime.date(next_year, 12, 31)),
        call=CallFactory(closed=True, reference=f"TEM-MUUTOS-{next_year}"),
    )
    member = grant.application.submitted_by
    presenter = CallAssignmentFactory.presenter_of(grant)
    application_id = grant.application_id

    sign_in(page, site, member.email, PASSWORD)
    page.goto(f"{site}/en/applications/{application_id}/decision/")
    expect(page.get_by_role("heading", name="Terms in force")).to_be_visible()
    _checked(page)
    page.get_by_role("link", name="Make a change request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change request")
    _checked(page)
    page.get_by_label("New end of the period of use").fill(f"{next_year + 1}-03-31")
    page.get_by_label("Reasons for the extension").fill("The spring groups continue until March.")
    page.get_by_label("Personnel costs (€)").fill("58000")
    page.get_by_label("Travel (€)").fill("3000")
    page.get_by_label("Reasons for moving money").fill("The group leaders travel to the groups.")
    page.get_by_role("button", name="Send the change request").click()
    expect(page.locator(".error-summary")).to_contain_text("the total must stay")
    _checked(page)
    page.get_by_label("Travel (€)").fill("2000")
    page.get_by_role("button", name="Send the change request").click()
    expect(page.get_by_role("main")).to_contain_text("waits for the presenter's decision")
    _checked(page)

    sign_in(page, site, presenter.email, PASSWORD)
    page.goto(f"{site}/en/official/applications/{application_id}/decision/")
    _checked(page)
    page.get_by_role("link", name="Decide the change request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change request")
    _checked(page)
    extension = page.get_by_role("form", name="Decide: extension of the period of use")
    extension.get_by_label("accepted with changes").check()
    extension.get_by_label("Period of use ends on, as decided").fill(f"{next_year + 1}-01-31")
    extension.get_by_label("Reasons").fill("One month is enough for the spring groups.")
    extension.get_by_role("button", name="Save the decision on this part").click()
    expect(page.get_by_role("main")).to_contain_text(f"The period of use ends on 31 January {next_year + 1}")
    _checked(page)
    budget = page.get_by_role("form", name="Decide: moving money between cost categories")
    budget.get_by_label("rejected").check()
    budget.get_by_role("button", name="Save the decision on this part").click()
    expect(page.locator(".error-summary")).to_contain_text("Give the reasons for the decision.")
    _checked(page)
    budget = page.get_by_role("form", name="Decide: moving money between cost categories")
    budget.get_by_label("rejected").check()
    budget.get_by_label("Reasons").fill("Travel is not a cost of this project.")
    budget.get_by_role("button", name="Save the decision on this part").click()
    expect(page.get_by_role("main")).to_contain_text("Change decision (PDF)")
    _checked(page)

    assert ChangeRequest.objects.get(grant=grant).document
    assert grant_selectors.period_in_force(grant)[1] == datetime.date(next_year + 1, 1, 31)

    sign_in(page, site, member.email, PASSWORD)
    page.goto(f"{site}/en/applications/{application_id}/decision/")
    expect(page.get_by_role("main")).to_contain_text(f"1 January {next_year} – 31 January {next_year + 1}")
    _checked(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Change decision of").click()
    assert download.value.suggested_filename.endswith(".pdf")
