"""Schemathesis reads the OpenAPI description and throws generated requests at every operation:
none may end in a server error or a response that breaks the description.

The check that every schema-valid request is accepted is left out: the API refuses well-formed requests that break
a business rule (an empty file, an attachment question the form does not have) with a documented 422."""

import datetime
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation.meta import GenerationMode, ParameterLocation

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.api.register_schemas import EXAMPLE_BUSINESS_ID
from avustamo.register.models import GrantOutcome
from avustamo.wsgi import application
from tests.factories import (
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    MembershipFactory,
    PublishedGrantFactory,
    RegionFactory,
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: requests must not close the connection the test's transaction runs on."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_test_connection):
    call = CallFactory()
    CallFormFactory(call=call)
    CallDeclarationFactory(call=call)
    RegionFactory()
    membership = MembershipFactory()
    # The register: a grant with everything published and a rejection, under the Business ID the description
    # gives as its example, and a historic grant without Business ID, region or dates.
    published = {
        "recipient_business_id": EXAMPLE_BUSINESS_ID,
        "municipality": membership.organisation.home_municipality,
    }
    PublishedGrantFactory(
        **published,
        recipient_type="registered_association",
        decision_date=datetime.date(2026, 11, 20),
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    PublishedGrantFactory(**published, outcome=GrantOutcome.REJECTED, amount_awarded=Decimal("0"))
    PublishedGrantFactory(funding_year=2016)
    _api_token, token = api_token_create(
        name="schemathesis", scope=ApiToken.Scope.READ_WRITE, acting_user=membership.person
    )
    return token


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_errs_and_keeps_its_contract(case, token):
    case.call_and_validate(headers=_authorization(case, token), excluded_checks=[positive_data_acceptance])


def _authorization(case, token: str) -> dict:
    """The token, unless the case leaves out the Authorization header on purpose: a case generated to break the
    headers expects the request refused for want of it, and adding the token would make it a valid request."""
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    if (
        headers is not None
        and headers.mode == GenerationMode.NEGATIVE
        and "Authorization" not in (case.headers or {})
    ):
        return {}
    return {"Authorization": f"Bearer {token}"}
