"""The form builder in a real browser (issue 18 §2): an official adds a yes/no question and a question shown only
when it is "yes", in Finnish, Swedish and English, previews the form in the three languages and publishes it as a
new version; then an applicant applies on that version. axe finds nothing on any page on the way."""

import pytest
from playwright.sync_api import Browser, Page, expect

from avustamo.demo.content import DEMO_PASSWORD
from tests.browser.filling import fill_application
from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics
from tests.browser.signing import sign_in

pytestmark = pytest.mark.browser

TRIGGER = {"fi": "Onko hankkeella kansainvälinen kumppani?", "sv": "Har projektet en internationell partner?"}
FOLLOW_UP = {"fi": "Mikä kumppani on?", "sv": "Vilken är partnern?", "en": "Which partner is it?"}


def _the_call():
    from avustamo.programmes.models import Call

    # The call the applicant journeys apply to.
    return (
        Call.objects.filter(reference__startswith="TEM-KOTO-", published_at__isnull=False)
        .order_by("-opens_at")
        .first()
    )


def _change(page: Page, button, *, version_after: int | None = None) -> None:
    """Press a button that changes the draft and wait until the builder shows the draft it made (the version on
    the page rises by one, or becomes `version_after`), with HTMX swapping it in or without, a new page."""
    version = page.locator('input[name="version"]').first
    before = int(version.get_attribute("value"))
    button.click()
    expect(version).to_have_value(str(before + 1 if version_after is None else version_after))


def _open_settings(page: Page):
    settings = page.locator("form.builder-settings")
    expect(settings).to_have_count(1)
    return settings, settings.locator('input[name="element"]').get_attribute("value")


def _told(page: Page, text: str) -> None:
    expect(page.locator(".message.success").filter(has_text=text).first).to_be_visible()


def _save_settings(page: Page, settings) -> None:
    _change(page, settings.locator('button[value="settings"]'))
    _told(page, "Asetukset on tallennettu")


def _translated(settings, name: str, texts: dict) -> None:
    for language in ("fi", "sv", "en"):
        settings.locator(f'[name="{name}-{language}"]').fill(texts.get(language, ""))


def _add_question(page: Page, section_id: str, kind_label: str):
    page.locator(f"#add-kind-{section_id}").select_option(label=kind_label)
    _change(page, page.locator(f"#add-to-{section_id}"))
    _told(page, "Lisätty")
    return _open_settings(page)


def apply_with_the_conditional_question(
    page: Page, site: str, call, trigger_id: str, follow_up_id: str
) -> None:
    """The applicant's side: the follow-up question says when it is asked, is required once the answer is "yes",
    and the application is checked and sent with it answered."""
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", "applicant-a@example.org")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.goto(f"{site}/calls/{call.pk}/")
    page.locator('form[action*="/applications/start/"] button[type=submit]').click()
    follow_up = page.locator(f"#id_q-{follow_up_id}_field")
    expect(follow_up).to_contain_text(FOLLOW_UP["fi"])
    expect(follow_up).to_contain_text(f"Vastaa vain, jos vastasit ”kyllä” kysymykseen ”{TRIGGER['fi']}”")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)

    fill_application(page, call.period_earliest_start.year)
    page.check(f'[name="q-{trigger_id}"][value="yes"]')
    page.locator('button[value="check"]').click()
    expect(page.locator(f'#error-summary a[href="#id_q-{follow_up_id}_field"]')).to_be_visible()
    assert_no_axe_violations(page)

    fill_application(page, call.period_earliest_start.year)
    page.check(f'[name="q-{trigger_id}"][value="yes"]')
    page.fill(f'[name="q-{follow_up_id}"]', "Helsinki-Tallinna-verkosto")
    page.locator('button[value="check"]').click()
    expect(page.locator("main")).to_contain_text("Helsinki-Tallinna-verkosto")
    expect(page.locator(f'a[href$="#id_q-{follow_up_id}_field"]')).to_be_visible()
    assert_no_axe_violations(page)
    page.locator('form[action$="/check/"] button[type=submit]').click()
    expect(page.locator("h1")).to_have_text("Hakemuksesi on vastaanotettu")
    assert_no_axe_violations(page)


def test_an_official_builds_a_conditional_question_and_an_applicant_answers_it(page: Page, site: str):
    from avustamo.applications.models import Application
    from avustamo.programmes.selectors import current_form

    call = _the_call()
    version_before = current_form(call=call).version
    sign_in(page, site, "official@example.org")
    page.goto(f"{site}/official/calls/{call.pk}/")
    page.get_by_role("link", name="Hakulomake").click()
    expect(page.locator("h1")).to_contain_text("Hakulomake")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)

    _change(page, page.locator("#add-section"))
    settings, section_id = _open_settings(page)
    _translated(settings, "title", {"fi": "Kumppanit", "sv": "Partner", "en": "Partners"})
    _save_settings(page, settings)

    settings, trigger_id = _add_question(page, section_id, "Kyllä tai ei")
    # The keyboard goes on from the new question, whose settings are open.
    expect(page.locator(f"#part-{trigger_id}")).to_be_focused()
    _translated(settings, "label", {"fi": TRIGGER["fi"], "sv": TRIGGER["sv"]})
    settings.locator('[name="required"]').check()
    _save_settings(page, settings)
    # The English label is missing, and said so in words.
    expect(page.locator(f"#part-{trigger_id} table .missing")).to_have_text("puuttuu")
    assert_no_axe_violations(page)

    settings, follow_up_id = _add_question(page, section_id, "Lyhyt teksti")
    _translated(settings, "label", FOLLOW_UP)
    settings.locator('[name="required"]').check()
    settings.locator('[name="show_if"]').select_option(f"{trigger_id}=yes")
    assert_no_axe_violations(page)
    _save_settings(page, settings)

    page.get_by_role("link", name=f"Muokkaa kohtaa ”{TRIGGER['fi']}”").click()
    settings = page.locator(f"#part-{trigger_id} form.builder-settings")
    expect(settings).to_be_visible()
    settings.locator('[name="label-en"]').fill("Does the project have an international partner?")
    _save_settings(page, settings)
    expect(page.locator(f"#part-{trigger_id} .missing")).to_have_count(0)

    preview = page.locator("#builder-preview-form")
    for language, name, condition in (
        ("sv", "Esikatselu: Ruotsi", f"Svara bara om du svarade ”ja” på frågan ”{TRIGGER['sv']}”"),
        ("en", "Esikatselu: Englanti", "Answer only if you answered “yes” to “Does the project have an"),
        ("fi", "Esikatselu: Suomi", f"Vastaa vain, jos vastasit ”kyllä” kysymykseen ”{TRIGGER['fi']}”"),
    ):
        page.get_by_role("link", name=name).click()
        expect(preview).to_have_attribute("lang", language)
        expect(preview).to_contain_text(FOLLOW_UP[language])
        expect(preview).to_contain_text(condition)
        assert_no_axe_violations(page)

    _change(page, page.locator("#publish"), version_after=0)
    _told(page, f"Lomake on julkaistu versiona {version_before + 1}.")
    assert_no_axe_violations(page)
    assert current_form(call=call).version == version_before + 1

    apply_with_the_conditional_question(page, site, call, trigger_id, follow_up_id)
    sent = Application.objects.filter(call=call, form__version=version_before + 1).get()
    assert sent.answers[trigger_id] == "yes" and sent.answers[follow_up_id] == "Helsinki-Tallinna-verkosto"


def test_the_builder_works_without_javascript(browser: Browser, site: str):
    call = _the_call()
    context = browser.new_context(java_script_enabled=False, locale="fi-FI")
    try:
        page = context.new_page()
        sign_in(page, site, "official@example.org")
        page.goto(f"{site}/official/calls/{call.pk}/form/builder/")
        _change(page, page.locator("#add-section"))
        assert "edit=section-" in page.url and "#part-section-" in page.url
        _settings, section_id = _open_settings(page)
        _settings, first = _add_question(page, section_id, "Kyllä tai ei")
        _settings, second = _add_question(page, section_id, "Päivämäärä")
        _change(page, page.locator(f"#move-up-{second}"))
        _told(page, "Luonnosta on muutettu")
        assert page.url.endswith(f"#part-{second}")
        items = page.locator(f"#part-{section_id} .builder-items > li > .builder-part")
        expect(items.first).to_have_attribute("id", f"part-{second}")
        page.get_by_role("link", name="Esikatselu: Ruotsi").click()
        expect(page.locator("#builder-preview-form")).to_have_attribute("lang", "sv")
        _change(page, page.locator(f"#remove-{first}"))
        expect(page.locator(f"#part-{first}")).to_have_count(0)
        _change(page, page.locator("#discard"), version_after=0)
        _told(page, "Luonnos on hylätty")
        assert_page_basics(page, "fi")
    finally:
        context.close()


@pytest.mark.parametrize(
    "kind_label", ["Yksi vaihtoehto", "Liite", "Rahamäärä", "Kysymysryhmä", "Teksti hakijalle"]
)
def test_each_kinds_settings_in_the_report_form_builder_are_accessible(
    page: Page, site: str, kind_label: str
):
    """The settings form is generated from each kind's fields: the options editor, the file types, the bounds, a
    group's rows and a text for the applicant each pass axe, in the final report form's builder."""
    call = _the_call()
    sign_in(page, site, "official@example.org")
    page.goto(f"{site}/official/calls/{call.pk}/report-forms/final/builder/")
    assert_page_basics(page, "fi")
    assert_no_axe_violations(page)
    settings, _question = _add_question(page, "results-section", kind_label)
    expect(settings.locator("fieldset").first).to_be_visible()
    assert_no_axe_violations(page)
