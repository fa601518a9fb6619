"""An association's treasurer applies in a real browser: from the open calls to the receipt.

In Finnish and in Swedish, and once with JavaScript turned off; axe runs on every page on the way.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from tests.browser.filling import fill_application
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics

pytestmark = pytest.mark.browser

LANGUAGE_PREFIX = {"fi": "", "sv": "/sv"}
RECEIVED = {"fi": "Hakemuksesi on vastaanotettu", "sv": "Din ansökan har tagits emot"}


def _journey(page: Page, site: str, language: str, *, check_axe: bool = True) -> None:
    from avustamo.programmes.models import Call

    prefix = LANGUAGE_PREFIX[language]
    call = (
        Call.objects.filter(reference__startswith="TEM-KOTO-", published_at__isnull=False)
        .order_by("-opens_at")
        .first()
    )
    page.goto(f"{site}{prefix}/accounts/login/")
    page.fill("#id_login", "applicant-a@example.org")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()

    page.goto(f"{site}{prefix}/calls/?status=open")
    assert_page_basics(page, language)
    page.locator(f'.cards a[href="{prefix}/calls/{call.pk}/"]').click()
    assert_page_basics(page, language)
    if check_axe:
        assert_no_axe_violations(page)
    page.locator('form[action*="/applications/start/"] button[type=submit]').click()
    expect(page.locator('[name="q-project-name"]')).to_be_visible()
    assert_page_basics(page, language)
    if check_axe:
        assert_no_axe_violations(page)

    # Going on to the check at once lists what is missing, each linked to its question.
    page.locator('button[value="check"]').click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator('#error-summary a[href="#id_q-project-name_field"]')).to_be_visible()
    if check_axe:
        assert_no_axe_violations(page)

    fill_application(page, call.period_earliest_start.year)
    page.locator('button[value="check"]').click()
    # The check page shows every answer with a link back to change it, then sends.
    expect(page.locator('a[href$="#id_q-project-name_field"]')).to_be_visible()
    assert_page_basics(page, language)
    if check_axe:
        assert_no_axe_violations(page)
    page.locator('form[action$="/check/"] button[type=submit]').click()
    expect(page.locator("h1")).to_have_text(RECEIVED[language])
    expect(page.locator("p.lead")).to_contain_text("TEM/")
    assert_page_basics(page, language)
    if check_axe:
        assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_treasurer_applies_from_open_calls_to_receipt(page: Page, site: str, language: str):
    _journey(page, site, language)


def test_applying_works_without_javascript(browser: Browser, site: str):
    context = browser.new_context(java_script_enabled=False, locale="fi-FI")
    try:
        _journey(context.new_page(), site, "fi", check_axe=False)
    finally:
        context.close()
