"""The log of deliveries to the State Treasury in a real browser: a finance officer produces a delivery of a period
and asks for a correction when nothing has changed; axe finds nothing on the page."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser


def test_a_finance_officer_delivers_a_period_and_is_told_when_nothing_needs_correcting(page: Page, site: str):
    from avustamo.core.dates import helsinki_today
    from avustamo.treasury.models import Delivery

    sign_in(page, site, "finance@example.org")
    page.goto(f"{site}/official/")
    page.get_by_role("link", name="Toimitukset Valtiokonttorille").click()
    assert_page_basics(page, "fi")
    expect(page.get_by_text("Mitään ei ole vielä toimitettu.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Ensimmäinen päivä").fill("2020-01-01")
    page.get_by_label("Viimeinen päivä").fill(helsinki_today().isoformat())
    page.get_by_label("Haut", exact=True).uncheck()
    page.get_by_role("button", name="Tuota toimitus").click()

    delivery = Delivery.objects.get()
    assert delivery.record_kinds == ["applications", "decisions", "payments", "changes", "returns", "reports"]
    assert delivery.counts["decisions"] > 0
    expect(page.locator(".messages")).to_contain_text(f"Toimitus {delivery.pk} on tuotettu.")
    table = page.get_by_role("table", name="Toimitukset, uusin ensin")
    expect(table).to_contain_text(delivery.checksum)
    expect(table).to_contain_text(f"Päätökset: {delivery.counts['decisions']}")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Toimita sen jälkeen muuttuneet").click()
    expect(page.locator("body")).to_contain_text(
        f"Toimituksen {delivery.pk} ja sen korjausten jälkeen mikään ei ole muuttunut"
    )
    assert Delivery.objects.count() == 1
    assert_no_axe_violations(page)
