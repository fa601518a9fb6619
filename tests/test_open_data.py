"""The register as open data: CSV, Excel and JSON of any search, the 360Giving package, and what never leaks."""

import csv
import datetime
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from stdnum.fi import ytunnus

from avustamo.core.dates import in_helsinki
from avustamo.decisions import services as decision_services
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.grants import services as grant_services
from avustamo.reference.models import Municipality
from avustamo.register import exports
from avustamo.register.models import GrantOutcome, PublishedGrant
from avustamo.reviews import services as review_services
from avustamo.reviews.models import ReviewAssignment
from tests.factories import (
    ApplicationFactory,
    CallAssignmentFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    EvaluationCriterionFactory,
    MembershipFactory,
    PublishedGrantFactory,
    ScreeningFactory,
    UserFactory,
    close_call,
    valid_business_id,
)

SCHEMA_DIR = Path(exports.__file__).resolve().parent / "data" / "360giving"
# The package schema of 1.4.3 still refers to the grant schema by its 1.4.2 address.
GRANT_SCHEMA_REFERENCE = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
)
DOWNLOADS = {"csv": "/register/grants.csv", "xlsx": "/register/grants.xlsx", "json": "/register/grants.json"}
PACKAGE_SEARCH = "/register/grants-360giving.json"
PACKAGE_FULL = "/open-data/360giving.json"
COLUMN_NAMES = [column.name for column in exports.COLUMNS]
KOTIPIHA_ID = valid_business_id(500)


def package_validator() -> Draft202012Validator:
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant_schema = DRAFT202012.create_resource(
        json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    )
    registry = Registry().with_resources(
        [(GRANT_SCHEMA_REFERENCE, grant_schema), (grant_schema.id(), grant_schema)]
    )
    return Draft202012Validator(
        package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"), newline="")))


def json_grants(response) -> list[dict]:
    return json.loads(body(response), parse_float=Decimal)["grants"]


def xlsx_rows(response) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)["grants"]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def rows_of(client, kind: str, query: str = "") -> list[dict]:
    response = client.get(f"{DOWNLOADS[kind]}{query}")
    assert response.status_code == 200, body(response)
    return {"csv": csv_rows, "json": json_grants, "xlsx": xlsx_rows}[kind](response)


def package_of(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    assert response.streaming
    return json.loads(body(response), parse_float=Decimal)


@pytest.fixture
def grants(reference_data):
    """A decision signed in the service, a historic row, a row of formula-like texts and a rejection."""
    decided = PublishedGrantFactory(
        call=CallFactory(closed=True, reference="TEM-KOTO-2027"),
        recipient_name="Kotipiha ry",
        recipient_business_id=KOTIPIHA_ID,
        recipient_type="registered_association",
        municipality=Municipality.objects.get(code="853"),
        project_name="Perhekerho Turussa",
        purpose="Vertaistukea maahanmuuttaneille perheille",
        amount_awarded=Decimal("12345.67"),
        funding_year=2027,
        decision_date=datetime.date(2026, 12, 10),
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        source=PublishedGrant.Source.DECISION,
    )
    historic_call = CallFactory(
        closed=True,
        reference="TEM-KOTO-2016",
        opens_at=timezone.make_aware(datetime.datetime(2016, 1, 4, 8, 0)),
        # Closing at 23.30 on 31 January in Helsinki is already 1 February in UTC: the award date is the 31st.
        closes_at=timezone.make_aware(datetime.datetime(2016, 1, 31, 23, 30)),
    )
    historic = PublishedGrantFactory(
        call=historic_call,
        recipient_name="Folkhälsan rf",
        project_name="",
        amount_awarded=Decimal("50000.00"),
        funding_year=2016,
        source_url="https://kotouttaminen.fi/rahoitetut-hankkeet-2016",
    )
    formulas = PublishedGrantFactory(
        call=historic_call,
        recipient_name='=HYPERLINK("http://evil.example")',
        project_name="+SUM(A1:A9)",
        purpose="@komento",
        amount_awarded=Decimal("1000.10"),
        funding_year=2016,
    )
    rejected = PublishedGrantFactory(
        call=decided.call,
        outcome=GrantOutcome.REJECTED,
        recipient_name="Hylätty yhdistys ry",
        recipient_business_id=valid_business_id(501),
        amount_awarded=Decimal("0"),
        funding_year=2027,
        decision_date=datetime.date(2026, 12, 10),
        source=PublishedGrant.Source.DECISION,
    )
    return {"decided": decided, "historic": historic, "formulas": formulas, "rejected": rejected}


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_each_download_streams_a_dated_file_with_the_documented_columns(client, grants, kind):
    response = client.get(DOWNLOADS[kind])
    assert response.status_code == 200
    assert response.streaming
    today = in_helsinki(timezone.now()).date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="avustamo-grants-{today}.{kind}"'
    rows = {"csv": csv_rows, "json": json_grants, "xlsx": xlsx_rows}[kind](response)
    assert [list(row) for row in rows] == [COLUMN_NAMES] * 3


def test_csv_is_utf8_without_byte_order_mark_and_holds_the_published_facts(client, grants):
    response = client.get(DOWNLOADS["csv"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = body(response)
    assert content.startswith(b"id,grant_identifier,outcome,")
    grant = grants["decided"]
    row = next(
        row for row in csv.DictReader(io.StringIO(content.decode(), newline="")) if row["id"] == str(grant.pk)
    )
    assert row == {
        "id": str(grant.pk),
        "grant_identifier": f"360G-tem-{grant.pk}",
        "outcome": "awarded",
        "recipient_name": "Kotipiha ry",
        "recipient_business_id": KOTIPIHA_ID,
        "organisation_type": "registered_association",
        "municipality_code": "853",
        "municipality_name": "Turku",
        "region_code": "02",
        "region_name": "Varsinais-Suomi",
        "project_name": "Perhekerho Turussa",
        "purpose": "Vertaistukea maahanmuuttaneille perheille",
        "amount_awarded": "12345.67",
        "funding_year": "2027",
        "decision_date": "2026-12-10",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "agency_code": "TEM",
        "agency_name": "Työ- ja elinkeinoministeriö",
        "programme_code": "tem-kotoutuminen-jarjestoavustus",
        "programme_name": "Järjestöavustus kotoutumista edistävään toimintaan",
        "call_reference": "TEM-KOTO-2027",
        "call_title": grant.call.title_fi,
        "source": "decision",
        "source_url": "",
        "url": f"{settings.SITE_URL}/register/grants/{grant.pk}/",
    }


def test_names_follow_the_language_of_the_download(client, grants):
    [row] = csv_rows(client.get("/en/register/grants.csv?q=perhekerho"))
    assert (row["region_name"], row["agency_name"]) == (
        "Southwest Finland",
        "Ministry of Economic Affairs and Employment",
    )
    assert row["url"].endswith(f"/en/register/grants/{grants['decided'].pk}/")


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_filters_and_search_words_choose_the_rows(client, grants, kind):
    def ids(query):
        return sorted(int(row["id"]) for row in rows_of(client, kind, query))

    decided, historic, formulas = grants["decided"].pk, grants["historic"].pk, grants["formulas"].pk
    assert ids("") == sorted([decided, historic, formulas])
    assert ids("?q=perhekerho") == [decided]
    assert ids("?q=folkh%C3%A4lsan") == [historic]
    assert ids("?region=02") == [decided]
    assert ids("?year=2016&min_amount=20000") == [historic]
    assert ids("?call=TEM-KOTO-2016&max_amount=1000.10") == [formulas]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_downloads_keep_the_order_the_search_asks_for(client, grants, kind):
    def amounts(query):
        return [Decimal(str(row["amount_awarded"])) for row in rows_of(client, kind, query)]

    assert amounts("?sort=amount_asc") == [Decimal("1000.10"), Decimal("12345.67"), Decimal("50000.00")]
    assert amounts("?sort=amount_desc") == [Decimal("50000.00"), Decimal("12345.67"), Decimal("1000.10")]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_negative_decisions_are_exported_only_when_the_search_asks_for_them(client, grants, kind):
    def outcomes(query):
        return sorted(row["outcome"] for row in rows_of(client, kind, query))

    assert outcomes("") == ["awarded"] * 3
    assert outcomes("?outcome=rejected") == ["rejected"]
    assert outcomes("?outcome=all") == ["awarded"] * 3 + ["rejected"]


def test_json_carries_amounts_as_exact_decimal_strings_and_missing_values_as_null(client, grants):
    by_id = {row["id"]: row for row in rows_of(client, "json", "?outcome=all")}
    assert by_id[grants["decided"].pk]["amount_awarded"] == "12345.67"
    assert by_id[grants["formulas"].pk]["amount_awarded"] == "1000.10"
    assert by_id[grants["rejected"].pk]["amount_awarded"] == "0.00"
    historic = by_id[grants["historic"].pk]
    assert (historic["recipient_business_id"], historic["decision_date"], historic["project_name"]) == (
        None,
        None,
        None,
    )
    response = client.get(DOWNLOADS["json"])
    document = json.loads(body(response))
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["documentation"] == f"{settings.SITE_URL}/register/open-data/"


def test_spreadsheet_texts_that_start_a_formula_get_an_apostrophe(client, grants):
    pk = str(grants["formulas"].pk)
    [from_csv] = [row for row in rows_of(client, "csv") if row["id"] == pk]
    [from_xlsx] = [row for row in rows_of(client, "xlsx") if str(row["id"]) == pk]
    [from_json] = [row for row in rows_of(client, "json") if str(row["id"]) == pk]
    for row in (from_csv, from_xlsx):
        assert row["recipient_name"] == '\'=HYPERLINK("http://evil.example")'
        assert row["project_name"] == "'+SUM(A1:A9)"
        assert row["purpose"] == "'@komento"
    assert from_json["recipient_name"] == '=HYPERLINK("http://evil.example")'


def test_excel_has_numbers_dates_and_a_sheet_describing_the_columns(client, grants):
    content = body(client.get(DOWNLOADS["xlsx"] + "?q=perhekerho"))
    # The amount is written from the Decimal's own digits, not from a rounded float.
    assert b"<v>12345.67</v>" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["grants"]
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, sheet[2], strict=True))
    assert values["amount_awarded"].number_format == "#,##0.00"
    assert values["decision_date"].value == datetime.datetime(2026, 12, 10)
    assert values["funding_year"].value == 2027
    described = {
        row[0]: row[1] for row in workbook["columns"].iter_rows(min_row=2, values_only=True) if row[0]
    }
    with translation.override("fi"):
        assert described["amount_awarded"] == str(
            exports.COLUMNS[COLUMN_NAMES.index("amount_awarded")].description
        )


def test_excel_refuses_a_search_larger_than_a_worksheet(client, grants, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    response = client.get(DOWNLOADS["xlsx"])
    assert response.status_code == 400
    assert "CSV" in response.content.decode()
    assert client.get(DOWNLOADS["xlsx"] + "?year=2027").status_code == 200


def test_downloads_stream_in_pieces_not_as_one_answer(client, grants, monkeypatch):
    monkeypatch.setattr(exports, "ROWS_PER_WRITE", 1)
    monkeypatch.setattr(exports, "COPY_PIECE_BYTES", 1)
    for path in (DOWNLOADS["csv"], DOWNLOADS["json"], PACKAGE_FULL):
        pieces = list(client.get(path).streaming_content)
        # A head, then a piece per grant, then (JSON) the closing brackets.
        assert len(pieces) >= 4, path
    # Pieces joined by commas make valid JSON however the rows fall into pieces.
    assert len(json.loads(b"".join(client.get(DOWNLOADS["json"]).streaming_content))["grants"]) == 3


INVALID_SEARCHES = [
    ("year=abc", "year", "Funding year"),
    ("min_amount=-5", "min_amount", "Amount at least (€)"),
    ("min_amount=100&max_amount=10", "max_amount", "Amount at most (€)"),
    ("sort=fastest", "sort", "Order"),
    ("outcome=secret", "outcome", "Decisions"),
    ("region=99", "region", "Region of the recipient"),
]


@pytest.mark.parametrize(("query", "field", "label"), INVALID_SEARCHES)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_invalid_search_gets_a_plain_explanation(client, grants, query, field, label, kind):
    response = client.get(f"/en{DOWNLOADS[kind]}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    summary, problem = response.content.decode().splitlines()
    assert summary == "The search is not valid, so nothing was downloaded."
    assert problem.startswith(f"{label}: ")


@pytest.mark.parametrize(("query", "field", "label"), INVALID_SEARCHES)
@pytest.mark.parametrize("path", [DOWNLOADS["json"], PACKAGE_SEARCH])
def test_an_invalid_search_gets_a_json_explanation(client, grants, query, field, label, path):
    response = client.get(f"/en{path}?{query}")
    assert response.status_code == 400
    answer = response.json()
    assert answer["error"] == "The search is not valid, so nothing was downloaded."
    assert list(answer["fields"]) == [field]


def test_the_360giving_package_validates_against_the_standard(client, grants):
    validator = package_validator()
    assert {"date-time", "uri"} <= set(validator.format_checker.checkers)
    for path in (PACKAGE_FULL, PACKAGE_SEARCH, f"{PACKAGE_SEARCH}?year=2016&outcome=all"):
        package = json.loads(body(client.get(path)))
        errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(package)]
        assert errors == [], path


def test_the_validator_catches_a_package_that_breaks_the_standard(client, grants):
    package = json.loads(body(client.get(PACKAGE_FULL)))
    package["grants"][0]["dateModified"] = "yesterday"
    del package["grants"][1]["fundingOrganization"]
    assert len(list(package_validator().iter_errors(package))) == 2


def test_the_360giving_package_lists_the_grants_awarded_with_their_identifiers(client, grants):
    package = package_of(client, PACKAGE_FULL)
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    by_id = {grant["id"]: grant for grant in package["grants"]}
    decided, historic = grants["decided"], grants["historic"]
    assert sorted(by_id) == sorted(
        f"360G-tem-{grants[name].pk}" for name in ("decided", "historic", "formulas")
    )
    grant = by_id[f"360G-tem-{decided.pk}"]
    assert grant["amountAwarded"] == Decimal("12345.67")
    assert (grant["currency"], grant["awardDate"]) == ("EUR", "2026-12-10")
    assert grant["plannedDates"] == [{"startDate": "2027-01-01", "endDate": "2027-12-31"}]
    assert grant["recipientOrganization"] == [
        {
            "id": f"FI-PRO-{KOTIPIHA_ID}",
            "name": "Kotipiha ry",
            "organisationType": "registered association",
            "location": [
                {
                    "id": "FI-KUNTA-853",
                    "name": "Turku",
                    "countryCode": "FI",
                    "geoCode": "853",
                    "geoCodeType": "FI-KUNTA",
                },
                {
                    "id": "FI-MAAKUNTA-02",
                    "name": "Southwest Finland",
                    "countryCode": "FI",
                    "geoCode": "02",
                    "geoCodeType": "FI-MAAKUNTA",
                },
            ],
        }
    ]
    assert grant["fundingOrganization"] == [
        {
            "id": "360G-tem-funder",
            "name": "Ministry of Economic Affairs and Employment",
            "url": "https://tem.fi",
        }
    ]
    assert grant["grantProgramme"] == [
        {"code": "tem-kotoutuminen-jarjestoavustus", "title": "Grant to organisations for integration work"}
    ]
    assert grant["url"] == grant["dataSource"] == f"{settings.SITE_URL}/en/register/grants/{decided.pk}/"
    assert grant["dateModified"] == decided.published_at.isoformat()

    old = by_id[f"360G-tem-{historic.pk}"]
    assert old["awardDate"] == "2016-01-31"
    assert "plannedDates" not in old
    assert old["title"] == old["description"] == historic.call.title_en
    assert old["dataSource"] == "https://kotouttaminen.fi/rahoitetut-hankkeet-2016"
    assert re.fullmatch(r"360G-tem-recipient-[0-9a-f]{20}", old["recipientOrganization"][0]["id"])


def test_a_recipient_without_business_id_keeps_one_identifier_per_name_exactly_as_published(client, grants):
    historic = grants["historic"]
    same_name = PublishedGrantFactory(call=historic.call, recipient_name="Folkhälsan rf", funding_year=2016)
    other_spelling = PublishedGrantFactory(
        call=historic.call, recipient_name="Folkhalsan rf", funding_year=2016
    )
    by_id = {grant["id"]: grant for grant in package_of(client, PACKAGE_FULL)["grants"]}

    def recipient(grant):
        return by_id[f"360G-tem-{grant.pk}"]["recipientOrganization"][0]["id"]

    assert recipient(same_name) == recipient(historic)
    assert recipient(other_spelling) != recipient(historic)


def test_a_known_agency_business_id_identifies_the_funder(client, grants, monkeypatch):
    monkeypatch.setitem(exports.AGENCY_BUSINESS_IDS, "TEM", "1234567-1")
    [grant] = package_of(client, f"{PACKAGE_SEARCH}?q=perhekerho")["grants"]
    assert grant["fundingOrganization"][0]["id"] == "FI-PRO-1234567-1"


def test_agency_business_ids_are_valid():
    assert all(ytunnus.is_valid(business_id) for business_id in exports.AGENCY_BUSINESS_IDS.values())


def test_the_360giving_package_of_a_search_follows_its_filters_and_never_lists_negative_decisions(
    client, grants
):
    def ids(query):
        return sorted(grant["id"] for grant in package_of(client, f"{PACKAGE_SEARCH}{query}")["grants"])

    assert ids("?q=perhekerho") == [f"360G-tem-{grants['decided'].pk}"]
    assert ids("?year=2027&outcome=all") == [f"360G-tem-{grants['decided'].pk}"]
    response = client.get(f"/en{PACKAGE_SEARCH}?outcome=rejected")
    assert response.status_code == 400
    assert "grants awarded" in response.json()["error"]


def test_a_360giving_package_without_grants_is_not_served(client, grants):
    response = client.get(f"/en{PACKAGE_SEARCH}?q=olematon")
    assert response.status_code == 404
    assert response.json() == {"error": "No grant awarded matches the search."}


def test_the_full_package_is_served_without_a_language_and_named_by_date(client, grants):
    response = client.get(PACKAGE_FULL)
    today = in_helsinki(timezone.now()).date().isoformat()
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="avustamo-360giving-{today}.json"'
    assert client.get(f"/en{PACKAGE_FULL}").status_code == 404


def test_the_open_data_page_documents_every_column_in_the_readers_language(client, grants):
    for language, prefix in (("fi", ""), ("en", "/en")):
        response = client.get(f"{prefix}/register/open-data/")
        assert response.status_code == 200
        page = response.content.decode()
        with translation.override(language):
            for column in exports.COLUMNS:
                assert f"<code>{column.name}</code>" in page
                assert str(column.description).replace("'", "&#x27;") in page
    assert 'href="/open-data/360giving.json"' in page
    assert "360G-tem-funder" in page


def test_the_documentation_lists_the_columns_as_the_code_defines_them():
    text = (Path(settings.BASE_DIR) / "docs" / "open-data.md").read_text()
    table = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \| ([^|]+) \|$", text, flags=re.MULTILINE)
    with translation.override("en"):
        expected = [
            (column.name, str(exports.KIND_LABELS[column.kind]), str(column.description))
            for column in exports.COLUMNS
        ]
    assert [(name, kind.strip(), description.strip()) for name, kind, description in table] == expected


SECRET_PHRASE = "salainen-vastaus-7319"
SECRET_REVIEW = "arvioijan-perustelu-4471"


def _submitted(call, *, organisation_name: str, project_name: str):
    membership = MembershipFactory(
        organisation__name=organisation_name, person__email=f"{project_name[:5]}@example.org"
    )
    return ApplicationFactory.submitted(
        call, applicant=membership.person, answers={"project-name": project_name, "objectives": SECRET_PHRASE}
    )


def _draft_decision(application, presenter, *, purpose: str):
    return decision_services.decision_save_draft(
        application=application,
        terms=decision_services.DecisionTerms(
            outcome=Outcome.APPROVED,
            amount=application.requested_amount,
            purpose=purpose,
            eligible_costs=application.total_eligible_costs,
            max_share_percent=Decimal("80"),
            period_start=datetime.date(2027, 1, 1),
            period_end=datetime.date(2027, 12, 31),
            instalments=[{"percent": "100", "condition": "on_acceptance"}],
            reports_due=[{"kind": "final", "due": "2028-02-28"}],
            conditions="Avustusta ei saa siirtää toiselle.",
            reasons="Hanke vastaa haun tavoitteisiin.",
        ),
        acting_user=presenter,
    )


@pytest.fixture
def published_call(reference_data, django_capture_on_commit_callbacks):
    """A call handled in the service: one decision signed and published, one a draft, one awaiting signature."""
    manager = UserFactory(roles=["programme_manager"])
    presenter = UserFactory(roles=["presenter"], full_name="Pekka Esittelijä")
    reviewer = UserFactory(roles=["reviewer"], full_name="Riitta Arvioija")
    decider = UserFactory(roles=["decision_maker"], full_name="Raili Ratkaisija")
    call = CallFactory(min_reviewers=1)
    CallDeclarationFactory(call=call)
    EvaluationCriterionFactory(call=call)
    CallFormFactory(call=call)
    published = _submitted(
        call, organisation_name="Julkaistava yhdistys ry", project_name="Julkaistava hanke"
    )
    drafted = _submitted(call, organisation_name="Luonnosyhdistys ry", project_name="Luonnoshanke")
    unsigned = _submitted(
        call, organisation_name="Allekirjoittamaton yhdistys ry", project_name="Odottava hanke"
    )
    close_call(call)
    CallAssignmentFactory(call=call, person=presenter, assigned_by=manager)
    for application in (published, drafted, unsigned):
        application.refresh_from_db()
        ScreeningFactory(application=application, screened_by=presenter)
        review_services.reviewers_assign(application=application, reviewers=[reviewer], acting_user=manager)
        assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
        review_services.conflict_declare(
            assignment=assignment, conflicted=False, reason="", acting_user=reviewer
        )
        review_services.review_submit(
            assignment=assignment,
            scores={criterion.pk: (4, SECRET_REVIEW) for criterion in call.criteria.all()},
            acting_user=reviewer,
        )
    signed = _draft_decision(published, presenter, purpose="Perheiden kotoutumisen tuki")
    decision_services.decision_send_for_signing(
        decision=signed, decision_maker=decider, acting_user=presenter
    )
    decision_services.decision_sign(decision=signed, acting_user=decider)
    draft = _draft_decision(drafted, presenter, purpose="Luonnoksen käyttötarkoitus")
    waiting = _draft_decision(unsigned, presenter, purpose="Allekirjoittamattoman käyttötarkoitus")
    decision_services.decision_send_for_signing(
        decision=waiting, decision_maker=decider, acting_user=presenter
    )
    with django_capture_on_commit_callbacks(execute=True):
        grant_services.decisions_publish(call=call, acting_user=presenter)
    mail.outbox.clear()
    statuses = {decision.pk: decision.status for decision in Decision.objects.all()}
    assert statuses == {
        signed.pk: DecisionStatus.PUBLISHED,
        draft.pk: DecisionStatus.DRAFT,
        waiting.pk: DecisionStatus.FOR_SIGNING,
    }
    return {"published": published, "drafted": drafted, "unsigned": unsigned, "reviewer": reviewer}


def _text_of_xlsx(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )


def test_no_export_reveals_answers_people_scores_or_unpublished_decisions(client, published_call):
    texts = [
        body(client.get(f"{DOWNLOADS['csv']}?outcome=all")).decode(),
        _text_of_xlsx(body(client.get(f"{DOWNLOADS['xlsx']}?outcome=all"))),
        body(client.get(f"{DOWNLOADS['json']}?outcome=all")).decode(),
        body(client.get(f"{PACKAGE_SEARCH}?outcome=all")).decode(),
        body(client.get(PACKAGE_FULL)).decode(),
    ]
    published = published_call["published"]
    organisation = published.organisation
    forbidden = [
        SECRET_PHRASE,
        SECRET_REVIEW,
        "Aino Rahastonhoitaja",  # the contact person of every application
        "aino@example.org",
        "040 123 4567",
        published.created_by.email,
        organisation.email,
        organisation.iban,
        organisation.street_address,
        "Riitta Arvioija",
        "Pekka Esittelijä",
        "Raili Ratkaisija",
        "Luonnosyhdistys ry",
        "Luonnoshanke",
        "Luonnoksen käyttötarkoitus",
        "Allekirjoittamaton yhdistys ry",
        "Odottava hanke",
        "Allekirjoittamattoman käyttötarkoitus",
    ]
    for text in texts:
        # The signed and published decision is there, so the export did read the register.
        assert "Julkaistava yhdistys ry" in text and "Perheiden kotoutumisen tuki" in text
        assert [secret for secret in forbidden if secret in text] == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("sort", ["newest", "amount_asc", "recipient"])
def test_postgresql_writes_the_csv_itself_byte_for_byte_as_python_does(grants, language, sort):
    """PostgreSQL streams CSV through COPY for speed; it must write exactly what the Python writer writes."""
    from django.db import connection

    PublishedGrantFactory(
        recipient_name='=HYPERLINK("x"), "lainattu" ry',
        project_name="\tSarkain alussa",
        purpose="Rivi yksi\nrivi kaksi, pilkulla; ja @merkillä",
        amount_awarded=Decimal("1234.50"),
    )
    PublishedGrantFactory(
        recipient_name="-5 ry", project_name="", outcome=GrantOutcome.REJECTED, amount_awarded=0
    )
    filters = exports.selectors.GrantFilters(outcome=exports.selectors.ALL_OUTCOMES)
    python = b"".join(exports._python_csv_content(filters, sort=sort, language=language))
    written = b"".join(exports.csv_content(filters, sort=sort, language=language))
    assert python.count(b"\n") > 3
    if connection.vendor == "postgresql":
        assert written.decode() == python.decode()
    else:
        assert written == python  # SQLite has no COPY: the Python writer is the download
