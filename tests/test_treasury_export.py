"""The export for the State Treasury's grant data repository (Valtionavustuslaki §§32a–32e): what is in it, what
never is, how a call or a period is chosen, the two formats, the command and the officials' download."""

import csv
import datetime
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from avustamo.applications import services as application_services
from avustamo.applications.models import ApplicationStatus
from avustamo.core.dates import helsinki_datetime
from avustamo.core.models import AuditEntry
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.reviews.models import CriterionScore, ReviewAssignment
from avustamo.treasury import export as treasury
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    ApplicationFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    CompletionRequestFactory,
    EvaluationCriterionFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
    close_call,
    complete_answers,
    next_year,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parent.parent / "docs" / "treasury-export.md"
SIGNED_AT = helsinki_datetime(datetime.date(2026, 11, 20), datetime.time(10, 0))
PUBLISHED_AT = helsinki_datetime(datetime.date(2026, 11, 27), datetime.time(9, 30))
# What the applicants and officials wrote or are, none of which may leave in the export.
CONTACT = {"name": "Aino Rahastonhoitaja", "email": "aino@example.org", "phone": "040 123 4567"}
SUMMARY = "Vertaistukea maahanmuuttaneille perheille."
OBJECTIVES = "Perheet tuntevat palvelut."
SCORE_JUSTIFICATION = "Arvioijan luottamuksellinen perustelu."
REASONS = "Hakemus ei vastaa haun painopisteitä."
# The period of use the application form is answered with and the call asks for, by the factories' default.
NEXT_YEAR = next_year()


def _start(call, organisation_name: str, *, requested: str = "50000.00", regions=("01",)):
    membership = MembershipFactory(
        organisation=OrganisationFactory(name=organisation_name), person__full_name="Sanna Hakija"
    )
    draft = application_services.application_start(
        call=call, organisation=membership.organisation, acting_user=membership.person
    )
    return application_services.application_save(
        application=draft,
        answers=complete_answers(call, requested=requested, regions=regions),
        version=draft.version,
        acting_user=membership.person,
    )


def _submitted(call, organisation_name: str, **answers):
    applicant = MembershipFactory(
        organisation__name=organisation_name, person__full_name="Sanna Hakija"
    ).person
    return ApplicationFactory.submitted(call, applicant=applicant, **answers)


def _withdraw(application):
    return application_services.application_withdraw(
        application=application, acting_user=application.organisation.memberships.get().person
    )


def _decision(application, *, presenter, decision_maker, status=DecisionStatus.SIGNED, **terms):
    frozen = status in (DecisionStatus.SIGNED, DecisionStatus.PUBLISHED)
    return Decision.objects.create(
        application=application,
        presenter=presenter,
        decision_maker=decision_maker,
        status=status,
        signed_at=SIGNED_AT if frozen else None,
        decision_date=SIGNED_AT.date() if frozen else None,
        published_at=PUBLISHED_AT if status == DecisionStatus.PUBLISHED else None,
        **terms,
    )


@pytest.fixture
def world():
    RegionFactory(code="06", name_fi="Pirkanmaa", name_sv="Birkaland", name_en="Pirkanmaa")
    presenter = UserFactory(roles=["presenter"], full_name="Pekka Esittelijä")
    decider = UserFactory(roles=["decision_maker"], full_name="Raili Ratkaisija")
    reviewer = UserFactory(roles=["reviewer"], full_name="Riitta Arvioija")
    call = CallFactory(reference="TEM-KOTO-2027", title_fi="Järjestöavustus kotoutumiseen 2027")
    CallDeclarationFactory(call=call)
    criterion = EvaluationCriterionFactory(call=call)
    CallFormFactory(call=call)

    signed = _submitted(call, "Kotipiha ry", requested="50000.00", regions=("01", "06"))
    published = _submitted(call, "Naapuriapu ry", requested="40000.00")
    undecided = _submitted(call, "Perhetalo ry", requested="30000.00")
    awaiting_signature = _submitted(call, "Lähiöiden apu ry", requested="20000.00")
    withdrawn = _withdraw(_submitted(call, "Vetäytyjät ry"))
    draft = _start(call, "Luonnosyhdistys ry")
    withdrawn_draft = _withdraw(_start(call, "Perunut luonnos ry"))
    close_call(call)

    review = ReviewAssignment.objects.create(
        application=signed,
        reviewer=reviewer,
        assigned_by=presenter,
        conflict=ReviewAssignment.Conflict.NONE,
        submitted_at=timezone.now(),
        weighted_score=Decimal("4.321"),
    )
    CriterionScore.objects.create(
        assignment=review, criterion=criterion, score=4, justification=SCORE_JUSTIFICATION
    )

    people = {"presenter": presenter, "decision_maker": decider}
    decisions = {
        "signed": _decision(
            signed,
            outcome=Outcome.PARTIALLY_APPROVED,
            amount=Decimal("45000.5"),
            purpose="Vertaistukiryhmät perheille.",
            eligible_costs=Decimal("65000.00"),
            max_share_percent=Decimal("70"),
            period_start=datetime.date(2027, 1, 1),
            period_end=datetime.date(2027, 12, 31),
            conditions="Ei investointeihin.",
            **people,
        ),
        "published": _decision(
            published, outcome=Outcome.REJECTED, reasons=REASONS, status=DecisionStatus.PUBLISHED, **people
        ),
        "draft": _decision(undecided, outcome=Outcome.APPROVED, status=DecisionStatus.DRAFT, **people),
        "for_signing": _decision(
            awaiting_signature, outcome=Outcome.APPROVED, status=DecisionStatus.FOR_SIGNING, **people
        ),
    }
    for application in (signed, published, undecided, awaiting_signature, withdrawn, draft, withdrawn_draft):
        application.refresh_from_db()
    return {
        "call": call,
        "applications": {
            "signed": signed,
            "published": published,
            "undecided": undecided,
            "awaiting_signature": awaiting_signature,
            "withdrawn": withdrawn,
            "draft": draft,
            "withdrawn_draft": withdrawn_draft,
        },
        "decisions": decisions,
        "people": {"reviewer": reviewer, **people},
    }


def export_json(selection) -> dict:
    out = io.BytesIO()
    treasury.write_export(selection, "json", out)
    return json.loads(out.getvalue())


def export_zip(selection) -> zipfile.ZipFile:
    out = io.BytesIO()
    treasury.write_export(selection, "csv", out)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def of_call(call):
    return treasury.make_selection(call_reference=call.reference)


def period(first: str, last: str):
    return treasury.make_selection(
        first_day=datetime.date.fromisoformat(first), last_day=datetime.date.fromisoformat(last)
    )


class TestRecords:
    def test_a_call_gives_its_submitted_and_withdrawn_applications_and_its_signed_and_published_decisions(
        self, world
    ):
        document = export_json(of_call(world["call"]))
        applications = world["applications"]

        assert [call["call_reference"] for call in document["calls"]] == ["TEM-KOTO-2027"]
        statuses = {row["application_reference"]: row["status"] for row in document["applications"]}
        assert statuses == {
            applications["signed"].register_number: "submitted",
            applications["published"].register_number: "submitted",
            applications["undecided"].register_number: "submitted",
            applications["awaiting_signature"].register_number: "submitted",
            applications["withdrawn"].register_number: "withdrawn",
        }
        assert [row["decision_id"] for row in document["decisions"]] == [
            world["decisions"]["signed"].pk,
            world["decisions"]["published"].pk,
        ]

    def test_drafts_never_leave__not_even_a_withdrawn_draft_or_a_draft_decision(self, world):
        text = json.dumps(export_json(of_call(world["call"])), ensure_ascii=False)
        for name in ("Luonnosyhdistys ry", "Perunut luonnos ry"):
            assert name not in text
        exported = {row["decision_id"] for row in export_json(of_call(world["call"]))["decisions"]}
        assert world["decisions"]["draft"].pk not in exported
        assert world["decisions"]["for_signing"].pk not in exported

    def test_a_decision_record_has_the_organisation_and_the_terms_in_the_layout(self, world):
        application = world["applications"]["signed"]
        organisation = application.organisation
        decision = world["decisions"]["signed"]

        record = export_json(of_call(world["call"]))["decisions"][0]

        assert record == {
            "decision_id": decision.pk,
            "application_reference": application.register_number,
            "call_reference": "TEM-KOTO-2027",
            "agency_code": "TEM",
            "status": "signed",
            "decision_date": "2026-11-20",
            "signed_at": "2026-11-20T10:00:00+02:00",
            "published_at": None,
            "corrects_decision_id": None,
            "language": "fi",
            "recipient_name": "Kotipiha ry",
            "recipient_business_id": organisation.business_id,
            "recipient_type": "registered_association",
            "recipient_municipality_code": "091",
            "recipient_region_code": "01",
            "outcome": "partially_approved",
            "amount_awarded": "45000.50",
            "eligible_costs": "65000.00",
            "max_share_percent": "70.00",
            "purpose": "Vertaistukiryhmät perheille.",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        }

    def test_a_negative_decision_awards_zero_and_a_published_one_has_its_publication_time(self, world):
        record = export_json(of_call(world["call"]))["decisions"][1]

        assert record["outcome"] == "rejected"
        assert record["amount_awarded"] == "0.00"
        assert record["status"] == "published"
        assert record["published_at"] == "2026-11-27T09:30:00+02:00"

    def test_an_application_record_has_the_submitted_facts(self, world):
        application = world["applications"]["signed"]
        rows = export_json(of_call(world["call"]))["applications"]
        record = next(row for row in rows if row["application_reference"] == application.register_number)

        assert record == {
            "application_reference": application.register_number,
            "call_reference": "TEM-KOTO-2027",
            "agency_code": "TEM",
            "status": "submitted",
            "submitted_at": timezone.localtime(application.submitted_at).isoformat(timespec="seconds"),
            "withdrawn_at": None,
            "applicant_name": "Kotipiha ry",
            "applicant_business_id": application.organisation.business_id,
            "applicant_type": "registered_association",
            "applicant_municipality_code": "091",
            "applicant_region_code": "01",
            "activity_region_codes": ["01", "06"],
            "project_name": "Perheiden kotoutumisen tuki",
            "requested_amount": "50000.00",
            "total_eligible_costs": "65000.00",
            "income": "5000.00",
            "other_public_funding": "0.00",
            "own_funding": "10000.00",
            "period_start": NEXT_YEAR[0].isoformat(),
            "period_end": NEXT_YEAR[1].isoformat(),
        }
        assert record["submitted_at"].endswith(("+02:00", "+03:00"))

    def test_a_withdrawn_application_keeps_its_status_and_withdrawal_time(self, world):
        withdrawn = world["applications"]["withdrawn"]
        rows = export_json(of_call(world["call"]))["applications"]
        record = next(row for row in rows if row["application_reference"] == withdrawn.register_number)

        assert record["status"] == ApplicationStatus.WITHDRAWN
        assert record["withdrawn_at"] == timezone.localtime(withdrawn.withdrawn_at).isoformat(
            timespec="seconds"
        )

    def test_an_application_asked_to_complete_is_in_with_its_status(self, world):
        undecided = world["applications"]["undecided"]
        CompletionRequestFactory(application=undecided)

        rows = export_json(of_call(world["call"]))["applications"]

        record = next(row for row in rows if row["application_reference"] == undecided.register_number)
        assert record["status"] == "completion_requested"

    def test_a_signed_correction_names_the_decision_it_corrects_and_both_are_exported(self, world):
        original = world["decisions"]["signed"]
        correction = _decision(
            original.application,
            corrects=original,
            outcome=Outcome.APPROVED,
            amount=Decimal("50000.00"),
            presenter=world["people"]["presenter"],
            decision_maker=world["people"]["decision_maker"],
        )

        rows = export_json(of_call(world["call"]))["decisions"]

        corrects = {row["decision_id"]: row["corrects_decision_id"] for row in rows}
        assert corrects[original.pk] is None
        assert corrects[correction.pk] == original.pk

    def test_a_call_record_has_its_terms_in_the_layout(self, world):
        call = world["call"]
        record = export_json(of_call(call))["calls"][0]

        assert record["agency_code"] == "TEM"
        assert record["programme_code"] == "tem-kotoutuminen-jarjestoavustus"
        assert record["title_fi"] == "Järjestöavustus kotoutumiseen 2027"
        assert record["grant_type"] == "special"
        assert record["legal_basis"] == "Valtionavustuslaki (688/2001) 5–7 ja 11 §"
        assert record["budget_line"] == "32.50.30"
        assert record["appropriation"] == "600000.00"
        assert (record["min_grant"], record["max_grant"]) == ("20000.00", "100000.00")
        assert record["opens_at"] == timezone.localtime(call.opens_at).isoformat(timespec="seconds")
        assert record["period_earliest_start"] == NEXT_YEAR[0].isoformat()
        assert record["eligible_organisation_types"] == ["registered_association"]
        assert record["call_url"].endswith(f"/calls/{call.pk}/")


class TestNoPersonalData:
    def forbidden(self, world) -> list[str]:
        people = [*world["people"].values()]
        for application in world["applications"].values():
            people.append(application.organisation.memberships.get().person)
        return [
            *CONTACT.values(),
            SUMMARY,
            OBJECTIVES,
            SCORE_JUSTIFICATION,
            "4.321",
            REASONS,
            "Ei investointeihin.",
            *(person.full_name for person in people),
            *(person.email for person in people),
        ]

    def test_the_json_has_no_people_no_free_text_answers_and_no_scores(self, world):
        text = json.dumps(export_json(of_call(world["call"])), ensure_ascii=False)
        for value in self.forbidden(world):
            assert value not in text

    def test_the_csv_files_have_no_people_no_free_text_answers_and_no_scores(self, world):
        archive = export_zip(of_call(world["call"]))
        text = "".join(archive.read(name).decode() for name in archive.namelist())
        for value in self.forbidden(world):
            assert value not in text


@pytest.fixture
def dated():
    """Rows on both sides of the midnight between October and November 2024 in Helsinki (UTC+2 then)."""
    presenter = UserFactory(roles=["presenter"])
    decider = UserFactory(roles=["decision_maker"])
    before = helsinki_datetime(datetime.date(2024, 10, 31), datetime.time(23, 30))
    after = helsinki_datetime(datetime.date(2024, 11, 1), datetime.time(0, 30))
    calls = {
        "october": CallFactory(reference="CALL-OCTOBER", published_at=before),
        "november": CallFactory(reference="CALL-NOVEMBER", published_at=after),
    }
    form = CallFormFactory(call=calls["october"])
    applications = {}
    for month, moment in (("october", before), ("november", after)):
        applications[month] = ApplicationFactory(
            call=calls["october"],
            form=form,
            status=ApplicationStatus.SUBMITTED,
            register_number=f"TEM/{month}/2024",
            submitted_at=moment,
            applicant_name=f"Yhdistys {month} ry",
        )
    decisions = {
        month: Decision.objects.create(
            application=applications[month],
            outcome=Outcome.APPROVED,
            amount=Decimal("1000.00"),
            presenter=presenter,
            decision_maker=decider,
            status=DecisionStatus.SIGNED,
            signed_at=moment,
            decision_date=day,
        )
        for month, moment, day in (
            ("october", before, datetime.date(2024, 10, 31)),
            ("november", after, datetime.date(2024, 11, 1)),
        )
    }
    return {"calls": calls, "applications": applications, "decisions": decisions}


class TestPeriod:
    def references(self, document) -> dict:
        return {
            "calls": [row["call_reference"] for row in document["calls"]],
            "applications": [row["application_reference"] for row in document["applications"]],
            "decisions": [row["decision_id"] for row in document["decisions"]],
        }

    def test_the_last_day_runs_to_midnight_in_helsinki(self, dated):
        document = export_json(period("2024-10-01", "2024-10-31"))

        assert self.references(document) == {
            "calls": ["CALL-OCTOBER"],
            "applications": ["TEM/october/2024"],
            "decisions": [dated["decisions"]["october"].pk],
        }

    def test_the_first_day_starts_at_midnight_in_helsinki__not_in_utc(self, dated):
        # 00:30 on 1 November in Helsinki is still 31 October in UTC.
        assert dated["applications"]["november"].submitted_at.astimezone(datetime.UTC).day == 31

        document = export_json(period("2024-11-01", "2024-11-30"))

        assert self.references(document) == {
            "calls": ["CALL-NOVEMBER"],
            "applications": ["TEM/november/2024"],
            "decisions": [dated["decisions"]["november"].pk],
        }

    def test_a_single_day_is_a_period(self, dated):
        document = export_json(period("2024-11-01", "2024-11-01"))

        assert self.references(document)["applications"] == ["TEM/november/2024"]

    def test_the_selection_is_named_in_the_document(self, dated):
        document = export_json(period("2024-10-01", "2024-10-31"))

        assert document["selection"] == {"from": "2024-10-01", "to": "2024-10-31"}


class TestFormats:
    def test_json_is_one_document_with_every_record_set(self, world):
        document = export_json(of_call(world["call"]))

        assert list(document) == [
            "layout_version",
            "generated_at",
            "selection",
            "calls",
            "applications",
            "decisions",
            "payments",
            "changes",
            "returns",
            "reports",
        ]
        assert document["layout_version"] == treasury.LAYOUT_VERSION
        assert document["selection"] == {"call": "TEM-KOTO-2027"}
        generated = datetime.datetime.fromisoformat(document["generated_at"])
        assert generated.utcoffset() in (datetime.timedelta(hours=2), datetime.timedelta(hours=3))
        assert abs(timezone.now() - generated) < datetime.timedelta(minutes=1)
        for record_set in treasury.RECORD_SETS:
            for record in document[record_set.name]:
                assert tuple(record) == record_set.column_names

    def test_csv_is_a_zip_of_one_utf8_file_per_record_set_with_a_header_row_and_the_selection(self, world):
        archive = export_zip(of_call(world["call"]))

        assert sorted(archive.namelist()) == [
            "applications.csv",
            "calls.csv",
            "changes.csv",
            "decisions.csv",
            "export.json",
            "payments.csv",
            "reports.csv",
            "returns.csv",
        ]
        tables = {}
        for record_set in treasury.RECORD_SETS:
            rows = list(csv_rows(archive, f"{record_set.name}.csv"))
            assert tuple(rows[0]) == record_set.column_names
            tables[record_set.name] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        assert [row["title_fi"] for row in tables["calls"]] == ["Järjestöavustus kotoutumiseen 2027"]
        assert len(tables["applications"]) == 5
        signed = tables["decisions"][0]
        assert signed["amount_awarded"] == "45000.50"
        assert signed["published_at"] == ""
        kotipiha = next(row for row in tables["applications"] if row["applicant_name"] == "Kotipiha ry")
        assert kotipiha["activity_region_codes"] == "01;06"
        about = json.loads(archive.read("export.json"))
        assert about["selection"] == {"call": "TEM-KOTO-2027"}
        assert about["layout_version"] == treasury.LAYOUT_VERSION
        assert about["counts"] == {
            "calls": 1,
            "applications": 5,
            "decisions": 2,
            "payments": 0,
            "changes": 0,
            "returns": 0,
            "reports": 0,
        }

    def test_an_empty_period_still_has_every_file_and_header(self, db):
        archive = export_zip(period("2001-01-01", "2001-12-31"))

        for record_set in treasury.RECORD_SETS:
            assert list(csv_rows(archive, f"{record_set.name}.csv")) == [list(record_set.column_names)]
        assert export_json(period("2001-01-01", "2001-12-31"))["decisions"] == []

    def test_every_column_is_documented(self):
        docs = DOCS.read_text()
        for record_set in treasury.RECORD_SETS:
            for column in record_set.column_names:
                assert f"| `{column}` |" in docs, f"{record_set.name}.{column}"


def csv_rows(archive: zipfile.ZipFile, name: str):
    return csv.reader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))


@pytest.fixture
def english(_finnish_by_default):
    """The refusals are asserted in English, the language they are written in."""
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("english")
class TestRefusals:
    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (
                {"call_reference": "TEM-KOTO-2027", "first_day": datetime.date(2026, 1, 1)},
                "Choose either a call or a period, not both.",
            ),
            ({}, "Choose a call or a period to export."),
            ({"first_day": datetime.date(2026, 1, 1)}, "A period needs both its first and its last day."),
            (
                {"first_day": datetime.date(2026, 2, 1), "last_day": datetime.date(2026, 1, 31)},
                "The period cannot start after it ends.",
            ),
            ({"call_reference": "NO-SUCH-CALL"}, "No published call has the reference NO-SUCH-CALL."),
            (
                {"first_day": datetime.date(1, 1, 1), "last_day": datetime.date(2026, 1, 31)},
                "A period must lie between 1900-01-01 and 2999-12-31.",
            ),
            (
                {"first_day": datetime.date(2026, 1, 1), "last_day": datetime.date(9999, 12, 31)},
                "A period must lie between 1900-01-01 and 2999-12-31.",
            ),
        ],
    )
    def test_a_selection_is_one_call_or_one_period(self, world, arguments, message):
        with pytest.raises(ValidationError) as error:
            treasury.make_selection(**arguments)
        assert error.value.messages == [message]

    def test_a_draft_call_is_not_exported(self, db):
        CallFactory(reference="TEM-DRAFT", draft=True)

        with pytest.raises(ValidationError) as error:
            treasury.make_selection(call_reference="TEM-DRAFT")
        assert error.value.messages == ["No published call has the reference TEM-DRAFT."]
        assert export_json(period("1900-01-01", "2100-12-31"))["calls"] == []


@pytest.mark.usefixtures("english")
class TestCommand:
    def test_a_call_as_json(self, world, tmp_path):
        output = tmp_path / "export.json"
        stdout = io.StringIO()

        call_command(
            "export_treasury_data",
            "--call",
            "TEM-KOTO-2027",
            "--format",
            "json",
            "--output",
            output,
            stdout=stdout,
        )

        document = json.loads(output.read_text())
        assert [row["call_reference"] for row in document["calls"]] == ["TEM-KOTO-2027"]
        assert (
            stdout.getvalue()
            == f"Wrote {output}: 1 calls, 5 applications, 2 decisions, 0 payments, 0 changes, 0 returns, 0 reports.\n"
        )
        entry = AuditEntry.objects.get(action="register.treasury_exported")
        assert entry.actor is None
        assert entry.details == {
            "selection": {"call": "TEM-KOTO-2027"},
            "format": "json",
            "via": "command",
            "calls": 1,
            "applications": 5,
            "decisions": 2,
            "payments": 0,
            "changes": 0,
            "returns": 0,
            "reports": 0,
        }

    def test_a_period_as_csv(self, dated, tmp_path):
        output = tmp_path / "export.zip"

        call_command(
            "export_treasury_data",
            "--from",
            "2024-10-01",
            "--to",
            "2024-10-31",
            "--format",
            "csv",
            "--output",
            output,
        )

        about = json.loads(zipfile.ZipFile(output).read("export.json"))
        assert about["counts"] == {
            "calls": 1,
            "applications": 1,
            "decisions": 1,
            "payments": 0,
            "changes": 0,
            "returns": 0,
            "reports": 0,
        }

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (["--call", "TEM-KOTO-2027", "--from", "2026-01-01", "--to", "2026-12-31"], "not both"),
            ([], "Choose a call or a period to export."),
            (["--from", "2026-12-31", "--to", "2026-01-01"], "The period cannot start after it ends."),
            (
                ["--from", "31.12.2026", "--to", "2026-12-31"],
                "'31.12.2026' is not a day in the form YYYY-MM-DD",
            ),
            (
                ["--from", "2026-02-30", "--to", "2026-12-31"],
                "'2026-02-30' is not a day in the form YYYY-MM-DD",
            ),
            (["--call", "TEM-KOTO-2027", "--format", "xml"], "invalid choice: 'xml'"),
            (
                ["--from", "2026-01-01", "--to", "9999-12-31"],
                "A period must lie between 1900-01-01 and 2999-12-31.",
            ),
        ],
    )
    def test_refusals_say_why_and_write_nothing(self, world, tmp_path, arguments, message):
        output = tmp_path / "export.json"

        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("export_treasury_data", *arguments, "--output", output)

        assert list(tmp_path.iterdir()) == []
        assert not AuditEntry.objects.filter(action="register.treasury_exported").exists()


ROLES = ["anonymous", "applicant", "reviewer", "presenter", "decider", "manager", "finance", "auditor"]
READERS = {"manager", "finance", "auditor"}
URL = "/official/treasury-export/"


@pytest.fixture
def users(world):
    return {
        "anonymous": AnonymousUser(),
        "applicant": world["applications"]["signed"].organisation.memberships.get().person,
        "reviewer": world["people"]["reviewer"],
        "presenter": world["people"]["presenter"],
        "decider": world["people"]["decision_maker"],
        "manager": UserFactory(roles=["programme_manager"]),
        "finance": UserFactory(roles=["finance_officer"]),
        "auditor": UserFactory(roles=["auditor"]),
    }


class TestDownload:
    @pytest.mark.parametrize("role", ROLES)
    def test_only_staff_who_read_everything_may_export(self, client, users, role):
        want = LOGIN if role == "anonymous" else 200 if role in READERS else 403
        assert_access(client, users[role], "GET", URL, want)
        assert_access(client, users[role], "GET", f"{URL}?call=TEM-KOTO-2027&file_format=json", want)
        if role not in READERS:
            assert not AuditEntry.objects.filter(action="register.treasury_exported").exists()

    def test_the_form_offers_published_calls_and_both_formats(self, client, users):
        sign_in(client, users["auditor"])
        CallFactory(reference="TEM-UNPUBLISHED", draft=True)

        page = client.get(URL).content.decode()

        assert 'value="TEM-KOTO-2027"' in page
        assert "TEM-UNPUBLISHED" not in page
        assert 'value="json"' in page and 'value="csv"' in page

    def test_a_download_is_the_file_and_an_audit_entry(self, client, users):
        auditor = users["auditor"]
        sign_in(client, auditor)

        response = client.get(URL, {"call": "TEM-KOTO-2027", "file_format": "csv"})

        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == 'attachment; filename="treasury-export-TEM-KOTO-2027.zip"'
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        assert json.loads(archive.read("export.json"))["counts"]["decisions"] == 2
        entry = AuditEntry.objects.get(action="register.treasury_exported")
        assert entry.actor == auditor
        assert entry.target_id == "TEM-KOTO-2027"
        assert entry.details == {
            "selection": {"call": "TEM-KOTO-2027"},
            "format": "csv",
            "via": "download",
            "calls": 1,
            "applications": 5,
            "decisions": 2,
            "payments": 0,
            "changes": 0,
            "returns": 0,
            "reports": 0,
        }

    def test_a_period_downloads_as_json(self, client, users, dated):
        sign_in(client, users["finance"])

        response = client.get(
            URL, {"first_day": "2024-11-01", "last_day": "2024-11-30", "file_format": "json"}
        )

        assert response["Content-Disposition"] == (
            'attachment; filename="treasury-export-2024-11-01_2024-11-30.json"'
        )
        document = json.loads(b"".join(response.streaming_content))
        assert [row["application_reference"] for row in document["applications"]] == ["TEM/november/2024"]
        entry = AuditEntry.objects.get(action="register.treasury_exported")
        assert entry.details["selection"] == {"from": "2024-11-01", "to": "2024-11-30"}

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            (
                {"call": "TEM-KOTO-2027", "first_day": "2026-01-01", "last_day": "2026-12-31"},
                "Choose either a call or a period, not both.",
            ),
            ({}, "Choose a call or a period to export."),
            ({"first_day": "2026-12-31", "last_day": "2026-01-01"}, "The period cannot start after it ends."),
            ({"first_day": "2026-12-31"}, "A period needs both its first and its last day."),
            ({"call": "NO-SUCH-CALL"}, "NO-SUCH-CALL"),
            ({"first_day": "not a day", "last_day": "2026-01-01"}, "Enter a valid date."),
            ({"first_day": "2026-01-01", "last_day": "9999-12-31"}, "A period must lie between"),
            ({"file_format": "xml", "call": "TEM-KOTO-2027"}, "Select a valid choice."),
        ],
    )
    def test_refusals_show_the_form_with_the_reason_and_log_nothing(self, client, users, query, message):
        sign_in(client, users["manager"])

        response = client.get(f"/en{URL}", {"file_format": "json", **query})

        assert response.status_code == 400
        assert message in response.content.decode()
        assert not AuditEntry.objects.filter(action="register.treasury_exported").exists()
