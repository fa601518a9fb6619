"""Statistics Finland's population by language per municipality (issue 19 §6): the import of its CSV, whole or not
at all, and the calls' municipal rules (Talent Hub: at least 15,000 foreign-language residents) checked against it
when the applicant sends and when the official screens."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from avustamo.applications import services as application_services
from avustamo.core.dates import in_helsinki
from avustamo.core.models import AuditEntry
from avustamo.organisations.models import OrganisationType
from avustamo.programmes import services as call_services
from avustamo.programmes.municipality_rules import RuleOutcome, check_municipality_rule
from avustamo.reference import services
from avustamo.reference.models import MunicipalityPopulation, PopulationImport
from avustamo.reference.services import population_import
from avustamo.reviews.services import screening_suggestion
from tests.access import sign_in
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    CallFactory,
    CallFormFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    complete_answers,
)

pytestmark = pytest.mark.django_db

HEADING = '"Alue";"Vuosi";"Yhteensä";"Vieraskieliset yhteensä"\n'
TITLE = '"Väestö kielen mukaan alueittain"\n\n'


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def municipalities():
    return {
        "091": MunicipalityFactory(code="091", name_fi="Helsinki", name_sv="Helsingfors"),
        "092": MunicipalityFactory(code="092", name_fi="Vantaa", name_sv="Vanda"),
        # Merged into another municipality at the end of 2020.
        "911": MunicipalityFactory(
            code="911", name_fi="Suodenniemi", name_sv="Suodenniemi", valid_until_year=2020
        ),
    }


@pytest.fixture
def administrator():
    return UserFactory(roles=["administrator"])


def _csv(*rows: str, heading: str = HEADING, title: str = TITLE) -> bytes:
    return (title + heading + "".join(row + "\n" for row in rows)).encode()


def _figures() -> dict[tuple[str, int], tuple[int, int]]:
    return {
        (row.municipality_id, row.year): (row.population, row.foreign_language_population)
        for row in MunicipalityPopulation.objects.all()
    }


class TestImport:
    def test_a_pxweb_export_is_loaded_leaving_out_the_country_and_the_regions(
        self, municipalities, administrator
    ):
        content = _csv(
            '"SSS KOKO MAA";"2024";5635971;570000',
            '"MK01 Uusimaa";"2024";1750000;300000',
            '"KU091 Helsinki";"2024";684018;125321',
            '"092 Vantaa";"2024";250000;67000',
        )
        done = population_import(content=content, file_name="11rl.csv", acting_user=administrator)
        assert _figures() == {("091", 2024): (684018, 125321), ("092", 2024): (250000, 67000)}
        assert (done.years, done.municipalities, done.file_name) == ([2024], 2, "11rl.csv")
        entry = AuditEntry.objects.get(action="population.imported")
        assert entry.actor == administrator
        assert entry.details["years"] == [2024] and entry.details["figures"] == 2

    def test_the_older_windows_encoding_commas_and_swedish_headings_are_read(
        self, municipalities, administrator
    ):
        content = (
            '"Befolkning efter språk, område och år"\n\n'
            '"Område","År","Totalt","Främmande språk totalt"\n'
            '"KU091 Helsingfors","2023","670 000","120 000"\n'
        ).encode("cp1252")
        population_import(content=content, file_name="sv.csv", acting_user=administrator)
        assert _figures() == {("091", 2023): (670000, 120000)}

    def test_every_bad_row_is_reported_and_nothing_is_saved(self, municipalities, administrator):
        population_import(
            content=_csv('"KU091 Helsinki";"2023";670000;120000'),
            file_name="old.csv",
            acting_user=administrator,
        )
        content = _csv(
            '"KU091 Helsinki";"2024";684018;125321',  # line 4: good
            '"KU999 Ei ole";"2024";100;10',
            '"KU092 Vantaa";"20x4";250000;67000',
            '"KU092 Vantaa";"2024";"..";67000',
            '"KU092 Vantaa";"2025";1000;1001',
            '"KU091 Helsinki";"2024";684018;125321',
            '"KU911 Suodenniemi";"2024";1200;10',
            '"Ulkomaat";"2024";100;100',
            '"KU092 Vantaa";"2026"',
        )
        with pytest.raises(ValidationError) as refusal:
            population_import(content=content, file_name="new.csv", acting_user=administrator)
        assert refusal.value.messages == [
            "Line 5: there is no municipality number 999.",
            "Line 6: “20x4” is not a year.",
            "Line 7: the figures of 092 must be whole numbers of people.",
            "Line 8: 092 has more foreign-language residents (1001) than residents (1000).",
            "Line 9: 091 2024 is already on line 4.",
            "Line 10: municipality 911 Suodenniemi did not exist in 2024.",
            "Line 11: “Ulkomaat” is not a municipality number.",
            "Line 12: the row has too few columns.",
        ]
        assert _figures() == {("091", 2023): (670000, 120000)}
        assert PopulationImport.objects.count() == 1
        assert AuditEntry.objects.filter(action="population.imported").count() == 1

    @pytest.mark.parametrize(
        ("heading", "message"),
        [
            (
                '"Alue";"Vuosi";"Yhteensä"\n',
                "Line 3: the file has no column for the foreign-language population.",
            ),
            ('"Kunta";"Tiedot"\n', "No heading line was found"),
        ],
    )
    def test_a_file_without_the_columns_is_refused(self, municipalities, administrator, heading, message):
        with pytest.raises(ValidationError) as refusal:
            population_import(
                content=_csv('"KU091 Helsinki";"2024";1;1', heading=heading),
                file_name="x.csv",
                acting_user=administrator,
            )
        assert message in refusal.value.messages[0]
        assert not MunicipalityPopulation.objects.exists()

    def test_a_file_of_only_sums_has_no_figures(self, municipalities, administrator):
        with pytest.raises(ValidationError) as refusal:
            population_import(
                content=_csv('"SSS KOKO MAA";"2024";5635971;570000'),
                file_name="x.csv",
                acting_user=administrator,
            )
        assert refusal.value.code == "no_figures"

    def test_a_new_file_replaces_the_figures_it_holds_and_keeps_the_others(
        self, municipalities, administrator
    ):
        population_import(
            content=_csv(
                '"KU091 Helsinki";"2023";670000;120000',
                '"KU091 Helsinki";"2024";1;1',
                '"KU092 Vantaa";"2024";2;2',
            ),
            file_name="first.csv",
            acting_user=administrator,
        )
        population_import(
            content=_csv('"KU091 Helsinki";"2024";684018;125321'),
            file_name="second.csv",
            acting_user=administrator,
        )
        # A file of one municipality (or one region) leaves the others' figures of the same year as they were.
        assert _figures() == {
            ("091", 2023): (670000, 120000),
            ("091", 2024): (684018, 125321),
            ("092", 2024): (2, 2),
        }

    @pytest.mark.parametrize(
        "figure",
        ["²", "1" * 5000, "2147483648", "-5", "1e6"],
        ids=["superscript", "5000 digits", "2^31", "-", "e"],
    )
    def test_a_figure_that_is_no_whole_number_of_people_is_refused_and_nothing_saved(
        self, municipalities, administrator, figure
    ):
        with pytest.raises(ValidationError) as refusal:
            population_import(
                content=_csv(f'"KU091 Helsinki";"2024";{figure};1'),
                file_name="x.csv",
                acting_user=administrator,
            )
        assert "must be whole numbers of people" in refusal.value.messages[0]
        assert not MunicipalityPopulation.objects.exists()

    def test_a_file_that_is_no_csv_is_refused_and_nothing_saved(self, municipalities, administrator):
        with pytest.raises(ValidationError) as refusal:
            population_import(
                content=_csv('"KU091 Helsinki";"2024";1;1') + b'"' + b"x" * 200_000,
                file_name="x.csv",
                acting_user=administrator,
            )
        assert refusal.value.code == "not_csv"
        assert not MunicipalityPopulation.objects.exists()

    @pytest.mark.parametrize("role", ["programme_manager", "finance_officer", "auditor"])
    def test_only_an_administrator_loads_figures(self, municipalities, role):
        with pytest.raises(PermissionDenied):
            population_import(
                content=_csv('"KU091 Helsinki";"2024";1;1'),
                file_name="x.csv",
                acting_user=UserFactory(roles=[role]),
            )
        assert not MunicipalityPopulation.objects.exists()


def _talent_hub_call(threshold=15000):
    return CallFactory(
        programme=ProgrammeFactory(talent_hub=True),
        eligible_organisation_types=[OrganisationType.MUNICIPALITY.value],
        min_foreign_language_population=threshold,
    )


def _municipality_applicant(municipality):
    organisation = OrganisationFactory(
        name=f"{municipality.name_fi}n kaupunki",
        organisation_type=OrganisationType.MUNICIPALITY,
        home_municipality=municipality,
    )
    return MembershipFactory(organisation=organisation).person


def _load(administrator, *rows):
    population_import(content=_csv(*rows), file_name="11rl.csv", acting_user=administrator)


class TestThreshold:
    @pytest.mark.parametrize(
        ("foreign", "outcome"),
        [(14999, RuleOutcome.BELOW), (15000, RuleOutcome.MET), (15001, RuleOutcome.MET)],
    )
    def test_the_threshold_is_met_from_exactly_its_figure(
        self, municipalities, administrator, foreign, outcome
    ):
        call = _talent_hub_call()
        year = in_helsinki(call.opens_at).year - 1
        _load(administrator, f'"KU092 Vantaa";"{year}";250000;{foreign}')
        organisation = OrganisationFactory(home_municipality=municipalities["092"])
        check = check_municipality_rule(call, organisation)
        assert (check.outcome, check.figure, check.year, check.threshold) == (outcome, foreign, year, 15000)
        if outcome == RuleOutcome.BELOW:
            assert check.message == (
                f"By Statistics Finland's figures for the end of {year}, Vantaa has 14,999 foreign-language "
                "residents, fewer than the 15,000 the call requires. A grant can be given only to a municipality "
                "that meets the rule."
            )

    def test_the_latest_year_up_to_the_calls_opening_is_used(self, municipalities, administrator):
        call = _talent_hub_call()
        opening_year = in_helsinki(call.opens_at).year
        _load(
            administrator,
            f'"KU092 Vantaa";"{opening_year - 2}";240000;14000',
            f'"KU092 Vantaa";"{opening_year - 1}";250000;16000',
            f'"KU092 Vantaa";"{opening_year + 1}";260000;10000',
        )
        check = check_municipality_rule(call, OrganisationFactory(home_municipality=municipalities["092"]))
        assert (check.outcome, check.year, check.figure) == (RuleOutcome.MET, opening_year - 1, 16000)

    def test_without_a_figure_the_declaration_stands_and_the_official_is_asked_to_check(self, municipalities):
        check = check_municipality_rule(
            _talent_hub_call(), OrganisationFactory(home_municipality=municipalities["092"])
        )
        assert check.outcome == RuleOutcome.NO_FIGURE and check.needs_attention
        assert check.message == (
            "The service has no figure from Statistics Finland of the foreign-language residents of Vantaa. The call "
            "requires at least 15,000: the application's declaration is relied on, and the official checks it."
        )

    def test_a_call_without_the_rule_checks_nothing_and_reads_nothing(
        self, municipalities, django_assert_num_queries
    ):
        call = CallFactory()
        organisation = OrganisationFactory(home_municipality=municipalities["092"])
        with django_assert_num_queries(0):
            assert check_municipality_rule(call, organisation) is None

    def test_a_municipality_below_the_threshold_can_send_and_the_check_is_logged(
        self, municipalities, administrator
    ):
        call = _talent_hub_call()
        year = in_helsinki(call.opens_at).year - 1
        _load(administrator, f'"KU092 Vantaa";"{year}";250000;14999')
        application = ApplicationFactory.submitted(
            call, applicant=_municipality_applicant(municipalities["092"])
        )
        assert application.status == "submitted"
        details = AuditEntry.objects.get(
            action="application.submitted", target_id=str(application.pk)
        ).details
        assert details["municipality_rule"] == "below"
        assert (details["municipality_rule_figure"], details["municipality_rule_year"]) == (14999, year)
        assert details["municipality_rule_threshold"] == 15000


class TestScreeningSuggestion:
    @pytest.mark.parametrize(("foreign", "eligible"), [(14999, False), (15000, True)])
    def test_a_municipality_below_the_threshold_is_not_suggested_eligible(
        self, municipalities, administrator, foreign, eligible
    ):
        call = _talent_hub_call()
        year = in_helsinki(call.opens_at).year - 1
        _load(administrator, f'"KU092 Vantaa";"{year}";250000;{foreign}')
        application = ApplicationFactory.submitted(
            call, applicant=_municipality_applicant(municipalities["092"])
        )
        assert screening_suggestion(application)["applicant_type_eligible"] is eligible

    def test_without_a_figure_the_declaration_stands_in_the_suggestion(self, municipalities):
        application = ApplicationFactory.submitted(
            _talent_hub_call(), applicant=_municipality_applicant(municipalities["092"])
        )
        assert screening_suggestion(application)["applicant_type_eligible"] is True


class TestPages:
    def test_the_applicant_is_told_on_the_check_page_with_the_figure_and_year(
        self, client, municipalities, administrator
    ):
        call = _talent_hub_call()
        CallFormFactory(call=call)
        year = in_helsinki(call.opens_at).year - 1
        _load(administrator, f'"KU092 Vantaa";"{year}";250000;14999')
        applicant = _municipality_applicant(municipalities["092"])
        draft = application_services.application_start(
            call=call, organisation=applicant.memberships.get().organisation, acting_user=applicant
        )
        answers = complete_answers(call)
        draft = application_services.application_save(
            application=draft, answers=answers, version=draft.version, acting_user=applicant
        )
        sign_in(client, applicant)
        page = client.get(f"/en/applications/{draft.pk}/check/").content.decode()
        assert "Below the threshold." in page
        assert f"figures for the end of {year}, Vantaa has 14,999 foreign-language residents" in page
        # The form page says the same before the applicant goes on.
        assert (
            "fewer than the 15,000 the call requires"
            in client.get(f"/en/applications/{draft.pk}/").content.decode()
        )

    def test_the_official_sees_the_check_in_screening(self, client, municipalities):
        call = _talent_hub_call()
        application = ApplicationFactory.submitted(
            call, applicant=_municipality_applicant(municipalities["091"])
        )
        manager = UserFactory(roles=["programme_manager"])
        sign_in(client, manager)
        page = client.get(f"/en/official/applications/{application.pk}/screening/").content.decode()
        assert "No figure loaded: self-declaration." in page
        assert "declaration is relied on, and the official checks it" in page
        # The application's page shows it to every official who reads the application.
        detail = client.get(f"/en/official/applications/{application.pk}/").content.decode()
        assert "No figure loaded: self-declaration." in detail


class TestPopulationPage:
    PATH = "/en/official/municipality-population/"

    def _upload(self, client, content: bytes):
        return client.post(
            self.PATH, {"file": SimpleUploadedFile("11rl.csv", content, content_type="text/csv")}
        )

    def test_an_administrator_loads_a_file_and_sees_the_year(self, client, municipalities, administrator):
        sign_in(client, administrator)
        response = self._upload(client, _csv('"KU091 Helsinki";"2024";684018;125321'))
        assert response.status_code == 302
        page = client.get(self.PATH).content.decode()
        assert "The figures of 1 municipalities for 2024 are loaded." in page
        assert "684,018" in page and "125,321" in page and "11rl.csv" in page

    def test_a_bad_file_lists_every_bad_row_and_loads_nothing(self, client, municipalities, administrator):
        sign_in(client, administrator)
        response = self._upload(client, _csv('"KU999 X";"2024";1;1', '"KU092 Vantaa";"2024";2;3'))
        assert response.status_code == 422
        page = response.content.decode()
        assert "Line 4: there is no municipality number 999." in page
        assert "Line 5: 092 has more foreign-language residents (3) than residents (2)." in page
        assert not MunicipalityPopulation.objects.exists()

    def test_a_file_too_large_is_refused_before_it_is_read(self, client, municipalities, administrator):
        sign_in(client, administrator)
        response = self._upload(client, b"x" * (services.MAX_FILE_BYTES + 1))
        assert response.status_code == 422
        assert "The file is larger than 5 MB." in response.content.decode()

    def test_other_officials_read_the_years_but_are_offered_no_upload(
        self, client, municipalities, administrator
    ):
        _load(administrator, '"KU091 Helsinki";"2024";684018;125321')
        official = UserFactory(roles=["programme_manager"])
        sign_in(client, official)
        page = client.get(self.PATH).content.decode()
        assert "684,018" in page and 'type="file"' not in page
        refused = self._upload(client, _csv('"KU092 Vantaa";"2024";1;1'))
        assert refused.status_code == 403
        assert not MunicipalityPopulation.objects.filter(municipality_id="092").exists()

    def test_the_page_reads_the_same_statements_whatever_is_loaded(
        self, client, municipalities, administrator
    ):
        sign_in(client, administrator)
        _load(administrator, '"KU091 Helsinki";"2024";1;1')

        def statements() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(self.PATH).status_code == 200
            return len(queries)

        with_one_year = statements()
        for year in (2021, 2022, 2023):
            _load(administrator, f'"KU091 Helsinki";"{year}";1;1', f'"KU092 Vantaa";"{year}";1;1')
        assert statements() == with_one_year


class TestCallSettings:
    def test_an_official_sets_the_threshold_and_the_payer_and_a_copy_keeps_them(self, client):
        official = UserFactory(roles=["programme_manager"])
        keha = AgencyFactory(code="KEHA", name_fi="Kehittämis- ja hallintokeskus (KEHA-keskus)")
        call = _talent_hub_call(threshold=None)
        call_services.call_update(
            call=call, acting_user=official, min_foreign_language_population=15000, paying_agency=keha
        )
        call.refresh_from_db()
        assert (call.min_foreign_language_population, call.paying_authority) == (15000, keha)
        copy = call_services.call_copy(
            source=call,
            acting_user=official,
            reference=f"{call.reference}-COPY",
            opens_at=call.opens_at,
            closes_at=call.closes_at,
        )
        assert (copy.min_foreign_language_population, copy.paying_agency) == (15000, keha)
        sign_in(client, official)
        page = client.get(f"/en/official/calls/{call.pk}/").content.decode()
        assert "Minimum foreign-language residents of the municipality" in page and "15,000" in page
        assert (
            "Kehittämis- ja hallintokeskus (KEHA-keskus)"
            in client.get(f"/official/calls/{call.pk}/").content.decode()
        )
        form = client.get(f"/en/official/calls/{copy.pk}/edit/").content.decode()
        assert 'name="min_foreign_language_population"' in form and 'name="paying_agency"' in form
