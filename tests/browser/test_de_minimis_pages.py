"""De minimis in a real browser: the presenter sees the applicant's de minimis aid over the three years on the
decision page, a proposal a cent over the ceiling is refused with the figures and nothing saved, and one at the
ceiling is saved; axe finds nothing on the page."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def test_a_proposal_over_the_de_minimis_ceiling_is_refused_and_one_at_it_is_saved(page: Page, site: str):
    import datetime
    from decimal import Decimal

    from avustamo.core.dates import helsinki_today
    from avustamo.decisions.models import FundingProposal
    from avustamo.programmes.application_form.schema import parse_definition
    from avustamo.programmes.application_form.standard import standard_definition
    from avustamo.programmes.models import StateAidBasis
    from tests.factories import (
        ApplicationFactory,
        CallAssignmentFactory,
        CallFactory,
        CallFormFactory,
        ScreeningFactory,
        close_call,
    )

    call = CallFactory(state_aid_basis=StateAidBasis.DE_MINIMIS, max_grant=Decimal("100000.00"))
    CallFormFactory(call=call, definition=parse_definition(standard_definition(de_minimis=True)).to_json())
    granted_on = (helsinki_today() - datetime.timedelta(days=200)).isoformat()
    application = ApplicationFactory.submitted(
        call,
        requested="60000.00",
        answers={
            "de-minimis-aid": [
                {"granting-authority": "Business Finland", "granted-on": granted_on, "amount": "250000.00"}
            ]
        },
    )
    close_call(call)
    presenter = CallAssignmentFactory(call=call).person
    ScreeningFactory(application=application, screened_by=presenter)

    sign_in(page, site, presenter.email, PASSWORD)
    page.goto(f"{site}/official/applications/{application.pk}/decision/")
    expect(page.get_by_role("region", name="De minimis -tuki")).to_contain_text("250 000 €")
    expect(page.get_by_role("region", name="De minimis -tuki")).to_contain_text("enintään 50 000 €")
    assert_no_axe_violations(page)

    amount = page.locator('[name="proposal-amount"]')
    amount.fill("50000,01")
    page.get_by_role("button", name="Tallenna ehdotus").click()
    expect(page.locator(".error-summary")).to_contain_text("300 000,01 €")
    assert_no_axe_violations(page)
    assert not FundingProposal.objects.filter(application=application).exists()

    page.locator('[name="proposal-amount"]').fill("50000")
    page.get_by_role("button", name="Tallenna ehdotus").click()
    expect(page.locator("body")).to_contain_text("Ehdotus on tallennettu.")
    assert FundingProposal.objects.get(application=application).amount == Decimal("50000.00")
