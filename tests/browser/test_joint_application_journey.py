"""A joint project in a real browser: Vantaa applies to Talent Hub with two co-implementers, from the draft to the
receipt. The co-implementers are added, refused and changed on their own page; the whole's and each
co-implementer's own funding rules name who falls short; the check page shows the joint budget. axe runs on every
page on the way. (The lead extends this journey to the decision, the agreements and the settlement.)"""

import pytest
from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from avustamo.demo.documents import one_page_pdf
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics

pytestmark = pytest.mark.browser

# The lead's own part: costs 320 000 €, own funding 96 000 € (30 %).
LEAD_BUDGET = {"q-budget-personnel": "300000", "q-budget-rents": "20000", "q-budget-own_funding": "96000"}
# Valid check digits; fictional organisations.
CO_IMPLEMENTERS = [
    (
        "1732051-0",
        "Vantaan Osaajaverkosto ry",
        "80000",
        "24000",
        "Sanna Verkostoija",
        "sanna@verkosto.example.org",
    ),
    (
        "2718282-8",
        "Kehäradan Kielikoulu Oy",
        "50000",
        "15000",
        "Kalle Kielinen",
        "kalle@kielikoulu.example.org",
    ),
]


def _checked(page: Page) -> None:
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)


def _fill_lead_part(page: Page, funding_year: int) -> None:
    page.fill('[name="q-contact-persons-0-name"]', "Ville Projektipäällikkö")
    page.fill('[name="q-contact-persons-0-email"]', "ville@vantaa.example.org")
    page.fill('[name="q-project-name"]', "Talent Hub Vantaa 2")
    page.fill(
        '[name="q-project-summary"]',
        "Kansainvälisten osaajien vastaanotto yhdessä kahden osatoteuttajan kanssa.",
    )
    page.fill('[name="q-objectives"]', "Osaajat ja perheet asettuvat Vantaalle.")
    page.fill('[name="q-target-groups"]', "Kansainväliset osaajat ja heidän perheensä.")
    page.fill('[name="q-activities"]', "Palveluohjaus ja puolisoverkosto.")
    page.check('[name="q-regions"][value="01"]')
    page.fill('[name="q-period-start"]', f"{funding_year}-01-01")
    page.fill('[name="q-period-end"]', f"{funding_year}-12-31")
    for name, value in LEAD_BUDGET.items():
        page.fill(f'[name="{name}"]', value)
    for checkbox in page.locator('[name="q-declarations"]').all():
        checkbox.check()
    for file_input in page.locator('input[type="file"][name^="attachment-"]').all():
        file_input.set_input_files(
            {
                "name": "paatos.pdf",
                "mimeType": "application/pdf",
                "buffer": one_page_pdf("Päätös", ["Vantaa"]),
            }
        )


def _fill_co_implementer(page: Page, business_id, name, personnel, own, contact, email) -> None:
    page.fill("#id_business_id", business_id)
    page.fill("#id_name", name)
    page.fill("#id_cost_personnel", personnel)
    page.fill("#id_own_funding", own)
    page.fill("#id_contact_name", contact)
    page.fill("#id_contact_email", email)
    page.fill("#id_contact_phone", "+358 40 555 0303")


def test_a_joint_application_with_two_co_implementers_from_draft_to_receipt(page: Page, site: str):
    from avustamo.programmes.models import Call

    call = Call.objects.get(reference__startswith="TEM-TALENT-", co_implementers_allowed=True)
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", "applicant-b@example.org")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.goto(f"{site}/calls/{call.pk}/")
    # The call says that co-implementers are allowed, each with its own funding of at least 30 %.
    expect(page.locator("dl.facts")).to_contain_text("osatoteuttajia")
    _checked(page)
    page.locator('form[action*="/applications/start/"] button[type=submit]').click()
    expect(page.locator('[name="q-project-name"]')).to_be_visible()
    # A joint call's form has the co-implementers' part, empty for now.
    expect(page.locator("#co-implementers-heading")).to_be_visible()
    expect(page.locator("section.co-implementers")).to_contain_text("Ei osatoteuttajia")
    _checked(page)

    _fill_lead_part(page, call.period_earliest_start.year)
    page.locator('button[value="save"]').click()
    expect(page.get_by_role("status").filter(has_text="Tallennettu")).to_be_visible()

    # The first co-implementer: an empty form is refused field by field, then saved.
    page.get_by_role("link", name="Lisää osatoteuttaja").click()
    expect(page.locator("h1")).to_have_text("Lisää osatoteuttaja")
    _checked(page)
    page.locator("form button.primary").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text("Y-tunnus")
    _checked(page)
    _fill_co_implementer(page, *CO_IMPLEMENTERS[0])
    page.locator("form button.primary").click()
    expect(page.locator("section.co-implementers")).to_contain_text(CO_IMPLEMENTERS[0][1])

    # The second one with too little own funding of its own: 5 000 of 50 000 is 10 %.
    page.get_by_role("link", name="Lisää osatoteuttaja").click()
    second = list(CO_IMPLEMENTERS[1])
    second[3] = "5000"
    _fill_co_implementer(page, *second)
    page.locator("form button.primary").click()
    joint = page.locator("section.co-implementers")
    expect(joint).to_contain_text(CO_IMPLEMENTERS[1][1])
    # The breakdown: the lead's part, each co-implementer's and the whole (costs 450 000 €).
    expect(joint.locator("table.joint-budget tfoot")).to_contain_text("450\u00a0000\u00a0€")
    _checked(page)

    # Going on to the check names the co-implementer that falls short, and the whole, whose own funding is short
    # with it.
    page.locator('button[value="check"]').click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(
        f"Osatoteuttajan {CO_IMPLEMENTERS[1][1]} omarahoituksen on oltava vähintään 30 %"
    )
    expect(summary).to_contain_text("Koko hanke osatoteuttajineen")
    _checked(page)

    # Changed on its page: the form starts from what was saved.
    page.get_by_role("link", name=f"Muuta {CO_IMPLEMENTERS[1][1]}").click()
    expect(page.locator("#id_business_id")).to_have_value(CO_IMPLEMENTERS[1][0])
    _checked(page)
    page.fill("#id_own_funding", CO_IMPLEMENTERS[1][3])
    page.locator("form button.primary").click()

    # The check page shows both co-implementers and the joint budget; sending gives the receipt.
    page.locator('button[value="check"]').click()
    expect(page.locator("h1")).to_have_text("Tarkista vastauksesi ennen lähettämistä")
    joint = page.locator("section.co-implementers")
    for business_id, name, *_rest in CO_IMPLEMENTERS:
        expect(joint).to_contain_text(name)
        expect(joint).to_contain_text(business_id)
    expect(joint.locator("tfoot")).to_contain_text("315\u00a0000\u00a0€")  # the grant applied for: 70 %
    _checked(page)
    page.locator('form[action$="/check/"] button[type=submit]').click()
    expect(page.locator("h1")).to_have_text("Hakemuksesi on vastaanotettu")
    _checked(page)

    from avustamo.applications.models import Application

    sent = Application.objects.filter(call=call, project_name="Talent Hub Vantaa 2").get()
    assert sent.requested_amount == 315000
    assert [row["name"] for row in sent.submitted_versions.get().co_implementers] == [
        CO_IMPLEMENTERS[0][1],
        CO_IMPLEMENTERS[1][1],
    ]
