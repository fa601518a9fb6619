"""The finance officers' payments in a real browser: a due payment gathered into a batch by one officer, approved by
another, sent to the State's invoice circulation (its stand-in, a real SFTP server) and its confirmations fetched
and reconciled; a batch paid earlier by credit transfer keeps its file; axe finds nothing on any page."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)


def test_two_finance_officers_pay_a_due_grant(page: Page, site: str, invoice_circulation):
    from avustamo.grants import services as grant_services
    from avustamo.grants.models import Grant, GrantStatus
    from avustamo.payments.models import PaymentBatch

    grant = Grant.objects.get(
        status=GrantStatus.AWAITING_ACCEPTANCE, application__submitted_by__email="applicant-a@example.org"
    )
    grant_services.grant_accept(grant=grant, acting_user=grant.application.submitted_by)
    settled = Grant.objects.get(reports__kind="final", reports__status="approved")
    paid_batch = PaymentBatch.objects.get(
        instalments__grant__application__organisation__name__contains="Närpes"
    )

    sign_in(page, site, "finance@example.org")
    _visit(page, f"{site}/official/")
    page.get_by_role("link", name="Maksatukset ja maksatuserät").click()
    assert_no_axe_violations(page)
    # Kotipiha's first instalment, and what the settlement of a final report left to pay in the demo.
    due = page.get_by_role("table", name="2 maksettavaa maksua")
    expect(due).to_contain_text(grant.application.register_number)
    expect(due).to_contain_text(settled.application.register_number)
    _visit(page, f"{site}/official/payments/batches/{paid_batch.pk}/")
    page.goto(f"{site}/official/payments/")
    page.get_by_label("Maksava viranomainen").select_option(str(paid_batch.agency_id))
    page.get_by_role("button", name="Valmistele maksatuserä").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maksatuserä")
    assert_no_axe_violations(page)
    # The one who prepared the batch is offered no approval, only told who approves it.
    expect(page.get_by_role("button", name="Hyväksy maksatuserä")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("sen valmistelija ei voi hyväksyä sitä")
    batch_url = page.url

    sign_in(page, site, "finance-approver@example.org")
    page.goto(batch_url)
    page.get_by_role("button", name="Hyväksy maksatuserä").click()
    # Approving cannot be undone: a page says what it does, and asks.
    expect(page.locator("h1")).to_contain_text("Hyväksytäänkö maksatuserä")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Hyväksy maksatuserä").click()
    # TEM pays through the State's invoice circulation: the approved batch goes there, and the stand-in answers.
    page.get_by_role("button", name="Lähetä laskujenkäsittelyyn").click()
    expect(page.get_by_role("main")).to_contain_text("Maksatuserä on lähetetty")
    assert_no_axe_violations(page)
    invoice_circulation.wait_for_confirmations(2)
    page.get_by_role("link", name="Täsmäytys laskujenkäsittelyn kanssa").click()
    page.get_by_role("button", name="Nouda maksupalautteet nyt").click()
    expect(page.get_by_role("main")).to_contain_text("2 maksupalautetta noudettiin.")
    assert_no_axe_violations(page)
    expect(page.get_by_role("table").first).to_contain_text("kyllä")
    # A batch paid by credit transfer before TEM moved to the invoice circulation keeps its file.
    page.goto(f"{site}/official/payments/batches/{paid_batch.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa pankin maksuaineisto (ISO 20022 XML)").click()
    assert download.value.suggested_filename.endswith(".xml")

    # The application's decision page shows the grant and its payments to officials.
    _visit(page, f"{site}/official/applications/{grant.application_id}/decision/")
    expect(page.get_by_role("heading", name="Avustus", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Avustuksen maksuerät ja maksetut maksut")).to_contain_text(
        "Maksettu"
    )
