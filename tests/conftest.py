import datetime

import pytest
import time_machine
from django.utils import translation

from avustamo.core.dates import helsinki_today
from avustamo.payments.reference_rates import load_reference_rates
from avustamo.programmes.reference import load_reference_data
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def pytest_addoption(parser):
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        metavar="N",
        help="Run the whole suite with the clock N days ahead, to show that no test depends on the calendar year.",
    )


def pytest_configure(config):
    # Started here, before collection, so that dates a test module computes on import are shifted too. pytest-xdist
    # hands the option to each worker, whose own pytest_configure shifts its clock.
    days = config.getoption("clock_shift_days")
    if days:
        travel = time_machine.travel(datetime.timedelta(days=days), tick=True)
        travel.start()
        config.add_cleanup(travel.stop)


def pytest_report_header(config):
    days = config.getoption("clock_shift_days")
    if days:
        return f"clock shifted {days} days ahead: today is {helsinki_today():%d.%m.%Y} in Helsinki"
    return None


@pytest.fixture(autouse=True)
def _finnish_by_default():
    with translation.override("fi"):
        yield


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.fixture
def reference_rates(db):
    """The Interest Act's reference rates, as migration payments 0002 enters them; loaded again because a test that
    runs in transactions empties every table after it."""
    load_reference_rates()


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
