"""The handling list of a call as an Excel workbook, for the officials who share it outside the service.

Every text goes in through `core.spreadsheets.neutralised` with `write_string`, so nothing an applicant typed
becomes a formula.
"""

from io import BytesIO

import xlsxwriter
from django.utils.translation import gettext as _

from avustamo.core.spreadsheets import neutralised, sheet_name
from avustamo.portal.selectors import current_decision


def _screening(application):
    screening = getattr(application, "screening", None)  # a missing reverse one-to-one raises AttributeError
    return screening.get_result_display() if screening else ""


def _proposed_amount(application):
    proposal = getattr(application, "proposal", None)
    return proposal.amount if proposal else None


def _outcome(application):
    decision = current_decision(application)
    return decision.get_outcome_display() if decision else ""


def handling_workbook(call, rows, ranking: dict[int, int]) -> bytes:
    """The rows of `handling_list(call, ...)` as an .xlsx file, one application a row, with `ranking`'s ranks."""
    output = BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    workbook.set_properties({"title": neutralised(call.reference)})
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    money = workbook.add_format({"num_format": "#,##0.00 €"})
    score = workbook.add_format({"num_format": "0.000"})
    whole = workbook.add_format({"num_format": "0"})
    worksheet = workbook.add_worksheet(sheet_name(call.reference))

    # (header, width, kind): the kind says how the cell is written.
    columns = [
        (_("Register number"), 16, "text"),
        (_("Applicant"), 32, "text"),
        (_("Business ID"), 11, "text"),
        (_("Project name"), 40, "text"),
        (_("Status"), 18, "text"),
        (_("Amount applied for (€)"), 16, "money"),
        (_("Regions"), 24, "text"),
        (_("Screening"), 14, "text"),
        (_("Reviewers"), 30, "text"),
        (_("Average score"), 10, "score"),
        (_("Rank"), 7, "whole"),
        (_("Proposed amount (€)"), 16, "money"),
        (_("Decision"), 18, "text"),
    ]
    formats = {"money": money, "score": score, "whole": whole}
    for column, (label, width, kind) in enumerate(columns):
        worksheet.set_column(column, column, width, formats.get(kind))
        worksheet.write_string(0, column, neutralised(label), header)

    row = 0
    for row, application in enumerate(rows, start=1):
        values = [
            application.register_number,
            application.applicant_name,
            application.applicant_business_id,
            application.project_name,
            application.get_status_display(),
            application.requested_amount,
            ", ".join(str(region.name) for region in application.regions.all()),
            _screening(application),
            ", ".join(
                assignment.reviewer.full_name or assignment.reviewer.email
                for assignment in application.review_assignments.all()
            ),
            getattr(application, "average_score", None),
            ranking.get(application.pk),
            _proposed_amount(application),
            _outcome(application),
        ]
        for column, ((_label, _width, kind), value) in enumerate(zip(columns, values, strict=True)):
            if kind == "text":
                if text := neutralised(value):  # an empty text is left an empty cell
                    worksheet.write_string(row, column, text)
            elif value is None:
                worksheet.write_blank(row, column, None, formats[kind])
            else:
                worksheet.write_number(row, column, float(value), formats[kind])

    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, row, len(columns) - 1)
    worksheet.set_row(0, 30)
    workbook.close()
    return output.getvalue()
