"""The handling list as an Excel workbook: values, numbers as numbers, ranks, and no formula from applicants."""

import datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.utils import timezone, translation

from avustamo.applications.models import ApplicationStatus
from avustamo.core.spreadsheets import neutralised, sheet_name
from avustamo.decisions.models import Decision, FundingProposal, Outcome
from avustamo.portal.handling_workbook import handling_workbook
from avustamo.portal.selectors import HandlingFilters, handling_list
from avustamo.reviews.models import ReviewAssignment, Screening, ScreeningResult
from avustamo.reviews.selectors import call_ranking
from tests.factories import ApplicationFactory, CallFactory, CallFormFactory, RegionFactory, UserFactory

HEADERS = [
    "Register number",
    "Applicant",
    "Business ID",
    "Project name",
    "Status",
    "Amount applied for (€)",
    "Regions",
    "Screening",
    "Reviewers",
    "Average score",
    "Rank",
    "Proposed amount (€)",
    "Decision",
]
EVIL_APPLICANT = '=HYPERLINK("http://evil")'


@pytest.fixture
def handled_call(db, official):
    call = CallFactory(closed=True, reference="TEM-2026-KOTO")
    form = CallFormFactory(call=call)
    uusimaa = RegionFactory()
    southwest = RegionFactory(
        code="02", name_fi="Varsinais-Suomi", name_sv="Egentliga Finland", name_en="Southwest Finland"
    )
    aino = UserFactory(full_name="Aino Arvioija", roles=["reviewer"])
    bertil = UserFactory(full_name="Bertil Bedömare", roles=["reviewer"])
    presenter = UserFactory(full_name="Eero Esittelijä", roles=["presenter"])
    submitted_at = timezone.now() - datetime.timedelta(days=40)

    def submitted(number, **facts):
        return ApplicationFactory(
            call=call,
            form=form,
            status=ApplicationStatus.SUBMITTED,
            register_number=f"TEM/{number}/2026",
            submitted_at=submitted_at + datetime.timedelta(minutes=number),
            submitted_by=official,
            applicant_business_id=f"123456{number}-0",
            **facts,
        )

    def review(application, reviewer, score):
        ReviewAssignment.objects.create(
            application=application,
            reviewer=reviewer,
            assigned_by=official,
            conflict=ReviewAssignment.Conflict.NONE,
            declared_at=submitted_at,
            submitted_at=submitted_at + datetime.timedelta(days=5),
            weighted_score=Decimal(score),
        )

    def screen(application, result=ScreeningResult.ELIGIBLE, reason=""):
        Screening.objects.create(
            application=application,
            arrived_on_time=True,
            applicant_type_eligible=result == ScreeningResult.ELIGIBLE,
            declarations_given=True,
            attachments_present=True,
            result=result,
            reason=reason,
            screened_by=official,
            screened_at=submitted_at + datetime.timedelta(days=1),
        )

    good = submitted(
        1,
        applicant_name="Kotipiha ry",
        project_name="Perheiden kotoutumisen tuki",
        requested_amount=Decimal("50000.00"),
    )
    good.regions.set([uusimaa, southwest])
    screen(good)
    review(good, aino, "4.500")
    review(good, bertil, "4.000")
    FundingProposal.objects.create(application=good, amount=Decimal("45000.50"), proposed_by=presenter)
    Decision.objects.create(
        application=good, outcome=Outcome.PARTIALLY_APPROVED, amount=Decimal("45000.50"), presenter=presenter
    )

    evil = submitted(
        2,
        applicant_name=EVIL_APPLICANT,
        project_name="+358 40 123 4567 kerho",
        requested_amount=Decimal("1234567.89"),
    )
    evil.regions.set([uusimaa])
    screen(evil)
    review(evil, aino, "3.000")
    review(evil, bertil, "3.500")
    FundingProposal.objects.create(application=evil, amount=Decimal("0.00"), proposed_by=presenter)

    at_sign = submitted(
        3, applicant_name="-2+3 ry", project_name="@SUM(1+1)*cmd|' /C calc'!A0", requested_amount=None
    )
    review(at_sign, aino, "3.250")
    review(at_sign, bertil, "3.250")

    unscored = submitted(
        4, applicant_name="Naapuriapu ry", project_name="Kerho", requested_amount=Decimal("20000")
    )
    screen(unscored, ScreeningResult.INELIGIBLE, reason="Myöhässä.")
    ApplicationFactory(call=call, form=form, applicant_name="Luonnos ry")  # a draft is not handled

    return call


def _workbook(call, language="en"):
    with translation.override(language):
        rows = handling_list(call, HandlingFilters())
        content = handling_workbook(call, rows, call_ranking(call))
    return openpyxl.load_workbook(BytesIO(content)).active


def _rows(sheet):
    return {row[0].value: row for row in sheet.iter_rows(min_row=2)}


def test_workbook_has_one_row_per_handled_application(handled_call):
    sheet = _workbook(handled_call)

    assert sheet.title == "TEM-2026-KOTO"
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M5"
    assert sheet.column_dimensions["B"].width > 20

    rows = _rows(sheet)
    assert list(rows) == ["TEM/1/2026", "TEM/2/2026", "TEM/3/2026", "TEM/4/2026"]
    assert [cell.value for cell in rows["TEM/1/2026"]] == [
        "TEM/1/2026",
        "Kotipiha ry",
        "1234561-0",
        "Perheiden kotoutumisen tuki",
        "submitted",
        50000,
        "Uusimaa, Southwest Finland",
        "eligible",
        "Aino Arvioija, Bertil Bedömare",
        4.25,
        1,
        45000.5,
        "approved in part",
    ]
    unscored = [cell.value for cell in rows["TEM/4/2026"]]
    assert unscored[7] == "ineligible"
    assert unscored[6] is None and unscored[8] is None  # no regions, no reviewers: empty cells
    assert unscored[9:13] == [None, None, None, None]


def test_amounts_and_scores_are_numbers_with_their_formats(handled_call):
    rows = _rows(_workbook(handled_call))

    requested, score, rank, proposed = (rows["TEM/2/2026"][column] for column in (5, 9, 10, 11))
    assert requested.value == pytest.approx(1234567.89) and requested.data_type == "n"
    assert requested.number_format == "#,##0.00 €"
    assert score.value == pytest.approx(3.25) and score.number_format == "0.000"
    assert rank.value == 2 and rank.data_type == "n"
    assert proposed.value == 0 and proposed.data_type == "n" and proposed.number_format == "#,##0.00 €"
    assert rows["TEM/3/2026"][5].value is None  # nothing applied for: empty, not zero


def test_applicants_texts_never_become_formulas(handled_call):
    sheet = _workbook(handled_call)
    rows = _rows(sheet)

    evil, at_sign = rows["TEM/2/2026"], rows["TEM/3/2026"]
    assert evil[1].value == "'" + EVIL_APPLICANT and evil[1].data_type == "s"
    assert evil[3].value == "'+358 40 123 4567 kerho" and evil[3].data_type == "s"
    assert at_sign[1].value == "'-2+3 ry" and at_sign[1].data_type == "s"
    assert at_sign[3].value == "'@SUM(1+1)*cmd|' /C calc'!A0" and at_sign[3].data_type == "s"
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_rank_follows_the_average_score(handled_call):
    rows = _rows(_workbook(handled_call))

    scored = sorted(
        ((row[9].value, row[10].value) for row in rows.values() if row[9].value is not None), reverse=True
    )
    assert [score for score, _rank in scored] == pytest.approx([4.25, 3.25, 3.25])
    assert [rank for _score, rank in scored] == [1, 2, 2]  # a tie shares its rank
    assert rows["TEM/4/2026"][10].value is None


def test_headers_and_labels_follow_the_language(handled_call):
    with translation.override("fi"):
        expected = [translation.gettext(header) for header in ("Register number", "Applicant", "Business ID")]
    sheet = _workbook(handled_call, language="fi")

    assert [cell.value for cell in sheet[1]][:3] == expected == ["Diaarinumero", "Hakija", "Y-tunnus"]
    assert _rows(sheet)["TEM/1/2026"][6].value == "Uusimaa, Varsinais-Suomi"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Kotipiha ry", "Kotipiha ry"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralised(text, cell):
    assert neutralised(text) == cell


def test_sheet_name_is_valid_for_excel():
    assert sheet_name("TEM-2026-KOTO") == "TEM-2026-KOTO"
    assert sheet_name("a" * 40) == "a" * 31
    assert sheet_name("x/y:z") == "x_y_z"
    assert sheet_name("") == "Sheet1"
