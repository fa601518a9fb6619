"""Import of other funders' published grant history from 360Giving files: JSON packages and flattened CSV.

Every row of a file is read and checked before anything is written; a file with any problem imports nothing, and
the report names each problem by row, identifier, field and reason. A re-run of the same file changes nothing:
a grant is known by its 360Giving identifier within its funder (`PublishedGrant.source_identifier`).

How a 360Giving grant becomes a published grant is documented in docs/open-data.md ("Importing other funders'
data"); the choices that follow from it are explained where they are made below.
"""

import csv
import datetime
import hashlib
import io
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.exceptions import ValidationError as BusinessIdError
from stdnum.fi import ytunnus

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_datetime, helsinki_today
from avustamo.core.money import CURRENCY_MARK, amount_from_text, is_whole_cents, to_cents
from avustamo.programmes.models import Agency, Call, Programme
from avustamo.reference.models import Municipality, Region
from avustamo.register.exports import MUNICIPALITY_CODE_TYPE, REGION_CODE_TYPE
from avustamo.register.models import GrantOutcome, PublishedGrant
from avustamo.register.services import refresh_derived

FORMATS = ("json", "csv")
BATCH_SIZE = 1000
# Agency.code, Programme.code and Call.reference are limited to these; a programme code leaves room for "-2024".
AGENCY_CODE_LENGTH = 20
PROGRAMME_CODE_LENGTH = 54
CALL_REFERENCE_LENGTH = 60
LARGEST_AMOUNT = Decimal("1e12")
BUSINESS_ID_SCHEME = "FI-PRO-"
# What a report prints at most; the report itself keeps every problem.
PRINTED_PROBLEMS = 200

# The 360Giving titles of the fields read, as the flattened CSV names its columns, and the key each is read into.
FIELD_TITLES = {
    "id": "Identifier",
    "title": "Title",
    "description": "Description",
    "currency": "Currency",
    "amount": "Amount Awarded",
    "award_date": "Award Date",
    "start_date": "Planned Dates:Start Date",
    "end_date": "Planned Dates:End Date",
    "recipient_id": "Recipient Org:Identifier",
    "recipient_name": "Recipient Org:Name",
    "individual_id": "Recipient Ind:Identifier",
    "individual_name": "Recipient Ind:Name",
    "funder_id": "Funding Org:Identifier",
    "funder_name": "Funding Org:Name",
    "programme_code": "Grant Programme:Code",
    "programme_title": "Grant Programme:Title",
    "recipient_locations": "Recipient Org:Location:Geographic Code",
    "recipient_location_types": "Recipient Org:Location:Geographic Code Type",
    "locations": "Beneficiary Location:Geographic Code",
    "location_types": "Beneficiary Location:Geographic Code Type",
    "data_source": "Data Source",
}
REQUIRED_COLUMNS = ("id", "amount", "recipient_name")
MAX_LENGTHS = {
    "id": PublishedGrant._meta.get_field("source_identifier").max_length,
    "title": PublishedGrant._meta.get_field("project_name").max_length,
    "recipient_name": PublishedGrant._meta.get_field("recipient_name").max_length,
    "funder_name": Agency._meta.get_field("name_fi").max_length,
    "programme_title": Programme._meta.get_field("name_fi").max_length,
    "data_source": PublishedGrant._meta.get_field("source_url").max_length,
}

# Dates as written in the file: ISO 8601 (with any time, which is left out: the day is the one the funder wrote),
# Finnish 1.2.2020, and 01/02/2020 read day first as in Finland.
ISO_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
DAY_FIRST_DATE = re.compile(
    r"(?P<day>\d{1,2})(?P<separator>[./])(?P<month>\d{1,2})(?P=separator)(?P<year>\d{4})"
)
SHORT_YEAR_DATE = re.compile(r"\d{1,2}([./])\d{1,2}\1\d{2}")
# Statistics Finland's codes, bare or with the prefixes of its classification keys: regions MK01, municipalities
# KU091. Any other code is another scheme's.
STATISTICS_FINLAND_CODE = re.compile(r"(MK|KU)?(\d+)", re.IGNORECASE)
# The 360Giving geoCodeType of each, as this register's own packages write them.
CODE_TYPE_PREFIXES = {REGION_CODE_TYPE: "MK", MUNICIPALITY_CODE_TYPE: "KU"}


@dataclass(frozen=True)
class Problem:
    """Why a row (or, with no row, the whole file) cannot be imported."""

    row: int | None
    identifier: str
    field: str
    code: str
    reason: str

    def __str__(self) -> str:
        where = _("Row %(row)s") % {"row": self.row} if self.row else _("The file")
        if self.identifier:
            where = f"{where} ({self.identifier})"
        return f"{where}, {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass
class ImportReport:
    """What an import found and did. Counts of a dry run or a refused file say what would have been done."""

    file_name: str
    dry_run: bool = False
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    grants: Counter = field(default_factory=Counter)
    agencies_created: list[str] = field(default_factory=list)
    programmes_created: list[str] = field(default_factory=list)
    calls_created: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def saved(self) -> bool:
        return not self.problems and not self.dry_run

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        lines = []
        if self.problems:
            lines.append(
                ngettext(
                    "Nothing was imported from %(file)s: %(count)d problem.",
                    "Nothing was imported from %(file)s: %(count)d problems.",
                    len(self.problems),
                )
                % {"file": self.file_name, "count": len(self.problems)}
            )
            lines.extend(str(problem) for problem in self.problems[:PRINTED_PROBLEMS])
            if len(self.problems) > PRINTED_PROBLEMS:
                lines.append(_("… and %(count)d more.") % {"count": len(self.problems) - PRINTED_PROBLEMS})
            return "\n".join(lines)
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved. The file would import as follows."))
        lines.append(
            ngettext(
                "%(file)s: %(rows)d grant; %(created)d created, %(updated)d updated, %(unchanged)d unchanged. "
                "New agencies: %(agencies)d, programmes: %(programmes)d, calls: %(calls)d.",
                "%(file)s: %(rows)d grants; %(created)d created, %(updated)d updated, %(unchanged)d unchanged. "
                "New agencies: %(agencies)d, programmes: %(programmes)d, calls: %(calls)d.",
                self.rows,
            )
            % {
                "file": self.file_name,
                "rows": self.rows,
                "created": self.grants["created"],
                "updated": self.grants["updated"],
                "unchanged": self.grants["unchanged"],
                "agencies": len(self.agencies_created),
                "programmes": len(self.programmes_created),
                "calls": len(self.calls_created),
            }
        )
        lines.append(
            _("%(seconds).1f s, %(rate).0f rows per second.")
            % {"seconds": self.seconds, "rate": self.rows_per_second}
        )
        return "\n".join(lines)


def _batches(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Refused(Exception):
    """A value that cannot be imported, with the problem's stable code and its reason."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


# Reading the files into records: one dict per grant, keyed as FIELD_TITLES, each value as the file has it, the
# locations as lists of 360Giving Location objects.


def _scalar_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    raise _Refused(
        "not_text", _("This should be text, not %(value)s.") % {"value": json.dumps(value, default=str)}
    )


def _objects(items) -> list[dict]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _first_object(grant: dict, name: str) -> dict:
    items = grant.get(name)
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return {}


def _json_record(grant: dict) -> dict:
    """The fields read from one grant of a package. Only the first funder, recipient, programme and planned
    dates are read: the Standard expects one of each."""
    recipient = _first_object(grant, "recipientOrganization")
    individual = grant.get("recipientIndividual")
    funder = _first_object(grant, "fundingOrganization")
    programme = _first_object(grant, "grantProgramme")
    planned = _first_object(grant, "plannedDates")
    return {
        "id": grant.get("id"),
        "title": grant.get("title"),
        "description": grant.get("description"),
        "currency": grant.get("currency"),
        "amount": grant.get("amountAwarded"),
        "award_date": grant.get("awardDate"),
        "start_date": planned.get("startDate"),
        "end_date": planned.get("endDate"),
        "recipient_id": recipient.get("id"),
        "recipient_name": recipient.get("name"),
        "individual_id": individual.get("id") if isinstance(individual, dict) else individual,
        "individual_name": individual.get("name") if isinstance(individual, dict) else None,
        "funder_id": funder.get("id"),
        "funder_name": funder.get("name"),
        "programme_code": programme.get("code"),
        "programme_title": programme.get("title"),
        "recipient_locations": _objects(recipient.get("location")),
        "locations": _objects(grant.get("beneficiaryLocation")),
        "data_source": grant.get("dataSource"),
    }


def _read_json(text: str) -> Iterator[tuple[int, dict]]:
    try:
        package = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise _Refused(
            "not_json",
            _("This is not valid JSON (line %(line)d, column %(column)d): %(error)s.")
            % {"line": error.lineno, "column": error.colno, "error": error.msg},
        ) from error
    grants = package.get("grants") if isinstance(package, dict) else None
    if not isinstance(grants, list):
        raise _Refused("not_a_package", _('A 360Giving package is a JSON object with a list of "grants".'))
    for number, grant in enumerate(grants, start=1):
        yield number, _json_record(grant) if isinstance(grant, dict) else {"not_a_grant": True}


def _column_key(title: str) -> str:
    """The record key of a column, whatever the case and spacing of its title."""
    return re.sub(r"\s*:\s*", ":", " ".join(title.split())).casefold()


CSV_COLUMNS = {_column_key(title): key for key, title in FIELD_TITLES.items()}


def _read_csv(text: str) -> Iterator[tuple[int, dict]]:
    header_line = text.split("\n", 1)[0]
    # Finnish Excel separates with semicolons, other tools with commas or tabs; titles never contain any of them.
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    keys = [CSV_COLUMNS.get(_column_key(title)) for title in header]
    missing = [FIELD_TITLES[key] for key in REQUIRED_COLUMNS if key not in keys]
    if "funder_id" not in keys and "funder_name" not in keys:
        missing.append(FIELD_TITLES["funder_name"])
    if missing:
        raise _Refused(
            "missing_columns",
            _("The file has no column %(columns)s. The first row must hold 360Giving column titles.")
            % {"columns": ", ".join(f"“{title}”" for title in missing)},
        )
    number = 1
    try:
        # A spreadsheet's row numbers: the titles are row 1.
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            record = {key: value for key, value in zip(keys, values, strict=False) if key}
            for codes, code_types in (
                ("recipient_locations", "recipient_location_types"),
                ("locations", "location_types"),
            ):
                location = {"geoCode": record.pop(codes, ""), "geoCodeType": record.pop(code_types, "")}
                record[codes] = [location]
            yield number, record
    except csv.Error as error:
        raise _Refused(
            "not_csv",
            _("The file cannot be read as CSV after row %(row)d: %(error)s.")
            % {"row": number, "error": error},
        ) from error


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel's plain "CSV" in a Finnish Windows is Windows-1252, which has no bytes UTF-8 would accept as text.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise _Refused("not_text", _("The file is neither UTF-8 nor Windows-1252 text.")) from error


# Reading the values of a record.


def parse_date(value) -> datetime.date:
    """A day as written: 2020-02-01 (with or without a time), 1.2.2020, or 01/02/2020 read day first."""
    text = _scalar_text(value)
    match = ISO_DATE.fullmatch(text) or DAY_FIRST_DATE.fullmatch(text)
    if match is None:
        if SHORT_YEAR_DATE.fullmatch(text):
            raise _Refused(
                "ambiguous_date", _("“%(value)s”: write the year with four digits.") % {"value": text}
            )
        raise _Refused(
            "not_a_date",
            _("“%(value)s” is not a date; write for example 2020-02-01 or 1.2.2020.") % {"value": text},
        )
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError as error:
        reason = _("There is no such day as “%(value)s”.") % {"value": text}
        if "/" in text:
            reason += " " + _("Dates with slashes are read day first: DD/MM/YYYY.")
        raise _Refused("impossible_date", reason) from error


def parse_amount(value) -> tuple[Decimal, bool]:
    """An amount in euros with cents, and whether it was written with the euro sign or code."""
    written_in_euros = False
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        amount = Decimal(value)
        text = str(value)
    else:
        text = _scalar_text(value)
        if not text:
            raise _Refused("missing", _("This is required."))
        if text.startswith("-") or text.endswith("-"):
            raise _Refused("not_positive", _("The amount awarded must be more than zero."))
        written_in_euros = bool(CURRENCY_MARK.search(text))
        try:
            amount = amount_from_text(text)
        except (ValueError, InvalidOperation) as error:
            raise _Refused(
                "not_an_amount",
                _(
                    "“%(value)s” is not an amount in euros; write for example 12345.67, 12 345,67 € or 12,345.67."
                )
                % {"value": text},
            ) from error
    if amount <= 0:
        raise _Refused("not_positive", _("The amount awarded must be more than zero."))
    if amount >= LARGEST_AMOUNT:
        raise _Refused("too_large", _("“%(value)s” is larger than any grant.") % {"value": text})
    if not is_whole_cents(amount):
        raise _Refused(
            "too_many_decimals", _("“%(value)s” has more than two decimals (cents).") % {"value": text}
        )
    return to_cents(amount), written_in_euros


def parse_business_id(organisation_id: str) -> str:
    """The Business ID of a FI-PRO organisation identifier; blank for any other identifier."""
    if organisation_id[: len(BUSINESS_ID_SCHEME)].upper() != BUSINESS_ID_SCHEME:
        return ""
    number = organisation_id[len(BUSINESS_ID_SCHEME) :]
    try:
        return ytunnus.format(ytunnus.validate(number))
    except BusinessIdError as error:
        raise _Refused(
            "invalid_business_id",
            _("“%(value)s” is not a valid Business ID (Y-tunnus).") % {"value": number},
        ) from error


def parse_url(value) -> str:
    text = _scalar_text(value)
    if not text:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError as error:
        raise _Refused(
            "invalid_url", _("“%(value)s” is not a web address (http or https).") % {"value": text}
        ) from error
    return text


@lru_cache(maxsize=4096)
def _code(text: str, max_length: int) -> str:
    """A slug of the text within max_length: a long one is cut and ends in a digest of the whole, so that two
    texts alike in their beginnings still differ."""
    slug = slugify(text)
    if not slug:
        return hashlib.sha1(text.encode()).hexdigest()[:12]
    if len(slug) <= max_length:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:6]
    return f"{slug[: max_length - len(digest) - 1].rstrip('-')}-{digest}"


def agency_code(funder_id: str, funder_name: str) -> str:
    """The funder's agency code: its organisation identifier (else its name) in capitals, slug-safe."""
    return _code(funder_id or funder_name, AGENCY_CODE_LENGTH).upper()


@dataclass(frozen=True)
class Place:
    municipality: Municipality | None = None
    region: Region | None = None


class _Places:
    """Statistics Finland's region and municipality codes; names are never matched."""

    def __init__(self):
        self.regions = {region.code: region for region in Region.objects.all()}
        self.municipalities = {
            municipality.code: municipality for municipality in Municipality.objects.select_related("region")
        }

    def _unknown(self, code: str) -> _Refused:
        return _Refused(
            "unknown_geocode",
            _(
                "“%(value)s” is not a Statistics Finland region code (01–21) or municipality code (three "
                "digits). A spreadsheet may have dropped a leading zero."
            )
            % {"value": code},
        )

    @staticmethod
    def _statistics_finland_code(location: dict) -> str:
        """The location's code with the prefix of its kind, or blank for another country's or scheme's code."""
        code = _scalar_text(location.get("geoCode"))
        code_type = _scalar_text(location.get("geoCodeType")).upper()
        country = _scalar_text(location.get("countryCode")).upper()
        if not code or country not in ("", "FI"):
            return ""
        if code_type:
            prefix = CODE_TYPE_PREFIXES.get(code_type)
            return f"{prefix}{code}" if prefix else ""
        return code

    def place(self, locations: list[dict]) -> Place:
        """The one municipality or region the locations' codes name; none for codes in several regions.

        Codes that are not Statistics Finland's (another country's, or ISO 3166-2:FI, which numbers the regions
        differently) are left out; names are never matched."""
        municipalities: set[Municipality] = set()
        regions: set[Region] = set()
        for location in locations:
            code = self._statistics_finland_code(location)
            match = STATISTICS_FINLAND_CODE.fullmatch(code)
            if not match:
                continue
            kind, digits = (match[1] or "").upper(), match[2]
            if len(digits) == 3 and kind != "MK" and digits in self.municipalities:
                municipalities.add(self.municipalities[digits])
                regions.add(self.municipalities[digits].region)
            elif len(digits) == 2 and kind != "KU" and digits in self.regions:
                regions.add(self.regions[digits])
            else:
                raise self._unknown(_scalar_text(location.get("geoCode")))
        if len(regions) != 1:
            return Place()
        return Place(
            municipality=next(iter(municipalities)) if len(municipalities) == 1 else None,
            region=regions.pop(),
        )


@dataclass
class _Row:
    """One grant of the file, read and checked."""

    number: int
    identifier: str
    agency_code: str
    funder_name: str
    programme_code: str
    programme_title: str
    recipient_name: str
    recipient_business_id: str
    place: Place
    project_name: str
    purpose: str
    amount: Decimal
    award_date: datetime.date | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    funding_year: int
    source_url: str


class _RowReader:
    """Reads one record, collecting every problem of the row rather than stopping at the first."""

    def __init__(self, number: int, record: dict, problems: list[Problem]):
        self.number = number
        self.record = record
        self.problems = problems
        self.identifier = ""
        self.failed = False

    def refuse(self, key: str | None, code: str, reason: str) -> None:
        title = FIELD_TITLES[key] if key else ""
        self.problems.append(Problem(self.number, self.identifier, title, code, reason))
        self.failed = True

    def read(self, key: str, parse: Callable = _scalar_text, *, required: bool = False):
        try:
            value = parse(self.record.get(key))
        except _Refused as refused:
            self.refuse(key, refused.code, refused.reason)
            return None
        if required and value in ("", None):
            self.refuse(key, "missing", _("This is required."))
        elif isinstance(value, str) and key in MAX_LENGTHS and len(value) > MAX_LENGTHS[key]:
            self.refuse(
                key,
                "too_long",
                _("This has %(length)d characters; at most %(limit)d are imported.")
                % {"length": len(value), "limit": MAX_LENGTHS[key]},
            )
        return value

    def optional_date(self, key: str) -> datetime.date | None:
        return self.read(key, lambda value: parse_date(value) if _scalar_text(value) else None)


def _read_row(
    number: int, record: dict, places: _Places, source_url: str, today: datetime.date, problems: list[Problem]
) -> _Row | None:
    reader = _RowReader(number, record, problems)
    if record.get("not_a_grant"):
        reader.refuse(None, "not_a_grant", _("A grant must be a JSON object."))
        return None
    reader.identifier = reader.read("id", required=True) or ""
    if reader.read("individual_id") or reader.read("individual_name"):
        # The person's name and identifier are not repeated in the report either.
        reader.refuse(
            "individual_id",
            "individual",
            _("Grants to individuals are not imported: the register never holds natural persons' data."),
        )
        return None
    recipient_name = reader.read("recipient_name", required=True)
    business_id = reader.read("recipient_id", lambda value: parse_business_id(_scalar_text(value)))
    funder_id = reader.read("funder_id")
    funder_name = reader.read("funder_name")
    if funder_id == funder_name == "":
        reader.refuse("funder_name", "missing", _("The funder's identifier or name is required."))
    amount_and_sign = reader.read("amount", parse_amount)
    currency = reader.read("currency")
    if currency is not None and amount_and_sign is not None:
        if not currency and not amount_and_sign[1]:
            reader.refuse(
                "currency", "missing", _("The currency is required; only grants in euros are imported.")
            )
        elif currency and currency.upper() not in ("EUR", "€"):
            reader.refuse(
                "currency",
                "not_euro",
                _("Only grants in euros are imported; this one is in %(currency)s.") % {"currency": currency},
            )
    award_date = reader.optional_date("award_date")
    period_start = reader.optional_date("start_date")
    period_end = reader.optional_date("end_date")
    if award_date and award_date > today:
        reader.refuse("award_date", "future_date", _("The award date is in the future."))
    if period_start and period_end and period_end < period_start:
        reader.refuse("end_date", "ends_before_start", _("The planned end is before the planned start."))
    # The year a grant is for, as the register counts it for its own decisions: the start of the period of use,
    # else the year of the decision.
    funding_date = period_start or award_date
    if funding_date is None and not reader.failed:
        reader.refuse("award_date", "missing", _("The award date or a planned start date is required."))
    # The register's place is the recipient's home; most publishers give only where the beneficiaries are.
    home = reader.read("recipient_locations", places.place)
    beneficiaries = reader.read("locations", places.place)
    place = home if home is not None and home.region else beneficiaries
    data_source = reader.read("data_source", parse_url)
    title = reader.read("title")
    description = reader.read("description")
    programme_code = reader.read("programme_code")
    programme_title = reader.read("programme_title")
    if reader.failed:
        return None
    return _Row(
        number=number,
        identifier=reader.identifier,
        agency_code=agency_code(funder_id, funder_name),
        funder_name=funder_name or funder_id,
        programme_code=programme_code,
        # A grant without a programme belongs to its funder's general programme, named after the funder.
        programme_title=programme_title or programme_code or funder_name or funder_id,
        recipient_name=recipient_name,
        recipient_business_id=business_id,
        place=place,
        project_name=title,
        purpose=description,
        amount=amount_and_sign[0],
        award_date=award_date,
        period_start=period_start,
        period_end=period_end,
        funding_year=funding_date.year,
        source_url=data_source or source_url,
    )


def _read_rows(
    text: str, file_format: str, source_url: str, problems: list[Problem]
) -> tuple[list[_Row], int]:
    """The valid rows of the file and the number of rows read."""
    places = _Places()
    today = helsinki_today()
    records = _read_json(text) if file_format == "json" else _read_csv(text)
    rows: list[_Row] = []
    first_row_of: dict[tuple[str, str], int] = {}
    count = 0
    for number, record in records:
        count += 1
        row = _read_row(number, record, places, source_url, today, problems)
        if row is None:
            continue
        key = (row.agency_code, row.identifier)
        if key in first_row_of:
            problems.append(
                Problem(
                    number,
                    row.identifier,
                    FIELD_TITLES["id"],
                    "duplicate",
                    _("The same identifier is on row %(row)d.") % {"row": first_row_of[key]},
                )
            )
            continue
        first_row_of[key] = number
        rows.append(row)
    return rows, count


# Planning: where each row goes and what it changes, read from the database without writing.


def _call_closing_day(rows: list[_Row], today: datetime.date) -> datetime.date:
    """The day a historic call is shown to have closed: the first award of its grants, else the end of its year,
    and never after today, so that the call is never shown as open."""
    year = rows[0].funding_year
    award_dates = [row.award_date for row in rows if row.award_date]
    return min([*award_dates, datetime.date(year, 12, 31), today])


def _new_call(programme: Programme, reference: str, rows: list[_Row]) -> Call:
    closes_on = _call_closing_day(rows, helsinki_today())
    closes_at = helsinki_datetime(closes_on, datetime.time(0, 0))
    # The real opening day is not published; the call is shown open from the start of the year it closed in.
    opens_at = helsinki_datetime(
        datetime.date((closes_on - datetime.timedelta(days=1)).year, 1, 1), datetime.time(0, 0)
    )
    year = rows[0].funding_year
    return Call(
        programme=programme,
        reference=reference,
        title_fi=f"{programme.name_fi} {year}",
        title_sv=f"{programme.name_sv} {year}",
        title_en=f"{programme.name_en} {year}",
        opens_at=opens_at,
        closes_at=closes_at,
        published_at=closes_at,
        source_urls="; ".join(dict.fromkeys(row.source_url for row in rows if row.source_url)),
    )


def _grant_values(row: _Row, call: Call) -> dict:
    """What an import writes of a grant; a grant whose fields all equal these is unchanged."""
    return {
        "call": call,
        "outcome": GrantOutcome.AWARDED,
        "recipient_name": row.recipient_name,
        "recipient_business_id": row.recipient_business_id,
        "municipality": row.place.municipality,
        "region": row.place.region,
        "project_name": row.project_name,
        "purpose": row.purpose,
        "amount_awarded": row.amount,
        "funding_year": row.funding_year,
        "decision_date": row.award_date,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "source": PublishedGrant.Source.PUBLISHED_HISTORY,
        "source_url": row.source_url,
    }


def _changed_fields(grant: PublishedGrant, values: dict) -> list[str]:
    changed = []
    for name, value in values.items():
        if name in ("call", "municipality", "region"):
            differs = getattr(grant, f"{name}_id") != (value.pk if value is not None else None)
        else:
            differs = getattr(grant, name) != value
        if differs:
            changed.append(name)
    return changed


@dataclass
class _Plan:
    new_agencies: list[Agency] = field(default_factory=list)
    new_programmes: list[Programme] = field(default_factory=list)
    new_calls: list[Call] = field(default_factory=list)
    new_grants: list[PublishedGrant] = field(default_factory=list)
    changed_grants: list[tuple[PublishedGrant, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    agencies: list[Agency] = field(default_factory=list)


class _Planner:
    def __init__(self, rows: list[_Row], problems: list[Problem]):
        self.rows = rows
        self.problems = problems
        self.plan = _Plan()
        codes = {row.agency_code for row in rows}
        self.agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}
        self.programmes_by_code: dict[str, Programme] = {}
        self.programmes_by_title: dict[tuple[str, str], Programme] = {}
        for programme in Programme.objects.filter(agency__code__in=codes).select_related("agency"):
            self._remember_programme(programme)
        self.calls: dict[str, Call] = {}

    def _refuse(self, row: _Row, key: str, code: str, reason: str) -> None:
        self.problems.append(Problem(row.number, row.identifier, FIELD_TITLES[key], code, reason))

    def _remember_programme(self, programme: Programme) -> None:
        self.programmes_by_code[programme.code] = programme
        for name in (programme.name_fi, programme.name_sv, programme.name_en):
            self.programmes_by_title[(programme.agency.code, name.casefold())] = programme

    def agency(self, row: _Row) -> Agency:
        agency = self.agencies.get(row.agency_code)
        if agency is None:
            name = row.funder_name
            agency = Agency(code=row.agency_code, name_fi=name, name_sv=name, name_en=name)
            self.agencies[agency.code] = agency
            self.plan.new_agencies.append(agency)
        if agency not in self.plan.agencies:
            self.plan.agencies.append(agency)
        return agency

    def programme(self, row: _Row, agency: Agency) -> Programme | None:
        """The funder's programme with the grant's programme code; without a code, the one with its title."""
        if not row.programme_code:
            found = self.programmes_by_title.get((agency.code, row.programme_title.casefold()))
            if found is not None:
                return found
        code = _code(f"{agency.code}-{row.programme_code or row.programme_title}", PROGRAMME_CODE_LENGTH)
        if code not in self.programmes_by_code:
            # The code may be taken by a programme of an agency not in this file.
            self.programmes_by_code[code] = (
                Programme.objects.filter(code=code).select_related("agency").first()
            )
        found = self.programmes_by_code[code]
        if found is None:
            title = row.programme_title
            found = Programme(
                agency=agency,
                code=code,
                name_fi=title,
                name_sv=title,
                name_en=title,
                # The funder's legal basis is not in its data; a Finnish act must not be claimed for it.
                legal_basis_fi="",
                legal_basis_sv="",
                legal_basis_en="",
            )
            self.plan.new_programmes.append(found)
            self._remember_programme(found)
        elif found.agency.code != agency.code:
            self._refuse(
                row,
                "programme_code",
                "programme_clash",
                _("The programme code %(code)s is taken by a programme of another agency, %(agency)s.")
                % {"code": code, "agency": found.agency.code},
            )
            return None
        return found

    def call(self, row: _Row, programme: Programme, rows_of_call: list[_Row]) -> Call | None:
        reference = f"{programme.code}-{row.funding_year}"
        if len(reference) > CALL_REFERENCE_LENGTH:
            reference = _code(reference, CALL_REFERENCE_LENGTH)
        if reference in self.calls:
            return self.calls[reference]
        found = Call.objects.filter(reference=reference).select_related("programme").first()
        if found is None:
            found = _new_call(programme, reference, rows_of_call)
            self.plan.new_calls.append(found)
        elif found.programme_id != programme.pk:
            self._refuse(
                row,
                "programme_code",
                "call_clash",
                _("The call reference %(reference)s is taken by a call of another programme.")
                % {"reference": reference},
            )
            return None
        self.calls[reference] = found
        return found

    def run(self) -> _Plan:
        targets = []
        for row in self.rows:
            agency = self.agency(row)
            programme = self.programme(row, agency)
            targets.append((row, programme))
        rows_of_call: dict[tuple[str, int], list[_Row]] = {}
        for row, programme in targets:
            if programme is not None:
                rows_of_call.setdefault((programme.code, row.funding_year), []).append(row)
        placed = []
        for row, programme in targets:
            if programme is not None:
                call = self.call(row, programme, rows_of_call[(programme.code, row.funding_year)])
                if call is not None:
                    placed.append((row, call))
        if not self.problems:
            self._plan_grants(placed)
        return self.plan

    def _existing_grants(self, placed) -> dict[tuple[str, str], PublishedGrant]:
        identifiers: dict[str, list[str]] = {}
        for row, _call in placed:
            if self.agencies[row.agency_code].pk is not None:
                identifiers.setdefault(row.agency_code, []).append(row.identifier)
        existing = {}
        for code, agency_identifiers in identifiers.items():
            for chunk in _batches(agency_identifiers):
                grants = PublishedGrant.objects.filter(
                    agency=self.agencies[code], source_identifier__in=chunk
                )
                for grant in grants:
                    existing[(code, grant.source_identifier)] = grant
        return existing

    def _plan_grants(self, placed) -> None:
        existing = self._existing_grants(placed)
        for row, call in placed:
            values = _grant_values(row, call)
            grant = existing.get((row.agency_code, row.identifier))
            if grant is None:
                self.plan.new_grants.append(PublishedGrant(source_identifier=row.identifier, **values))
                continue
            changed = _changed_fields(grant, values)
            if changed:
                # Every value is set, so that fill_derived() finds the call and municipality without a query.
                for name, value in values.items():
                    setattr(grant, name, value)
                self.plan.changed_grants.append((grant, changed))
            else:
                self.plan.unchanged += 1


@transaction.atomic
def _write(plan: _Plan, *, acting_user, file_name: str, report: ImportReport) -> None:
    for agency in plan.new_agencies:
        agency.save()
    # Programmes, calls and grants refer to the agencies, programmes and calls saved before them; saving takes
    # the ids of the saved objects into their foreign keys.
    for programme in plan.new_programmes:
        programme.save()
    for call in plan.new_calls:
        call.save()
    for batch in _batches(plan.new_grants):
        for grant in batch:
            grant.fill_derived()
        PublishedGrant.objects.bulk_create(batch)
    # One UPDATE of the changed columns per grant: faster than bulk_update's CASE over every column, and
    # changes are few once a funder's history has been imported.
    for grant, changed in plan.changed_grants:
        grant.save(update_fields=changed)
    refresh_derived()
    audit(
        acting_user=acting_user,
        action="register.open_data_imported",
        target=plan.agencies[0],
        file=file_name,
        agencies=[agency.code for agency in plan.agencies],
        rows=report.rows,
        created=report.grants["created"],
        updated=report.grants["updated"],
        unchanged=report.grants["unchanged"],
        agencies_created=report.agencies_created,
        programmes_created=report.programmes_created,
        calls_created=report.calls_created,
    )


def _file_format(path: Path, file_format: str | None) -> str:
    chosen = (file_format or path.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise _Refused(
            "unknown_format",
            _("Cannot tell the format of %(file)s: name it .json or .csv, or give the format.")
            % {"file": path.name},
        )
    return chosen


def import_open_data(
    *,
    path: Path,
    acting_user=None,
    file_format: str | None = None,
    source_url: str = "",
    dry_run: bool = False,
) -> ImportReport:
    """Import a 360Giving JSON package or CSV file of a funder's published grants into the register, all or
    nothing. The report lists every problem found; with problems, or in a dry run, nothing is saved.

    `source_url` is where the file was published, for grants that do not name their own data source."""
    path = Path(path)
    started = time.perf_counter()
    report = ImportReport(file_name=path.name, dry_run=dry_run)
    try:
        source_url = parse_url(source_url)
        chosen_format = _file_format(path, file_format)
        if not path.is_file():
            raise _Refused("not_found", _("There is no file %(file)s.") % {"file": path})
        text = _decode(path.read_bytes())
        rows, report.rows = _read_rows(text, chosen_format, source_url, report.problems)
    except _Refused as refused:
        report.problems.append(Problem(None, "", "", refused.code, refused.reason))
        return report
    if not report.rows:
        report.problems.append(Problem(None, "", "", "no_grants", _("The file holds no grants.")))
    if report.problems:
        return report
    plan = _Planner(rows, report.problems).run()
    if report.problems:
        return report
    report.grants.update(
        created=len(plan.new_grants), updated=len(plan.changed_grants), unchanged=plan.unchanged
    )
    report.agencies_created = [agency.code for agency in plan.new_agencies]
    report.programmes_created = [programme.code for programme in plan.new_programmes]
    report.calls_created = [call.reference for call in plan.new_calls]
    if not dry_run and (plan.new_grants or plan.changed_grants):
        _write(plan, acting_user=acting_user, file_name=path.name, report=report)
    report.seconds = time.perf_counter() - started
    return report
