"""Signing in through the sign-in page, as a person does."""

from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD


def sign_in(page: Page, site: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as `email`, signing out whoever was signed in before."""
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator("nav.main")).to_contain_text("Kirjaudu ulos")
