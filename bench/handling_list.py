"""How fast the handling list of a call is, and whether its number of SQL queries stays the same as it grows.

    .venv/bin/python bench/handling_list.py                    # a call of 100 and one of 5000 applications
    .venv/bin/python bench/handling_list.py --applications 5000
    BENCH_DATABASE_URL=postgres://user:pw@localhost/avustamo_bench .venv/bin/python bench/handling_list.py

By default the data goes into a throwaway SQLite file, var/bench/handling.sqlite3, made anew on every run. With
BENCH_DATABASE_URL the benchmark runs on that database instead (it is migrated and filled, never emptied: give it
a database of its own). See bench/README.md for what each figure measures.
"""

import argparse
import datetime
import logging
import math
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
SQLITE_FILE = BENCH_DIR / "handling.sqlite3"


def configure_environment() -> str:
    """Settings for the run, before Django is set up; returns where the data goes."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "avustamo.settings"
    os.environ["DEBUG"] = "true"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
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
logging.getLogger("django.request").setLevel(logging.ERROR)  # no "Not Found" line while the page is missing
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # its stylesheets are parsed on import

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from avustamo.accounts.models import RoleGrant, User  # noqa: E402
from avustamo.applications.models import Application, ApplicationStatus, CompletionRequest  # noqa: E402
from avustamo.decisions.models import Decision, FundingProposal, Outcome  # noqa: E402
from avustamo.organisations.models import Organisation, OrganisationType  # noqa: E402
from avustamo.portal.handling_workbook import handling_workbook  # noqa: E402
from avustamo.portal.selectors import HandlingFilters, call_totals, handling_list  # noqa: E402
from avustamo.programmes.application_form.schema import parse_definition  # noqa: E402
from avustamo.programmes.application_form.standard import standard_definition  # noqa: E402
from avustamo.programmes.models import Agency, Call, CallForm, Programme  # noqa: E402
from avustamo.programmes.reference import load_reference_data  # noqa: E402
from avustamo.reference.models import Municipality, Region  # noqa: E402
from avustamo.reviews.models import (  # noqa: E402
    CallAssignment,
    ReviewAssignment,
    Screening,
    ScreeningResult,
)
from avustamo.reviews.selectors import call_ranking  # noqa: E402

BATCH = 500
REVIEWERS = 20
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_ids(start: int, taken: set[str]):
    """Valid Business IDs (`1234567-8`) from the seven-digit number `start` on, skipping those already used."""
    base = start
    while True:
        remainder = sum(w * int(d) for w, d in zip(BUSINESS_ID_WEIGHTS, f"{base:07d}", strict=True)) % 11
        if remainder != 1:
            candidate = f"{base:07d}-{0 if remainder == 0 else 11 - remainder}"
            if candidate not in taken:
                yield candidate
        base += 1


def person(email: str, full_name: str, *, staff=False, roles=()) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name, "is_staff": staff})
    for role in roles:
        RoleGrant.objects.get_or_create(person=user, role=role)
    return user


@transaction.atomic
def build_call(size: int, stamp: str, rng: random.Random) -> tuple[Call, User]:
    """One closed call with `size` submitted applications, each screened, reviewed twice and mostly proposed."""
    now = timezone.now()
    agency, _ = Agency.objects.get_or_create(
        code="BENCH",
        defaults={"name_fi": "Mittausvirasto", "name_sv": "Mätverket", "name_en": "Benchmark Agency"},
    )
    programme, _ = Programme.objects.get_or_create(
        code="bench-handling",
        defaults={
            "agency": agency,
            "name_fi": "Mittausohjelma",
            "name_sv": "Mätprogram",
            "name_en": "Benchmark programme",
            "eligible_organisation_types": [OrganisationType.REGISTERED_ASSOCIATION.value],
        },
    )
    call = Call.objects.create(
        programme=programme,
        reference=f"BENCH-{stamp}-{size}",
        title_fi=f"Mittaushaku {size}",
        title_sv=f"Mätutlysning {size}",
        title_en=f"Benchmark call {size}",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
        published_at=now - datetime.timedelta(days=70),
        appropriation=Decimal(size) * Decimal("30000.00"),
        min_grant=Decimal("5000.00"),
        max_grant=Decimal("100000.00"),
        eligible_organisation_types=[OrganisationType.REGISTERED_ASSOCIATION.value],
    )
    form = CallForm.objects.create(
        call=call, version=1, definition=parse_definition(standard_definition()).to_json()
    )
    applicant = person(f"applicant-{stamp}@bench.example.org", "Hakija Mittaaja")
    manager = person(
        f"manager-{stamp}@bench.example.org", "Pirjo Pääkäyttäjä", staff=True, roles=["programme_manager"]
    )
    presenter = person(
        f"presenter-{stamp}@bench.example.org", "Eero Esittelijä", staff=True, roles=["presenter"]
    )
    reviewers = [
        person(f"reviewer{i}-{stamp}@bench.example.org", f"Arvioija {i}", staff=True, roles=["reviewer"])
        for i in range(REVIEWERS)
    ]
    CallAssignment.objects.bulk_create(
        [CallAssignment(call=call, person=presenter, role="presenter", assigned_by=manager)]
        + [CallAssignment(call=call, person=r, role="reviewer", assigned_by=manager) for r in reviewers]
    )

    municipality = Municipality.objects.order_by("code").first()
    regions = list(Region.objects.order_by("code"))
    taken = set(Organisation.objects.values_list("business_id", flat=True))
    ids = business_ids(2_000_000 + len(taken), taken)
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Mittausyhdistys {stamp}-{size}-{i} ry",
                business_id=next(ids),
                organisation_type=OrganisationType.REGISTERED_ASSOCIATION,
                home_municipality=municipality,
                street_address="Mannerheimintie 1",
                postal_code="00100",
                post_office="Helsinki",
                iban="FI2112345600000785",
                email=f"board{i}@bench.example.org",
            )
            for i in range(size)
        ],
        batch_size=BATCH,
    )
    submitted_at = call.closes_at - datetime.timedelta(days=5)
    applications = Application.objects.bulk_create(
        [
            Application(
                call=call,
                organisation=organisation,
                form=form,
                status=ApplicationStatus.COMPLETION_REQUESTED if i % 33 == 0 else ApplicationStatus.SUBMITTED,
                created_by=applicant,
                submitted_by=applicant,
                submitted_at=submitted_at + datetime.timedelta(seconds=i),
                register_number=f"BENCH/{stamp}-{size}/{i + 1}",
                project_name=f"Kotoutumishanke {i + 1}",
                project_summary="Vertaistukea maahanmuuttaneille perheille.",
                requested_amount=Decimal(rng.randrange(5_000, 100_000, 500)),
                applicant_name=organisation.name,
                applicant_business_id=organisation.business_id,
                iban=organisation.iban,
            )
            for i, organisation in enumerate(organisations)
        ],
        batch_size=BATCH,
    )
    links = Application.regions.through
    links.objects.bulk_create(
        [
            links(application_id=application.pk, region_id=region.pk)
            for application in applications
            for region in rng.sample(regions, rng.choice((1, 1, 2, 3)))
        ],
        batch_size=BATCH,
    )
    Screening.objects.bulk_create(
        [
            Screening(
                application=application,
                arrived_on_time=True,
                applicant_type_eligible=True,
                declarations_given=True,
                attachments_present=i % 20 != 0,
                result=ScreeningResult.ELIGIBLE if i % 20 else ScreeningResult.INELIGIBLE,
                reason="" if i % 20 else "Pakollinen liite puuttuu.",
                screened_by=presenter,
                screened_at=call.closes_at + datetime.timedelta(days=1),
            )
            for i, application in enumerate(applications)
            if i % 10 != 9  # one in ten not screened yet
        ],
        batch_size=BATCH,
    )
    reviewed_at = call.closes_at + datetime.timedelta(days=10)
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                application=application,
                reviewer=reviewer,
                assigned_by=manager,
                conflict=ReviewAssignment.Conflict.NONE,
                declared_at=reviewed_at,
                submitted_at=None if i % 15 == 0 else reviewed_at,
                weighted_score=None if i % 15 == 0 else Decimal(rng.randrange(1000, 5001)) / 1000,
            )
            for i, application in enumerate(applications)
            for reviewer in rng.sample(reviewers, 2)
        ],
        batch_size=BATCH,
    )
    proposals = [
        FundingProposal(
            application=application,
            amount=application.requested_amount * Decimal("0.8"),
            suggested=True,
            proposed_by=presenter,
        )
        for i, application in enumerate(applications)
        if i % 4 != 3
    ]
    FundingProposal.objects.bulk_create(proposals, batch_size=BATCH)
    Decision.objects.bulk_create(
        [
            Decision(
                application=proposal.application,
                outcome=Outcome.PARTIALLY_APPROVED,
                amount=proposal.amount,
                presenter=presenter,
            )
            for proposal in proposals[::5]
        ],
        batch_size=BATCH,
    )
    CompletionRequest.objects.bulk_create(
        [
            CompletionRequest(
                application=application,
                message="Lisää talousarvio.",
                reply_by=timezone.localdate() + datetime.timedelta(days=7 if i % 2 else -3),
                requested_by=presenter,
            )
            for i, application in enumerate(applications)
            if application.status == ApplicationStatus.COMPLETION_REQUESTED
        ],
        batch_size=BATCH,
    )
    return call, manager


def touch(call: Call) -> int:
    """What the list page reads of every row, so that a lazy query would show in the count."""
    ranking = call_ranking(call)
    call_totals(call)
    count = 0
    for application in handling_list(call, HandlingFilters()):
        screening = getattr(application, "screening", None)
        proposal = getattr(application, "proposal", None)
        (
            application.organisation.name,
            application.get_status_display(),
            screening.get_result_display() if screening else "",
            proposal.amount if proposal else None,
            [region.name for region in application.regions.all()],
            [a.reviewer.full_name for a in application.review_assignments.all()],
            len(application.open_requests),
            [d.get_outcome_display() for d in application.current_decisions],
            application.average_score,
            ranking.get(application.pk),
        )
        count += 1
    return count


def export(call: Call) -> int:
    return len(handling_workbook(call, handling_list(call, HandlingFilters()), call_ranking(call)))


def measure(action, repeat: int, warmup: int) -> dict:
    for _ in range(warmup):
        action()
    reset_queries()  # under DEBUG the log keeps at most 9000 queries: a full one would count nothing
    with CaptureQueriesContext(connection) as queries:
        result = action()
    times = []
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, math.ceil(0.95 * len(times)) - 1)],
        "max": times[-1],
        "queries": len(queries),
        "result": result,
    }


class PageMissing(Exception):
    pass


def page_request(client: Client, url: str):
    def action():
        response = client.get(url)
        if response.status_code == 404:
            raise PageMissing
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return len(response.content)

    return action


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--applications",
        type=int,
        nargs="+",
        default=[100, 5000],
        metavar="N",
        help="calls of these sizes (default: 100 5000)",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each measurement (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs before them (default 2)")
    parser.add_argument("--skip-export", action="store_true", help="do not time the Excel export")
    arguments = parser.parse_args()

    print(f"Database: {connection.vendor} ({WHERE})")
    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    load_reference_data()
    print(f"Migrated in {time.perf_counter() - start:.1f} s")

    rng = random.Random(20260101)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    results, page_missing = [], []
    for size in arguments.applications:
        start = time.perf_counter()
        call, manager = build_call(size, stamp, rng)
        print(f"Built a call of {size} applications in {time.perf_counter() - start:.1f} s")
        with translation.override("fi"):
            row = measure(lambda call=call: touch(call), arguments.repeat, arguments.warmup)
            assert row["result"] == size, (row["result"], size)
            results.append((size, "handling_list + ranking + totals, iterated", row, f"{size} rows"))
            if not arguments.skip_export:
                row = measure(lambda call=call: export(call), arguments.repeat, arguments.warmup)
                results.append((size, "handling_workbook (.xlsx)", row, f"{row['result'] / 1024:.0f} KiB"))

        client = Client()
        client.force_login(manager)
        pages = [("GET …/applications/ (page 1 of the list)", f"/official/calls/{call.pk}/applications/")]
        if not arguments.skip_export:
            pages.append(
                ("GET …/applications.xlsx (the export view)", f"/official/calls/{call.pk}/applications.xlsx")
            )
        for what, url in pages:
            try:
                row = measure(page_request(client, url), arguments.repeat, arguments.warmup)
                results.append((size, what, row, f"{row['result'] / 1024:.0f} KiB"))
            except PageMissing:
                page_missing.append(url)

    print()
    header = (
        f"{'N':>6}  {'measured':<48} {'median ms':>10} {'p95 ms':>9} {'max ms':>9} {'queries':>8}  output"
    )
    print(header)
    print("-" * len(header))
    for size, what, row, output in results:
        print(
            f"{size:>6}  {what:<48} {row['median']:>10.1f} {row['p95']:>9.1f} {row['max']:>9.1f}"
            f" {row['queries']:>8}  {output}"
        )
    print(
        f"\n{arguments.repeat} timed runs after {arguments.warmup} warm-ups each; queries counted on one run."
    )
    if page_missing:
        print(
            f"\nNot there yet, answered 404: {', '.join(page_missing)}. Their figures show once the views are"
            "\nwired into avustamo/portal/official_urls.py (calls/<pk>/applications/ and calls/<pk>/applications.xlsx)."
        )


if __name__ == "__main__":
    main()
