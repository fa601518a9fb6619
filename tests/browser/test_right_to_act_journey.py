"""The right to act for an organisation in a real browser: strong identification at the local identification
provider, the choice in the local e-Authorizations stand-in, verification by an official, and the refusals.

Both stand-ins run as processes of their own, registered with the live server's return addresses; the identification
stand-in reads the service's keys from the live server's JWKS, as Suomi.fi reads a deployment's. axe runs on each
of the service's pages on the way.
"""

import re
import socket
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from avustamo.demo.documents import one_page_pdf
from tests.authorizations_stand_in import (
    service_using_authorizations_stand_in,
    started_authorizations_stand_in,
)
from tests.browser.filling import fill_application
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in
from tests.identification_stand_in import (
    service_using_identification_stand_in,
    started_identification_stand_in,
)

pytestmark = pytest.mark.browser

KOTIPIHA = "1618033-3"
HELMI = "2645751-9"
# A valid Business ID of no organisation in the demo.
NEW_MUNICIPALITY = "2828427-9"
SAMIRA_CODE = "011265-938B"
NIKO_EMAIL = "niko.roolitonta@example.org"
MESSAGES = "ul.messages"
ERROR_SUMMARY = "#error-summary"


@pytest.fixture(scope="module")
def identification_provider(live_server):
    with started_identification_stand_in(
        redirect_uris=[f"{live_server.url}/auth/suomifi/return/"],
        jwks_uri=f"{live_server.url}/auth/suomifi/jwks.json",
    ) as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def authorizations_service(live_server):
    with started_authorizations_stand_in(
        redirect_uris=[f"{live_server.url}/auth/suomifi/authorizations/return/"]
    ) as stand_in:
        yield stand_in


@pytest.fixture
def suomifi(site, settings, identification_provider, authorizations_service):
    """The live server's service uses both stand-ins (the live server shares this process's settings)."""
    with (
        service_using_identification_stand_in(settings, identification_provider),
        service_using_authorizations_stand_in(settings, authorizations_service),
    ):
        yield SimpleNamespace(identification=identification_provider, authorizations=authorizations_service)


def _open_call(reference_prefix: str):
    from avustamo.programmes.models import Call

    return (
        Call.objects.filter(reference__startswith=reference_prefix, published_at__isnull=False)
        .order_by("-opens_at")
        .first()
    )


def _check_page(page: Page) -> None:
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)


def _identify_at_provider(page: Page, person: str) -> None:
    """On the identification stand-in's test page: the test person, at the level the service asked for."""
    expect(page.locator("h1")).to_have_text("Testitunnistaja")
    page.get_by_label(re.compile(person)).check()
    page.get_by_role("button", name="Tunnistaudu", exact=True).click()


def _identify(page: Page, person: str) -> None:
    page.locator("form.strong-identification button[type=submit]").click()
    _identify_at_provider(page, person)


def _go_to_selection(page: Page) -> None:
    page.get_by_role("button", name="Valitse Suomi.fi-valtuuksissa").click()
    expect(page.locator("h1")).to_have_text("Valitse, kenen puolesta asioit")


def _choose_organisation(page: Page, name: str) -> None:
    """On the e-Authorizations stand-in's selection page."""
    page.get_by_label(re.compile(re.escape(name))).check()
    page.get_by_role("button", name="Valitse", exact=True).click()


def _start_application(page: Page, site: str, call) -> int:
    page.goto(f"{site}/calls/{call.pk}/")
    page.locator('form[action*="/applications/start/"] button[type=submit]').click()
    expect(page.locator('[name="q-project-name"]')).to_be_visible()
    return int(re.search(r"/applications/(\d+)/", page.url).group(1))


def _submit(page: Page) -> None:
    """Save and check, then send from the check page."""
    page.locator('button[value="check"]').click()
    page.locator('form[action$="/check/"] button[type=submit]').click()


def _dead_address() -> str:
    """An address where nothing listens: a stopped identification provider, as the service sees it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_aino_identifies_chooses_kotipiha_in_e_authorizations_and_submits_under_her_roles(
    page: Page, site: str, suomifi
):
    from avustamo.accounts.models import User
    from avustamo.applications.models import Application
    from avustamo.core.models import AuditEntry
    from avustamo.organisations.models import AuthoritySource, Organisation

    aino = User.objects.get(email="applicant-a@example.org")
    kotipiha = Organisation.objects.get(business_id=KOTIPIHA)
    call = _open_call("TEM-KOTO-")
    sign_in(page, site, aino.email)

    page.goto(f"{site}/organisations/act-for/")
    _check_page(page)
    _identify(page, "Aino Rahastonhoitaja")
    expect(page.locator(MESSAGES)).to_contain_text("Olet tunnistautunut Suomi.fi-tunnistuksella.")
    expect(page.locator("h1")).to_have_text("Valitse organisaatio, jonka puolesta asioit")
    _check_page(page)

    _go_to_selection(page)
    _choose_organisation(page, kotipiha.name)
    expect(page.locator("h1")).to_have_text(kotipiha.name)
    expect(page.locator(MESSAGES)).to_contain_text(
        f"Suomi.fi-valtuudet: voit asioida organisaation {kotipiha.name} puolesta (PJ, NIMKO)."
    )
    _check_page(page)

    pk = _start_application(page, site, call)
    fill_application(page, call.period_earliest_start.year)
    _submit(page)
    expect(page.locator("h1")).to_have_text("Hakemuksesi on vastaanotettu")
    _check_page(page)

    application = Application.objects.select_related("authority_check").get(pk=pk)
    check = application.authority_check
    assert (check.source, check.allowed, check.basis) == (AuthoritySource.E_AUTHORIZATIONS, True, "PJ, NIMKO")
    assert (check.person, check.organisation) == (aino, kotipiha)
    assert check.answer["roles"]["roles"] == ["PJ", "NIMKO"]
    submitted = AuditEntry.objects.get(action="application.submitted", target_id=str(pk))
    assert submitted.actor == aino
    assert submitted.details["authority_check"] == check.pk
    assert submitted.details["authority_source"] == AuthoritySource.E_AUTHORIZATIONS
    assert submitted.details["authority_basis"] == "PJ, NIMKO"


def test_a_person_with_no_role_or_mandate_has_nothing_to_choose_and_cancels(page: Page, site: str, suomifi):
    from avustamo.accounts.models import User
    from avustamo.organisations.models import AuthorityCheck, Membership, Organisation

    organisations_before = Organisation.objects.count()
    _first_identification_of_niko(page, site)
    niko = User.objects.get(email=NIKO_EMAIL)

    page.goto(f"{site}/organisations/act-for/")
    _go_to_selection(page)
    expect(page.locator("main")).to_contain_text(
        "Sinulla ei ole rekisteröityä roolia eikä valtuutta yhdenkään organisaation puolesta asiointiin."
    )
    expect(page.locator('input[name="business_id"]')).to_have_count(0)
    page.get_by_role("button", name="Peruuta").click()

    expect(page.locator("h1")).to_have_text("Valitse organisaatio, jonka puolesta asioit")
    expect(page.locator(MESSAGES)).to_contain_text(
        "Peruutit sen organisaation valinnan, jonka puolesta asioit."
    )
    _check_page(page)
    assert Organisation.objects.count() == organisations_before
    assert not Membership.objects.filter(person=niko).exists()
    assert not AuthorityCheck.objects.filter(person=niko).exists()


def _first_identification_of_niko(page: Page, site: str) -> None:
    """Niko identifies from the sign-in page for the first time, creates his account there and confirms its
    address from the link sent to it, signed in all the while."""
    page.goto(f"{site}/accounts/login/")
    _check_page(page)
    _identify(page, "Niko Roolitonta")
    expect(page.locator("h1")).to_have_text("Luo käyttäjätili")
    expect(page.locator("p.lead")).to_contain_text("Niko Roolitonta")
    _check_page(page)
    page.fill("#id_email", NIKO_EMAIL)
    page.get_by_role("button", name="Luo käyttäjätili").click()
    expect(page.locator(MESSAGES)).to_contain_text(
        f"Tervetuloa! Käyttäjätilisi on luotu. Lähetimme linkin osoitteeseen {NIKO_EMAIL}"
    )

    page.goto(_link_sent_to(NIKO_EMAIL))
    expect(page.locator("h1")).to_have_text("Vahvista sähköpostiosoite")
    _check_page(page)
    page.get_by_role("button", name="Vahvista", exact=True).click()
    expect(page.locator("nav.main")).to_contain_text("Kirjaudu ulos")


def _link_sent_to(email: str) -> str:
    message = next(message for message in reversed(mail.outbox) if message.to == [email])
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_mandate_ended_after_the_choice_refuses_submitting_and_keeps_every_answer(
    page: Page, site: str, suomifi
):
    from avustamo.applications.models import Application, ApplicationStatus
    from avustamo.core.models import AuditEntry
    from avustamo.organisations.models import Organisation

    helmi = Organisation.objects.get(business_id=HELMI)
    call = _open_call("TEM-KOTO-")
    sign_in(page, site, "applicant-g@example.org")
    page.goto(f"{site}/organisations/{helmi.pk}/")
    _check_page(page)
    # From the organisation's page: identified once before (the demo says so), but not in this visit.
    page.get_by_role("button", name="Tarkista oikeuteni Suomi.fi-valtuuksista").click()
    _identify(page, "Samira Ahmed")
    _go_to_selection(page)
    _choose_organisation(page, helmi.name)
    expect(page.locator("h1")).to_have_text(helmi.name)
    expect(page.get_by_role("main")).to_contain_text(
        f"Suomi.fi-valtuudet: voit asioida organisaation {helmi.name} puolesta (valtuus asiaan valtionavustus)"
    )

    pk = _start_application(page, site, call)
    fill_application(
        page,
        call.period_earliest_start.year,
        contact_name="Samira Ahmed",
        contact_email="samira.ahmed@helmiverkosto.example.org",
    )
    ended = suomifi.authorizations.control(
        "end-mandate", national_identification_number=SAMIRA_CODE, business_id=HELMI, issue="valtionavustus"
    )
    assert ended.status_code == 200
    _submit(page)

    expect(page.locator(ERROR_SUMMARY)).to_contain_text(
        f"Suomi.fi-valtuuksien mukaan et voi asioida organisaation {helmi.name} puolesta tässä asiassa"
    )
    expect(page.locator(ERROR_SUMMARY)).to_contain_text("Kirjoittamasi on tallessa")
    _check_page(page)
    expect(page.locator("main")).to_contain_text("Perhekerhot Hervannassa")
    expect(page.locator("main")).to_contain_text("Samira Ahmed")
    application = Application.objects.get(pk=pk)
    assert application.status == ApplicationStatus.DRAFT
    assert application.answers["project-name"] == "Perhekerhot Hervannassa"
    assert application.answers["contact-persons"][0]["name"] == "Samira Ahmed"
    assert application.attachments.count() >= 1
    assert not AuditEntry.objects.filter(action="application.submitted", target_id=str(pk)).exists()


def test_a_slow_or_stopped_identification_provider_gives_a_clear_page_and_the_draft_is_kept(
    page: Page, site: str, suomifi, settings
):
    from avustamo.applications.models import Application, ApplicationStatus

    call = _open_call("TEM-KOTO-")
    sign_in(page, site, "applicant-a@example.org")
    pk = _start_application(page, site, call)
    fill_application(page, call.period_earliest_start.year)
    # Without a checked right the draft is saved and the person is sent to confirm the right first.
    _submit(page)
    expect(page.locator("h1")).to_have_text("Valitse organisaatio, jonka puolesta asioit")
    expect(page.locator(MESSAGES)).to_contain_text("Kirjoittamasi on tallessa")

    settings.SUOMIFI_OIDC_TIMEOUT_SECONDS = 1
    suomifi.identification.set_delay(3)
    page.locator("form.strong-identification button[type=submit]").click()
    with page.expect_response(re.compile(r"/auth/suomifi/return/")) as answer:
        _identify_at_provider(page, "Aino Rahastonhoitaja")
    assert answer.value.status == 502
    expect(page.locator("h1")).to_have_text("Tunnistautuminen ei onnistunut")
    expect(page.locator('[role="alert"]')).to_have_text(
        "Tunnistuspalvelu ei vastannut ajoissa. Yritä hetken kuluttua uudelleen."
    )
    expect(page.locator("main")).to_contain_text("Mitään palveluun kirjoittamaasi ei ole kadonnut.")
    _check_page(page)

    suomifi.identification.set_delay(0)
    settings.SUOMIFI_OIDC_ISSUER = _dead_address()
    cache.clear()
    with page.expect_response(re.compile(r"/auth/suomifi/start/")) as answer:
        page.locator("form.strong-identification button[type=submit]").click()
    assert answer.value.status == 502
    expect(page.locator('[role="alert"]')).to_have_text(
        "Tunnistuspalveluun ei juuri nyt saada yhteyttä. Yritä hetken kuluttua uudelleen."
    )
    _check_page(page)

    page.get_by_role("link", name="Takaisin palveluun").click()
    expect(page.locator("h1")).to_have_text("Valitse organisaatio, jonka puolesta asioit")
    page.goto(f"{site}/applications/{pk}/")
    expect(page.locator('[name="q-project-name"]')).to_have_value("Perhekerhot Hervannassa")
    application = Application.objects.get(pk=pk)
    assert application.status == ApplicationStatus.DRAFT
    assert application.answers["project-name"] == "Perhekerhot Hervannassa"


def test_a_municipality_is_verified_by_an_official_before_its_application_can_be_sent(
    page: Page, browser: Browser, site: str, suomifi
):
    from avustamo.applications.models import Application
    from avustamo.organisations.models import AuthoritySource, Organisation, VerificationStatus

    call = _open_call("TEM-NEUVO-")
    _first_identification_of_niko(page, site)

    page.locator("nav.main").get_by_role("link", name="Omat organisaatiot").click()
    expect(page.locator("h1")).to_have_text("Omat organisaatiot")
    _check_page(page)
    page.get_by_role("link", name="Rekisteröi organisaatio").click()
    _check_page(page)
    page.fill("#id_name", "Esimerkkilän kunta")
    page.fill("#id_business_id", NEW_MUNICIPALITY)
    page.select_option("#id_organisation_type", "municipality")
    page.select_option("#id_home_municipality", label="Espoo")
    page.fill("#id_street_address", "Kunnantalontie 1")
    page.fill("#id_postal_code", "02100")
    page.fill("#id_post_office", "Espoo")
    page.fill("#id_iban", "FI21 1234 5600 0007 85")
    page.fill("#id_email", "kirjaamo@esimerkkila.example.org")
    page.get_by_role("button", name="Rekisteröi").click()
    expect(page.locator("h1")).to_have_text("Esimerkkilän kunta")
    municipality = Organisation.objects.get(business_id=NEW_MUNICIPALITY)
    _check_page(page)

    page.fill("#id_explanation", "Kunnanhallituksen delegointipäätös 12.1., 7 §.")
    page.set_input_files(
        "#id_proof",
        {
            "name": "delegointipaatos.pdf",
            "mimeType": "application/pdf",
            "buffer": one_page_pdf("Delegointipäätös", ["Esimerkkilän kunta", "Niko Roolitonta"]),
        },
    )
    page.get_by_role("button", name="Lähetä vahvistettavaksi").click()
    expect(page.locator(MESSAGES)).to_contain_text("Kiitos. Virkailija vahvistaa oikeutesi")
    _check_page(page)

    pk = _start_application(page, site, call)
    # The guidance call pays at most 70 % of the costs.
    fill_application(
        page,
        call.period_earliest_start.year,
        contact_name="Niko Roolitonta",
        contact_email="niko@example.org",
        own_funding="15000",
    )
    _submit(page)
    expect(page.locator(ERROR_SUMMARY)).to_contain_text(
        "Virkailija ei ole vielä vahvistanut oikeuttasi asioida organisaation Esimerkkilän kunta puolesta."
    )
    _check_page(page)
    assert Application.objects.get(pk=pk).submitted_at is None

    official = browser.new_context(locale="fi-FI", timezone_id="Europe/Helsinki").new_page()
    try:
        sign_in(official, site, "manager@example.org")
        official.goto(f"{site}/official/organisations/verifications/")
        _check_page(official)
        official.get_by_role("button", name="Vahvista henkilön Niko Roolitonta oikeus").click()
        expect(official.locator(MESSAGES)).to_contain_text(
            "Henkilön Niko Roolitonta oikeus asioida organisaation Esimerkkilän kunta puolesta on vahvistettu."
        )
    finally:
        official.context.close()
    assert municipality.representation_verifications.get().status == VerificationStatus.VERIFIED

    page.goto(f"{site}/applications/{pk}/")
    _submit(page)
    expect(page.locator("h1")).to_have_text("Hakemuksesi on vastaanotettu")
    check = Application.objects.select_related("authority_check").get(pk=pk).authority_check
    assert (check.source, check.allowed) == (AuthoritySource.OFFICIAL_VERIFICATION, True)
