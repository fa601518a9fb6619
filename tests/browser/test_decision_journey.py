"""Two officials take a closed call from screening to published decisions in a real browser; axe on every page.

The presenter screens, proposes, drafts and sends the decision for signing; the decision maker signs; the presenter
publishes, and the applicant reads the decision and downloads its PDF. A manager's and a reviewer's pages are
checked on the way.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"


@pytest.fixture
def closed_call(transactional_db):
    from avustamo.reviews import services as review_services
    from tests.factories import (
        ApplicationFactory,
        CallAssignmentFactory,
        CallDeclarationFactory,
        CallFactory,
        CallFormFactory,
        EvaluationCriterionFactory,
        MembershipFactory,
        UserFactory,
        close_call,
    )

    people = {
        "manager": UserFactory(email="manager@ministry.example.org", roles=["programme_manager"]),
        "presenter": UserFactory(
            email="presenter@ministry.example.org", roles=["presenter"], full_name="Pekka Esittelijä"
        ),
        "decider": UserFactory(
            email="decider@ministry.example.org", roles=["decision_maker"], full_name="Raili Ratkaisija"
        ),
        "reviewer": UserFactory(email="reviewer@ministry.example.org", roles=["reviewer"]),
    }
    call = CallFactory(appropriation=Decimal("100000.00"), min_reviewers=1)
    CallDeclarationFactory(call=call)
    EvaluationCriterionFactory(call=call, name_fi="Vaikuttavuus")
    CallFormFactory(call=call)
    membership = MembershipFactory(person__email="treasurer@association.example.org")
    applicant = membership.person
    application = ApplicationFactory.submitted(call, applicant=applicant)
    close_call(call)
    application.refresh_from_db()
    CallAssignmentFactory(call=call, person=people["presenter"], assigned_by=people["manager"])
    review_services.reviewers_assign(
        application=application, reviewers=[people["reviewer"]], acting_user=people["manager"]
    )
    return {"call": call, "application": application, "people": people, "applicant": applicant}


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)


def test_from_closed_call_to_published_decision(page: Page, live_server, closed_call):
    site = live_server.url
    call, application = closed_call["call"], closed_call["application"]
    base = f"{site}/official/applications/{application.pk}"

    sign_in(page, site, "manager@ministry.example.org", PASSWORD)
    for path in (f"/official/calls/{call.pk}/team/", f"/official/applications/{application.pk}/reviewers/"):
        _visit(page, f"{site}{path}")

    sign_in(page, site, "reviewer@ministry.example.org", PASSWORD)
    _visit(page, f"{site}/official/reviews/")
    _visit(page, f"{base}/review/")
    page.locator("input[name=conflicted][value=no]").check()
    page.locator("form button[type=submit].primary").click()
    expect(page.locator("input[type=radio][value='4']").first).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("input[type=radio][value='4']").first.check()
    page.locator("textarea").first.fill("Selkeä ja vaikuttava hanke.")
    page.locator("button[name=step][value=draft]").click()
    expect(page.locator("textarea").first).to_have_value("Selkeä ja vaikuttava hanke.")
    expect(page.locator("input[type=radio][value='4']").first).to_be_checked()
    page.locator("button[name=step][value=score]").click()
    expect(page.locator("h1")).to_have_text("Lähetetäänkö arviosi?")
    assert_no_axe_violations(page)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator("body")).to_contain_text("Selkeä ja vaikuttava hanke.")
    assert_no_axe_violations(page)

    sign_in(page, site, "presenter@ministry.example.org", PASSWORD)
    _visit(page, f"{site}/official/")
    _visit(page, f"{site}/official/calls/{call.pk}/applications/")
    _visit(page, f"{base}/")
    _visit(page, f"{base}/screening/")
    page.locator("#id_result_0").check()
    page.locator("form button.primary").first.click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()

    _visit(page, f"{base}/decision/")
    page.locator("#id_proposal-amount").fill("50000")
    page.locator("form:has(#id_proposal-amount) button[type=submit]").click()
    page.locator("#id_decision-purpose").fill("Perheiden kotoutumisen tuki vuonna 2027.")
    page.locator("#id_decision-max_share_percent").fill("80")
    page.locator("#id_decision-conditions").fill("Avustusta ei saa siirtää toiselle.")
    page.locator("#id_decision-reasons").fill("Hanke vastaa haun tavoitteisiin ja sai hyvät arviot.")
    page.locator("form:has(#id_decision-reasons) button[type=submit]").click()
    assert_no_axe_violations(page)
    page.locator("#id_decision_maker").select_option(label="Raili Ratkaisija")
    page.locator("form:has(#id_decision_maker) button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Raili Ratkaisija")
    _visit(page, f"{base}/history/")

    sign_in(page, site, "decider@ministry.example.org", PASSWORD)
    _visit(page, f"{site}/official/decisions/for-signing/")
    page.get_by_role("link", name=application.register_number, exact=False).click()
    assert_no_axe_violations(page)
    page.locator("form[action$='/sign/'] button").click()
    expect(page.locator("h1")).to_contain_text("Allekirjoitetaanko päätös")
    assert_no_axe_violations(page)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator("form[action$='/sign/']")).to_have_count(0)
    assert_no_axe_violations(page)

    sign_in(page, site, "presenter@ministry.example.org", PASSWORD)
    _visit(page, f"{site}/official/calls/{call.pk}/applications/")
    page.locator("form[action$='/publish-decisions/'] button").click()
    expect(page.locator("h1")).to_have_text("Julkaistaanko 1 allekirjoitettu päätös?")
    assert_no_axe_violations(page)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator("#publication-progress")).to_contain_text("1")
    assert_no_axe_violations(page)

    from avustamo.decisions.models import Decision

    decision = Decision.objects.get(application=application)
    assert decision.status == "published" and decision.document

    sign_in(page, site, "treasurer@association.example.org", PASSWORD)
    _visit(page, f"{site}/applications/{application.pk}/decision/")
    with page.expect_download() as download:
        page.locator(f"a[href$='/decision-{decision.language}.pdf']").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The treasurer accepts the grant's terms: the page says that nothing is paid before, then who accepted.
    acceptance = page.get_by_role("heading", name="Avustuksen vastaanottaminen")
    expect(acceptance).to_be_visible()
    page.get_by_role("button", name="Ota avustus vastaan ja hyväksy sen ehdot").click()
    expect(page.locator(".error-summary")).to_contain_text("Tämä kenttä vaaditaan")
    assert_no_axe_violations(page)
    page.get_by_label("Olen lukenut päätöksen ja sen ehdot ja hyväksyn ne organisaation puolesta.").check()
    page.get_by_role("button", name="Ota avustus vastaan ja hyväksy sen ehdot").click()
    expect(page.get_by_role("main")).to_contain_text("Ehdot hyväksyi")
    assert_no_axe_violations(page)
    from avustamo.grants.models import GrantStatus

    decision.grant.refresh_from_db()
    assert decision.grant.status == GrantStatus.ACCEPTED
