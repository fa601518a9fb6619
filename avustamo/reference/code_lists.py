"""The code lists the service ships with.

Regions use Statistics Finland's codes 01–21. Municipalities use Statistics Finland's numbers (kuntanumero) and
names as carried in Posti's postal code file of 2024-04-13, each placed in its region of 2024; municipalities
merged since 2016 keep their last year. See docs/adr/0005-code-lists-source.md.
"""

import csv
from collections import Counter
from pathlib import Path

from avustamo.core.sync import upsert
from avustamo.reference.models import Municipality, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read_csv(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def _year(value: str) -> int | None:
    return int(value) if value else None


def load_code_lists() -> Counter:
    """Bring regions and municipalities up to date with the shipped files; returns outcome counts. Call it inside
    a transaction."""
    outcomes: Counter = Counter()
    for row in _read_csv("regions.csv"):
        _, outcome = upsert(
            Region, {"code": row["code"]}, {k: row[k] for k in ("name_fi", "name_sv", "name_en")}
        )
        outcomes[outcome] += 1
    for row in _read_csv("municipalities.csv"):
        _, outcome = upsert(
            Municipality,
            {"code": row["code"]},
            {
                "name_fi": row["name_fi"],
                "name_sv": row["name_sv"],
                "region_id": row["region_code"],
                "valid_from_year": _year(row["valid_from_year"]),
                "valid_until_year": _year(row["valid_until_year"]),
            },
        )
        outcomes[outcome] += 1
    return outcomes
