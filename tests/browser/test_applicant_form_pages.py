"""The applicant's long form in a real browser: the task list, a file kept when the same save is refused for an
answer, and a slot of one file replaced after asking; axe runs on every page on the way."""

import re

import pytest
from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from avustamo.demo.documents import one_page_pdf
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics

pytestmark = pytest.mark.browser


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": one_page_pdf(name, ["Kotipiha ry"])}


def test_a_file_is_kept_when_an_answer_is_refused_and_replaced_after_asking(page: Page, site: str):
    from avustamo.programmes.models import Call

    call = Call.objects.filter(reference__startswith="TEM-KOTO-", published_at__isnull=False).order_by(
        "-opens_at"
    )[0]
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", "applicant-a@example.org")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.goto(f"{site}/calls/{call.pk}/")
    page.locator('form[action*="/applications/start/"] button[type=submit]').click()

    # The task list names every part of the form; nothing is started yet.
    tasks = page.locator("nav.task-list li")
    expect(tasks.first).to_contain_text("Ei aloitettu")
    assert tasks.count() >= 3

    # A wrong email address refuses the save; the file chosen beside it is attached all the same.
    page.fill('[name="q-contact-persons-0-email"]', "ei-osoite")
    slot = page.locator('input[type="file"][name^="attachment-"]').first
    slot_name = slot.get_attribute("name")
    slot.set_input_files(_pdf("saannot.pdf"))
    page.locator('button[value="save"]').click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.title().startswith("Virhe: ")
    field = page.locator(f"#id_{slot_name}_field")
    expect(field).to_contain_text("saannot.pdf")
    expect(page.locator("nav.task-list")).to_contain_text("Sisältää virheitä")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)

    # The slot takes one file: a new one replaces it, on a page that says which file goes. The button saves the
    # page first, so the address is put right before.
    page.fill('[name="q-contact-persons-0-email"]', "aino@kotipiha.example.org")
    field.get_by_role("button", name=re.compile("Korvaa saannot.pdf")).click()
    expect(page.locator("h1")).to_contain_text("Korvaa liitteen")
    expect(page.locator("main")).to_contain_text("saannot.pdf poistetaan hakemukselta")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    page.locator("#id_file").set_input_files(_pdf("saannot-2027.pdf"))
    page.locator("form[enctype] button.primary").click()
    expect(page.locator(f"#id_{slot_name}_field")).to_contain_text("saannot-2027.pdf")
    expect(page.locator(f"#id_{slot_name}_field")).not_to_contain_text("Liitetty: saannot.pdf")
    expect(page.get_by_role("status").filter(has_text="korvasi")).to_contain_text("saannot-2027.pdf")
