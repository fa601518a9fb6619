import pytest
from django.utils import translation

from avustamo.payments.reference_rates import load_reference_rates
from avustamo.programmes.reference import load_reference_data
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


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
