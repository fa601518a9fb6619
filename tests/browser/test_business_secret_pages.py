"""Business secrets and information requests in a real browser: the applicant marks an answer with its reason,
the official sees the mark on the application and produces its public version; axe finds nothing on the way."""

import re

import pytest
from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser


def test_the_applicant_marks_a_secret_and_the_official_produces_the_public_version(page: Page, site: str):
    from avustamo.applications.models import Application

    draft = Application.objects.filter(status="draft", organisation__name__icontains="Vantaa").get()
    # Vantaa's project manager prefers Swedish: the page is in Swedish after signing in.
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", "applicant-b@example.org")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.goto(f"{site}/sv/applications/{draft.pk}/business-secrets/")
    assert_page_basics(page, "sv")
    assert_no_axe_violations(page)
    first = page.locator('input[type="checkbox"][name^="secret-q-"]').first
    key = first.get_attribute("name").removeprefix("secret-")
    first.check()
    page.locator("main form button.primary").click()
    expect(page.locator("#error-summary")).to_contain_text("Berätta kort")
    assert_no_axe_violations(page)
    page.fill(f"#reason-{key}", "Kumppanien hinnat")
    page.locator("main form button.primary").click()
    draft.refresh_from_db()
    assert draft.secret_answers == {key.removeprefix("q-"): "Kumppanien hinnat"}

    sent = Application.objects.filter(submitted_versions__isnull=False).order_by("pk").first()
    sign_in(page, site, "official@example.org")
    page.goto(f"{site}/official/applications/{sent.pk}/")
    page.get_by_role("link", name="Asiakirjapyyntö: tuota julkinen versio").click()
    expect(page.locator("h2").first).to_contain_text("Julkinen versio asiakirjapyyntöön")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.locator("main form button.primary").click()
    assert download.value.suggested_filename.endswith("-public.pdf")
    page.reload()
    expect(page.locator("main")).to_contain_text(re.compile(r"versio \d+ \(fi\)"))
