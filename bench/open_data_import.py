"""How fast `import_open_data` reads and writes a large 360Giving file, in rows per second.

    .venv/bin/python bench/open_data_import.py                 # 100,000 grants, as JSON and as CSV
    .venv/bin/python bench/open_data_import.py --grants 20000
    BENCH_DATABASE_URL=postgres://user:pw@localhost/avustamo_bench_import .venv/bin/python bench/open_data_import.py

By default the data goes into a throwaway SQLite file, var/bench/open_data.sqlite3, made anew on every run. With
BENCH_DATABASE_URL the benchmark runs on that database instead (it is migrated and filled, never emptied: give it
a database of its own). The generated files are left in var/bench/.

Timed, each as one import: the JSON package into an empty register (every grant created), the same file again
(every grant unchanged), the CSV file of another funder (created), and that CSV with every amount changed
(every grant updated).
"""

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
SQLITE_FILE = BENCH_DIR / "open_data.sqlite3"


def configure_environment() -> str:
    """Settings for the run, before Django is set up; returns where the data goes."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "avustamo.settings"
    os.environ["DEBUG"] = "true"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        return "BENCH_DATABASE_URL"
    # Never the developer's own database, whatever DATABASE_URL or .env says.
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    return str(SQLITE_FILE.relative_to(BASE_DIR))


WHERE = configure_environment()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from avustamo.programmes.reference import load_reference_data  # noqa: E402
from avustamo.reference.models import Municipality  # noqa: E402
from avustamo.register.open_data_import import import_open_data  # noqa: E402

WORDS = [
    "kotoutuminen",
    "nuoret",
    "perheet",
    "työllisyys",
    "kieli",
    "kulttuuri",
    "liikunta",
    "taide",
    "yhteisö",
    "naiset",
    "vanhukset",
    "osallisuus",
    "koulutus",
    "ohjaus",
    "neuvonta",
    "vertaistuki",
    "kerho",
    "leiri",
    "hanke",
    "toiminta",
]
PROGRAMMES = [("KOTO", "Kotoutuminen"), ("NUORET", "Nuorten toiminta"), ("TAIDE", "Taide ja kulttuuri")]


def grants(count: int, funder: dict, rng: random.Random) -> list[dict]:
    municipalities = list(Municipality.objects.values_list("code", flat=True))
    rows = []
    for number in range(1, count + 1):
        code, title = rng.choice(PROGRAMMES)
        year = rng.randint(2005, 2024)
        rows.append(
            {
                "id": f"360G-bench-{number}",
                "title": " ".join(rng.sample(WORDS, 4)).capitalize(),
                "description": " ".join(rng.sample(WORDS, 10)).capitalize() + ".",
                "currency": "EUR",
                "amountAwarded": rng.randrange(100_000, 20_000_000) / 100,
                "awardDate": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "plannedDates": [{"startDate": f"{year}-01-01", "endDate": f"{year}-12-31"}],
                "recipientOrganization": [
                    {"id": f"XI-BENCH-{number % 20_000}", "name": f"Yhdistys {number % 20_000} ry"}
                ],
                "fundingOrganization": [funder],
                "grantProgramme": [{"code": code, "title": title}],
                "beneficiaryLocation": [{"geoCode": rng.choice(municipalities)}],
            }
        )
    return rows


def write_json(path: Path, rows: list[dict]) -> None:
    path.write_text(json.dumps({"grants": rows}, ensure_ascii=False), encoding="utf-8")


def write_csv(path: Path, rows: list[dict]) -> None:
    """The Finnish Excel way: semicolons, decimal commas, day-first dates."""
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.writer(target, delimiter=";")
        writer.writerow(
            [
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
            ]
        )
        for row in rows:
            year, month, day = row["awardDate"].split("-")
            writer.writerow(
                [
                    row["id"],
                    row["title"],
                    row["description"],
                    "EUR",
                    f"{row['amountAwarded']:,.2f} €".replace(",", "\u00a0").replace(".", ","),
                    f"{int(day)}.{int(month)}.{year}",
                    row["plannedDates"][0]["startDate"],
                    row["plannedDates"][0]["endDate"],
                    row["recipientOrganization"][0]["id"],
                    row["recipientOrganization"][0]["name"],
                    row["fundingOrganization"][0]["id"],
                    row["fundingOrganization"][0]["name"],
                    row["grantProgramme"][0]["code"],
                    row["grantProgramme"][0]["title"],
                    row["beneficiaryLocation"][0]["geoCode"],
                ]
            )


def timed(label: str, path: Path) -> None:
    report = import_open_data(path=path)
    if report.problems:
        raise SystemExit(report.summary())
    counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.grants.items()) if count)
    print(
        f"{label:<28} {report.rows:>8} rows {report.seconds:>7.1f} s {report.rows_per_second:>8.0f} rows/s  ({counts})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grants", type=int, default=100_000)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_reference_data()
    print(
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} ({WHERE}), {options.grants} grants per file"
    )
    rng = random.Random(5)
    json_path = BENCH_DIR / "open_data_bench.json"
    csv_path = BENCH_DIR / "open_data_bench.csv"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    write_json(json_path, grants(options.grants, {"id": "XI-BENCH-JSON", "name": "JSON-säätiö"}, rng))
    csv_rows = grants(options.grants, {"id": "XI-BENCH-CSV", "name": "CSV-säätiö"}, rng)
    write_csv(csv_path, csv_rows)
    started = time.perf_counter()
    timed("JSON, new", json_path)
    timed("JSON again, unchanged", json_path)
    timed("CSV, new", csv_path)
    for row in csv_rows:
        row["amountAwarded"] += 1
    write_csv(csv_path, csv_rows)
    timed("CSV, every amount changed", csv_path)
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
