"""The import of Statistics Finland's population by language, per municipality and year (docs/municipality-figures.md).

A file is taken whole or not at all: every row that cannot be read is reported with its line, and nothing is saved
until none is left. The figures of the years a file holds replace those loaded before for the same years.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.permissions import require_permission
from avustamo.reference.models import Municipality, MunicipalityPopulation, PopulationImport

IMPORT_PERMISSION = "reference.import_population"
MAX_FILE_BYTES = 5 * 1024 * 1024
EARLIEST_YEAR = 1980
LATEST_YEAR = 2100

# What a heading cell starts with, lower-cased, in the three languages PxWeb publishes the table in. Foreign languages
# are looked for first: "Vieraskieliset yhteensä" is not the total.
_FOREIGN_LANGUAGE_HEADINGS = ("vieraskiel", "vieraat kielet", "muut kielet", "främmande språk", "foreign")
_TOTAL_HEADINGS = (
    "kieli yhteensä",
    "yhteensä",
    "väkiluku",
    "väestö",
    "språk totalt",
    "totalt",
    "folkmängd",
    "befolkning",
    "language total",
    "total",
    "population",
)
_AREA_HEADINGS = ("alue", "kunta", "område", "kommun", "area", "municipality")
_YEAR_HEADINGS = ("vuosi", "år", "year")
# "KU091 Helsinki" (StatFin's area codes) or "091 Helsinki".
_MUNICIPALITY_AREA = re.compile(r"^(?:KU)?(\d{3})(?:\s|$)")
# The whole country (SSS), regions (MK), sub-regions (SK) and the like: sums of municipalities, left out.
_AGGREGATE_AREA = re.compile(
    r"^(?:SSS|MK\d|SK\d|ELY\d|AVI\d|KOKO MAA|HELA LANDET|WHOLE COUNTRY)", re.IGNORECASE
)
_MISSING_FIGURES = {"", ".", "..", "...", "-"}


@dataclass(frozen=True)
class _Figure:
    line: int
    municipality: str
    year: int
    population: int
    foreign_language_population: int


def _text(content: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte order mark), or PxWeb's older Windows-1252 export."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


# The columns by role, as a refusal names them (translated when it is made).
_COLUMN_NAMES = {
    "area": lambda: _("area"),
    "year": lambda: _("year"),
    "foreign": lambda: _("foreign-language population"),
    "total": lambda: _("total population"),
}


def _column(headings: list[str], prefixes: tuple[str, ...], taken: set[int]) -> list[int]:
    return [
        index
        for index, heading in enumerate(headings)
        if index not in taken and heading.strip().lower().startswith(prefixes)
    ]


def _find_columns(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The line of the heading (PxWeb writes the table's title and an empty line above it) and the index of each
    column, or a refusal naming what is missing or ambiguous."""
    for number, row in enumerate(rows):
        taken: set[int] = set()
        columns = {}
        for role, prefixes in (
            ("area", _AREA_HEADINGS),
            ("year", _YEAR_HEADINGS),
            ("foreign", _FOREIGN_LANGUAGE_HEADINGS),
            ("total", _TOTAL_HEADINGS),
        ):
            found = _column(row, prefixes, taken)
            if len(found) > 1:
                raise ValidationError(
                    _("Line %(line)d: more than one column could be the %(column)s: %(headings)s.")
                    % {
                        "line": number + 1,
                        "column": _COLUMN_NAMES[role](),
                        "headings": ", ".join(row[index] for index in found),
                    },
                    code="ambiguous_column",
                )
            if found:
                columns[role] = found[0]
                taken.add(found[0])
        if "area" in columns and "year" in columns:
            missing = [_COLUMN_NAMES[role]() for role in ("foreign", "total") if role not in columns]
            if missing:
                raise ValidationError(
                    _("Line %(line)d: the file has no column for the %(columns)s.")
                    % {"line": number + 1, "columns": ", ".join(missing)},
                    code="missing_column",
                )
            return number, columns
    raise ValidationError(
        _(
            "No heading line was found: the file must have the columns area, year, total population and "
            "foreign languages (see the accepted layout)."
        ),
        code="no_heading",
    )


# ASCII digits only (str.isdigit also takes "²"), and no more than the database's integer column holds.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_YEAR = re.compile(r"[0-9]{4}")


def _count(value: str) -> int | None:
    cleaned = value.replace("\u00a0", "").replace(" ", "").strip()
    if cleaned in _MISSING_FIGURES or not _WHOLE_NUMBER.fullmatch(cleaned):
        return None
    return int(cleaned)


def _read_row(
    line: int, row: list[str], columns: dict[str, int], municipalities: dict
) -> _Figure | str | None:
    """The figure of one data row; a message when the row is bad; None for a sum of municipalities (the whole
    country, a region), which the file may hold and the table does not."""
    if len(row) <= max(columns.values()):
        return _("Line %(line)d: the row has too few columns.") % {"line": line}
    area = row[columns["area"]].strip()
    match = _MUNICIPALITY_AREA.match(area)
    if match is None:
        if _AGGREGATE_AREA.match(area):
            return None
        return _("Line %(line)d: “%(area)s” is not a municipality number.") % {"line": line, "area": area}
    code = match.group(1)
    year_text = row[columns["year"]].strip()
    year = int(year_text) if _YEAR.fullmatch(year_text) else None
    if year is None or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return _("Line %(line)d: “%(year)s” is not a year.") % {"line": line, "year": year_text}
    municipality = municipalities.get(code)
    if municipality is None:
        return _("Line %(line)d: there is no municipality number %(code)s.") % {"line": line, "code": code}
    if (municipality.valid_from_year or year) > year or (municipality.valid_until_year or year) < year:
        return _("Line %(line)d: municipality %(code)s %(name)s did not exist in %(year)d.") % {
            "line": line,
            "code": code,
            "name": municipality.name_fi,
            "year": year,
        }
    population = _count(row[columns["total"]])
    foreign = _count(row[columns["foreign"]])
    if population is None or foreign is None:
        return _("Line %(line)d: the figures of %(code)s must be whole numbers of people.") % {
            "line": line,
            "code": code,
        }
    if foreign > population:
        return _(
            "Line %(line)d: %(code)s has more foreign-language residents (%(foreign)d) than residents "
            "(%(population)d)."
        ) % {"line": line, "code": code, "foreign": foreign, "population": population}
    return _Figure(line, code, year, population, foreign)


def read_population_file(content: bytes) -> list[_Figure]:
    """The figures of a file in the accepted layout, or a refusal listing every bad row. Reads the municipalities
    once."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(megabytes)d MB.") % {"megabytes": MAX_FILE_BYTES // (1024 * 1024)},
            code="too_large",
        )
    text = _text(content)
    # PxWeb separates with semicolons (or, in its comma-separated export, commas); the title may hold commas too.
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ValidationError(
            _("The file is not a CSV file of the accepted layout."), code="not_csv"
        ) from None
    heading_line, columns = _find_columns(rows)
    municipalities = {municipality.code: municipality for municipality in Municipality.objects.all()}
    figures: list[_Figure] = []
    problems: list[str] = []
    seen: dict[tuple[str, int], int] = {}
    for index in range(heading_line + 1, len(rows)):
        row = rows[index]
        if not any(cell.strip() for cell in row):
            continue
        read = _read_row(index + 1, row, columns, municipalities)
        if isinstance(read, str):
            problems.append(read)
        elif read is not None:
            key = (read.municipality, read.year)
            if key in seen:
                problems.append(
                    _("Line %(line)d: %(code)s %(year)d is already on line %(first)d.")
                    % {"line": read.line, "code": read.municipality, "year": read.year, "first": seen[key]}
                )
            else:
                seen[key] = read.line
                figures.append(read)
    if problems:
        raise ValidationError(problems, code="bad_rows")
    if not figures:
        raise ValidationError(_("The file has no figures of any municipality."), code="no_figures")
    return figures


@transaction.atomic
def population_import(*, content: bytes, file_name: str, acting_user) -> PopulationImport:
    """Load a file of Statistics Finland's population by language: all of it, replacing the figures of the years it
    holds, or nothing."""
    require_permission(acting_user, IMPORT_PERMISSION)
    figures = read_population_file(content)
    years = sorted({figure.year for figure in figures})
    # Only the municipalities the file has figures of: a file of one region leaves the others' figures as they are.
    replaced = 0
    for year in years:
        codes = [figure.municipality for figure in figures if figure.year == year]
        deleted, _kinds = MunicipalityPopulation.objects.filter(year=year, municipality_id__in=codes).delete()
        replaced += deleted
    statistics_import = PopulationImport.objects.create(
        file_name=file_name[:255], imported_by=acting_user, years=years, municipalities=len(figures)
    )
    MunicipalityPopulation.objects.bulk_create(
        [
            MunicipalityPopulation(
                municipality_id=figure.municipality,
                year=figure.year,
                population=figure.population,
                foreign_language_population=figure.foreign_language_population,
                statistics_import=statistics_import,
            )
            for figure in figures
        ],
        batch_size=1000,
    )
    audit(
        acting_user=acting_user,
        action="population.imported",
        target=statistics_import,
        file_name=statistics_import.file_name,
        years=years,
        figures=len(figures),
        replaced=replaced,
    )
    return statistics_import
