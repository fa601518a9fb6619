"""The register as open data: any search as CSV, Excel or JSON, and the grants made as a 360Giving package.

One column definition, `COLUMNS`, serves CSV, Excel and JSON alike and documents them on the open data page and
in docs/open-data.md. Every writer reads the search through `selectors.grants_for_export` row by row, so memory
stays the same however many decisions match. The names of agencies, programmes, calls, regions and
municipalities come from their small tables once per download instead of being joined to every row.

CSV is UTF-8 without a byte order mark: it is for programs, which read a mark as part of the first column's
name; people who open the data in a spreadsheet take the Excel file. In CSV and Excel a text that a spreadsheet
would run as a formula gets a leading apostrophe (see `core.spreadsheets.neutralised`); JSON carries texts as they
are.
"""

import csv
import datetime
import enum
import hashlib
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from operator import itemgetter
from typing import IO, Any

import xlsxwriter
from django.db import connection, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from avustamo.core.dates import in_helsinki
from avustamo.core.links import site_url
from avustamo.core.spreadsheets import FORMULA_PREFIXES, neutralised
from avustamo.organisations.models import OrganisationType
from avustamo.programmes.models import Agency, Call, Programme
from avustamo.reference.models import Municipality, Region
from avustamo.register import selectors
from avustamo.register.models import GrantOutcome

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
CHUNK_SIZE = 2000
ROWS_PER_WRITE = 500
# A worksheet holds 1,048,576 rows; the first is the header.
XLSX_MAX_ROWS = 1_048_575

# 360Giving packages are written in English, the standard's own language, whatever the page's language.
PACKAGE_LANGUAGE = "en"
PACKAGE_VERSION = "1.4"
PACKAGE_OUTCOMES = (GrantOutcome.AWARDED, selectors.ALL_OUTCOMES)
# org-id.guide's list for Finnish Business IDs (Y-tunnus) of the Finnish Patent and Registration Office.
BUSINESS_ID_LIST = "FI-PRO"
# The agencies' own Business IDs, for their 360Giving funder identifier; the reference data carries none. An agency
# missing here is identified under its own 360Giving prefix until its Business ID is confirmed and added.
AGENCY_BUSINESS_IDS = {
    "OKM": "0245872-8",  # Opetus- ja kulttuuriministeriö
}
# Statistics Finland's codes have no type in 360Giving's geoCodeType codelist (it lists the UK's), so these name
# them: regions (maakunta, 01–21) and municipalities (kunta, three digits).
REGION_CODE_TYPE = "FI-MAAKUNTA"
MUNICIPALITY_CODE_TYPE = "FI-KUNTA"

ROW_FIELDS = (
    "id",
    "outcome",
    "recipient_name",
    "recipient_business_id",
    "recipient_type",
    "municipality_id",
    "region_id",
    "project_name",
    "purpose",
    "amount_awarded",
    "funding_year",
    "decision_date",
    "period_start",
    "period_end",
    "agency_id",
    "programme_id",
    "call_id",
    "source",
    "source_url",
    "published_at",
)


class Kind(enum.Enum):
    TEXT = "text"
    INTEGER = "integer"
    AMOUNT = "amount"
    DATE = "date"


KIND_LABELS = {
    Kind.TEXT: _("text"),
    Kind.INTEGER: _("whole number"),
    Kind.AMOUNT: _("euros with two decimals, e.g. 50000.00"),
    Kind.DATE: _("date, YYYY-MM-DD"),
}


class ReferenceNames:
    """The codes and names the rows of one download refer to, in one language, read once."""

    def __init__(self, language: str):
        self.language = language
        agencies = list(Agency.objects.all())
        self.agency_codes = {agency.pk: agency.code for agency in agencies}
        self.agency_names = {agency.pk: self._name(agency) for agency in agencies}
        self.agency_websites = {agency.pk: agency.website for agency in agencies}
        self.grant_prefixes = {agency.pk: agency.grant_id_prefix for agency in agencies}
        self.funder_ids = {agency.pk: funder_identifier(agency) for agency in agencies}
        programmes = list(Programme.objects.only("code", "agency_id", "name_fi", "name_sv", "name_en"))
        self.programme_agencies = {programme.pk: programme.agency_id for programme in programmes}
        self.programme_codes = {programme.pk: programme.code for programme in programmes}
        self.programme_names = {programme.pk: self._name(programme) for programme in programmes}
        # Every call, not only those with grants now: a call's first grant may be published during the download.
        calls = list(
            Call.objects.only("reference", "programme_id", "title_fi", "title_sv", "title_en", "closes_at")
        )
        self.call_programmes = {call.pk: call.programme_id for call in calls}
        self.call_references = {call.pk: call.reference for call in calls}
        self.call_titles = {call.pk: self._name(call, "title") for call in calls}
        self.call_closing_days = {call.pk: in_helsinki(call.closes_at).date() for call in calls}
        self.region_names = {region.pk: self._name(region) for region in Region.objects.all()}
        self.municipality_names = {place.pk: self._name(place) for place in Municipality.objects.all()}
        self._grant_page = _url_of_grant_page(language)

    def _name(self, obj, field: str = "name") -> str:
        return getattr(type(obj), field).in_language(obj, self.language)

    def grant_identifier(self, row: dict) -> str:
        return f"{self.grant_prefixes[row['agency_id']]}-{row['id']}"

    def grant_page(self, row: dict) -> str:
        return self._grant_page(row["id"])


def _url_of_grant_page(language: str) -> Callable[[int], str]:
    """The address of a grant's page from its id, reversing the URL once rather than once a row."""
    placeholder = 987654321
    before, after = site_url("register:grant_detail", language=language, pk=placeholder).split(
        str(placeholder)
    )
    return lambda pk: f"{before}{pk}{after}"


def funder_identifier(agency: Agency) -> str:
    business_id = AGENCY_BUSINESS_IDS.get(agency.code)
    return f"{BUSINESS_ID_LIST}-{business_id}" if business_id else f"{agency.grant_id_prefix}-funder"


def recipient_identifier(row: dict, grant_prefix: str) -> str:
    """FI-PRO-<Business ID>; without one, an id of the name exactly as published, so no two spellings merge."""
    if row["recipient_business_id"]:
        return f"{BUSINESS_ID_LIST}-{row['recipient_business_id']}"
    digest = hashlib.sha256(row["recipient_name"].encode()).hexdigest()[:20]
    return f"{grant_prefix}-recipient-{digest}"


Reader = Callable[[dict], Any]


@dataclass(frozen=True)
class Column:
    name: str
    description: Promise
    kind: Kind
    # Given the names of one download, the function that reads the column's value from a row.
    reader: Callable[[ReferenceNames], Reader]


def _field(name: str) -> Callable[[ReferenceNames], Reader]:
    return lambda names: itemgetter(name)


def _named(lookup: str, key: str) -> Callable[[ReferenceNames], Reader]:
    def reader(names: ReferenceNames) -> Reader:
        values = getattr(names, lookup)
        return lambda row: values.get(row[key], "")

    return reader


COLUMNS = (
    Column("id", _("Number of the decision in this register."), Kind.INTEGER, _field("id")),
    Column(
        "grant_identifier",
        _("The grant's 360Giving identifier: 360G-, the agency's prefix and the number of the decision."),
        Kind.TEXT,
        lambda names: names.grant_identifier,
    ),
    Column(
        "outcome",
        _("awarded, rejected or not_examined (application not examined)."),
        Kind.TEXT,
        _field("outcome"),
    ),
    Column("recipient_name", _("The recipient's name as published."), Kind.TEXT, _field("recipient_name")),
    Column(
        "recipient_business_id",
        _("The recipient's Business ID (Y-tunnus); empty when the source did not publish one."),
        Kind.TEXT,
        _field("recipient_business_id"),
    ),
    Column(
        "organisation_type",
        _("The recipient's type as a code, such as registered_association; empty when not published."),
        Kind.TEXT,
        _field("recipient_type"),
    ),
    Column(
        "municipality_code",
        _("Statistics Finland's number of the recipient's home municipality."),
        Kind.TEXT,
        _field("municipality_id"),
    ),
    Column(
        "municipality_name",
        _("Name of the home municipality."),
        Kind.TEXT,
        _named("municipality_names", "municipality_id"),
    ),
    Column(
        "region_code",
        _("Statistics Finland's code (01–21) of the region of the home municipality."),
        Kind.TEXT,
        _field("region_id"),
    ),
    Column("region_name", _("Name of the region."), Kind.TEXT, _named("region_names", "region_id")),
    Column("project_name", _("Name of the project as published."), Kind.TEXT, _field("project_name")),
    Column(
        "purpose",
        _("Purpose of use as decided; empty for rejections and where the source did not publish it."),
        Kind.TEXT,
        _field("purpose"),
    ),
    Column(
        "amount_awarded",
        _("Amount awarded in euros; 0.00 for rejections and applications not examined."),
        Kind.AMOUNT,
        _field("amount_awarded"),
    ),
    Column(
        "funding_year",
        _("The year the grant is for (the start of the period of use)."),
        Kind.INTEGER,
        _field("funding_year"),
    ),
    Column(
        "decision_date",
        _("Date of the decision; empty where the source did not publish it."),
        Kind.DATE,
        _field("decision_date"),
    ),
    Column(
        "period_start", _("First day of the period of use, where known."), Kind.DATE, _field("period_start")
    ),
    Column("period_end", _("Last day of the period of use, where known."), Kind.DATE, _field("period_end")),
    Column(
        "agency_code",
        _("Code of the agency that decided, e.g. TEM."),
        Kind.TEXT,
        _named("agency_codes", "agency_id"),
    ),
    Column("agency_name", _("Name of the agency."), Kind.TEXT, _named("agency_names", "agency_id")),
    Column(
        "programme_code",
        _("Code of the grant programme."),
        Kind.TEXT,
        _named("programme_codes", "programme_id"),
    ),
    Column(
        "programme_name",
        _("Name of the grant programme."),
        Kind.TEXT,
        _named("programme_names", "programme_id"),
    ),
    Column(
        "call_reference",
        _("Reference of the call the application was made to."),
        Kind.TEXT,
        _named("call_references", "call_id"),
    ),
    Column("call_title", _("Title of the call."), Kind.TEXT, _named("call_titles", "call_id")),
    Column(
        "source",
        _("decision (signed in this service) or published_history (from the agency's own published list)."),
        Kind.TEXT,
        _field("source"),
    ),
    Column(
        "source_url",
        _("Address of the published list the row was transcribed from, for published history."),
        Kind.TEXT,
        _field("source_url"),
    ),
    Column(
        "url",
        _("Address of the decision's page in this register."),
        Kind.TEXT,
        lambda names: names.grant_page,
    ),
)


def _rows(filters: selectors.GrantFilters, sort: str) -> Iterator[dict]:
    return selectors.grants_for_export(filters, sort=sort).values(*ROW_FIELDS).iterator(chunk_size=CHUNK_SIZE)


def _two_decimals(value: Decimal) -> str:
    return f"{value:.2f}"


def _text_or_empty(value) -> str:
    return "" if value is None else str(value)


def _day_or_empty(value: datetime.date | None) -> str:
    return "" if value is None else value.isoformat()


def _as_is(value):
    return value


def _text_or_null(value: str) -> str | None:
    return value or None


def _day_or_null(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


# How CSV writes a value of each kind: amounts with exactly two decimals, dates as YYYY-MM-DD, nothing as empty.
CSV_FORMATS = {
    Kind.TEXT: neutralised,
    Kind.INTEGER: _text_or_empty,
    Kind.AMOUNT: _two_decimals,
    Kind.DATE: _day_or_empty,
}
# How JSON carries them: amounts as exact decimal strings, dates as YYYY-MM-DD, nothing as null.
JSON_FORMATS = {
    Kind.TEXT: _text_or_null,
    Kind.INTEGER: _as_is,
    Kind.AMOUNT: _two_decimals,
    Kind.DATE: _day_or_null,
}


def _cells(names: ReferenceNames, formats: dict[Kind, Callable[[Any], Any]]) -> list[Reader]:
    """For each column, the function giving its formatted value from a row."""

    def cell(read: Reader, write: Callable[[Any], Any]) -> Reader:
        return lambda row: write(read(row))

    return [cell(column.reader(names), formats[column.kind]) for column in COLUMNS]


def _batches(items: Iterable) -> Iterator[list]:
    """The items in lists of ROWS_PER_WRITE: written out a batch at a time rather than a row at a time."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == ROWS_PER_WRITE:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_content(filters: selectors.GrantFilters, *, sort: str, language: str) -> Iterator[bytes]:
    """The search as CSV (commas, double quotes, LF line ends), the header naming `COLUMNS`.

    On PostgreSQL the database writes the same bytes itself (`_postgres_csv_content`): a million rows then
    stream at the speed of `COPY` rather than of Python.
    """
    if connection.vendor == "postgresql":
        return _postgres_csv_content(filters, sort=sort, language=language)
    return _python_csv_content(filters, sort=sort, language=language)


def _python_csv_content(filters: selectors.GrantFilters, *, sort: str, language: str) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def written(lines: list[list[str]]) -> bytes:
        writer.writerows(lines)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode()

    yield written([[column.name for column in COLUMNS]])
    cells = _cells(ReferenceNames(language), CSV_FORMATS)
    for batch in _batches(_rows(filters, sort)):
        yield written([[cell(row) for cell in cells] for row in batch])


# COPY hands over a row at a time; the download sends them on in pieces of this size instead.
COPY_PIECE_BYTES = 256 * 1024
FORMULA_CODE_POINTS = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)


def _sql_free_text(expression: str) -> str:
    """A free text as CSV writes it: empty as nothing, a would-be formula behind an apostrophe."""
    return (
        f"CASE WHEN ascii({expression}) IN ({FORMULA_CODE_POINTS}) THEN '''' || {expression} "
        f"ELSE NULLIF({expression}, '') END"
    )


def _sql_code(expression: str) -> str:
    """A value from a fixed list or of a fixed form (outcome, type, Business ID, code): never a formula."""
    return f"NULLIF({expression}, '')"


def _sql_day(expression: str) -> str:
    # A date's own text is YYYY-MM-DD under the ISO DateStyle, and cheaper than to_char. The service always runs
    # under it: psycopg reads no timestamp with time zone under any other.
    return f"{expression}::text"


def _names_by_id(*columns: dict) -> list[list]:
    """Name tables as arrays for `unnest`: the ids, then each name as CSV writes it (None for empty)."""
    ids = list(columns[0])
    return [ids] + [[neutralised(column.get(key, "")) or None for key in ids] for column in columns]


def _postgres_csv_columns(names: ReferenceNames) -> tuple[dict[str, str], str, list, list]:
    """The SQL of each of `COLUMNS`, writing exactly what `_python_csv_content` writes (a test compares them); the
    joins it reads names from; the parameters of the select list and of the joins.

    Names come from `names`, read once and passed as arrays joined by id, rather than from the tables of agencies,
    programmes, calls and places with their language fallbacks. A grant's agency and programme are its call's
    (`PublishedGrant.fill_derived`), so one join by call gives all six names and the grant id's prefix.
    """
    programme_of_call = names.call_programmes
    agency_of_call = {
        call: names.programme_agencies.get(programme) for call, programme in programme_of_call.items()
    }

    def by_call(values: dict, of_call: dict | None = None) -> dict:
        if of_call is None:
            return values
        return {call: values.get(owner, "") for call, owner in of_call.items()}

    calls = _names_by_id(
        by_call(names.call_references),
        by_call(names.grant_prefixes, agency_of_call),
        by_call(names.agency_codes, agency_of_call),
        by_call(names.agency_names, agency_of_call),
        by_call(names.programme_codes, programme_of_call),
        by_call(names.programme_names, programme_of_call),
        by_call(names.call_titles),
    )
    joins = (
        "LEFT JOIN unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
        "%s::text[]) AS n(call_id, call_reference, grant_prefix, agency_code, agency_name, programme_code, "
        "programme_name, call_title) ON n.call_id = g.call_id "
        "LEFT JOIN unnest(%s::text[], %s::text[]) AS m(code, name) ON m.code = g.municipality_id "
        "LEFT JOIN unnest(%s::text[], %s::text[]) AS r(code, name) ON r.code = g.region_id"
    )
    join_parameters = [
        *calls,
        *_names_by_id(names.municipality_names),
        *_names_by_id(names.region_names),
    ]
    url_before, url_after = _url_of_grant_page(names.language)(0).rsplit("0", 1)
    columns = {
        "id": "g.id",
        "grant_identifier": "n.grant_prefix || '-' || g.id",
        "outcome": _sql_code("g.outcome"),
        "recipient_name": _sql_free_text("g.recipient_name"),
        "recipient_business_id": _sql_code("g.recipient_business_id"),
        "organisation_type": _sql_code("g.recipient_type"),
        "municipality_code": _sql_code("g.municipality_id"),
        "municipality_name": "m.name",
        "region_code": _sql_code("g.region_id"),
        "region_name": "r.name",
        "project_name": _sql_free_text("g.project_name"),
        "purpose": _sql_free_text("g.purpose"),
        "amount_awarded": "g.amount_awarded::text",
        "funding_year": "g.funding_year",
        "decision_date": _sql_day("g.decision_date"),
        "period_start": _sql_day("g.period_start"),
        "period_end": _sql_day("g.period_end"),
        "agency_code": "n.agency_code",
        "agency_name": "n.agency_name",
        "programme_code": "n.programme_code",
        "programme_name": "n.programme_name",
        "call_reference": "n.call_reference",
        "call_title": "n.call_title",
        "source": _sql_code("g.source"),
        "source_url": _sql_free_text("g.source_url"),
        "url": "%s || g.id || %s",
    }
    return columns, joins, [url_before, url_after], join_parameters


def _postgres_csv_content(filters: selectors.GrantFilters, *, sort: str, language: str) -> Iterator[bytes]:
    """The search as PostgreSQL's `COPY … TO STDOUT (FORMAT csv)` writes it, streamed in pieces."""
    columns, joins, select_parameters, join_parameters = _postgres_csv_columns(ReferenceNames(language))
    select = ", ".join(f'{columns[column.name]} AS "{column.name}"' for column in COLUMNS)
    order = ", ".join(
        f"g.{name[1:]} DESC" if name.startswith("-") else f"g.{name}" for name in selectors.SORTS[sort]
    )
    inner, inner_params = selectors.grants(filters).values(*ROW_FIELDS).query.sql_with_params()
    statement = (
        f"COPY (SELECT {select} FROM ({inner}) g {joins} ORDER BY {order}) "
        "TO STDOUT WITH (FORMAT csv, HEADER true)"
    )
    piece = bytearray()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # JIT compiling this statement's expressions takes longer than it saves on a million rows (a tenth of the
        # export's time, docs/performance.md).
        cursor.execute("SET LOCAL jit = off")
        with cursor.cursor.copy(statement, (*select_parameters, *inner_params, *join_parameters)) as copy:
            for block in copy:
                piece += block
                if len(piece) >= COPY_PIECE_BYTES:
                    yield bytes(piece)
                    piece.clear()
    if piece:
        yield bytes(piece)


def _json_array(texts: Iterable[str]) -> Iterator[bytes]:
    """The members of a JSON array, comma-separated, in pieces of ROWS_PER_WRITE."""
    lead = ""
    for batch in _batches(texts):
        yield (lead + ",".join(batch)).encode()
        lead = ","


def json_content(
    filters: selectors.GrantFilters, *, sort: str, language: str, documentation_url: str
) -> Iterator[bytes]:
    """The search as one JSON object: its licence, where the columns are documented, and the grants."""
    head = json.dumps({"license": LICENSE_URL, "documentation": documentation_url})
    yield f'{head[:-1]},"grants":['.encode()
    names = [column.name for column in COLUMNS]
    cells = _cells(ReferenceNames(language), JSON_FORMATS)
    yield from _json_array(
        json.dumps(dict(zip(names, [cell(row) for cell in cells], strict=True)), ensure_ascii=False)
        for row in _rows(filters, sort)
    )
    yield b"]}"


def fits_a_worksheet(filters: selectors.GrantFilters) -> bool:
    return not selectors.grants(filters)[XLSX_MAX_ROWS : XLSX_MAX_ROWS + 1].exists()


def xlsx_file(filters: selectors.GrantFilters, *, sort: str, language: str) -> IO[bytes]:
    """The search as an Excel workbook in a temporary file, rewound; closing the file deletes it.

    xlsxwriter's constant memory mode writes each row out as it comes, so the workbook costs disk, not memory.
    Amounts are numbers (written from the Decimal's own digits) and dates are dates, so that a spreadsheet sums
    and sorts them.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115 - returned open: the response streams it, then closes it
    try:
        _write_workbook(output, filters, sort=sort, language=language)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def _write_workbook(output: IO[bytes], filters: selectors.GrantFilters, *, sort: str, language: str) -> None:
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    header = workbook.add_format({"bold": True, "bottom": 1})
    formats = {
        Kind.AMOUNT: workbook.add_format({"num_format": "#,##0.00"}),
        Kind.DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    widths = {Kind.TEXT: 24, Kind.INTEGER: 10, Kind.AMOUNT: 14, Kind.DATE: 12}
    sheet = workbook.add_worksheet("grants")
    for number, column in enumerate(COLUMNS):
        sheet.set_column(number, number, widths[column.kind])
        sheet.write_string(0, number, column.name, header)
    sheet.freeze_panes(1, 0)
    names = ReferenceNames(language)
    readers = [(number, column.kind, column.reader(names)) for number, column in enumerate(COLUMNS)]
    last_row = 0
    for last_row, row in enumerate(_rows(filters, sort), start=1):
        for number, kind, read in readers:
            value = read(row)
            if value is None or value == "":
                continue
            if kind is Kind.TEXT:
                sheet.write_string(last_row, number, neutralised(value))
            elif kind is Kind.DATE:
                sheet.write_datetime(last_row, number, value, formats[Kind.DATE])
            else:
                sheet.write_number(last_row, number, value, formats.get(kind))
    sheet.autofilter(0, 0, last_row, len(COLUMNS) - 1)
    _write_about_sheet(workbook, header, language)
    workbook.close()


def _write_about_sheet(workbook, header, language: str) -> None:
    sheet = workbook.add_worksheet("columns")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 90)
    with translation.override(language):
        sheet.write_string(0, 0, str(_("Column")), header)
        sheet.write_string(0, 1, str(_("Description")), header)
        for number, column in enumerate(COLUMNS, start=1):
            sheet.write_string(number, 0, column.name)
            sheet.write_string(number, 1, str(column.description))
        sheet.write_string(len(COLUMNS) + 2, 0, str(_("Licence")))
        sheet.write_string(len(COLUMNS) + 2, 1, f"CC BY 4.0 {LICENSE_URL}")


def package_filters(filters: selectors.GrantFilters) -> selectors.GrantFilters:
    """The search as a 360Giving package reads it: grants made only, the awarded among the decisions asked for."""
    return replace(filters, outcome=GrantOutcome.AWARDED)


def _co_implementer(share: dict) -> dict:
    """A co-implementer the decision passes money on to, as one more recipient organisation of the grant (the
    standard's recipientOrganization is a list; the lead applicant, who receives the grant, comes first)."""
    return {
        "id": f"{BUSINESS_ID_LIST}-{share['business_id']}",
        "name": share["name"],
        "description": (
            f"Co-implementer (osatoteuttaja) of the joint project: the recipient passes it at most "
            f"EUR {share['amount']:.2f} of the grant under a written agreement (Act 688/2001, section 7(3))."
        ),
    }


def _package_grant(
    row: dict, names: ReferenceNames, organisation_types: dict[str, str], co_implementers=()
) -> dict:
    call_title = names.call_titles[row["call_id"]]
    grant_prefix = names.grant_prefixes[row["agency_id"]]
    # Historic rows carry no date of decision: the call's closing day is the earliest it can have been made.
    award_date = row["decision_date"] or names.call_closing_days[row["call_id"]]
    recipient = {"id": recipient_identifier(row, grant_prefix), "name": row["recipient_name"]}
    if row["recipient_type"]:
        recipient["organisationType"] = organisation_types[row["recipient_type"]]
    places = []
    if row["municipality_id"]:
        places.append(_place(MUNICIPALITY_CODE_TYPE, row["municipality_id"], names.municipality_names))
    if row["region_id"]:
        places.append(_place(REGION_CODE_TYPE, row["region_id"], names.region_names))
    if places:
        recipient["location"] = places
    funder = {"id": names.funder_ids[row["agency_id"]], "name": names.agency_names[row["agency_id"]]}
    if names.agency_websites[row["agency_id"]]:
        funder["url"] = names.agency_websites[row["agency_id"]]
    grant = {
        "id": names.grant_identifier(row),
        "title": row["project_name"] or call_title,
        "description": row["purpose"] or row["project_name"] or call_title,
        "currency": "EUR",
        "amountAwarded": row["amount_awarded"],
        "awardDate": award_date.isoformat(),
        "recipientOrganization": [recipient, *(_co_implementer(share) for share in co_implementers)],
        "fundingOrganization": [funder],
        "grantProgramme": [
            {
                "code": names.programme_codes[row["programme_id"]],
                "title": names.programme_names[row["programme_id"]],
            }
        ],
        "fromOpenCall": "Yes",
        "url": names.grant_page(row),
        "dataSource": row["source_url"] or names.grant_page(row),
        "dateModified": row["published_at"].isoformat(),
    }
    planned = {
        key: row[field].isoformat()
        for key, field in (("startDate", "period_start"), ("endDate", "period_end"))
        if row[field]
    }
    if planned:
        grant["plannedDates"] = [planned]
    return grant


def _place(code_type: str, code: str, place_names: dict[str, str]) -> dict:
    return {
        "id": f"{code_type}-{code}",
        "name": place_names[code],
        "countryCode": "FI",
        "geoCode": code,
        "geoCodeType": code_type,
    }


def _json_object(members: dict) -> str:
    """A JSON object whose Decimal members are written as exact numbers (the json module writes none)."""
    return (
        "{"
        + ",".join(
            f"{json.dumps(key)}:{value if isinstance(value, Decimal) else json.dumps(value, ensure_ascii=False)}"
            for key, value in members.items()
        )
        + "}"
    )


def package_content(filters: selectors.GrantFilters, *, access_url: str) -> Iterator[bytes]:
    """The grants made among the search as a 360Giving Data Standard package, licensed CC BY 4.0."""
    head = json.dumps({"version": PACKAGE_VERSION, "license": LICENSE_URL, "accessURL": access_url})
    yield f'{head[:-1]},"grants":['.encode()
    names = ReferenceNames(PACKAGE_LANGUAGE)
    with translation.override(PACKAGE_LANGUAGE):
        organisation_types = {code: str(label) for code, label in OrganisationType.choices}
    rows = _rows(package_filters(filters), selectors.DEFAULT_SORT)
    # Few grants are joint projects: their co-implementers are read at once, whatever the size of the package.
    co_implementers = selectors.co_implementers_of_grants(
        selectors.grants(package_filters(filters)).values("pk")
    )
    yield from _json_array(
        _json_object(_package_grant(row, names, organisation_types, co_implementers.get(row["id"], ())))
        for row in rows
    )
    yield b"]}"


def agency_identifiers() -> list[dict]:
    """Each agency's 360Giving grant prefix and funder identifier, for the open data page."""
    return [
        {"agency": agency, "grant_prefix": agency.grant_id_prefix, "funder_id": funder_identifier(agency)}
        for agency in Agency.objects.order_by("code")
    ]


def download_name(kind: str, extension: str, today: datetime.date) -> str:
    return f"avustamo-{kind}-{today.isoformat()}.{extension}"
