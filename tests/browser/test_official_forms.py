"""The officials' forms in a real browser, in the applicant's design: every field has a visible label, its hint and
its error are read with it, an error puts a summary at the top whose links lead to the fields, and each page fits
a 375 px phone without sideways scrolling. axe finds nothing on any of them."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser

# Each field of a form in <main>: what it is labelled with on the screen, and what its description refers to.
FIELDS_OF_THE_FORMS = """() => [...document.querySelectorAll(
    'main form input:not([type=hidden]), main form select, main form textarea')].map(field => {
  const shown = element => !!element && element.getBoundingClientRect().width > 0 && element.textContent.trim() !== '';
  const group = field.closest('fieldset');
  const described = field.getAttribute('aria-describedby') || (group && group.getAttribute('aria-describedby')) || '';
  return {
    name: field.name,
    labelShown: shown(field.labels[0]),
    // A radio button's label names its choice; the question is its group's legend.
    questionShown: field.type !== 'radio' || (!!group && !!group.querySelector('legend')),
    missingDescriptions: described.split(' ').filter(id => id && !document.getElementById(id)),
  };
})"""
HINTS_NOT_REFERENCED = """() => [...document.querySelectorAll('main form .form-field .helptext[id]')]
  .filter(hint => !document.querySelector(`[aria-describedby~="${hint.id}"]`)).map(hint => hint.id)"""
SIDEWAYS_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _official_form_pages():
    """(official, path) of each officials' form in the demo: screening and completion request, proposal, decision
    draft, conflict of interest and scores, report review, preparing a payment batch, interest, returns and
    recoveries."""
    from avustamo.applications.models import Application
    from avustamo.decisions.models import Decision
    from avustamo.payments.models import RecoveryGrounds
    from avustamo.reports.models import Report
    from avustamo.reviews.models import ReviewAssignment

    handled = Application.objects.filter(call__reference__endswith="-NUORET")
    unscreened = handled.filter(screening__isnull=True, status="submitted").first()
    proposed = handled.filter(proposal__isnull=False, decisions__isnull=True).first()
    drafted = Decision.objects.get(status="draft", application__in=handled).application
    declaring = ReviewAssignment.objects.get(conflict="undeclared")
    scoring = ReviewAssignment.objects.filter(conflict="none", submitted_at=None).first()
    report = Report.objects.get(status="submitted")
    recovery = RecoveryGrounds.objects.get().grant.application
    return [
        ("manager@example.org", f"/official/applications/{unscreened.pk}/screening/"),
        ("manager@example.org", f"/official/applications/{recovery.pk}/decision/"),
        ("presenter@example.org", f"/official/applications/{proposed.pk}/decision/"),
        ("presenter@example.org", f"/official/applications/{drafted.pk}/decision/"),
        ("presenter@example.org", f"/official/reports/{report.pk}/"),
        (declaring.reviewer.email, f"/official/applications/{declaring.application_id}/review/"),
        (scoring.reviewer.email, f"/official/applications/{scoring.application_id}/review/"),
        ("finance@example.org", "/official/payments/"),
        ("finance@example.org", "/official/interest/"),
    ]


def test_every_field_of_the_officials_forms_is_labelled_and_fits_a_phone(page: Page, site: str):
    signed_in = None
    for official, path in _official_form_pages():
        if official != signed_in:
            sign_in(page, site, official)
            signed_in = official
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(f"{site}{path}")
        assert response is not None and response.status == 200, path
        assert_page_basics(page, "fi")
        fields = page.evaluate(FIELDS_OF_THE_FORMS)
        assert fields, f"{path}: no form"
        assert [field["name"] for field in fields if not field["labelShown"]] == [], path
        assert [field["name"] for field in fields if not field["questionShown"]] == [], path
        assert [field for field in fields if field["missingDescriptions"]] == [], path
        assert page.evaluate(HINTS_NOT_REFERENCED) == [], path
        assert_no_axe_violations(page)
        page.set_viewport_size({"width": 375, "height": 812})
        assert page.evaluate(SIDEWAYS_OVERFLOW) <= 0, f"{path} is wider than a 375 px screen"


def test_an_error_is_summarised_at_the_top_with_a_link_to_its_field(page: Page, site: str):
    from avustamo.applications.models import Application

    unscreened = Application.objects.filter(
        call__reference__endswith="-NUORET", screening__isnull=True, status="submitted"
    ).first()
    sign_in(page, site, "manager@example.org")
    page.goto(f"{site}/official/applications/{unscreened.pk}/screening/")
    page.get_by_role("button", name="Lähetä pyyntö hakijalle").click()

    expect(page).to_have_title(re.compile(r"^Virhe: "))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Korjaa seuraavat kohdat")
    # The summary comes before the fields it names, and its link moves to the field.
    assert summary.evaluate(
        "summary => !!(summary.compareDocumentPosition(document.getElementById('id_message'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    summary.get_by_role("link", name="Mitä puuttuu: Tämä kenttä vaaditaan.").click()
    message = page.get_by_label("Mitä puuttuu")
    expect(message).to_be_focused()
    # The field's own error is read with it, after its hint; both stand above the input.
    expect(message).to_have_attribute("aria-describedby", "id_message_helptext id_message_error")
    expect(message).to_have_attribute("aria-invalid", "true")
    assert page.locator("#id_message_error").evaluate(
        "error => !!(error.compareDocumentPosition(document.getElementById('id_message'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert_no_axe_violations(page)


def test_a_refused_recovery_form_comes_back_with_its_fields(page: Page, site: str):
    from avustamo.payments.models import RecoveryGrounds

    application = RecoveryGrounds.objects.get().grant.application
    sign_in(page, site, "manager@example.org")
    page.goto(f"{site}/official/applications/{application.pk}/decision/")
    noting = page.get_by_role("form", name="Kirjaa ilmi tulleet perusteet")
    noting.get_by_label("Mitä on tullut ilmi").fill("Tilintarkastaja huomautti kuiteista.")
    noting.get_by_role("button", name="Kirjaa perusteet").click()

    assert_page_basics(page, "fi")
    summary = page.locator("#error-summary")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Peruste tullut tietoon")).to_be_focused()
    expect(page.get_by_label("Mitä on tullut ilmi")).to_have_value("Tilintarkastaja huomautti kuiteista.")
    assert_no_axe_violations(page)
