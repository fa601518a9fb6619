"""Import of TEM's published history of integration NGO grants (calls 2016–2022, grants 2016–2021).

The rows are public decisions transcribed from TEM's and kotouttaminen.fi's pages. Names are kept exactly as
published; no Business IDs are invented and no organisation is matched by name.
"""

import csv
import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_datetime
from avustamo.core.sync import upsert
from avustamo.programmes.models import Call, CallTheme, Programme
from avustamo.programmes.reference import DATA_DIR, NGO_PROGRAMME, load_reference_data
from avustamo.register.models import PublishedGrant
from avustamo.register.services import refresh_derived

CALLS_FILE = "tem_kotoutuminen_haut_2016-2022.csv"
GRANTS_FILE = "tem_kotoutuminen_jarjestoavustukset_2016-2021.csv"
# The published pages give the days only; TEM's integration NGO calls opened in the morning and closed at 16:00.
OPENING_TIME = datetime.time(8, 0)
CLOSING_TIME = datetime.time(16, 0)


class HistoryFileError(Exception):
    pass


def _read(directory: Path, name: str) -> list[dict]:
    path = directory / name
    if not path.is_file():
        raise HistoryFileError(f"{path} not found")
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _int(value: str) -> int | None:
    return int(value) if value else None


def _call_values(row: dict, programme: Programme) -> dict:
    year = int(row["rahoitusvuosi"])
    return {
        "programme": programme,
        "title_fi": f"{programme.name_fi} {year}",
        "title_sv": f"{programme.name_sv} {year}",
        "title_en": f"{programme.name_en} {year}",
        "opens_at": helsinki_datetime(_date(row["haku_alkaa"]), OPENING_TIME),
        "closes_at": helsinki_datetime(_date(row["haku_paattyy"]), CLOSING_TIME),
        "appropriation": Decimal(row["maararaha_eur"]) if row["maararaha_eur"] else None,
        "period_earliest_start": _date(row["toiminta_alkaa_aikaisintaan"]),
        "period_latest_end": _date(row["toiminta_paattyy_viimeistaan"]),
        "eligible_organisation_types": [],
        "source_urls": row["lahde_url"],
        "history_notes": row["huom"],
        "history_applications_received": _int(row["hakemuksia_saapui"]),
        "history_grants_awarded": _int(row["rahoitettuja"]),
    }


@transaction.atomic
def import_tem_history(*, directory: Path = DATA_DIR, acting_user=None) -> Counter:
    """Import the calls and grants as closed, published calls with their grants; a re-run changes nothing."""
    call_rows = _read(directory, CALLS_FILE)
    grant_rows = _read(directory, GRANTS_FILE)
    load_reference_data()
    programme = Programme.objects.get(code=NGO_PROGRAMME)
    outcomes: Counter = Counter()
    calls = {}
    for row in call_rows:
        values = _call_values(row, programme)
        existing = Call.objects.filter(reference=row["haku_id"]).first()
        if existing is None:
            values["published_at"] = values["closes_at"]
        call, outcome = upsert(Call, {"reference": row["haku_id"]}, values)
        upsert(CallTheme, {"call": call, "position": 0}, {"name_fi": row["painopiste"]})
        if outcome != "unchanged":
            audit(acting_user=acting_user, action=f"call.history_{outcome}", target=call, source=CALLS_FILE)
        outcomes[f"calls_{outcome}"] += 1
        calls[row["haku_id"]] = call
    for row in grant_rows:
        call = calls.get(row["haku_id"])
        if call is None:
            raise HistoryFileError(f"grant of {row['hakija']!r} names unknown call {row['haku_id']!r}")
        grant, outcome = upsert(
            PublishedGrant,
            {"call": call, "recipient_name": row["hakija"], "project_name": row["hankkeen_nimi"]},
            {
                "amount_awarded": Decimal(row["myonnetty_eur"]),
                "funding_year": int(row["rahoitusvuosi"]),
                "source": PublishedGrant.Source.PUBLISHED_HISTORY,
                "source_url": row["lahde_url"],
                "source_language": row["lahdesivun_kieli"],
                "source_notes": row["huom"],
            },
        )
        if outcome != "unchanged":
            audit(
                acting_user=acting_user,
                action=f"published_grant.history_{outcome}",
                target=grant,
                source=GRANTS_FILE,
            )
        outcomes[f"grants_{outcome}"] += 1
    refresh_derived()
    return outcomes
