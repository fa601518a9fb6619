"""A recovery in a real browser: a programme manager notes the grounds that came to light on the application's
decision page, decides the recovery on them and opens its decision document; axe finds nothing on any page."""

import datetime
import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.reads_pdf
def test_a_manager_notes_grounds_decides_a_recovery_and_opens_its_decision(page: Page, site: str):
    from avustamo.core.dates import helsinki_today
    from avustamo.grants.models import Grant
    from avustamo.payments.models import RecoveryGrounds, ReturnClaim

    grant = Grant.objects.get(application__organisation__name__contains="Närpes", instalments__status="paid")
    today = helsinki_today()
    sign_in(page, site, "manager@example.org")
    decision_page = f"{site}/official/applications/{grant.application_id}/decision/"
    response = page.goto(decision_page)
    assert response is not None and response.status == 200
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)

    page.locator("#id_grounds-ground").select_option("21_other_purpose")
    page.locator("#id_grounds-learned_on").fill((today - datetime.timedelta(days=3)).isoformat())
    page.locator("#id_grounds-description").fill(
        "Tilintarkastuksessa havaittiin kuluja muuhun tarkoitukseen."
    )
    page.locator("form[aria-labelledby=note-grounds-heading] button").click()
    expect(page.get_by_role("main")).to_contain_text(
        "Tilintarkastuksessa havaittiin kuluja muuhun tarkoitukseen."
    )
    assert_no_axe_violations(page)

    grounds = RecoveryGrounds.objects.get(grant=grant)
    prefix = f"#id_grounds-{grounds.pk}"
    page.locator(f"{prefix}-amount").fill("1500")
    page.locator(f"{prefix}-due_date").fill((today + datetime.timedelta(days=30)).isoformat())
    page.locator(f"{prefix}-reasons").fill("Avustusta käytettiin olennaisesti muuhun tarkoitukseen.")
    claim_form = page.locator(f"form[aria-labelledby=grounds-claim-{grounds.pk}]")
    claim_form.get_by_label("Ratkaistaan kuulematta, koska").select_option("endangers_purpose")
    claim_form.get_by_label("Miksi peruste soveltuu").fill("Yhdistys on purkautumassa ja jakaa varansa.")
    page.locator(f"form[aria-labelledby=grounds-claim-{grounds.pk}] button").click()
    claim = ReturnClaim.objects.get(grant=grant)
    expect(page.locator(f"#return-{claim.pk}")).to_be_visible()
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.locator(f"a[href='/official/returns/{claim.pk}/decision.pdf']").click()
    assert download.value.suggested_filename.endswith("-sv.pdf")  # Närpes had its grant decision in Swedish
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(extracted.extract_text() for extracted in PdfReader(io.BytesIO(pdf.read())).pages)
    assert grant.application.register_number in text and "Anvisning om begäran om omprövning" in text
