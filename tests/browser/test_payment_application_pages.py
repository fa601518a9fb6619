"""Payment in arrears in a real browser: the recipient applies for payment of costs incurred, a finance officer
approves part of it with reasons; axe finds nothing on either page."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def test_a_recipient_applies_for_payment_and_a_finance_officer_approves_part(page: Page, site: str):
    from avustamo.core.dates import helsinki_today
    from avustamo.payments.models import PaymentApplication
    from tests.factories import CallFactory, GrantFactory, UserFactory

    last_year = helsinki_today().year - 1
    grant = GrantFactory.accepted(
        amount="10000.00",
        instalments=[{"percent": "100", "condition": "in_arrears"}],
        period=(datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31)),
        call=CallFactory(closed=True, reference=f"TEM-OHJAUS-{last_year}"),
    )
    member = grant.application.submitted_by
    finance = UserFactory(roles=["finance_officer"], email="maksaja@ministry.example.org")

    sign_in(page, site, member.email, PASSWORD)
    page.goto(f"{site}/applications/{grant.application_id}/decision/")
    expect(page.get_by_role("heading", name="Hae maksatusta")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Kustannukset alkaen").fill(f"{last_year}-01-01")
    page.get_by_label("Kustannukset päättyen").fill(f"{last_year}-06-30")
    page.get_by_label("Toteutuneet hyväksyttävät kustannukset (€)").fill("3000")
    page.get_by_label("Haettava maksu (€)").fill("4000")
    page.get_by_label("Mihin kustannukset käytettiin").fill("Ohjaajien palkat tammi–kesäkuu.")
    page.get_by_role("button", name="Lähetä maksatushakemus").click()
    expect(page.locator(".error-summary")).to_contain_text("Määrä ei voi olla suurempi")
    assert_no_axe_violations(page)
    page.get_by_label("Haettava maksu (€)").fill("2500")
    page.get_by_role("button", name="Lähetä maksatushakemus").click()
    expect(page.get_by_role("table", name="Maksatushakemukset")).to_contain_text("Lähetetty")
    assert_no_axe_violations(page)

    sign_in(page, site, finance.email, PASSWORD)
    page.goto(f"{site}/official/applications/{grant.application_id}/decision/")
    assert_no_axe_violations(page)
    page.get_by_label("Hyväksytty määrä (€)").fill("2000")
    page.get_by_label("Perustelut").fill("Matkakulut eivät ole hyväksyttäviä.")
    # Approving less than asked is a decision against the recipient: decided here on a ground for not hearing.
    page.get_by_label("Ratkaistaan kuulematta, koska").select_option("unnecessary")
    page.get_by_label("Miksi peruste soveltuu").fill(
        "Saaja ilmoitti itse matkakulut hankkeen ulkopuolisiksi."
    )
    page.get_by_role("button", name="Tallenna ratkaisu").click()
    expect(page.get_by_role("table", name="Maksatushakemukset")).to_contain_text("Hyväksytty")
    assert_no_axe_violations(page)
    assert PaymentApplication.objects.get().approved_amount == 2000
