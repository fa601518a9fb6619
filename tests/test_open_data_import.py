"""Importing other funders' published grants from 360Giving JSON packages and CSV files into the register."""

import csv
import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import timezone, translation

from avustamo.core.dates import helsinki_today, in_helsinki
from avustamo.core.models import AuditEntry
from avustamo.programmes.models import Agency, Call, CallStatus, Programme
from avustamo.reference.models import Municipality
from avustamo.register import selectors
from avustamo.register.models import GrantOutcome, GrantTotal, PublishedGrant
from avustamo.register.open_data_import import import_open_data, parse_amount, parse_date
from avustamo.register.selectors import GrantFilters, TotalsFilters
from tests.factories import (
    CallFactory,
    MunicipalityFactory,
    PublishedGrantFactory,
    RegionFactory,
    UserFactory,
    valid_business_id,
)

pytestmark = pytest.mark.django_db

FUNDER_ID = "FI-PRO-2345670-5"
FUNDER_CODE = "FI-PRO-2345670-5"
FUNDER = {"id": FUNDER_ID, "name": "Suomen Kulttuurisäätiö"}
SOURCE = "https://funder.example.org/360giving.json"
# Row 2 of every CSV here, after the titles.
CSV_TITLES = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Name",
]


@pytest.fixture(autouse=True)
def _english():
    """The reasons are asserted as written in English, whatever translations are added later."""
    with translation.override("en"):
        yield


@pytest.fixture
def places(db):
    """The regions and municipalities the files here name, as Statistics Finland codes them."""
    uusimaa = RegionFactory(code="01", name_fi="Uusimaa", name_sv="Nyland", name_en="Uusimaa")
    north = RegionFactory(
        code="17", name_fi="Pohjois-Pohjanmaa", name_sv="Norra Österbotten", name_en="North Ostrobothnia"
    )
    MunicipalityFactory(code="091", name_fi="Helsinki", name_sv="Helsingfors", region=uusimaa)
    MunicipalityFactory(code="092", name_fi="Vantaa", name_sv="Vanda", region=uusimaa)
    MunicipalityFactory(code="564", name_fi="Oulu", name_sv="Uleåborg", region=north)


def _grant(number: int, year: int = 2020, **fields) -> dict:
    """A grant for the year, awarded in March for a period of use from April."""
    grant = {
        "id": f"360G-skr-{number}",
        "title": f"Kotoutumisen kulttuuripaja {number}",
        "description": "Taidetyöpajoja maahanmuuttaneille nuorille.",
        "currency": "EUR",
        "amountAwarded": 12000,
        "awardDate": f"{year}-03-15",
        "plannedDates": [{"startDate": f"{year}-04-01", "endDate": f"{year + 1}-03-31"}],
        "recipientOrganization": [{"id": f"FI-PRO-{valid_business_id(number)}", "name": f"Paja {number} ry"}],
        "fundingOrganization": [FUNDER],
        "grantProgramme": [{"code": "KOTO", "title": "Kotoutumisen kulttuuriavustukset"}],
        "beneficiaryLocation": [{"name": "Helsinki", "geoCode": "091"}],
    }
    grant.update(fields)
    return grant


def _json_file(tmp_path, *grants, name="grants.json", **package) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"grants": list(grants), **package}, ensure_ascii=False), encoding="utf-8")
    return path


def _csv_row(number: int, **fields) -> dict:
    row = {
        "Identifier": f"360G-skr-{number}",
        "Title": f"Kotoutumisen kulttuuripaja {number}",
        "Description": "Taidetyöpajoja maahanmuuttaneille nuorille.",
        "Currency": "EUR",
        "Amount Awarded": "12000",
        "Award Date": "2020-03-15",
        "Planned Dates:Start Date": "2020-04-01",
        "Planned Dates:End Date": "2021-03-31",
        "Recipient Org:Identifier": f"FI-PRO-{valid_business_id(number)}",
        "Recipient Org:Name": f"Paja {number} ry",
        "Funding Org:Identifier": FUNDER_ID,
        "Funding Org:Name": FUNDER["name"],
        "Grant Programme:Code": "KOTO",
        "Grant Programme:Title": "Kotoutumisen kulttuuriavustukset",
        "Beneficiary Location:Geographic Code": "091",
        "Beneficiary Location:Name": "Helsinki",
    }
    row.update(fields)
    return row


def _csv_file(tmp_path, *rows, titles=CSV_TITLES, delimiter=",", encoding="utf-8", name="grants.csv"):
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as target:
        writer = csv.writer(target, delimiter=delimiter)
        writer.writerow(titles)
        for row in rows:
            writer.writerow([row.get(title, "") for title in CSV_TITLES])
    return path


def _register_state() -> dict:
    return {
        "agencies": list(Agency.objects.order_by("code").values()),
        "programmes": list(Programme.objects.order_by("code").values()),
        "calls": list(Call.objects.order_by("reference").values()),
        "grants": list(PublishedGrant.objects.order_by("id").values()),
        "totals": sorted(
            GrantTotal.objects.values_list("funding_year", "programme_id", "region_id", "grants", "amount")
        ),
        "audit": AuditEntry.objects.count(),
    }


def _nothing_saved(before: dict) -> bool:
    return _register_state() == before


class TestJsonPackage:
    def test_grants_are_published_under_the_funder_its_programme_and_a_closed_call_of_the_year(
        self, places, tmp_path
    ):
        official = UserFactory(official=True)
        path = _json_file(
            tmp_path,
            _grant(1, dataSource="https://funder.example.org/2020.json"),
            _grant(2, amountAwarded=4500.5, beneficiaryLocation=[{"geoCode": "17"}]),
        )

        report = import_open_data(path=path, acting_user=official, source_url=SOURCE)

        assert report.problems == []
        assert report.grants == {"created": 2, "updated": 0, "unchanged": 0}
        agency = Agency.objects.get(code=FUNDER_CODE)
        assert (agency.name_fi, agency.name_sv, agency.name_en) == ("Suomen Kulttuurisäätiö",) * 3
        programme = Programme.objects.get(agency=agency)
        assert programme.code == "fi-pro-2345670-5-koto"
        assert programme.name_fi == "Kotoutumisen kulttuuriavustukset"
        assert (programme.legal_basis_fi, programme.legal_basis_sv, programme.legal_basis_en) == ("", "", "")
        call = Call.objects.get(programme=programme)
        assert call.reference == "fi-pro-2345670-5-koto-2020"
        assert call.title_fi == "Kotoutumisen kulttuuriavustukset 2020"
        assert call.current_status == CallStatus.CLOSED
        assert call.published_at == call.closes_at
        assert call.closes_at.date() <= datetime.date(2020, 3, 15)
        first, second = PublishedGrant.objects.order_by("source_identifier")
        assert first.source == PublishedGrant.Source.PUBLISHED_HISTORY
        assert first.source_identifier == "360G-skr-1"
        assert first.source_url == "https://funder.example.org/2020.json"
        assert second.source_url == SOURCE
        assert first.call == call and first.programme == programme and first.agency == agency
        assert first.outcome == GrantOutcome.AWARDED
        assert first.amount_awarded == Decimal("12000.00")
        assert second.amount_awarded == Decimal("4500.50")
        assert first.recipient_name == "Paja 1 ry"
        assert first.recipient_business_id == valid_business_id(1)
        assert first.project_name == "Kotoutumisen kulttuuripaja 1"
        assert first.purpose == "Taidetyöpajoja maahanmuuttaneille nuorille."
        assert first.funding_year == 2020
        assert first.decision_date == datetime.date(2020, 3, 15)
        assert (first.period_start, first.period_end) == (
            datetime.date(2020, 4, 1),
            datetime.date(2021, 3, 31),
        )
        assert (first.municipality_id, first.region_id) == ("091", "01")
        assert (second.municipality_id, second.region_id) == (None, "17")

    def test_the_import_is_audited_once_with_the_file_and_its_counts(self, places, tmp_path):
        official = UserFactory(official=True)
        import_open_data(path=_json_file(tmp_path, _grant(1), _grant(2)), acting_user=official)

        entry = AuditEntry.objects.get(action="register.open_data_imported")
        assert entry.actor == official
        assert entry.target_id == str(Agency.objects.get(code=FUNDER_CODE).pk)
        assert entry.details["file"] == "grants.json"
        assert (entry.details["created"], entry.details["updated"], entry.details["unchanged"]) == (2, 0, 0)

    def test_a_grant_without_a_programme_goes_to_the_funders_general_programme(self, places, tmp_path):
        import_open_data(path=_json_file(tmp_path, _grant(1, grantProgramme=[])))

        programme = PublishedGrant.objects.get().programme
        assert programme.name_fi == "Suomen Kulttuurisäätiö"
        assert programme.agency.code == FUNDER_CODE

    def test_a_funder_without_an_identifier_is_known_by_its_name(self, places, tmp_path):
        grant = _grant(1, fundingOrganization=[{"name": "Svenska kulturfonden"}])
        import_open_data(path=_json_file(tmp_path, grant))

        assert PublishedGrant.objects.get().agency.code == "SVENSKA-KULTURFONDEN"

    def test_a_programme_without_a_code_is_found_by_its_title(self, reference_data, tmp_path):
        """Here the funder's name is the code of TEM, whose programmes are then looked up by title."""
        grant = _grant(
            1,
            fundingOrganization=[{"name": "TEM"}],
            grantProgramme=[{"title": "maahanmuuttajien OSAAMISKESKUKSET"}],
        )
        import_open_data(path=_json_file(tmp_path, grant))

        assert PublishedGrant.objects.get().programme.code == "tem-maahanmuuttajien-osaamiskeskukset"

    def test_without_an_award_date_the_year_is_the_planned_start_and_the_call_is_never_open(
        self, places, tmp_path
    ):
        today = helsinki_today()
        grant = _grant(1, plannedDates=[{"startDate": today.isoformat()}])
        del grant["awardDate"]
        import_open_data(path=_json_file(tmp_path, grant))

        published = PublishedGrant.objects.get()
        assert published.funding_year == today.year
        assert published.decision_date is None
        assert published.call.current_status == CallStatus.CLOSED

    def test_a_grant_awarded_the_year_before_its_period_counts_for_the_year_of_the_period(
        self, places, tmp_path
    ):
        grant = _grant(1, awardDate="2019-12-10", plannedDates=[{"startDate": "2020-01-01"}])
        import_open_data(path=_json_file(tmp_path, grant))

        published = PublishedGrant.objects.get()
        assert (published.funding_year, published.decision_date) == (2020, datetime.date(2019, 12, 10))
        assert published.call.reference == "fi-pro-2345670-5-koto-2020"
        assert in_helsinki(published.call.closes_at).date() == datetime.date(2019, 12, 10)

    def test_the_same_identifier_of_two_funders_is_two_grants(self, places, tmp_path):
        other = _grant(1, fundingOrganization=[{"id": "FI-PRO-0201724-4", "name": "Toinen säätiö"}])
        report = import_open_data(path=_json_file(tmp_path, _grant(1), other))

        assert report.grants["created"] == 2
        assert set(PublishedGrant.objects.values_list("agency__code", flat=True)) == {
            FUNDER_CODE,
            "FI-PRO-0201724-4",
        }


class TestMessyCsv:
    def test_semicolons_bom_loose_titles_and_finnish_dates_and_amounts_are_read(self, places, tmp_path):
        loose_titles = [f"  {title.upper().replace(':', ' : ')} " for title in CSV_TITLES]
        rows = [
            _csv_row(1, **{"Amount Awarded": "12 345,67 €", "Award Date": "1.2.2020", "Currency": ""}),
            _csv_row(2, **{"Amount Awarded": "12\u00a0345,67", "Award Date": "01/02/2020"}),
            _csv_row(3, **{"Amount Awarded": "12,345.67", "Award Date": "2020-02-01T00:00:00Z"}),
            _csv_row(4, **{"Amount Awarded": "€12,345", "Award Date": "2020-02-01"}),
            _csv_row(5, **{"Amount Awarded": "12345", "Award Date": "01.02.2020"}),
        ]
        path = _csv_file(tmp_path, *rows, titles=loose_titles, delimiter=";", encoding="utf-8-sig")

        report = import_open_data(path=path)

        assert report.problems == []
        grants = {grant.source_identifier: grant for grant in PublishedGrant.objects.all()}
        assert [grants[f"360G-skr-{n}"].amount_awarded for n in range(1, 6)] == [
            Decimal("12345.67"),
            Decimal("12345.67"),
            Decimal("12345.67"),
            Decimal("12345.00"),
            Decimal("12345.00"),
        ]
        assert {grant.decision_date for grant in grants.values()} == {datetime.date(2020, 2, 1)}
        assert grants["360G-skr-1"].project_name == "Kotoutumisen kulttuuripaja 1"

    def test_windows_1252_from_finnish_excel_is_read(self, places, tmp_path):
        path = _csv_file(tmp_path, _csv_row(1), delimiter=";", encoding="cp1252")

        import_open_data(path=path)

        assert PublishedGrant.objects.get().purpose == "Taidetyöpajoja maahanmuuttaneille nuorille."

    @pytest.mark.parametrize(
        ("written", "amount"),
        [
            ("12 345,67 €", "12345.67"),
            ("12\u00a0345,67", "12345.67"),
            ("12,345.67", "12345.67"),
            ("12.345,67", "12345.67"),
            ("12345", "12345.00"),
            ("€12,345", "12345.00"),
            ("EUR 1 234 567,8", "1234567.80"),
            ("1,234,567", "1234567.00"),
            ("0,5", "0.50"),
        ],
    )
    def test_amounts(self, written, amount):
        assert parse_amount(written)[0] == Decimal(amount)

    @pytest.mark.parametrize(
        "written",
        ["2020-02-01", "2020-2-1", "1.2.2020", "01.02.2020", "01/02/2020", "2020-02-01T23:30:00+02:00"],
    )
    def test_dates(self, written):
        assert parse_date(written) == datetime.date(2020, 2, 1)


def _problems(report) -> list[tuple]:
    return [(problem.row, problem.field, problem.code) for problem in report.problems]


class TestRefusedFiles:
    def test_one_bad_row_imports_nothing_and_the_message_names_the_row_and_the_problem(
        self, places, tmp_path
    ):
        before = _register_state()
        path = _csv_file(tmp_path, _csv_row(1), _csv_row(2, **{"Amount Awarded": "12,3456"}), _csv_row(3))

        report = import_open_data(path=path)

        assert _problems(report) == [(3, "Amount Awarded", "not_an_amount")]
        assert str(report.problems[0]).startswith(
            "Row 3 (360G-skr-2), Amount Awarded: “12,3456” is not an amount"
        )
        assert _nothing_saved(before)
        with pytest.raises(
            CommandError,
            match=r"Nothing was imported from grants.csv: 1 problem\.\nRow 3 \(360G-skr-2\), Amount Awarded",
        ):
            call_command("import_open_data", str(path))
        assert _nothing_saved(before)

    @pytest.mark.parametrize(
        ("field", "value", "code", "reason"),
        [
            ("Amount Awarded", "-500", "not_positive", "must be more than zero"),
            ("Amount Awarded", "0,00", "not_positive", "must be more than zero"),
            ("Amount Awarded", "£500", "not_an_amount", "is not an amount in euros"),
            ("Amount Awarded", "1.234,567", "not_an_amount", "is not an amount in euros"),
            ("Amount Awarded", "1,23,4", "not_an_amount", "is not an amount in euros"),
            ("Amount Awarded", "", "missing", "required"),
            ("Currency", "SEK", "not_euro", "only grants in euros are imported; this one is in SEK"),
            ("Currency", "", "missing", "only grants in euros are imported"),
            ("Award Date", "1.2.20", "ambiguous_date", "four digits"),
            ("Award Date", "31.2.2020", "impossible_date", "no such day"),
            ("Award Date", "02/13/2020", "impossible_date", "read day first: DD/MM/YYYY"),
            ("Award Date", "February 2020", "not_a_date", "is not a date"),
            ("Award Date", "2999-01-01", "future_date", "in the future"),
            ("Planned Dates:End Date", "2020-03-31", "ends_before_start", "before the planned start"),
            (
                "Recipient Org:Identifier",
                "FI-PRO-0245872-9",
                "invalid_business_id",
                "not a valid Business ID",
            ),
            ("Recipient Org:Name", "", "missing", "required"),
            ("Beneficiary Location:Geographic Code", "5", "unknown_geocode", "leading zero"),
            ("Beneficiary Location:Geographic Code", "03", "unknown_geocode", "region code (01–21)"),
            ("Beneficiary Location:Geographic Code", "KU999", "unknown_geocode", "municipality code"),
            ("Title", "x" * 1001, "too_long", "1001 characters; at most 1000"),
            ("Identifier", "", "missing", "required"),
        ],
    )
    def test_impossible_or_ambiguous_values_are_refused_with_a_reason(
        self, places, tmp_path, field, value, code, reason
    ):
        before = _register_state()
        path = _csv_file(tmp_path, _csv_row(1, **{field: value}))

        report = import_open_data(path=path)

        assert _problems(report) == [(2, field, code)]
        assert reason.casefold() in report.problems[0].reason.casefold()
        assert _nothing_saved(before)

    def test_a_data_source_must_be_a_web_address(self, places, tmp_path):
        path = _json_file(tmp_path, _grant(1, dataSource="javascript:alert(1)"))

        report = import_open_data(path=path)

        assert _problems(report) == [(1, "Data Source", "invalid_url")]
        assert not PublishedGrant.objects.exists()

    def test_every_problem_of_a_row_is_reported(self, places, tmp_path):
        path = _csv_file(tmp_path, _csv_row(1, **{"Amount Awarded": "abc", "Award Date": "32.1.2020"}))

        report = import_open_data(path=path)

        assert _problems(report) == [
            (2, "Amount Awarded", "not_an_amount"),
            (2, "Award Date", "impossible_date"),
        ]

    def test_a_grant_in_json_with_the_wrong_kinds_of_value_is_refused(self, places, tmp_path):
        path = _json_file(tmp_path, _grant(1, title={"fi": "Paja"}, amountAwarded=12.345), "not a grant")

        report = import_open_data(path=path)

        assert _problems(report) == [
            (1, "Amount Awarded", "too_many_decimals"),
            (1, "Title", "not_text"),
            (2, "", "not_a_grant"),
        ]
        assert not PublishedGrant.objects.exists()

    def test_an_identifier_twice_in_the_file_is_refused(self, places, tmp_path):
        path = _csv_file(tmp_path, _csv_row(1), _csv_row(1, **{"Amount Awarded": "500"}))

        report = import_open_data(path=path)

        assert _problems(report) == [(3, "Identifier", "duplicate")]
        assert "on row 2" in report.problems[0].reason
        assert not PublishedGrant.objects.exists()

    @pytest.mark.parametrize(
        ("name", "content", "code", "reason"),
        [
            ("grants.json", '{"grants": [', "not_json", "not valid JSON (line 1, column 13)"),
            ("grants.json", '[{"id": "1"}]', "not_a_package", 'list of "grants"'),
            ("grants.json", '{"grants": []}', "no_grants", "holds no grants"),
            ("grants.csv", "Identifier,Title\n1,Paja\n", "missing_columns", "no column “Amount Awarded”"),
            ("grants.csv", ",".join(CSV_TITLES) + "\n", "no_grants", "holds no grants"),
            ("grants.xlsx", "", "unknown_format", "name it .json or .csv"),
        ],
    )
    def test_a_file_that_is_not_360giving_data_is_refused(
        self, places, tmp_path, name, content, code, reason
    ):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")

        report = import_open_data(path=path)

        assert [(problem.row, problem.code) for problem in report.problems] == [(None, code)]
        assert reason in str(report.problems[0])
        assert not PublishedGrant.objects.exists()

    def test_bytes_that_are_no_text_are_refused(self, places, tmp_path):
        path = tmp_path / "grants.csv"
        path.write_bytes(b"Identifier\x81\x8d\n")

        assert [problem.code for problem in import_open_data(path=path).problems] == ["not_text"]

    def test_a_programme_code_of_another_agency_is_refused(self, reference_data, tmp_path):
        taken = Programme.objects.get(code="tem-maahanmuuttajien-osaamiskeskukset")
        grant = _grant(
            1,
            fundingOrganization=[{"name": "tem maahanmuuttajien"}],
            grantProgramme=[{"code": "osaamiskeskukset"}],
        )
        # The funder's code "TEM-MAAHANMUUTTAJIEN" and its programme's code make the code of TEM's programme.
        report = import_open_data(path=_json_file(tmp_path, grant))

        assert _problems(report) == [(1, "Grant Programme:Code", "programme_clash")]
        assert taken.code in report.problems[0].reason
        assert not Agency.objects.filter(code="TEM-MAAHANMUUTTAJIEN").exists()

    def test_a_call_reference_of_another_programme_is_refused(self, reference_data, tmp_path):
        other = Programme.objects.get(code="tem-maahanmuuttajien-osaamiskeskukset")
        Call.objects.create(
            programme=other,
            reference="fi-pro-2345670-5-koto-2020",
            title_fi="Väärä haku",
            opens_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            closes_at=datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC),
        )

        report = import_open_data(path=_json_file(tmp_path, _grant(1)))

        assert _problems(report) == [(1, "Grant Programme:Code", "call_clash")]
        assert not PublishedGrant.objects.exists()


class TestIndividuals:
    def test_grants_to_individuals_are_refused_without_repeating_the_persons_data(self, places, tmp_path):
        person = _grant(2, recipientIndividual={"id": "360G-skr-IND-7", "name": "Maija Meikäläinen"})
        del person["recipientOrganization"]
        before = _register_state()

        report = import_open_data(path=_json_file(tmp_path, _grant(1), person))

        assert _problems(report) == [(2, "Recipient Ind:Identifier", "individual")]
        assert "natural persons" in report.problems[0].reason
        assert "Maija" not in report.summary() and "IND-7" not in report.summary()
        assert _nothing_saved(before)

    def test_an_individual_in_a_csv_is_refused(self, places, tmp_path):
        titles = [*CSV_TITLES, "Recipient Ind:Name"]
        path = tmp_path / "grants.csv"
        row = _csv_row(1, **{"Recipient Org:Name": "", "Recipient Org:Identifier": ""})
        with path.open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target)
            writer.writerow(titles)
            writer.writerow([*(row[title] for title in CSV_TITLES), "Maija Meikäläinen"])

        report = import_open_data(path=path)

        assert [problem.code for problem in report.problems] == ["individual"]
        assert not PublishedGrant.objects.exists()


class TestBusinessIdsAndPlaces:
    def test_only_fi_pro_identifiers_become_business_ids(self, places, tmp_path):
        grants = [
            _grant(1, recipientOrganization=[{"id": "fi-pro-02458728", "name": "A ry"}]),
            _grant(2, recipientOrganization=[{"id": "GB-CHC-1164021", "name": "B charity"}]),
            _grant(3, recipientOrganization=[{"id": "FI-PRH-123456", "name": "C ry"}]),
        ]
        import_open_data(path=_json_file(tmp_path, *grants))

        assert dict(PublishedGrant.objects.values_list("recipient_name", "recipient_business_id")) == {
            "A ry": "0245872-8",
            "B charity": "",
            "C ry": "",
        }
        assert [grant.recipient_name for grant in selectors.grants_of_organisation("0245872-8")] == ["A ry"]

    @pytest.mark.parametrize(
        ("locations", "municipality", "region"),
        [
            ([{"geoCode": "091"}], "091", "01"),
            ([{"geoCode": "KU564"}], "564", "17"),
            ([{"geoCode": "MK17"}], None, "17"),
            ([{"geoCode": "091"}, {"geoCode": "01"}], "091", "01"),
            ([{"geoCode": "091"}, {"geoCode": "092"}], None, "01"),
            ([{"geoCode": "091"}, {"geoCode": "564"}], None, None),
            ([{"geoCode": "E12000007", "name": "London"}], None, None),
            ([{"geoCode": "FI-18", "name": "Uusimaa"}], None, None),
            ([{"name": "Helsinki"}], None, None),
            ([{"geoCode": "091", "countryCode": "SE"}], None, None),
            ([{"geoCode": "091", "geoCodeType": "LONB"}], None, None),
            ([{"geoCode": "091", "geoCodeType": "FI-KUNTA"}], "091", "01"),
            ([{"geoCode": "17", "geoCodeType": "fi-maakunta"}], None, "17"),
        ],
    )
    def test_region_and_municipality_come_from_statistics_finland_codes_only(
        self, places, tmp_path, locations, municipality, region
    ):
        import_open_data(path=_json_file(tmp_path, _grant(1, beneficiaryLocation=locations)))

        grant = PublishedGrant.objects.get()
        assert (grant.municipality_id, grant.region_id) == (municipality, region)

    def test_the_recipients_home_comes_before_the_beneficiaries_location(self, places, tmp_path):
        recipient = {
            "id": "GB-CHC-1",
            "name": "A ry",
            "location": [{"geoCode": "564", "geoCodeType": "FI-KUNTA"}],
        }
        import_open_data(path=_json_file(tmp_path, _grant(1, recipientOrganization=[recipient])))

        grant = PublishedGrant.objects.get()
        assert (grant.municipality_id, grant.region_id) == ("564", "17")

    @pytest.mark.parametrize(
        "location", [{"geoCode": "01", "geoCodeType": "FI-KUNTA"}, {"geoCode": "KU17"}, {"geoCode": "MK091"}]
    )
    def test_a_code_of_the_wrong_kind_is_refused(self, places, tmp_path, location):
        report = import_open_data(path=_json_file(tmp_path, _grant(1, beneficiaryLocation=[location])))

        assert _problems(report) == [(1, "Beneficiary Location:Geographic Code", "unknown_geocode")]
        assert not PublishedGrant.objects.exists()


class TestRerun:
    def test_a_rerun_of_the_same_file_changes_nothing(self, places, tmp_path):
        path = _json_file(tmp_path, _grant(1), _grant(2), _grant(3, year=2021))
        import_open_data(path=path)
        after_first = _register_state()

        report = import_open_data(path=path)

        assert report.grants == {"created": 0, "updated": 0, "unchanged": 3}
        assert (report.agencies_created, report.programmes_created, report.calls_created) == ([], [], [])
        assert _register_state() == after_first

    def test_a_changed_row_is_updated_and_reported_as_updated(self, places, tmp_path):
        import_open_data(path=_json_file(tmp_path, _grant(1), _grant(2)))
        original = PublishedGrant.objects.get(source_identifier="360G-skr-2")

        changed = _grant(2, year=2021, amountAwarded=30000, beneficiaryLocation=[{"geoCode": "17"}])
        report = import_open_data(path=_json_file(tmp_path, _grant(1), changed))

        assert report.grants == {"created": 0, "updated": 1, "unchanged": 1}
        updated = PublishedGrant.objects.get(source_identifier="360G-skr-2")
        assert updated.pk == original.pk
        assert (updated.amount_awarded, updated.funding_year, updated.region_id) == (
            Decimal("30000.00"),
            2021,
            "17",
        )
        assert updated.municipality_id is None
        assert updated.call.reference == "fi-pro-2345670-5-koto-2021"
        assert selectors.grand_total(TotalsFilters(year=2020)) == {"grants": 1, "amount": Decimal("12000.00")}
        assert selectors.grand_total(TotalsFilters(year=2021)) == {"grants": 1, "amount": Decimal("30000.00")}
        assert AuditEntry.objects.filter(action="register.open_data_imported").count() == 2

    def test_a_dry_run_reports_and_saves_nothing(self, places, tmp_path):
        before = _register_state()
        path = _json_file(tmp_path, _grant(1), _grant(2))

        report = import_open_data(path=path, dry_run=True)

        assert report.grants["created"] == 2
        assert report.agencies_created == [FUNDER_CODE]
        assert _nothing_saved(before)


class TestRegister:
    def test_the_totals_equal_the_register_after_the_import(self, places, tmp_path):
        PublishedGrantFactory(funding_year=2020)
        grants = [_grant(n, year=2019 + n % 3, amountAwarded=1000 * n) for n in range(1, 10)]
        grants[0]["beneficiaryLocation"] = []
        import_open_data(path=_json_file(tmp_path, *grants))

        register = (
            PublishedGrant.objects.values("funding_year", "agency_id", "programme_id", "region_id", "outcome")
            .annotate(grants=Count("id"), amount=Sum("amount_awarded"))
            .order_by("funding_year", "programme_id", "region_id")
        )
        totals = GrantTotal.objects.values(
            "funding_year", "agency_id", "programme_id", "region_id", "outcome", "grants", "amount"
        ).order_by("funding_year", "programme_id", "region_id")
        assert list(totals) == list(register)
        assert selectors.grand_total(TotalsFilters(agency=FUNDER_CODE))["amount"] == Decimal("45000.00")

    def test_imported_grants_are_found_by_the_register_filters(self, places, tmp_path):
        grants = [
            _grant(1),
            _grant(2, year=2021, beneficiaryLocation=[{"geoCode": "17"}]),
            _grant(
                3,
                title="Saamelaisnuorten tanssileiri",
                grantProgramme=[{"code": "NUORET", "title": "Nuoret"}],
            ),
        ]
        import_open_data(path=_json_file(tmp_path, *grants))

        def found(**filters) -> set[str]:
            return set(selectors.grants(GrantFilters(**filters)).values_list("source_identifier", flat=True))

        assert found(agency=FUNDER_CODE.lower()) == {"360G-skr-1", "360G-skr-2", "360G-skr-3"}
        assert found(programme="fi-pro-2345670-5-nuoret") == {"360G-skr-3"}
        assert found(year=2021) == {"360G-skr-2"}
        assert found(region="17") == {"360G-skr-2"}
        assert found(q="tanssileirit") == {"360G-skr-3"}
        assert found(q="kulttuuripajoja", agency=FUNDER_CODE) == {"360G-skr-1", "360G-skr-2"}

    def test_a_large_file_is_written_in_batches(self, places, tmp_path, django_assert_max_num_queries):
        grants = [_grant(n, year=2016 + n % 5) for n in range(1, 2501)]
        path = _json_file(tmp_path, *grants)

        with django_assert_max_num_queries(len(grants) // 10):
            report = import_open_data(path=path)

        assert report.grants["created"] == 2500
        assert PublishedGrant.objects.filter(agency__code=FUNDER_CODE).count() == 2500


class TestCommand:
    def test_the_command_imports_and_prints_what_it_did(self, places, tmp_path, capsys):
        path = _csv_file(tmp_path, _csv_row(1), _csv_row(2), name="grants.txt")

        call_command("import_open_data", str(path), "--format", "csv", "--source-url", SOURCE)

        output = capsys.readouterr().out
        assert "grants.txt: 2 grants; 2 created, 0 updated, 0 unchanged." in output
        assert "rows per second" in output
        assert set(PublishedGrant.objects.values_list("source_url", flat=True)) == {SOURCE}

    def test_a_dry_run_saves_nothing(self, places, tmp_path, capsys):
        call_command("import_open_data", str(_json_file(tmp_path, _grant(1))), "--dry-run")

        assert "Dry run: nothing was saved." in capsys.readouterr().out
        assert not PublishedGrant.objects.exists()

    def test_a_missing_file_or_a_bad_source_url_fails(self, places, tmp_path):
        with pytest.raises(CommandError, match="There is no file"):
            call_command("import_open_data", str(tmp_path / "missing.json"))
        with pytest.raises(CommandError, match="is not a web address"):
            call_command("import_open_data", str(_json_file(tmp_path, _grant(1))), "--source-url", "ftp://x")
        assert not PublishedGrant.objects.exists()


class TestRoundTrip:
    def test_the_registers_own_360giving_package_imports_as_a_new_funder_with_the_same_grants(
        self, reference_data, tmp_path, client
    ):
        call = CallFactory(
            reference="TEM-KOTO-2021",
            opens_at=timezone.make_aware(datetime.datetime(2021, 1, 4, 8, 0)),
            closes_at=timezone.make_aware(datetime.datetime(2021, 2, 1, 16, 0)),
        )
        decided = PublishedGrantFactory(
            call=call,
            recipient_name="Kotipiha ry",
            recipient_business_id=valid_business_id(7),
            municipality=Municipality.objects.get(code="853"),
            project_name="Perhekerho Turussa",
            purpose="Vertaistukea maahanmuuttaneille perheille",
            amount_awarded=Decimal("12345.67"),
            funding_year=2021,
            decision_date=datetime.date(2021, 3, 10),
            period_start=datetime.date(2021, 4, 1),
            period_end=datetime.date(2022, 3, 31),
            source=PublishedGrant.Source.DECISION,
        )
        historic = PublishedGrantFactory(
            call=call,
            recipient_name="Folkhälsan rf",
            project_name="Språkcafé",
            purpose="Språkcafé för nyanlända",
            amount_awarded=Decimal("50000.00"),
            funding_year=2021,
            source_url="https://kotouttaminen.fi/rahoitetut-hankkeet-2021",
        )
        response = client.get("/open-data/360giving.json")
        path = tmp_path / "avustamo-360giving.json"
        path.write_bytes(b"".join(response.streaming_content))

        report = import_open_data(path=path)

        assert report.problems == []
        assert report.agencies_created == ["360G-TEM-FUNDER"]
        fields = (
            "recipient_name",
            "recipient_business_id",
            "municipality_id",
            "region_id",
            "project_name",
            "purpose",
            "amount_awarded",
            "funding_year",
            "period_start",
            "period_end",
        )
        for original in (decided, historic):
            copy = PublishedGrant.objects.get(
                agency__code="360G-TEM-FUNDER", source_identifier=f"360G-tem-{original.pk}"
            )
            assert [getattr(copy, name) for name in fields] == [getattr(original, name) for name in fields]
        copy_of_decided = PublishedGrant.objects.get(source_identifier=f"360G-tem-{decided.pk}")
        assert copy_of_decided.decision_date == decided.decision_date
        assert copy_of_decided.source_url.endswith(f"/en/register/grants/{decided.pk}/")
        copy_of_historic = PublishedGrant.objects.get(source_identifier=f"360G-tem-{historic.pk}")
        assert copy_of_historic.source_url == historic.source_url
        assert selectors.grand_total(TotalsFilters(agency="360G-TEM-FUNDER")) == selectors.grand_total(
            TotalsFilters(agency="TEM")
        )
        assert import_open_data(path=path).grants == {"created": 0, "updated": 0, "unchanged": 2}
