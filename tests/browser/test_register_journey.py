"""The public register in a real browser, in Finnish and in Swedish: search, a project, its organisation,
statistics with charts and the open data page, each without axe violations."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.page_checks import assert_no_axe_violations, assert_page_basics

pytestmark = pytest.mark.browser

PREFIX = {"fi": "", "sv": "/sv"}
SEARCH_BUTTON = {"fi": "Hae", "sv": "Sök"}


@pytest.mark.parametrize("language", list(PREFIX))
def test_a_reader_searches_the_register_and_follows_a_grant_to_its_organisation(
    page: Page, site: str, language: str
):
    from avustamo.register.models import PublishedGrant

    kotipiha = PublishedGrant.objects.get(recipient_name__contains="Kotipiha", source="decision")
    response = page.goto(f"{site}{PREFIX[language]}/register/")
    assert response is not None and response.status == 200
    assert_page_basics(page, language)
    assert_no_axe_violations(page)

    page.locator("#id_q").fill("kotipiha")
    page.get_by_role("button", name=SEARCH_BUTTON[language], exact=True).click()
    expect(page.locator("table.register tbody tr")).to_have_count(1)
    assert_no_axe_violations(page)

    page.locator("table.register tbody a[href*='/register/grants/']").click()
    expect(page).to_have_url(f"{site}{PREFIX[language]}/register/grants/{kotipiha.pk}/")
    assert_page_basics(page, language)
    expect(page.locator("dl.facts")).to_contain_text(kotipiha.recipient_business_id)
    assert_no_axe_violations(page)

    page.locator(f"dl.facts a[href*='/register/organisations/{kotipiha.recipient_business_id}/']").click()
    assert_page_basics(page, language)
    expect(page.locator("h1")).to_have_text(kotipiha.recipient_name)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", list(PREFIX))
def test_the_historic_register_pages_through_and_names_stay_as_published(
    page: Page, site: str, language: str
):
    page.goto(f"{site}{PREFIX[language]}/register/?year=2016&sort=recipient")
    assert_page_basics(page, language)
    rows = page.locator("table.register tbody tr")
    expect(rows.first).to_contain_text("Folkhälsan rf")
    page.locator("table.register tbody a[href*='/register/recipients/']").first.click()
    assert_page_basics(page, language)
    expect(page.locator("h1")).to_have_text("Folkhälsan rf")
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    "path", ["/register/statistics/", "/register/statistics/?year=2016", "/register/open-data/"]
)
@pytest.mark.parametrize("language", list(PREFIX))
def test_statistics_and_open_data_pages_are_accessible(page: Page, site: str, language: str, path: str):
    response = page.goto(f"{site}{PREFIX[language]}{path}")
    assert response is not None and response.status == 200
    assert_page_basics(page, language)
    assert_no_axe_violations(page)
    if "statistics" in path:
        charts = page.locator("svg.chart")
        assert charts.count() >= 4, "a chart for each of year, programme, agency and region, and the map"
        for index in range(charts.count()):
            assert charts.nth(index).get_attribute("role") == "img"
