"""The public pages in a real browser, in Finnish and in Swedish: status, language, one h1, no axe violations.

Runs Debian's chromium through Playwright against the live server with the demo data loaded; see conftest.py.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from tests.browser.page_checks import (
    assert_no_axe_violations,
    assert_page_basics,
)

pytestmark = pytest.mark.browser

LANGUAGES = {"fi": "", "sv": "/sv"}


def _open_call_id() -> int:
    from avustamo.programmes.selectors import public_calls

    call = public_calls(status="open").first()
    assert call is not None, "the demo data has no open call"
    return call.pk


def _historic_call_id() -> int:
    from avustamo.programmes.models import Call

    return Call.objects.get(reference="TEM-KOTO-2016").pk


# Each page's path without the language prefix; calls are looked up in the database the test loaded.
PAGES = {
    "home": lambda: "/",
    "calls-open": lambda: "/calls/?status=open",
    "calls-upcoming": lambda: "/calls/?status=upcoming",
    "calls-closed": lambda: "/calls/?status=closed",
    "call-open": lambda: f"/calls/{_open_call_id()}/",
    "call-historic": lambda: f"/calls/{_historic_call_id()}/",
    "accessibility-statement": lambda: "/accessibility/",
    "privacy-notice": lambda: "/privacy/",
    "sign-in": lambda: "/accounts/login/",
    "sign-up": lambda: "/accounts/signup/",
}


@pytest.mark.parametrize("page_name", list(PAGES))
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_public_page_is_accessible(page: Page, site: str, language: str, page_name: str):
    url = f"{site}{LANGUAGES[language]}{PAGES[page_name]()}"

    response = page.goto(url)

    assert response is not None, f"{url}: no response"
    assert response.status == 200, f"{url}: HTTP {response.status}"
    assert_page_basics(page, language)
    assert_no_axe_violations(page)


def test_swedish_call_to_finnish_and_my_organisations(page: Page, site: str):
    from avustamo.core.templatetags.avustamo import moment
    from avustamo.programmes.models import Call

    call = Call.objects.get(pk=_open_call_id())
    with translation.override("sv"):
        deadline_sv = moment(call.closes_at)

    # In Swedish: the list of open calls, then into the open call.
    response = page.goto(f"{site}/sv/calls/?status=open")
    assert response is not None and response.status == 200
    assert_page_basics(page, "sv")
    page.locator(f'.cards a[href="/sv/calls/{call.pk}/"]').click()
    expect(page).to_have_url(f"{site}/sv/calls/{call.pk}/")
    assert_page_basics(page, "sv")
    expect(page.locator("h1")).to_have_text(call.title_sv)
    expect(page.locator("p.deadline")).to_be_visible()
    expect(page.locator("p.deadline")).to_contain_text(deadline_sv)

    # The language switch posts to /i18n/setlang/ and comes back to the same call, now in Finnish.
    with page.expect_request(lambda request: request.method == "POST" and "/i18n/setlang/" in request.url):
        page.get_by_role("button", name="Suomeksi").click()
    expect(page).to_have_url(f"{site}/calls/{call.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    assert_page_basics(page, "fi")
    expect(page.locator("h1")).to_have_text(call.title_fi)

    # Sign in from the call page, then "My organisations".
    page.locator('nav.main a[href^="/accounts/login/"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_page_basics(page, "fi")
    page.locator("#id_login").fill("applicant-a@example.org")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page).to_have_url(f"{site}/calls/{call.pk}/")
    page.locator('nav.main a[href="/organisations/"]').click()
    expect(page).to_have_url(f"{site}/organisations/")
    assert_page_basics(page, "fi")
    expect(page.locator("main table")).to_contain_text("Monikulttuurinen perheyhdistys Kotipiha ry")
    assert_no_axe_violations(page)


def test_the_api_documentation_is_accessible_as_the_reader_uses_it(page: Page, site: str):
    """Swagger UI draws its markup as the reader opens operations, tries them and reads the schemas; axe reads each
    state (api/static/api/docs.js mends what Swagger UI's own markup gets wrong)."""
    response = page.goto(f"{site}/api/v1/docs")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator(".opblock").first).to_be_visible()
    assert_no_axe_violations(page)
    page.locator(".opblock-get .opblock-summary-control").first.click()
    page.locator(".opblock-post .opblock-summary-control").first.click()
    for try_out in page.locator("button.try-out__btn").all():
        try_out.click()
    page.locator(".opblock-get button.execute").first.click()
    expect(page.locator(".live-responses-table").first).to_be_visible()
    page.locator("section.models h4").first.click()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("page_name", list(PAGES))
def test_public_page_fits_a_phone_without_sideways_scrolling(page: Page, site: str, page_name: str):
    page.set_viewport_size({"width": 375, "height": 812})
    response = page.goto(f"{site}{PAGES[page_name]()}")
    assert response is not None and response.status == 200
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page_name}: {overflow} px wider than a 375 px screen"
