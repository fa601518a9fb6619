"""The register's statistics page: every figure on it, in charts and tables, equals the register's own sums."""

import datetime
import re
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from avustamo.core.money import format_euros
from avustamo.core.templatetags.avustamo import number
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.programmes.models import Agency, Programme
from avustamo.programmes.reference import NGO_PROGRAMME
from avustamo.reference.models import Municipality, Region
from avustamo.register import charts, selectors
from avustamo.register.forms import GrantSearchForm
from avustamo.register.models import GrantOutcome, PublishedGrant
from avustamo.register.services import register_decision
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    OrganisationFactory,
    ProgrammeFactory,
    PublishedGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/register/statistics/"
SVG = "{http://www.w3.org/2000/svg}"
SECTIONS = ("year", "programme", "agency", "region")


def plain(text: str) -> str:
    """Text with every run of white space, no-break spaces included, as one space."""
    return " ".join(text.split())


class PageTables(HTMLParser):
    """The tables of a page by caption: each row's cells as text, the header row left out."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._title = ""
        self._caption: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._rows is not None and not self._in_head:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None and not self._in_head:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._title, self._caption = plain("".join(self._caption)), None
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(plain("".join(self._cell)))
            self._cell = None
        elif tag == "table":
            self.tables[self._title] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def table_figures(rows: list[list[str]]) -> dict[str, tuple[str, str]]:
    return {label: (grants, amount) for label, grants, amount in rows}


def svgs(html: str) -> dict[str, ElementTree.Element]:
    """Every chart of the page by id, parsed as XML: a chart that is not well-formed fails here."""
    return {
        element.get("id"): element
        for element in (
            ElementTree.fromstring(markup) for markup in re.findall(r"<svg .*?</svg>", html, re.S)
        )
        if element.get("class") == "chart"
    }


def sums(*, group: str, **conditions) -> dict:
    """Decisions and euros per group, summed straight from the register's rows."""
    rows = (
        PublishedGrant.objects.filter(**conditions)
        .values(group)
        .annotate(grants=Count("id"), amount=Sum("amount_awarded"))
        .order_by()
    )
    return {row[group]: (row["grants"], row["amount"]) for row in rows}


def shown(grants: int, amount: Decimal) -> tuple[str, str]:
    return plain(number(grants)), plain(format_euros(amount))


def expected_tables(
    language: str = "fi", outcome: str = GrantOutcome.AWARDED, **conditions
) -> dict[str, dict[str, tuple[str, str]]]:
    """What each table of the page must say, computed from PublishedGrant in the page's language."""
    if outcome != "all":
        conditions["outcome"] = outcome
    with translation.override(language):
        name = f"name_{language}"
        total = PublishedGrant.objects.filter(**conditions).aggregate(
            grants=Count("id"), amount=Sum("amount_awarded")
        )
        total_row = {_("Total"): shown(total["grants"], total["amount"])}
        by_region = sums(group="region", **conditions)
        regions = {
            region.name: shown(*by_region.get(region.code, (0, Decimal(0))))
            for region in Region.objects.order_by("code")
        }
        if None in by_region:
            regions[_("Region not published")] = shown(*by_region[None])
        return {
            _("Decisions and euros awarded by funding year"): {
                str(year): shown(*figures)
                for year, figures in sums(group="funding_year", **conditions).items()
            }
            | total_row,
            _("Decisions and euros awarded by programme"): {
                label: shown(*figures)
                for label, figures in sums(group=f"programme__{name}", **conditions).items()
            }
            | total_row,
            _("Decisions and euros awarded by agency"): {
                label: shown(*figures)
                for label, figures in sums(group=f"agency__{name}", **conditions).items()
            }
            | total_row,
            _("Decisions and euros awarded by region of the recipient"): regions | total_row,
        }


def page_tables(html: str) -> dict[str, dict[str, tuple[str, str]]]:
    return {caption: table_figures(rows) for caption, rows in PageTables(html).tables.items()}


def decided(*, outcome: str, amount: str, municipality: Municipality, programme: Programme, year: int):
    """A decision signed and published in this service, entered into the register as publishing does."""
    application = ApplicationFactory(
        call=CallFactory(programme=programme, closed=True),
        organisation=OrganisationFactory(home_municipality=municipality),
        project_name="Kielikahvila",
    )
    decision = Decision.objects.create(
        application=application,
        status=DecisionStatus.PUBLISHED,
        outcome=outcome,
        amount=Decimal(amount),
        period_start=datetime.date(year, 1, 1) if Decimal(amount) else None,
        period_end=datetime.date(year, 12, 31) if Decimal(amount) else None,
        presenter=UserFactory(roles=["presenter"]),
        decision_maker=UserFactory(roles=["decision_maker"]),
        signed_at=timezone.now(),
        decision_date=datetime.date(year, 2, 1),
        published_at=timezone.now(),
    )
    return register_decision(decision=decision)


@pytest.fixture
def register(reference_data):
    """Two agencies and programmes, three years, three regions, grants without a published region, refusals."""
    integration = Programme.objects.get(code=NGO_PROGRAMME)
    sports = ProgrammeFactory(
        agency=Agency.objects.get(code="OKM"),
        code="okm-liikunta",
        name_fi="Liikunnan järjestöavustus",
        name_sv="Organisationsstöd för idrott",
        name_en="Grant to sports organisations",
    )
    helsinki, rovaniemi, tampere = (Municipality.objects.get(code=code) for code in ("091", "698", "837"))
    calls = {programme: CallFactory(programme=programme, closed=True) for programme in (integration, sports)}
    for programme, year, amount, municipality in [
        (integration, 2019, "12345.67", helsinki),
        (integration, 2019, "40000.00", rovaniemi),
        (integration, 2020, "25000.50", helsinki),
        (integration, 2020, "8000.00", None),
        (integration, 2021, "150000.00", helsinki),
        (sports, 2020, "5000.25", rovaniemi),
        (sports, 2021, "75000.00", None),
    ]:
        PublishedGrantFactory(
            call=calls[programme],
            funding_year=year,
            amount_awarded=Decimal(amount),
            municipality=municipality,
        )
    for programme, year, outcome, municipality in [
        (integration, 2020, GrantOutcome.REJECTED, helsinki),
        (sports, 2021, GrantOutcome.NOT_EXAMINED, None),
    ]:
        PublishedGrantFactory(
            call=calls[programme],
            funding_year=year,
            outcome=outcome,
            amount_awarded=0,
            municipality=municipality,
        )
    decided(
        outcome=Outcome.APPROVED, amount="33333.33", municipality=tampere, programme=integration, year=2021
    )
    decided(outcome=Outcome.REJECTED, amount="0", municipality=tampere, programme=integration, year=2021)


def test_every_figure_on_the_page_equals_the_registers_own_sums(client, register):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert page_tables(html) == expected_tables()
    awarded = PublishedGrant.objects.filter(outcome=GrantOutcome.AWARDED)
    total = awarded.aggregate(amount=Sum("amount_awarded"))["amount"]
    assert total == Decimal("348679.75")
    summary = plain(re.search(r'<p class="statistics-total">(.*?)</p>', html, re.S).group(1))
    in_all = ngettext(
        "%(number)s decision, %(amount)s in all.", "%(number)s decisions, %(amount)s in all.", 8
    )
    assert plain(in_all % {"number": number(awarded.count()), "amount": format_euros(total)}) in summary


@pytest.mark.parametrize("dimension", ["year", "agency", "programme", "region"])
@pytest.mark.parametrize("outcome", [GrantOutcome.AWARDED, GrantOutcome.REJECTED, "all"])
def test_the_selectors_totals_equal_sums_of_the_register(register, dimension, outcome):
    column = {
        "year": "funding_year",
        "agency": "agency__code",
        "programme": "programme__code",
        "region": "region_id",
    }
    conditions = {} if outcome == "all" else {"outcome": outcome}
    filters = selectors.TotalsFilters(outcome=outcome)

    totals = {
        row[column[dimension]]: (row["grants"], row["amount"])
        for row in selectors.totals_by(dimension, filters)
    }

    assert totals == sums(group=column[dimension], **conditions)
    direct = PublishedGrant.objects.filter(**conditions).aggregate(
        grants=Count("id"), amount=Sum("amount_awarded")
    )
    assert selectors.grand_total(filters) == direct


def test_grants_published_by_a_decision_in_this_service_are_counted_at_once(client, register):
    before = page_tables(client.get(URL).content.decode())
    grant = decided(
        outcome=Outcome.APPROVED,
        amount="1000.01",
        municipality=Municipality.objects.get(code="179"),
        programme=Programme.objects.get(code=NGO_PROGRAMME),
        year=2021,
    )

    after = page_tables(client.get(URL).content.decode())

    assert grant.region_id == "13"
    regions = after[_("Decisions and euros awarded by region of the recipient")]
    assert before[_("Decisions and euros awarded by region of the recipient")]["Keski-Suomi"] == ("0", "0 €")
    assert regions["Keski-Suomi"] == ("1", plain(format_euros(Decimal("1000.01"))))
    assert after == expected_tables()


@pytest.mark.parametrize(
    ("query", "conditions"),
    [
        ({"year": "2020"}, {"funding_year": 2020}),
        ({"agency": "OKM"}, {"agency__code": "OKM"}),
        ({"programme": NGO_PROGRAMME}, {"programme__code": NGO_PROGRAMME}),
        ({"region": "19"}, {"region_id": "19"}),
        (
            {"year": "2021", "agency": "TEM", "region": "06"},
            {"funding_year": 2021, "agency__code": "TEM", "region_id": "06"},
        ),
    ],
)
def test_filters_narrow_every_figure(client, register, query, conditions):
    html = client.get(URL, query).content.decode()

    assert page_tables(html) == expected_tables(**conditions)


@pytest.mark.parametrize("outcome", [GrantOutcome.REJECTED, GrantOutcome.NOT_EXAMINED, "all"])
def test_negative_decisions_are_counted_only_when_asked_for(client, register, outcome):
    default = page_tables(client.get(URL).content.decode())
    asked = page_tables(client.get(URL, {"outcome": outcome}).content.decode())

    assert default == expected_tables()
    total = _("Total")
    assert default[_("Decisions and euros awarded by funding year")][total] == ("8", plain("348 679,75 €"))
    assert asked == expected_tables(outcome=outcome)
    assert asked != default


def test_with_no_euros_to_show_the_charts_count_decisions(client, register):
    html = client.get(URL, {"outcome": GrantOutcome.REJECTED}).content.decode()
    charts_by_id = svgs(html)

    title = charts_by_id["chart-year"].find(f"{SVG}title").text
    assert title == _("Decisions by funding year")
    texts = [text.text for text in charts_by_id["chart-year"].iter(f"{SVG}text")]
    assert texts == ["2020", "1", "2021", "1"]
    assert charts_by_id["region-map"].find(f"{SVG}title").text == _("Map of decisions by region")


def test_each_chart_is_a_titled_image_followed_by_the_table_of_its_figures(client, register):
    html = client.get(URL).content.decode()
    charts_by_id = svgs(html)
    tables = page_tables(html)

    assert set(charts_by_id) == {f"chart-{key}" for key in SECTIONS} | {"region-map"}
    for chart_id, chart in charts_by_id.items():
        assert chart.get("role") == "img"
        title, description = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert chart.get("aria-labelledby") == f"{title.get('id')} {description.get('id')}"
        assert title.text and description.text
        assert (
            chart_id == "region-map" or _("The figures are in the table after the chart.") in description.text
        )
    for key, caption in zip(SECTIONS, expected_tables(), strict=True):
        chart_at = html.index(f'id="chart-{key}"')
        following_table = html.index("<table", chart_at)
        assert html.index("</svg>", chart_at) < following_table
        assert plain(html[following_table : html.index("</caption>", following_table)]).endswith(caption)
        texts = [text.text for text in charts_by_id[f"chart-{key}"].iter(f"{SVG}text")]
        bars = list(zip(texts[::2], (plain(figure) for figure in texts[1::2]), strict=True))
        rows = tables[caption].items()
        assert bars == [
            (label, amount) for label, (grants, amount) in rows if grants != "0" and label != _("Total")
        ]


def test_the_tables_are_marked_up_for_reading(client, register):
    html = client.get(URL).content.decode()

    assert html.count("<table") == 4
    assert html.count("<caption>") == 4
    assert html.count('<th scope="col" class="number">') == 8
    cells = re.findall(r"<td[^>]*>", html)
    assert cells and all(cell == '<td class="number">' for cell in cells)
    assert html.count('<th scope="row">') == sum(len(rows) for rows in PageTables(html).tables.values())


def test_the_map_shades_each_region_by_its_euros_and_hatches_regions_without(client, register):
    html = client.get(URL).content.decode()
    region_map = svgs(html)["region-map"]
    paths = {path.get("id").removeprefix("region-map-"): path for path in region_map.iter(f"{SVG}path")}
    by_region = sums(group="region", outcome=GrantOutcome.AWARDED)
    largest = max(amount for code, (_grants, amount) in by_region.items() if code)

    assert set(paths) == set(Region.objects.values_list("code", flat=True))
    assert len(paths) == 19
    shading = charts.shading(largest, charts.AMOUNT)
    for code, path in paths.items():
        region = Region.objects.get(code=code)
        if code in by_region:
            amount = by_region[code][1]
            assert path.get("fill") == shading.fill(amount)
            assert path.find(f"{SVG}title").text == f"{region.name}: {format_euros(amount)}"
        else:
            assert path.get("fill") == "url(#region-map-none)"
            assert path.find(f"{SVG}title").text == _("%(region)s: no decisions") % {"region": region.name}
    assert paths["01"].get("fill") == charts.SHADES[-1]
    assert paths["19"].get("fill") != paths["01"].get("fill")
    legend_items = [
        plain(item) for item in re.findall(r"<li><svg class=\"swatch\".*?</svg>(.*?)</li>", html, re.S)
    ]
    assert legend_items == [plain(shade.label) for shade in shading.legend] + [_("no decisions")]
    not_on_map = ngettext(
        "%(number)s decision whose recipient's region was not published is not on the map.",
        "%(number)s decisions whose recipient's region was not published are not on the map.",
        2,
    )
    assert not_on_map % {"number": 2} in plain(html)
    assert "Natural Earth" in html
    assert "public domain" in html


@pytest.mark.parametrize(
    ("largest", "measure", "step", "classes"),
    [
        (Decimal("187346.17"), charts.AMOUNT, 50_000, 4),
        (Decimal("24000.00"), charts.AMOUNT, 5_000, 5),
        (Decimal("0.01"), charts.AMOUNT, 1, 1),
        (Decimal("9"), charts.GRANTS, 2, 5),
        (Decimal("7"), charts.GRANTS, 2, 4),
        (Decimal("1"), charts.GRANTS, 1, 1),
    ],
)
def test_map_classes_are_round_and_the_largest_is_darkest(largest, measure, step, classes):
    shading = charts.shading(largest, measure)

    assert shading.step == step
    assert len(shading.legend) == classes
    assert shading.fill(largest) == charts.SHADES[-1]
    assert shading.fill(Decimal(0)) == shading.legend[0].fill
    assert shading.legend[0].label == _("at most %(high)s") % {"high": charts.figure(Decimal(step), measure)}
    assert shading.legend[-1].label.endswith(charts.figure(Decimal(step * classes), measure))


def test_the_map_is_drawn_from_real_boundaries_of_all_nineteen_regions():
    outlines = charts.region_outlines()

    assert sorted(outlines["regions"]) == [f"{code:02d}" for code in (*range(1, 3), *range(4, 20), 21)]
    for path in outlines["regions"].values():
        assert re.fullmatch(r"(M\d+,\d+L\d+,\d+( \d+,\d+)+Z)+", path)
        assert path.count(",") > 50
    assert charts.REGIONS_FILE.stat().st_size < 60_000


def test_region_not_published_is_a_row_of_its_own(client, register):
    html = client.get(URL).content.decode()

    regions = page_tables(html)[_("Decisions and euros awarded by region of the recipient")]
    without_region = PublishedGrant.objects.filter(outcome=GrantOutcome.AWARDED, region=None)
    not_published = _("Region not published")
    assert regions[not_published] == shown(
        without_region.count(), without_region.aggregate(amount=Sum("amount_awarded"))["amount"]
    )
    assert regions[not_published] == ("2", plain("83 000 €"))


def test_empty_register_says_so_without_charts(client, reference_data):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert _("The register has no published decisions yet.") in html
    assert "<svg" not in html
    assert "<table" not in html


def test_filters_matching_nothing_say_so(client, register):
    response = client.get(URL, {"agency": "OKM", "year": "2019"})

    assert response.status_code == 200
    html = response.content.decode()
    assert _("No published decision matches the filters.") in html
    assert "<svg" not in html


@pytest.mark.parametrize(
    "query",
    [{"year": "abc"}, {"year": "1999"}, {"outcome": "secret"}, {"region": "99"}, {"agency": "<b>X</b>"}],
)
def test_invalid_filters_are_refused_with_the_forms_message(client, register, query):
    grants_before = PublishedGrant.objects.count()

    response = client.get(URL, query)

    assert response.status_code == 400
    html = response.content.decode()
    form = GrantSearchForm(query, years=selectors.register_years())
    assert not form.is_valid()
    (field, errors), *_others = form.errors.items()
    assert escape(f"{form[field].label}: {errors[0]}") in html
    assert 'class="error-summary"' in html
    assert "<svg" not in html
    assert "<b>X</b>" not in html
    assert PublishedGrant.objects.count() == grants_before


@pytest.mark.parametrize(
    ("prefix", "language", "region", "money"),
    [
        ("", "fi", "Lappi", "45 000,25 €"),
        ("/sv", "sv", "Lappland", "45 000,25 €"),
        ("/en", "en", "Lapland", "€45,000.25"),
    ],
)
def test_the_page_speaks_the_language_of_its_address(client, register, prefix, language, region, money):
    response = client.get(f"{prefix}{URL}")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        tables = page_tables(html)
        assert tables == expected_tables(language)
        assert tables[_("Decisions and euros awarded by region of the recipient")][region][1] == plain(money)
    assert all(svgs(html).values())


def test_names_are_escaped_in_the_charts(client, register):
    programme = ProgrammeFactory(
        agency=Agency.objects.get(code="OKM"),
        code="okm-escape",
        name_fi='Kulttuuri & <script>alert("x")</script> "avustus"',
    )
    PublishedGrantFactory(call=CallFactory(programme=programme, closed=True), funding_year=2021)

    html = client.get(URL).content.decode()

    assert "<script>alert" not in html
    chart = svgs(html)["chart-programme"]
    labels = [text.text for text in chart.iter(f"{SVG}text")][::2]
    assert 'Kulttuuri & <script>alert("x")</script> "avustus"' in labels


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_chart_colours_meet_wcag_contrast_on_the_page():
    assert contrast(charts.INK, charts.PAPER) >= 4.5
    assert contrast(charts.BAR, charts.PAPER) >= 3
    assert contrast(charts.OUTLINE, charts.PAPER) >= 3
    assert contrast(charts.HATCH, charts.PAPER) >= 3
    assert all(contrast(charts.OUTLINE, shade) >= 3 for shade in charts.SHADES[:3])


def test_a_year_without_decisions_is_shown_with_none_rather_than_skipped(client, register):
    PublishedGrantFactory(
        call=CallFactory(programme=Programme.objects.get(code=NGO_PROGRAMME), closed=True),
        funding_year=2017,
        amount_awarded=Decimal("1000.00"),
    )
    with translation.override("fi"):
        years = page_tables(client.get(URL).content.decode())[
            _("Decisions and euros awarded by funding year")
        ]
        assert list(years)[:3] == ["2017", "2018", "2019"]
        assert years["2018"] == shown(0, Decimal("0"))
