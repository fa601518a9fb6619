"""Signing in through the sign-in page, as a person does: officials then give their authenticator app's code."""

from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from avustamo.demo.second_factor import current_code


def sign_in(page: Page, site: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as `email`, signing out whoever was signed in before. The demo's officials share one authenticator
    secret, whose current code is entered when the second factor is asked."""
    _officials_have_the_demo_authenticator(email)
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()
    if "/accounts/2fa/authenticate/" in page.url:
        _forget_used_code(email)
        enter_second_factor_code(page)
    expect(page.locator("nav.main")).to_contain_text("Kirjaudu ulos")


def enter_second_factor_code(page: Page, code: str | None = None) -> None:
    page.locator("#id_code").fill(code or current_code())
    page.locator("main form button[type=submit]").first.click()


def _officials_have_the_demo_authenticator(email: str) -> None:
    """An official made by a test's factories sets up the demo officials' authenticator, as the demo's have."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from avustamo.accounts.models import User
    from avustamo.accounts.selectors import is_staff_person
    from avustamo.demo.content import DEMO_TOTP_SECRET

    person = User.objects.filter(email__iexact=email).first()
    if (
        person
        and is_staff_person(person)
        and not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(person, DEMO_TOTP_SECRET)


def _forget_used_code(email: str) -> None:
    """allauth accepts each code once; a person signing in twice within one 30-second period would wait for the
    app's next code. The journeys sign the same official in again at once, so the code is forgotten instead (the
    live server shares this process's cache)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    authenticator = Authenticator.objects.filter(
        user__email__iexact=email, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is not None:
        cache.delete(TOTP(authenticator)._get_used_cache_key(current_code()))
