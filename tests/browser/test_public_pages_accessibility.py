"""The public pages in a real browser, in Finnish and in Swedish: status, language, one h1, no axe violations.

Runs Debian's chromium through Playwright against the live server with the demo data loaded; see conftest.py.
"""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD

pytestmark = pytest.mark.browser

LANGUAGES = {"fi": "", "sv": "/sv"}

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


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
    "sign-in": lambda: "/accounts/login/",
    "sign-up": lambda: "/accounts/signup/",
}


def describe_violations(violations: list[dict]) -> str:
    """A report a developer can act on: each rule broken, how badly, and where."""
    lines = [f"axe found {len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append("")
        lines.append(f"* {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  tags: {', '.join(violation.get('tags', []))}; see {violation.get('helpUrl')}")
        for node in violation["nodes"]:
            target = json.dumps(node.get("target"), ensure_ascii=False)
            lines.append(f"  - target: {target}")
            lines.append(f"    html:   {node.get('html', '').strip()}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"    {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    ran_with = results.response.get("toolOptions", {}).get("runOnly")
    assert ran_with == AXE_OPTIONS["runOnly"], f"axe did not run with the intended rules: {ran_with!r}"
    violations = results.response["violations"]
    if violations:
        pytest.fail(f"{page.url}\n{describe_violations(violations)}", pytrace=False)


def assert_page_basics(page: Page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language, (
        f"{page.url}: html[lang] is not {language!r}"
    )
    h1_count = page.locator("h1").count()
    assert h1_count == 1, f"{page.url}: expected exactly one h1, found {h1_count}"


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
    page.locator("#id_username").fill("applicant-a@example.org")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page).to_have_url(f"{site}/calls/{call.pk}/")
    page.locator('nav.main a[href="/organisations/"]').click()
    expect(page).to_have_url(f"{site}/organisations/")
    assert_page_basics(page, "fi")
    expect(page.locator("main table")).to_contain_text("Monikulttuurinen perheyhdistys Kotipiha ry")
    assert_no_axe_violations(page)
