"""Signing in through the sign-in page, as a person does: officials then give their authenticator app's code."""

from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from avustamo.demo.second_factor import current_code


def sign_in(page: Page, site: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as `email`, signing out whoever was signed in before. The demo's officials share one authenticator
    secret, whose current code is entered when the second factor is asked."""
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()
    if "/accounts/2fa/authenticate/" in page.url:
        enter_second_factor_code(page)
    expect(page.locator("nav.main")).to_contain_text("Kirjaudu ulos")


def enter_second_factor_code(page: Page, code: str | None = None) -> None:
    page.locator("#id_code").fill(code or current_code())
    page.locator("main form button[type=submit]").first.click()
