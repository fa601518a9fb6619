"""The officials' pages in a real browser: an official signs in and walks through a call, its editing, copying
and its application form editor, whose preview refreshes as the JSON changes. axe finds nothing on any page."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser


def test_official_works_on_a_call_and_its_form(page: Page, site: str):
    from avustamo.programmes.models import Call, CallStatus

    call = (
        Call.objects.with_status(CallStatus.OPEN)
        .filter(reference__startswith="TEM-KOTO-", copied_from=None)
        .distinct()
        .get()
    )
    sign_in(page, site, "official@example.org")

    for path in (
        "/official/",
        "/official/calls/",
        f"/official/calls/{call.pk}/",
        f"/official/calls/{call.pk}/edit/",
        f"/official/calls/{call.pk}/copy/",
        "/official/organisations/",
    ):
        response = page.goto(f"{site}{path}")
        assert response is not None and response.status == 200, path
        assert_page_basics(page, "fi")
        assert_no_axe_violations(page)

    page.goto(f"{site}/official/calls/{call.pk}/form/")
    assert_page_basics(page, "fi")
    preview = page.locator("#form-preview")
    expect(preview).to_contain_text("Toteutetaanko hanke yhdessä muiden järjestöjen kanssa?")
    expect(preview).to_contain_text("Vastaa vain, jos vastasit ”kyllä” kysymykseen")
    assert_no_axe_violations(page)

    # The live preview follows the JSON as it is typed, and says what stops the form from being saved.
    page.locator("#id_definition").fill('{"schema": "avustamo.form/1", "sections": []}')
    expect(preview).to_contain_text("Lomaketta ei voi vielä tallentaa")
    assert_no_axe_violations(page)
