"""Signing in in a real browser: an official sets up an authenticator app, an official gives the code at sign-in,
and repeated wrong passwords lock the account with a clear message. axe finds nothing on any of these pages."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import Page, expect

from avustamo.demo.second_factor import current_code
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "virkamies-salasana-2030"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _password_sign_in(page: Page, site: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()


def test_an_official_sets_up_an_authenticator_app(page: Page, live_server, transactional_db):
    UserFactory(email="olli@ministry.example.org", password=PASSWORD, roles=["presenter"])
    _password_sign_in(page, live_server.url, "olli@ministry.example.org")
    page.goto(f"{live_server.url}/official/")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/?next=%2Fofficial%2F")
    expect(page.locator("main")).to_contain_text(
        "Virkailijat käyttävät salasanan lisäksi toista tunnistustekijää"
    )
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    page.locator('main a[href="/accounts/2fa/totp/activate/"]').first.click()
    # allauth asks for the password once more before a new authenticator is added.
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    assert_no_axe_violations(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(current_code(secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/official/")
    expect(page).to_have_url(f"{live_server.url}/official/")


def test_an_official_gives_the_code_at_sign_in(page: Page, live_server, transactional_db):
    official = UserFactory(email="olli@ministry.example.org", password=PASSWORD, roles=["presenter"])
    TOTP.activate(official, SECRET)
    _password_sign_in(page, live_server.url, "olli@ministry.example.org")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    page.locator("#id_code").fill("000000")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    assert_no_axe_violations(page)
    page.locator("#id_code").fill(current_code(SECRET))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("nav.main")).to_contain_text("Kirjaudu ulos")
    page.goto(f"{live_server.url}/official/")
    expect(page).to_have_url(f"{live_server.url}/official/")


def test_repeated_wrong_passwords_lock_the_account(page: Page, live_server, transactional_db, settings):
    UserFactory(email="aino@kotipiha.example.org", password=PASSWORD)
    for _attempt in range(settings.SIGN_IN_FAILURES_PER_ACCOUNT):
        _password_sign_in(page, live_server.url, "aino@kotipiha.example.org", "väärä-salasana")
    _password_sign_in(page, live_server.url, "aino@kotipiha.example.org")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Liian monta epäonnistunutta kirjautumista")
    expect(summary).to_contain_text("15 minuutiksi")
    expect(page.locator("nav.main")).not_to_contain_text("Kirjaudu ulos")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
