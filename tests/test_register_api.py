"""The register's public API: /api/v1/grants, /grants/{id}, /organisations/{business_id} and /statistics.

Anyone may read it without logging in; it shows what has been published and nothing else."""

import base64
import datetime
import json
import math
from collections import defaultdict
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies

from avustamo.decisions.models import Decision
from avustamo.register import selectors
from avustamo.register.models import GrantOutcome, PublishedGrant
from tests.factories import (
    AgencyFactory,
    CallFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    PublishedGrantFactory,
    RegionFactory,
    valid_business_id,
)
from tests.register_scenario import (
    SECRET_ANSWER,
    UNPUBLISHED_PROJECTS,
    assert_nothing_forbidden,
    build_register,
)

pytestmark = pytest.mark.django_db

FOUNDATION_ID = valid_business_id(501)
CITY_ID = valid_business_id(502)


@pytest.fixture
def client(client):
    """A client asking in English (Accept-Language), the language the messages are checked in here."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _get(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def _names(client, **params) -> set[str]:
    return {grant["recipient"]["name"] for grant in _get(client, "/api/v1/grants", **params)["grants"]}


def _problem(client, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 422, response.content
    body = response.json()
    [problem] = body["errors"]
    return problem | {"detail": body["detail"]}


@pytest.fixture
def register(db):
    """Four published decisions that differ in every filter, and a second agency with its own programme."""
    helsinki = MunicipalityFactory()
    tampere = MunicipalityFactory(
        code="837",
        name_fi="Tampere",
        name_sv="Tammerfors",
        region=RegionFactory(code="06", name_fi="Pirkanmaa", name_sv="Birkaland", name_en="Pirkanmaa"),
    )
    ngo = ProgrammeFactory()
    talent_hub = ProgrammeFactory(talent_hub=True)
    okm = AgencyFactory(
        code="OKM",
        name_fi="Opetus- ja kulttuuriministeriö",
        name_sv="Undervisnings- och kulturministeriet",
        name_en="Ministry of Education and Culture",
    )
    culture = ProgrammeFactory(
        agency=okm,
        code="okm-kulttuuri",
        name_fi="Kulttuuriavustus",
        name_sv="Kulturunderstöd",
        name_en="Culture grant",
    )
    return {
        "kotipiha": PublishedGrantFactory(
            call=CallFactory(closed=True, programme=ngo, reference="TEM-KOTO-2020"),
            recipient_name="Kotipiha ry",
            recipient_type="registered_association",
            municipality=helsinki,
            project_name="Perhekerho",
            purpose="Vertaistukea maahanmuuttaneille perheille",
            amount_awarded=Decimal("10000.00"),
            funding_year=2020,
        ),
        "tampere": PublishedGrantFactory(
            call=CallFactory(closed=True, programme=talent_hub, reference="TEM-TALENT-2021"),
            recipient_name="Tampereen kaupunki",
            recipient_business_id=CITY_ID,
            recipient_type="municipality",
            municipality=tampere,
            project_name="Talent Hub Tampere",
            purpose="Kansainvälisten osaajien houkuttelu",
            amount_awarded=Decimal("250000.00"),
            funding_year=2021,
            decision_date=datetime.date(2021, 3, 15),
            period_start=datetime.date(2021, 4, 1),
            period_end=datetime.date(2022, 3, 31),
            source=PublishedGrant.Source.DECISION,
        ),
        "foundation": PublishedGrantFactory(
            call=CallFactory(closed=True, programme=culture, reference="OKM-KULTTUURI-2021"),
            recipient_name="Sivistyssäätiö sr",
            recipient_business_id=FOUNDATION_ID,
            recipient_type="foundation",
            project_name="Lukupiirit",
            purpose="Lukupiirejä kirjastoissa",
            amount_awarded=Decimal("75000.50"),
            funding_year=2021,
            source_url="https://okm.fi/avustukset-2021",
        ),
        "rejected": PublishedGrantFactory(
            call=CallFactory(closed=True, programme=ngo, reference="TEM-KOTO-2021"),
            recipient_name="Hylätty ry",
            recipient_type="registered_association",
            municipality=helsinki,
            project_name="Kerho",
            outcome=GrantOutcome.REJECTED,
            amount_awarded=Decimal("0"),
            funding_year=2021,
        ),
    }


class TestFilters:
    @pytest.mark.parametrize(
        "params, expected",
        [
            ({}, {"Kotipiha ry", "Tampereen kaupunki", "Sivistyssäätiö sr"}),
            ({"year": 2020}, {"Kotipiha ry"}),
            ({"agency": "okm"}, {"Sivistyssäätiö sr"}),
            ({"agency": "TEM", "year": 2021}, {"Tampereen kaupunki"}),
            ({"programme": "tem-talent-hub"}, {"Tampereen kaupunki"}),
            ({"call": "TEM-KOTO-2020"}, {"Kotipiha ry"}),
            ({"region": "06"}, {"Tampereen kaupunki"}),
            ({"region": "01"}, {"Kotipiha ry"}),
            ({"organisation_type": "foundation"}, {"Sivistyssäätiö sr"}),
            ({"min_amount": "75000.50"}, {"Tampereen kaupunki", "Sivistyssäätiö sr"}),
            ({"max_amount": "75000.50"}, {"Kotipiha ry", "Sivistyssäätiö sr"}),
            ({"min_amount": "10000", "max_amount": "10000.00"}, {"Kotipiha ry"}),
            ({"min_amount": "75000.51", "max_amount": "249999.99"}, set()),
            ({"outcome": "rejected"}, {"Hylätty ry"}),
            ({"outcome": "rejected", "region": "01"}, {"Hylätty ry"}),
            ({"outcome": "not_examined"}, set()),
            ({"outcome": "all"}, {"Kotipiha ry", "Tampereen kaupunki", "Sivistyssäätiö sr", "Hylätty ry"}),
        ],
    )
    def test_each_filter_narrows_to_the_matching_grants(self, client, register, params, expected):
        assert _names(client, **params) == expected

    @pytest.mark.parametrize(
        "q, expected",
        [
            ("kotipiha", {"Kotipiha ry"}),
            ("perheille", {"Kotipiha ry"}),  # the purpose
            ("osaajien", {"Tampereen kaupunki"}),
            ("talent tampere", {"Tampereen kaupunki"}),  # every word must match
            ("talent kotipiha", set()),
            ("lukupiirit", {"Sivistyssäätiö sr"}),  # the project name
            ("SIVISTYS", {"Sivistyssäätiö sr"}),  # the beginning of a word, in any case
        ],
    )
    def test_text_search_matches_names_and_purpose(self, client, register, q, expected):
        assert _names(client, q=q) == expected

    def test_text_search_combines_with_the_filters(self, client, register):
        assert _names(client, q="ry") == {"Kotipiha ry"}
        assert _names(client, q="ry", outcome="all") == {"Kotipiha ry", "Hylätty ry"}
        assert _names(client, q="ry", year=2021) == set()


class TestGrantShape:
    def test_a_grant_carries_its_public_facts(self, client, register):
        grant = register["tampere"]
        body = _get(client, "/api/v1/grants", programme="tem-talent-hub")
        assert body["next"] is None and body["previous"] is None
        assert body["grants"] == [
            {
                "id": grant.pk,
                "identifier": f"360G-tem-{grant.pk}",
                "outcome": "awarded",
                "amount_awarded": "250000.00",
                "recipient": {
                    "name": "Tampereen kaupunki",
                    "business_id": CITY_ID,
                    "organisation_type": "municipality",
                    "url": f"http://testserver/register/organisations/{CITY_ID}/",
                },
                "region": {"code": "06", "name": {"fi": "Pirkanmaa", "sv": "Birkaland", "en": "Pirkanmaa"}},
                "municipality": {"code": "837", "name": {"fi": "Tampere", "sv": "Tammerfors"}},
                "project_name": "Talent Hub Tampere",
                "purpose": "Kansainvälisten osaajien houkuttelu",
                "funding_year": 2021,
                "decision_date": "2021-03-15",
                "period_start": "2021-04-01",
                "period_end": "2022-03-31",
                "agency": {
                    "code": "TEM",
                    "name": {
                        "fi": "Työ- ja elinkeinoministeriö",
                        "sv": "Arbets- och näringsministeriet",
                        "en": "Ministry of Economic Affairs and Employment",
                    },
                },
                "programme": {
                    "code": "tem-talent-hub",
                    "name": {"fi": "Talent Hub", "sv": "Talent Hub", "en": "Talent Hub"},
                },
                "call": {
                    "reference": "TEM-TALENT-2021",
                    "title": {
                        "fi": grant.call.title_fi,
                        "sv": grant.call.title_sv,
                        "en": grant.call.title_en,
                    },
                },
                "source": "decision",
                "source_url": None,
                "url": f"http://testserver/register/grants/{grant.pk}/",
            }
        ]

    def test_unpublished_facts_are_null_and_a_name_without_business_id_links_to_its_name(
        self, client, register
    ):
        [kotipiha] = _get(client, "/api/v1/grants", year=2020)["grants"]
        assert kotipiha["recipient"]["business_id"] is None
        assert kotipiha["recipient"]["url"] == "http://testserver/register/recipients/?name=Kotipiha+ry"
        assert (kotipiha["decision_date"], kotipiha["period_start"], kotipiha["period_end"]) == (
            None,
            None,
            None,
        )
        [foundation] = _get(client, "/api/v1/grants", agency="OKM")["grants"]
        assert foundation["region"] is None and foundation["municipality"] is None
        assert foundation["identifier"] == f"360G-okm-{register['foundation'].pk}"
        assert foundation["source_url"] == "https://okm.fi/avustukset-2021"

    def test_the_public_page_behind_url_shows_the_grant(self, client, register):
        [grant] = _get(client, "/api/v1/grants", year=2020)["grants"]
        page = client.get(urlsplit(grant["url"]).path)
        assert page.status_code == 200 and "Perhekerho" in page.text

    def test_amounts_are_exact_decimal_strings(self, client, register):
        PublishedGrantFactory(recipient_name="Suurin ry", amount_awarded=Decimal("999999999999.99"))
        PublishedGrantFactory(recipient_name="Pienin ry", amount_awarded=Decimal("0.01"))
        amounts = {
            grant["recipient"]["name"]: grant["amount_awarded"]
            for grant in _get(client, "/api/v1/grants", outcome="all")["grants"]
        }
        assert amounts == {
            "Kotipiha ry": "10000.00",
            "Tampereen kaupunki": "250000.00",
            "Sivistyssäätiö sr": "75000.50",
            "Hylätty ry": "0.00",
            "Suurin ry": "999999999999.99",
            "Pienin ry": "0.01",
        }
        raw = client.get("/api/v1/grants?min_amount=999999999999.99").content.decode()
        assert '"amount_awarded": "999999999999.99"' in raw

    def test_a_page_costs_the_same_queries_however_many_grants_it_shows(
        self, client, register, django_assert_num_queries
    ):
        # The page's rows, then each related table once by key: calls, programmes, agencies, regions, municipalities.
        queries_per_page = 1 + len(selectors.RELATED)
        with django_assert_num_queries(queries_per_page):
            assert len(_get(client, "/api/v1/grants", limit=100)["grants"]) == 3
        for number in range(10):
            PublishedGrantFactory(
                municipality=register["kotipiha"].municipality, project_name=f"Hanke {number}"
            )
        with django_assert_num_queries(queries_per_page):
            assert len(_get(client, "/api/v1/grants", limit=100)["grants"]) == 13


@pytest.fixture
def ties(db):
    """Seventeen grants with many equal years, amounts and names, so that only the id keeps their order."""
    return [
        PublishedGrantFactory(
            recipient_name=("Aalto ry", "Beta ry", "Beta ry")[number % 3],
            project_name=f"Hanke {number}",
            amount_awarded=(Decimal("100.00"), Decimal("200.00"), Decimal("200.00"), Decimal("300.50"))[
                number % 4
            ],
            funding_year=(2019, 2020, 2020)[number % 3],
        )
        for number in range(17)
    ]


EXPECTED_ORDER = {
    "newest": lambda grant: (-grant.funding_year, -grant.pk),
    "oldest": lambda grant: (grant.funding_year, grant.pk),
    "amount_desc": lambda grant: (-grant.amount_awarded, -grant.pk),
    "amount_asc": lambda grant: (grant.amount_awarded, grant.pk),
    "recipient": lambda grant: (grant.recipient_name, grant.pk),
}


def _walk(client, url: str, direction: str) -> list[dict]:
    pages = []
    while url:
        body = _get(client, url)
        pages.append(body)
        url = body[direction]
    return pages


class TestPages:
    @pytest.mark.parametrize("sort", list(EXPECTED_ORDER))
    @pytest.mark.parametrize("limit", [1, 4, 17])
    def test_pages_walk_the_whole_result_in_a_stable_order_both_ways(self, client, ties, sort, limit):
        expected = [grant.pk for grant in sorted(ties, key=EXPECTED_ORDER[sort])]
        pages = _walk(client, f"/api/v1/grants?sort={sort}&limit={limit}", "next")
        walked = [grant["id"] for page in pages for grant in page["grants"]]
        assert walked == expected  # no duplicates, no gaps
        assert len(pages) == math.ceil(len(ties) / limit)
        assert all(len(page["grants"]) == limit for page in pages[:-1])
        assert pages[0]["previous"] is None and pages[-1]["next"] is None

        backwards = _walk(client, pages[-1]["previous"], "previous") if pages[-1]["previous"] else []
        assert [page["grants"] for page in reversed(backwards)] == [page["grants"] for page in pages[:-1]]

    def test_next_keeps_the_filters_and_stays_within_them(self, client, ties):
        url = "/api/v1/grants?year=2020&min_amount=200&sort=amount_desc&limit=2"
        pages = _walk(client, url, "next")
        walked = [grant["id"] for page in pages for grant in page["grants"]]
        expected = [
            grant.pk
            for grant in sorted(ties, key=EXPECTED_ORDER["amount_desc"])
            if grant.funding_year == 2020 and grant.amount_awarded >= 200
        ]
        assert walked == expected and len(expected) > 4
        link = urlsplit(pages[0]["next"])
        assert (link.scheme, link.netloc, link.path) == ("http", "testserver", "/api/v1/grants")
        parameters = parse_qs(link.query)
        assert parameters["cursor"] == [pages[0]["next_cursor"]]
        assert {key: value for key, value in parameters.items() if key != "cursor"} == {
            "year": ["2020"],
            "min_amount": ["200"],
            "sort": ["amount_desc"],
            "limit": ["2"],
        }

    def test_a_grant_published_while_reading_does_not_shift_the_pages(self, client, ties):
        first = _get(client, "/api/v1/grants", limit=5)
        PublishedGrantFactory(recipient_name="Uusi ry", funding_year=2030)
        second = _get(client, first["next"])
        expected = [grant.pk for grant in sorted(ties, key=EXPECTED_ORDER["newest"])]
        assert [grant["id"] for grant in first["grants"] + second["grants"]] == expected[:10]

    def test_an_empty_result_has_no_links(self, client, ties):
        assert _get(client, "/api/v1/grants", year=2030) == {
            "grants": [],
            "next": None,
            "next_cursor": None,
            "previous": None,
            "previous_cursor": None,
        }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=strategies.text(max_size=200), agency=strategies.text(max_size=20))
def test_any_search_words_and_agency_answer_without_a_server_error(client, register, q, agency):
    response = client.get("/api/v1/grants", {"q": q, "agency": agency, "outcome": "all"})
    # 422 only for a NUL character, which no request may carry.
    assert response.status_code == (422 if "\x00" in q + agency else 200), response.content


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


class TestRefusals:
    @pytest.mark.parametrize(
        "params, field",
        [
            ({"year": "1899"}, "query.year"),
            ({"year": "2101"}, "query.year"),
            ({"year": "viime vuonna"}, "query.year"),
            ({"min_amount": "-1"}, "query.min_amount"),
            ({"min_amount": "1.234"}, "query.min_amount"),
            ({"min_amount": "1e3"}, "query.min_amount"),
            ({"min_amount": "NaN"}, "query.min_amount"),
            ({"max_amount": "1000000000000"}, "query.max_amount"),
            ({"max_amount": "10 000"}, "query.max_amount"),
            ({"region": "1"}, "query.region"),
            ({"region": "001"}, "query.region"),
            ({"agency": "T" * 21}, "query.agency"),
            ({"programme": "tem talent hub"}, "query.programme"),
            ({"call": "C" * 61}, "query.call"),
            ({"q": "a" * 201}, "query.q"),
            ({"organisation_type": "association"}, "query.organisation_type"),
            ({"outcome": "granted"}, "query.outcome"),
            ({"sort": "random"}, "query.sort"),
            ({"limit": "0"}, "query.limit"),
            ({"limit": "101"}, "query.limit"),
            ({"cursor": "not base64!"}, "query.cursor"),
        ],
    )
    def test_a_value_out_of_bounds_is_a_422_naming_the_parameter(self, client, register, params, field):
        problem = _problem(client, "/api/v1/grants", **params)
        assert problem["field"] == field and problem["message"]
        assert problem["detail"] == "The request is not valid."

    def test_the_largest_amount_and_the_year_bounds_are_accepted(self, client, register):
        for params in (
            {"max_amount": "999999999999.99"},
            {"year": "1900"},
            {"year": "2100"},
            {"limit": "100"},
        ):
            assert client.get("/api/v1/grants", params).status_code == 200, params

    def test_an_upper_amount_below_the_lower_is_refused(self, client, register):
        problem = _problem(client, "/api/v1/grants", min_amount="500.50", max_amount="500.49")
        assert problem == {
            "field": "query.max_amount",
            "code": "amount_range",
            "message": "max_amount is below min_amount.",
            "detail": "The request is not valid.",
        }

    @pytest.mark.parametrize(
        "sort, cursor",
        [
            ("newest", "Zm9v"),  # "foo"
            ("newest", _cursor({"after": [2020, 1]})),
            ("newest", _cursor(["sideways", [2020, 1]])),
            ("newest", _cursor(["after", [2020]])),
            ("newest", _cursor(["after", ["2020", 1]])),
            ("newest", _cursor(["after", [True, 1]])),
            ("recipient", _cursor(["after", [2020, 1]])),  # a cursor of another order
            ("recipient", _cursor(["after", ["Nimi\x00", 1]])),
            ("recipient", _cursor(["after", ["\ud800", 1]])),
            ("amount_asc", _cursor(["after", ["sata", 1]])),
            ("amount_asc", _cursor(["after", ["NaN", 1]])),
            ("amount_asc", _cursor(["after", ["-Infinity", 1]])),
            ("amount_asc", _cursor(["after", ["1e999999", 1]])),
        ],
    )
    def test_a_cursor_not_given_by_the_api_is_a_clear_422(self, client, register, sort, cursor):
        problem = _problem(client, "/api/v1/grants", sort=sort, cursor=cursor)
        message = "The cursor is not valid: take it from a next link of the same search."
        assert problem == {
            "field": "query.cursor",
            "code": "invalid_cursor",
            "message": message,
            "detail": message,
        }

    @pytest.mark.parametrize("statistics_params", [{"year": "3000"}, {"region": "Uusimaa"}, {"outcome": "x"}])
    def test_statistics_refuse_values_out_of_bounds(self, client, statistics_params):
        problem = _problem(client, "/api/v1/statistics", **statistics_params)
        assert problem["field"] == f"query.{next(iter(statistics_params))}"


class TestGrant:
    def test_one_published_grant(self, client, register):
        grant = register["rejected"]
        body = _get(client, f"/api/v1/grants/{grant.pk}")
        assert (body["id"], body["outcome"], body["amount_awarded"]) == (grant.pk, "rejected", "0.00")
        assert body == next(
            item for item in _get(client, "/api/v1/grants", outcome="all")["grants"] if item["id"] == grant.pk
        )

    def test_an_id_of_no_published_grant_is_404(self, client, register):
        missing = PublishedGrant.objects.order_by("-pk").first().pk + 1
        response = client.get(f"/api/v1/grants/{missing}")
        assert response.status_code == 404
        assert response.json() == {"detail": "No published grant has this id.", "errors": []}

    @pytest.mark.parametrize("grant_id", ["0", "-1", str(2**63), "abc"])
    def test_an_id_that_is_no_id_is_a_422(self, client, grant_id):
        problem = _problem(client, f"/api/v1/grants/{grant_id}")
        assert problem["field"] == "path.grant_id" and problem["message"]


class TestOrganisation:
    def test_an_organisations_history_across_years_and_outcomes(self, client, register):
        older = PublishedGrantFactory(
            call=register["foundation"].call,
            recipient_name="Sivistyssäätiö",  # the organisation's earlier name
            recipient_business_id=FOUNDATION_ID,
            project_name="Lukupiirit 2019",
            amount_awarded=Decimal("20000.25"),
            funding_year=2019,
        )
        refused = PublishedGrantFactory(
            call=register["foundation"].call,
            recipient_name="Sivistyssäätiö sr",
            recipient_business_id=FOUNDATION_ID,
            project_name="Kirjastoauto",
            outcome=GrantOutcome.REJECTED,
            amount_awarded=Decimal("0"),
            funding_year=2020,
        )
        # Published without a Business ID under the same name: never merged by name.
        PublishedGrantFactory(
            recipient_name="Sivistyssäätiö sr", project_name="Vanha hanke", funding_year=2018
        )

        body = _get(client, f"/api/v1/organisations/{FOUNDATION_ID}")
        assert body["business_id"] == FOUNDATION_ID
        assert body["name"] == "Sivistyssäätiö sr"
        assert body["totals"] == {"decisions": 3, "awarded": 2, "amount_awarded": "95000.75"}
        assert [grant["id"] for grant in body["grants"]] == [register["foundation"].pk, refused.pk, older.pk]
        assert body["url"] == f"http://testserver/register/organisations/{FOUNDATION_ID}/"

    def test_a_business_id_with_nothing_published_is_404(self, client, register):
        response = client.get(f"/api/v1/organisations/{valid_business_id(999)}")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "No grant has been published with this Business ID.",
            "errors": [],
        }

    def test_a_wrong_check_digit_is_a_clear_422(self, client, register):
        wrong = FOUNDATION_ID[:-1] + str((int(FOUNDATION_ID[-1]) + 1) % 10)
        problem = _problem(client, f"/api/v1/organisations/{wrong}")
        assert problem["field"] == "path.business_id" and problem["code"] == "invalid_business_id"
        assert problem["message"] == "This is not a valid Business ID: its check digit is wrong."

    @pytest.mark.parametrize("malformed", ["12345678", "1234567", "1234567-12", "FI12345678", "abc-d"])
    def test_a_malformed_business_id_is_a_422(self, client, register, malformed):
        problem = _problem(client, f"/api/v1/organisations/{malformed}")
        assert problem["field"] == "path.business_id" and problem["code"] == "pattern_mismatch"


def _sums(grants: list[PublishedGrant], key) -> dict:
    groups = defaultdict(lambda: (0, Decimal("0")))
    for grant in grants:
        count, amount = groups[key(grant)]
        groups[key(grant)] = (count + 1, amount + grant.amount_awarded)
    return {
        group: {"grants": count, "amount_awarded": f"{amount:.2f}"}
        for group, (count, amount) in groups.items()
    }


def _named(groups: dict) -> list[dict]:
    return [
        {"code": obj.code, "name": {"fi": obj.name_fi, "sv": obj.name_sv, "en": obj.name_en}, **total}
        for obj, total in sorted(groups.items(), key=lambda item: item[0].code)
    ]


def _expected_statistics(grants: list[PublishedGrant]) -> dict:
    """The statistics summed here straight from the register's rows."""
    regions = _sums(grants, lambda grant: grant.region)
    not_published = regions.pop(None, None)
    return {
        "total": _sums(grants, lambda grant: "all").get("all", {"grants": 0, "amount_awarded": "0.00"}),
        "by_year": [
            {"year": year, **total} for year, total in sorted(_sums(grants, lambda g: g.funding_year).items())
        ],
        "by_agency": _named(_sums(grants, lambda grant: grant.agency)),
        "by_programme": _named(_sums(grants, lambda grant: grant.programme)),
        "by_region": _named(regions)
        + ([{"code": None, "name": None, **not_published}] if not_published else []),
    }


class TestStatistics:
    @pytest.fixture
    def more(self, register):
        for number, amount in enumerate(("1234.56", "0.01", "99999.99")):
            PublishedGrantFactory(
                call=register["foundation"].call,
                project_name=f"Hanke {number}",
                municipality=register["tampere"].municipality if number else None,
                amount_awarded=Decimal(amount),
                funding_year=2019 + number,
            )
        return register

    @pytest.mark.parametrize(
        "params, which",
        [
            ({}, lambda grant: grant.outcome == "awarded"),
            ({"outcome": "all"}, lambda grant: True),
            ({"outcome": "rejected"}, lambda grant: grant.outcome == "rejected"),
            ({"year": 2021}, lambda grant: grant.outcome == "awarded" and grant.funding_year == 2021),
            ({"agency": "okm"}, lambda grant: grant.outcome == "awarded" and grant.agency.code == "OKM"),
            (
                {"programme": "tem-talent-hub"},
                lambda grant: grant.outcome == "awarded" and grant.programme.code == "tem-talent-hub",
            ),
            ({"region": "06", "outcome": "all"}, lambda grant: grant.region_id == "06"),
            ({"year": 1999}, lambda grant: False),
        ],
    )
    def test_statistics_equal_the_sums_of_the_register(self, client, more, params, which):
        grants = [
            grant
            for grant in PublishedGrant.objects.select_related("agency", "programme", "region")
            if which(grant)
        ]
        assert _get(client, "/api/v1/statistics", **params) == _expected_statistics(grants)

    def test_a_region_not_published_is_its_own_bucket_last(self, client, more):
        regions = _get(client, "/api/v1/statistics")["by_region"]
        assert [region["code"] for region in regions] == ["01", "06", None]
        assert regions[-1] == {"code": None, "name": None, "grants": 2, "amount_awarded": "76235.06"}


def test_nothing_unpublished_or_internal_reaches_the_api(client):
    register = build_register()
    unpublished = [register.signed_unpublished, register.draft]
    responses = [
        *_walk(client, "/api/v1/grants?outcome=all&limit=1", "next"),
        *(_get(client, "/api/v1/grants", q=q, outcome="all") for q in [*UNPUBLISHED_PROJECTS, SECRET_ANSWER]),
        *(_get(client, f"/api/v1/grants/{grant.pk}") for grant in (register.awarded, register.rejected)),
        _get(client, f"/api/v1/organisations/{register.awarded.recipient_business_id}"),
        _get(client, "/api/v1/statistics", outcome="all"),
    ]
    text = json.dumps(responses, ensure_ascii=False)
    assert "Kotipiha ry" in text and "Naapuriapu ry" in text
    assert_nothing_forbidden(text)
    officials = Decision.objects.values_list("presenter__full_name", "decision_maker__full_name")
    assert not [name for pair in officials for name in pair if name in text]
    assert not _keys(responses) & {
        "score",
        "scores",
        "ranking",
        "answers",
        "reasons",
        "conditions",
        "contact",
    }
    assert _get(client, "/api/v1/statistics", outcome="all")["total"] == {
        "grants": 2,
        "amount_awarded": "12345.50",
    }
    for decision in unpublished:
        business_id = decision.application.applicant_business_id
        assert client.get(f"/api/v1/organisations/{business_id}").status_code == 404


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()
