"""The interest calculator and the table of reference rates in a real browser, in Finnish and Swedish: a finance
officer reckons interest across two half-years, an administrator enters the next half-year's rate; axe finds
nothing on any page."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_rates")]


def _first_half_year_without_a_rate() -> datetime.date:
    """The half-year after the latest rate entered (the demo may carry the latest one forward)."""
    from avustamo.payments.models import ReferenceRate

    latest = ReferenceRate.objects.order_by("-valid_from").first().valid_from
    return latest.replace(month=7) if latest.month == 1 else latest.replace(year=latest.year + 1, month=1)


def test_a_finance_officer_reckons_interest_across_half_years(page: Page, site: str):
    sign_in(page, site, "finance@example.org")
    page.goto(f"{site}/official/")
    page.get_by_role("link", name="Korkolaskuri").click()
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)

    page.get_by_label("Summa (€)").fill("5000")
    page.get_by_label("Ensimmäinen päivä").fill("2025-05-15")
    page.get_by_label("Päättymispäivä (ei lasketa mukaan)").fill("2025-08-15")
    page.get_by_role("button", name="Laske").click()
    table = page.get_by_role("table", name="Korko puolivuotiskausittain")
    expect(table).to_contain_text("41,85")
    expect(table).to_contain_text("33,90")
    expect(page.get_by_role("status")).to_contain_text("75,75")
    assert_no_axe_violations(page)

    # A half-year whose rate has not been entered is explained, not guessed.
    missing = _first_half_year_without_a_rate()
    page.get_by_label("Päättymispäivä (ei lasketa mukaan)").fill(
        (missing + datetime.timedelta(days=31)).isoformat()
    )
    page.get_by_role("button", name="Laske").click()
    expect(page.locator(".error-summary")).to_contain_text(f"{missing.day}.{missing.month}.{missing.year}")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_an_administrator_enters_the_next_reference_rate(page: Page, site: str, language: str):
    from avustamo.core.dates import helsinki_today
    from avustamo.payments.interest import half_year_start, next_half_year

    sign_in(page, site, "official@example.org")
    prefix = "" if language == "fi" else "/sv"
    page.goto(f"{site}{prefix}/official/reference-rates/")
    assert_page_basics(page, language)
    assert_no_axe_violations(page)
    labels = {
        "fi": ("Voimassa alkaen", "Viitekorko (%)", "Lähde", "Tallenna viitekorko"),
        "sv": ("Gäller från", "Referensränta (%)", "Källa", "Spara referensräntan"),
    }[language]
    # The demo has rates up to the next half-year: the one after it is still to be announced.
    valid_from = next_half_year(next_half_year(half_year_start(helsinki_today())))
    source = f"Suomen Pankin ilmoitus {valid_from:%d.%m.%Y}"
    page.get_by_label(labels[0]).fill(valid_from.isoformat())
    page.get_by_label(labels[1]).fill("2")
    page.get_by_label(labels[2]).fill(source)
    page.get_by_role("button", name=labels[3]).click()
    expect(page.get_by_role("table")).to_contain_text(source)
    assert_no_axe_violations(page)
