"""A hearing in a real browser: the presenter sends the recipient a hearing request on a proposed recovery, a
member replies with an attachment, the presenter reads the reply and decides the return claim; deciding before
the reply was refused. axe finds nothing on any page."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
REPLY = "Remontti oli välttämätön, jotta ryhmät voivat kokoontua esteettömissä tiloissa."


def _decide_return(page: Page, today: datetime.date) -> None:
    form = page.locator("form[aria-labelledby=new-return-heading]")
    form.locator("#id_ground").select_option("21_other_purpose")
    form.locator("#id_amount").fill("1000")
    form.locator("#id_due_date").fill((today + datetime.timedelta(days=30)).isoformat())
    form.locator("#id_learned_on").fill(today.isoformat())
    form.locator("#id_reasons").fill("Avustusta käytettiin toimitilan remonttiin, joka ei kuulu hankkeeseen.")
    form.get_by_role("button", name="Päätä palautuksesta").click()


def test_the_presenter_hears_the_recipient_and_then_decides_a_return(page: Page, site: str, tmp_path):
    from avustamo.core.dates import helsinki_today
    from avustamo.hearings.models import Hearing, HearingStatus
    from avustamo.payments.models import ReturnClaim
    from tests.factories import CallAssignmentFactory, GrantFactory

    today = helsinki_today()
    grant = GrantFactory.paid(paid_on=today - datetime.timedelta(days=60), amount="10000.00")
    presenter = CallAssignmentFactory.presenter_of(grant)
    member = grant.application.submitted_by
    decision_tab = f"{site}/official/applications/{grant.application_id}/decision/"

    sign_in(page, site, presenter.email, PASSWORD)
    page.goto(decision_tab)
    assert_no_axe_violations(page)
    _decide_return(page, today)  # not heard yet: refused, and the form says why
    expect(page.locator(".error-summary")).to_contain_text("Avustuksen saajaa ei ole kuultu")
    assert_no_axe_violations(page)
    assert not ReturnClaim.objects.filter(grant=grant).exists()

    page.goto(decision_tab)
    page.get_by_role("link", name="Lähetä kuulemispyyntö").click()
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    page.get_by_label("Ehdotettu päätös koskee").select_option("return")
    page.get_by_label("Mitä ehdotetaan").fill(
        "Avustuksesta esitetään perittäväksi takaisin 1 000 euroa korkoineen."
    )
    page.get_by_label("Tosiseikat ja perusteet").fill("Tarkastuksessa todettiin 1 000 euron remonttikulut.")
    page.get_by_label("Vastattava viimeistään").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Lähetä kuulemispyyntö").click()
    expect(page.locator(".error-summary")).to_contain_text("vähintään 14 päivää")
    assert_no_axe_violations(page)
    page.get_by_label("Vastattava viimeistään").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Lähetä kuulemispyyntö").click()
    expect(page.get_by_role("main")).to_contain_text("Kuulemispyyntö on lähetetty")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    hearing = Hearing.objects.get(grant=grant)

    page.goto(decision_tab)  # the reply date has not passed and no reply has come: still refused
    _decide_return(page, today)
    expect(page.locator(".error-summary")).to_contain_text("voi vastata")
    assert not ReturnClaim.objects.filter(grant=grant).exists()

    sign_in(page, site, member.email, PASSWORD)
    page.goto(f"{site}/applications/{grant.application_id}/decision/")
    page.get_by_role("link", name="Avustuksen palauttaminen tai takaisinperintä").click()
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Lähetä vastine").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    statement = tmp_path / "lausunto.pdf"
    statement.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Vastineenne").fill(REPLY)
    page.get_by_label("Liitteet").set_input_files(str(statement))
    page.get_by_role("button", name="Lähetä vastine").click()
    expect(page.get_by_role("main")).to_contain_text("Vastineenne on lähetetty")
    assert_no_axe_violations(page)
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.REPLIED

    sign_in(page, site, presenter.email, PASSWORD)
    page.goto(f"{site}/official/hearings/?state=replied")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=grant.application.register_number).click()
    expect(page.get_by_role("main")).to_contain_text(REPLY)
    expect(page.get_by_role("link", name="lausunto.pdf")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(decision_tab)
    expect(page.get_by_role("main")).to_contain_text("vastine annettu: voidaan ratkaista")
    _decide_return(page, today)
    claim = ReturnClaim.objects.get(grant=grant)
    expect(page.locator(f"#return-{claim.pk}")).to_be_visible()
    assert_no_axe_violations(page)
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.DECIDED
