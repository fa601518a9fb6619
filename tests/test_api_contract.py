"""The API's published contract, as an integrator meets it: a valid OpenAPI document that client generators accept,
with method names that do not change when the code moves (issue 16)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Router
from openapi_spec_validator import validate

from avustamo.api.api import AvustamoApi

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"

# Generated clients name their methods after these: changing one breaks every integrator's code, so a change here
# is a change of the contract (docs/api.md).
OPERATION_IDS = {
    ("get", "/api/v1/calls"): "listCalls",
    ("get", "/api/v1/calls/{call_id}"): "getCall",
    ("get", "/api/v1/me"): "getMe",
    ("get", "/api/v1/applications"): "listApplications",
    ("post", "/api/v1/applications"): "startApplication",
    ("get", "/api/v1/applications/{application_id}"): "getApplication",
    ("patch", "/api/v1/applications/{application_id}"): "saveAnswers",
    ("post", "/api/v1/applications/{application_id}/attachments"): "addAttachment",
    ("post", "/api/v1/applications/{application_id}/submit"): "submitApplication",
    ("post", "/api/v1/applications/{application_id}/withdraw"): "withdrawApplication",
    ("get", "/api/v1/applications/{application_id}/decision"): "getDecision",
    ("get", "/api/v1/applications/{application_id}/decision.pdf"): "getDecisionDocument",
    ("get", "/api/v1/applications/{application_id}/grant"): "getGrant",
    ("post", "/api/v1/applications/{application_id}/grant/accept"): "acceptGrant",
    ("post", "/api/v1/applications/{application_id}/grant/decline"): "declineGrant",
    ("get", "/api/v1/applications/{application_id}/grant/payment-applications"): "listPaymentApplications",
    ("post", "/api/v1/applications/{application_id}/grant/payment-applications"): "submitPaymentApplication",
    ("get", "/api/v1/applications/{application_id}/grant/reports"): "listReports",
    ("get", "/api/v1/applications/{application_id}/grant/change-requests"): "listChangeRequests",
    ("post", "/api/v1/applications/{application_id}/grant/change-requests"): "submitChangeRequest",
    ("get", "/api/v1/grants"): "listPublishedGrants",
    ("get", "/api/v1/grants/{grant_id}"): "getPublishedGrant",
    ("get", "/api/v1/organisations/{business_id}"): "getOrganisationGrants",
    ("get", "/api/v1/statistics"): "getStatistics",
    ("get", "/api/v1/tools/interest"): "calculateInterest",
}


@pytest.fixture
def document(client):
    return client.get(OPENAPI).json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises with the first problem, as openapi-python-client would refuse the document


def test_every_operation_has_the_operation_id_integrators_rely_on(document):
    published = {
        (method, path): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert published == OPERATION_IDS


def test_an_operation_without_a_hand_set_operation_id_stops_the_document():
    router = Router()

    @router.get("/forgotten")
    def forgotten(request):
        return {}

    api = AvustamoApi(urls_namespace="contract-test")
    api.add_router("/", router)
    with pytest.raises(ImproperlyConfigured, match=r"forgotten has no operation_id"):
        api.get_openapi_schema(path_prefix="")


def test_the_decision_document_is_declared_as_binary(document):
    answer = document["paths"]["/api/v1/applications/{application_id}/decision.pdf"]["get"]["responses"][
        "200"
    ]
    assert answer["content"] == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def test_no_token_is_challenged_for_one_and_a_bad_token_is_named_invalid(client):
    missing = client.get("/api/v1/me")
    invalid = client.get("/api/v1/me", headers={"Authorization": "Bearer avu_not-a-real-token"})

    assert missing.status_code == invalid.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="Avustamo API"'
    assert invalid["WWW-Authenticate"] == 'Bearer realm="Avustamo API", error="invalid_token"'
    assert missing.json() == {"detail": "Unauthorized", "errors": []}
    assert invalid.json() == {"detail": "The token is not valid.", "errors": []}
