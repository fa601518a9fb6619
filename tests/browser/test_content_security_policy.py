"""The content security policy in a real browser: public, applicant's and officials' pages, the pages of allauth we
render (second factor, recovery codes, passkeys), the API's documentation and HTMX's live updates run without the
browser refusing anything (no `securitypolicyviolation` event, no CSP message in the console)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser

# Reported from inside each page: the listener is added before any of the page's own scripts run.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} refused ${event.blockedURI || "inline code"} on ${document.location.pathname}` +
    (event.sample ? `: ${event.sample}` : "")
  );
});
"""


@pytest.fixture
def violations(page: Page) -> list[str]:
    found: list[str] = []

    def report(violation: str) -> None:
        found.append(violation)

    def console(message) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.expose_function("reportCspViolation", report)
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", console)
    return found


def _visit(page: Page, site: str, path: str) -> None:
    response = page.goto(f"{site}{path}")
    assert response is not None and response.status == 200, path
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_public_pages_and_the_api_documentation(page: Page, site: str, violations: list[str]):
    from avustamo.programmes.models import Call, CallStatus
    from avustamo.register.models import PublishedGrant

    call = Call.objects.with_status(CallStatus.OPEN).order_by("pk").first()
    grant = PublishedGrant.objects.order_by("pk").first()
    for path in (
        "/",
        "/calls/",
        f"/calls/{call.pk}/",
        "/register/",
        f"/register/grants/{grant.pk}/",
        "/register/statistics/",
        "/accounts/login/",
        "/sv/accounts/signup/",
    ):
        _visit(page, site, path)
    _visit(page, site, "/api/v1/docs")
    # Swagger UI's own script draws the operations: proof that it ran under the policy.
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations == []


def test_applicants_pages_and_the_autosave(page: Page, site: str, violations: list[str]):
    from avustamo.programmes.models import Call

    call = (
        Call.objects.filter(reference__startswith="TEM-KOTO-", published_at__isnull=False)
        .order_by("-opens_at")
        .first()
    )
    sign_in(page, site, "applicant-a@example.org")
    for path in ("/applications/", "/organisations/", "/accounts/2fa/", f"/calls/{call.pk}/"):
        _visit(page, site, path)
    page.locator('form[action*="/applications/start/"] button[type=submit]').click()
    # HTMX saves the draft as it is changed and swaps in what was saved, adding no style of its own.
    project_name = page.locator('[name="q-project-name"]')
    expect(project_name).to_be_visible()
    status = page.locator("#autosave-status")
    before = status.inner_text()
    project_name.fill("Ohjausta kolmella kielellä")
    project_name.dispatch_event("change")
    expect(status).not_to_have_text(before)
    assert page.locator("style").count() == 0
    assert violations == []


def test_officials_pages_the_form_editor_and_builder_and_the_second_factor(
    page: Page, site: str, violations: list[str]
):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from avustamo.accounts.models import User
    from avustamo.programmes.models import Call

    call = Call.objects.filter(reference__startswith="TEM-KOTO-").order_by("-opens_at").first()
    # allauth's page of recovery codes (a script of its own) shows only codes already made.
    RecoveryCodes.activate(User.objects.get(email="official@example.org"))
    sign_in(page, site, "official@example.org")
    for path in (
        "/official/",
        "/official/calls/",
        f"/official/calls/{call.pk}/",
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/webauthn/add/",
        f"/official/calls/{call.pk}/form/",
    ):
        _visit(page, site, path)
    # The live preview of the form editor is an HTMX swap as the JSON is typed.
    page.locator("#id_definition").fill('{"schema": "avustamo.form/1", "sections": []}')
    expect(page.locator("#form-preview")).to_contain_text("Lomaketta ei voi vielä tallentaa")
    # The form builder's changes and its preview's languages are HTMX swaps too.
    _visit(page, site, f"/official/calls/{call.pk}/form/builder/")
    page.locator("#add-section").click()
    expect(page.locator("form.builder-settings")).to_have_count(1)
    page.locator("#preview-sv").click()
    expect(page.locator("#builder-preview-form")).to_have_attribute("lang", "sv")
    sign_in(page, site, "admin@example.org")
    for path in ("/admin/", "/admin/accounts/user/"):
        _visit(page, site, path)
    assert violations == []
