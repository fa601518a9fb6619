import datetime
import io
import os
from decimal import Decimal

import hypothesis
import pytest
import time_machine
import weasyprint
from django.core.cache import cache
from django.utils import timezone, translation
from pypdf import PdfWriter

from avustamo.core.dates import HELSINKI, helsinki_datetime, helsinki_today, in_helsinki
from avustamo.payments.models import ReferenceRate
from avustamo.payments.reference_rates import load_reference_rates
from avustamo.programmes.reference import load_reference_data
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# CI is the gate that lands work: there the property tests run the same examples every time, so that a new find
# never blocks an unrelated change, and print how to replay a failure. Every other run explores new examples.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The e-Authorizations stand-in and moto's S3 server as processes of their own: the `authorizations_stand_in`,
# `moto_s3` and `bucket` fixtures.
pytest_plugins = ["tests.authorizations_stand_in", "tests.invoice_circulation_stand_in", "tests.s3_stand_in"]


def pytest_addoption(parser):
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        metavar="N",
        help="Run the whole suite with the clock N days ahead, to show that no test depends on the calendar year.",
    )


# Test modules compute dates such as TODAY on import, the code under test on the day it runs: a run crossing midnight
# in Helsinki would see two todays. The slowest run takes well under two hours, so one starting in the day's last two
# hours runs on the next day's clock instead.
LATEST_START_IN_THE_DAY = datetime.time(22, 0)


def suite_clock_start(real_now: datetime.datetime, shift_days: int) -> datetime.datetime | None:
    """Where the suite's clock starts, or None when it runs on the real clock."""
    start = (real_now + datetime.timedelta(days=shift_days)).astimezone(HELSINKI)
    if start.time() >= LATEST_START_IN_THE_DAY:
        return helsinki_datetime(start.date() + datetime.timedelta(days=1), datetime.time(0, 1))
    return start if shift_days else None


def pytest_configure(config):
    # Started here, before collection, so that dates a test module computes on import are shifted too. pytest-xdist
    # hands the option to each worker, whose own pytest_configure shifts its clock.
    start = suite_clock_start(datetime.datetime.now(datetime.UTC), config.getoption("clock_shift_days"))
    if start is not None:
        travel = time_machine.travel(start, tick=True)
        travel.start()
        config.add_cleanup(travel.stop)


def pytest_report_header(config):
    if time_machine.escape_hatch.is_travelling():
        return f"the suite's clock starts at {in_helsinki(timezone.now()):%d.%m.%Y %H:%M} in Helsinki"
    return None


@pytest.fixture(autouse=True)
def _no_sign_in_failures_from_earlier_tests():
    """The sign-in throttles count in the cache, which outlives a test."""
    cache.clear()


@pytest.fixture(autouse=True)
def _finnish_by_default():
    with translation.override("fi"):
        yield


def _placeholder_pdf() -> bytes:
    document = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(document)
    return document.getvalue()


PLACEHOLDER_PDF = _placeholder_pdf()


@pytest.fixture(autouse=True)
def _documents_laid_out_only_where_read(request, monkeypatch):
    """WeasyPrint's layout of a PDF takes most of the time of a test that publishes a decision or sends a receipt.
    A test that reads a document is marked `reads_pdf` and gets the real one; elsewhere each document is a blank
    one-page PDF. Its template is still rendered into HTML and parsed, so a broken template still fails the test."""
    if request.node.get_closest_marker("reads_pdf") is None:
        monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda html, *args, **kwargs: PLACEHOLDER_PDF)


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.fixture
def reference_rates(db):
    """The Interest Act's reference rates, as migration payments 0002 enters them; loaded again because a test that
    runs in transactions empties every table after it."""
    load_reference_rates()


@pytest.fixture
def reference_rates_of_last_and_this_year(reference_rates):
    """The reference rates of the four half-years of last year and this year, entered for the cases of returns and
    recoveries whatever the Bank of Finland announced, so that their hand computations do not depend on the year:
    3.5 %, 2.5 %, 2.5 % and 2.0 % (those of 2025 and of the first half of 2026 as announced, 2.0 % after)."""
    this_year = helsinki_today().year
    rates = {
        datetime.date(this_year - 1, 1, 1): Decimal("3.5"),
        datetime.date(this_year - 1, 7, 1): Decimal("2.5"),
        datetime.date(this_year, 1, 1): Decimal("2.5"),
        datetime.date(this_year, 7, 1): Decimal("2.0"),
    }
    for valid_from, rate in rates.items():
        ReferenceRate.objects.update_or_create(
            valid_from=valid_from, defaults={"rate": rate, "source": "testi"}
        )
    return rates


@pytest.fixture
def official(db):
    return UserFactory(official=True, email="official@ministry.example.org", roles=["programme_manager"])


@pytest.fixture
def administrator(db):
    return UserFactory(administrator=True, email="admin@ministry.example.org")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Kotipiha ry")


@pytest.fixture
def organisation_admin(organisation):
    return MembershipFactory(
        organisation=organisation, administrator=True, person__email="treasurer@kotipiha.example.org"
    ).person


@pytest.fixture
def organisation_member(organisation):
    return MembershipFactory(organisation=organisation, person__email="volunteer@kotipiha.example.org").person


@pytest.fixture
def other_organisation_admin(db):
    return MembershipFactory(administrator=True, person__email="manager@othercity.example.org").person
