"""A joint project in a real browser: Vantaa applies to Talent Hub with two co-implementers, and the grant goes from
the draft to the settlement. The co-implementers are added, refused and changed on their own page; the whole's and
each co-implementer's own funding rules name who falls short; the check page shows the joint budget. The presenter
sets each co-implementer's share on the decision, which the decision maker signs; the payment waits until an official
has recorded the written agreement with each co-implementer; a co-implementer's representative enters its own part of
the final report and the lead the other's; the finance officer sees each co-implementer's actual costs beside its
share and settles the grant. axe runs on every page on the way."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from avustamo.demo.documents import one_page_pdf
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in
from tests.documents import pdf_text

pytestmark = pytest.mark.browser
LEAD_EMAIL = "applicant-b@example.org"  # an administrator of Vantaa in the demo
PRESENTER_EMAIL = "presenter@example.org"
DECISION_MAKER = "Riitta Salminen"  # decider@example.org
FACTORY_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's

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
REPRESENTATIVE_EMAIL = CO_IMPLEMENTERS[0][5]  # the first co-implementer's contact person, invited to its part
# The share of the grant the decision passes on to each co-implementer: its part's costs less its own funding.
SHARES = ["56000", "35000"]
SHARES_SHOWN = ["56 000 €", "35 000 €"]
# The payments page's tables: the due payments ("1 maksettava maksu, yhteensä …") and those waiting for agreements.
DUE_PAYMENTS = re.compile(r"^\d+ maksettava")
WAITING_FOR_AGREEMENTS = re.compile("joista siirretään rahaa osatoteuttajille")


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
    # A municipality has the VAT in its costs refunded (the municipal VAT refund).
    page.check('[name="q-vat-recoverable"][value="yes"]')
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


def _sign_in_as_the_lead(page: Page, site: str) -> None:
    """Bertil prefers Swedish, so signing in takes him to the Swedish pages; the journey goes on on the Finnish
    ones, whose addresses have no language prefix."""
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", LEAD_EMAIL)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator("nav.main")).to_contain_text("Logga ut (Bertil)")


def _apply_jointly(page: Page, site: str, call):
    """Vantaa's lead applicant fills in the application, adds both co-implementers and sends it; the receipt."""
    _sign_in_as_the_lead(page, site)
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
    return sent


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    _checked(page)


def _downloaded_text(page: Page, link) -> str:
    """The text of the PDF a link downloads, as the person clicking it gets it."""
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        return pdf_text(pdf.read())


def _the_call_closes_and_gets_its_presenter(call) -> None:
    """What time and the programme manager do before the presenter's work: the call's closing passes (the clock
    helper the other journeys use) and the manager names the demo's presenter of the call (the service, as the demo
    does for the calls that have closed)."""
    from avustamo.accounts.models import User
    from avustamo.reviews import services as review_services
    from avustamo.reviews.models import CallAssignment
    from tests.factories import close_call

    close_call(call)
    review_services.call_assign(
        call=call,
        person=User.objects.get(email=PRESENTER_EMAIL),
        role=CallAssignment.Role.PRESENTER,
        acting_user=User.objects.get(email="manager@example.org"),
    )


def _decide_with_shares(page: Page, site: str, application) -> None:
    """The presenter screens, proposes and drafts a positive decision with each co-implementer's share; the decision
    maker signs it and the presenter publishes it."""
    base = f"{site}/official/applications/{application.pk}"
    sign_in(page, site, PRESENTER_EMAIL)
    _visit(page, f"{base}/screening/")
    page.locator("#id_result_0").check()
    page.locator("form button.primary").first.click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()

    _visit(page, f"{base}/decision/")
    page.locator("#id_proposal-amount").fill("315000")
    page.locator("form:has(#id_proposal-amount) button[type=submit]").click()
    page.locator("#id_decision-purpose").fill(
        "Talent Hub -toiminta Vantaalla yhdessä kahden osatoteuttajan kanssa."
    )
    page.locator("#id_decision-conditions").fill(
        "Avustusta saa siirtää vain päätöksessä nimetyille osatoteuttajille."
    )
    page.locator("#id_decision-reasons").fill(
        "Hanke vastaa haun tavoitteisiin; osatoteuttajat tuovat osaamista."
    )
    page.locator("form:has(#id_decision-reasons) button[type=submit]").click()
    # Each co-implementer's share of the grant: what its own part costs less its own funding.
    shares = page.get_by_role("form", name="Osatoteuttajille siirrettävät osuudet")
    expect(shares).to_be_visible()
    _checked(page)
    for (business_id, name, *_rest), share in zip(CO_IMPLEMENTERS, SHARES, strict=True):
        shares.get_by_label(f"{name} ({business_id})").fill(share)
    shares.get_by_role("button", name="Tallenna osuudet").click()
    shares = page.get_by_role("form", name="Osatoteuttajille siirrettävät osuudet")
    for (business_id, name, *_rest), share in zip(CO_IMPLEMENTERS, SHARES, strict=True):
        # Shown again as saved, in euros and cents ("56 000,00").
        expect(shares.get_by_label(f"{name} ({business_id})")).to_have_value(
            re.compile(rf"^{share[:-3]}\s{share[-3:]},00$")
        )
    _checked(page)
    page.locator("#id_decision_maker").select_option(label=DECISION_MAKER)
    page.locator("form:has(#id_decision_maker) button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(DECISION_MAKER)

    sign_in(page, site, "decider@example.org")
    _visit(page, f"{site}/official/decisions/for-signing/")
    page.get_by_role("link", name=application.register_number, exact=False).click()
    _checked(page)
    page.locator("form[action$='/sign/'] button").click()
    expect(page.locator("h1")).to_contain_text("Allekirjoitetaanko päätös")
    _checked(page)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator("form[action$='/sign/']")).to_have_count(0)

    sign_in(page, site, PRESENTER_EMAIL)
    page.goto(f"{site}/official/calls/{application.call_id}/applications/")
    page.locator("form[action$='/publish-decisions/'] button").click()
    expect(page.locator("h1")).to_have_text("Julkaistaanko 1 allekirjoitettu päätös?")
    _checked(page)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator("#publication-progress")).to_contain_text("1")
    _checked(page)


def _lead_reads_the_decision_and_accepts(page: Page, site: str, application) -> None:
    _sign_in_as_the_lead(page, site)
    _visit(page, f"{site}/applications/{application.pk}/decision/")
    # The decision names both co-implementers and the most each may be given.
    text = _downloaded_text(page, page.locator("a[href$='.pdf'][href*='/decision-']").first)
    for (business_id, name, *_rest), share in zip(CO_IMPLEMENTERS, SHARES_SHOWN, strict=True):
        assert f"{name} {business_id} {share}" in text, text
    page.get_by_label("Olen lukenut päätöksen ja sen ehdot ja hyväksyn ne organisaation puolesta.").check()
    page.get_by_role("button", name="Ota avustus vastaan ja hyväksy sen ehdot").click()
    expect(page.get_by_role("main")).to_contain_text("Ehdot hyväksyi")


def _agreements_then_payment(page: Page, site: str, application, invoice_circulation) -> None:
    """The payment waits until the agreement with each co-implementer is on file; then it joins a batch, which
    another finance officer approves, and it is paid."""
    from avustamo.core.dates import helsinki_today

    sign_in(page, site, "finance@example.org")
    _visit(page, f"{site}/official/payments/")
    waiting = page.get_by_role("table", name=WAITING_FOR_AGREEMENTS)
    row = waiting.get_by_role("row").filter(has_text=application.register_number)
    for _business_id, name, *_rest in CO_IMPLEMENTERS:
        expect(row).to_contain_text(name)
    expect(page.get_by_role("table", name=DUE_PAYMENTS)).not_to_contain_text(application.register_number)

    row.get_by_role("link", name=application.register_number).click()
    agreements = page.get_by_role("table", name="Osatoteuttajat, joille on myönnetty osuus")
    expect(agreements).to_contain_text("puuttuu")
    _checked(page)
    for business_id, name, *_rest in CO_IMPLEMENTERS:
        form = page.get_by_role("form", name=f"Tallenna sopimus osatoteuttajan {name} kanssa")
        form.get_by_label("Sopimuksen päivämäärä").fill(helsinki_today().isoformat())
        form.get_by_label("Allekirjoitettu sopimus").set_input_files(
            {
                "name": f"sopimus-{business_id}.pdf",
                "mimeType": "application/pdf",
                "buffer": one_page_pdf("Sopimus avustuksen siirtämisestä", ["Vantaan kaupunki", name]),
            }
        )
        form.get_by_role("button", name="Tallenna sopimus").click()
        expect(
            page.get_by_role("table", name="Osatoteuttajat, joille on myönnetty osuus").get_by_role(
                "row", name=name
            )
        ).to_contain_text(f"sopimus-{business_id}.pdf")
    expect(page.get_by_role("table", name="Osatoteuttajat, joille on myönnetty osuus")).not_to_contain_text(
        "puuttuu"
    )
    _checked(page)

    page.goto(f"{site}/official/payments/")
    expect(page.get_by_role("table", name=DUE_PAYMENTS)).to_contain_text(application.register_number)
    expect(page.get_by_role("table", name=WAITING_FOR_AGREEMENTS)).to_have_count(0)
    page.get_by_label("Maksava viranomainen").select_option(str(application.call.programme.agency_id))
    page.get_by_role("button", name="Valmistele maksatuserä").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maksatuserä")
    expect(page.get_by_role("main")).to_contain_text(application.register_number)
    _checked(page)
    batch_url = page.url

    sign_in(page, site, "finance-approver@example.org")
    page.goto(batch_url)
    page.get_by_role("button", name="Hyväksy maksatuserä").click()
    expect(page.locator("h1")).to_contain_text("Hyväksytäänkö maksatuserä")
    _checked(page)
    page.get_by_role("button", name="Hyväksy maksatuserä").click()
    # TEM pays through the State's invoice circulation (its stand-in here), which confirms each payment: the
    # grant's and the one the demo's settlement left to pay, both due to TEM.
    page.get_by_role("button", name="Lähetä laskujenkäsittelyyn").click()
    expect(page.get_by_role("main")).to_contain_text("Maksatuserä on lähetetty")
    _checked(page)
    invoice_circulation.wait_for_confirmations(2)
    page.get_by_role("link", name="Täsmäytys laskujenkäsittelyn kanssa").click()
    page.get_by_role("button", name="Nouda maksupalautteet nyt").click()
    expect(page.get_by_role("main")).to_contain_text("2 maksupalautetta noudettiin.")
    _visit(page, f"{site}/official/applications/{application.pk}/decision/")
    expect(page.get_by_role("table", name="Avustuksen maksuerät ja maksetut maksut")).to_contain_text(
        "Maksettu"
    )


def _a_representative_of_the_first_co_implementer():
    """The first co-implementer registered in the service with Sanna acting for it, as the factories set up an
    organisation's member with a verified right to act (the demo has no such association)."""
    from tests.factories import MembershipFactory, OrganisationFactory

    business_id, name, *_rest = CO_IMPLEMENTERS[0]
    return MembershipFactory(
        organisation=OrganisationFactory(business_id=business_id, name=name),
        person__email=REPRESENTATIVE_EMAIL,
        person__full_name="Sanna Verkostoija",
    ).person


def _invitation_path() -> str:
    """The path of the link emailed to the representative (the email names the service's configured address)."""
    message = next(message for message in reversed(mail.outbox) if message.to == [REPRESENTATIVE_EMAIL])
    return urlsplit(re.search(r"https?://\S+/co-implementer-invitations/\S+", message.body).group(0)).path


def _final_report(page: Page, site: str, application) -> None:
    """The lead opens the final report and invites the first co-implementer's representative, who enters that part
    only; the lead enters the second co-implementer's part and its own figures, and sends the report."""
    _a_representative_of_the_first_co_implementer()
    first, second = CO_IMPLEMENTERS[0][1], CO_IMPLEMENTERS[1][1]
    _sign_in_as_the_lead(page, site)
    page.goto(f"{site}/applications/{application.pk}/decision/")
    page.get_by_role("button", name="Kirjoita raportti (loppuraportti)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loppuraportti")
    joint = page.locator("section[aria-labelledby=co-implementers-heading]")
    expect(joint).to_contain_text(f"Osatoteuttajan {first} osuutta ei ole syötetty.")
    _checked(page)
    report_url = page.url
    page.get_by_role("button", name=f"Kutsu {first} syöttämään osuutensa").click()
    expect(page.locator("body")).to_contain_text(f"Kutsu lähetetty osoitteeseen {REPRESENTATIVE_EMAIL}")

    sign_in(page, site, REPRESENTATIVE_EMAIL, FACTORY_PASSWORD)
    page.goto(f"{site}{_invitation_path()}")
    _checked(page)
    page.get_by_role("button", name="Hyväksy kutsu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first)
    # Only the co-implementer's own part: nothing of the lead's answers or of the other co-implementer.
    expect(page.get_by_role("main")).not_to_contain_text(second)
    _checked(page)
    page.locator("#id_personnel").fill("80000")
    page.locator("#id_own_funding").fill("90000")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("#error-summary, .error-summary").first).to_contain_text(
        f"Osatoteuttajan {first} toteutunut omarahoitus"
    )
    _checked(page)
    page.locator("#id_own_funding").fill("24000")
    page.get_by_role("button", name="Tallenna").click()

    _sign_in_as_the_lead(page, site)
    page.goto(report_url)
    expect(page.get_by_role("main")).to_contain_text(f"{REPRESENTATIVE_EMAIL} hyväksyi kutsun")
    page.get_by_role("link", name=f"Syötä osatoteuttajan {second} osuus").click()
    _checked(page)
    page.locator("#id_personnel").fill("40000")
    page.locator("#id_own_funding").fill("12000")
    page.get_by_role("button", name="Tallenna").click()
    joint = page.locator("section[aria-labelledby=co-implementers-heading]")
    expect(joint.get_by_role("row", name=first)).to_contain_text("80 000 €")
    expect(joint.get_by_role("row", name=second)).to_contain_text("40 000 €")
    _checked(page)


def _lead_sends_the_report(page: Page, accounts) -> None:
    """The lead's own figures, its part of the whole (costs 310 000 €, own funding 93 000 €), and the sending."""
    page.get_by_label("Mitä hankkeessa tehtiin?").fill("Palveluohjausta 640 osaajalle ja puolisoverkosto.")
    page.get_by_label("Miten tavoitteet saavutettiin?").fill("Puolisoista 85 työllistyi tai aloitti opinnot.")
    page.locator('[name="q-vat-included"][value="no"]').check()
    page.locator('[name="q-actual-budget-personnel"]').fill("290000")
    page.locator('[name="q-actual-budget-rents"]').fill("20000")
    page.locator('[name="q-actual-budget-own_funding"]').fill("93000")
    page.get_by_label("Hankkeen kirjanpidon tuloslaskelma").set_input_files(str(accounts))
    page.get_by_role("button", name="Tallenna ja lähetä raportti").click()
    expect(page.get_by_role("table", name="Päätöksessä edellytetyt raportit")).to_contain_text(
        "lähetetty, odottaa tarkastusta", ignore_case=True
    )
    _checked(page)


def _settlement(page: Page, site: str, application) -> None:
    """The presenter approves the content; the finance officer sees each co-implementer's actual costs beside its
    share, accepts less than reported and settles the grant; the settlement decision lists each co-implementer."""
    from avustamo.reports.models import Report

    report = Report.objects.get(grant__application=application, kind="final")
    first, second = CO_IMPLEMENTERS[0][1], CO_IMPLEMENTERS[1][1]
    sign_in(page, site, PRESENTER_EMAIL)
    _visit(page, f"{site}/official/reports/")
    page.get_by_role("link", name=f"Loppuraportti: {application.register_number}").click()
    _checked(page)
    page.get_by_role("button", name="Hyväksy").click()
    expect(page.locator("body")).to_contain_text("Raportin sisältö on hyväksytty.")

    sign_in(page, site, "finance@example.org")
    _visit(page, f"{site}/official/reports/{report.pk}/")
    expect(page.get_by_role("heading", name="Vaihe 2: talouden tarkastus")).to_be_visible()
    by_implementer = page.locator("section[aria-labelledby=co-implementers-heading]")
    # Costs, own funding, its share of them, costs less own funding, the share in the decision, the difference.
    expect(by_implementer.get_by_role("row", name=first).get_by_role("cell")).to_have_text(
        ["80 000 €", "24 000 €", "30 %", "56 000 €", "56 000 €", "0 €"]
    )
    expect(by_implementer.get_by_role("row", name=second).get_by_role("cell")).to_have_text(
        ["40 000 €", "12 000 €", "30 %", "28 000 €", "35 000 €", "-7 000 €"]
    )
    expect(by_implementer.get_by_role("row", name="Yhteensä").get_by_role("cell")).to_have_text(
        ["430 000 €", "129 000 €", "30 %", "–", "–", "–"]
    )
    page.get_by_label("Hyväksytyt tukikelpoiset kustannukset (€)").fill("400000")
    page.get_by_label("Huomiot taloudesta (näytetään saajalle)").fill(
        "Rekrytointitapahtumien tarjoiluja, 30 000 €, ei hyväksytty."
    )
    # 70 % of 400 000 € is 280 000 €, less than the 315 000 € awarded: decided on a ground for not hearing.
    page.get_by_label("Ratkaistaan kuulematta, koska").select_option("unnecessary")
    page.get_by_label("Miksi peruste soveltuu").fill("Saaja ilmoitti itse tarjoilut hankkeen ulkopuolisiksi.")
    page.get_by_role("button", name="Hyväksy").click()
    expect(page.locator("body")).to_contain_text(
        "Raportti on hyväksytty ja avustuksen loppumaksulaskelma tehty."
    )
    _checked(page)
    text = _downloaded_text(page, page.get_by_role("link", name="Lataa päätös loppuselvityksestä (PDF)"))
    # Made in the language of the grant decision, here Swedish: each co-implementer with its eligible costs, own
    # funding, costs less own funding and its share in the grant decision; then what was earned and is returned.
    for (business_id, name, *_rest), figures in zip(
        CO_IMPLEMENTERS,
        ["80 000 € 24 000 € 56 000 € 56 000 €", "40 000 € 12 000 € 28 000 € 35 000 €"],
        strict=True,
    ):
        assert f"{name} ({business_id}) {figures}" in text, text
    assert "Intjänat: det mindre av de två 280 000 €" in text, text
    assert "Ska återbetalas (20 §) 35 000 €" in text, text


@pytest.mark.reads_pdf
def test_a_joint_application_with_two_co_implementers_from_draft_to_settlement(
    page: Page, site: str, tmp_path, invoice_circulation
):
    from avustamo.programmes.models import Call

    call = Call.objects.get(reference__startswith="TEM-TALENT-", co_implementers_allowed=True)
    application = _apply_jointly(page, site, call)
    _the_call_closes_and_gets_its_presenter(call)
    _decide_with_shares(page, site, application)
    _lead_reads_the_decision_and_accepts(page, site, application)
    _agreements_then_payment(page, site, application, invoice_circulation)
    _final_report(page, site, application)
    accounts = tmp_path / "tuloslaskelma.pdf"
    accounts.write_bytes(one_page_pdf("Tuloslaskelma", ["Talent Hub Vantaa 2"]))
    _lead_sends_the_report(page, accounts)
    _settlement(page, site, application)
