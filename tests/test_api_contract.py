"""The API's published contract, as an integrator meets it: a valid OpenAPI document that client generators accept,
with method names that do not change when the code moves (issue 16)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Router
from openapi_spec_validator import validate

from avustamo.accounts.services import api_token_create
from avustamo.api.api import AvustamoApi
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"

# Generated clients name their methods after these: changing one breaks every integrator's code, so a change here
# is a change of the contract (docs/api.md).
OPERATION_IDS = {
    ("get", "/api/v1/calls"): "listCalls",
    ("get", "/api/v1/calls/{call_id}"): "getCall",
    ("get", "/api/v1/calls/{call_id}/forms/{version}"): "getCallForm",
    ("get", "/api/v1/calls/{call_id}/forms/{version}/answers-schema"): "getAnswersSchema",
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
    ("get", "/api/v1/applications/{application_id}/receipt"): "getReceipt",
    ("get", "/api/v1/applications/{application_id}/receipt.pdf"): "getReceiptDocument",
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


@pytest.mark.parametrize("document_name", ["decision.pdf", "receipt.pdf"])
def test_documents_are_declared_as_binary(document, document_name):
    answer = document["paths"][f"/api/v1/applications/{{application_id}}/{document_name}"]["get"][
        "responses"
    ]["200"]
    assert answer["content"] == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def test_no_token_is_challenged_for_one_and_a_bad_token_is_named_invalid(client):
    missing = client.get("/api/v1/me")
    invalid = client.get("/api/v1/me", headers={"Authorization": "Bearer avu_not-a-real-token"})

    assert missing.status_code == invalid.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="Avustamo API"'
    assert invalid["WWW-Authenticate"] == 'Bearer realm="Avustamo API", error="invalid_token"'
    assert missing.json() == {
        "detail": "Lähetä henkilökohtainen API-tunniste: Authorization: Bearer avu_…",
        "errors": [],
    }
    assert invalid.json() == {"detail": "Tunniste ei kelpaa.", "errors": []}


@pytest.mark.parametrize(
    ("accept_language", "preferred", "expected"),
    [
        ("", "", "Tällä tunnisteella ei ole hakemustasi."),
        ("sv-FI,sv;q=0.9,en;q=0.5", "", "Du har ingen ansökan med detta id."),
        ("de, en;q=0.8", "sv", "No application of yours has this id."),
        ("", "en", "No application of yours has this id."),
        ("de", "sv", "Du har ingen ansökan med detta id."),
    ],
)
def test_messages_are_in_the_language_asked_or_else_the_persons_own(
    client, accept_language, preferred, expected
):
    member = MembershipFactory(person__preferred_language=preferred)
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if accept_language:
        headers["HTTP_ACCEPT_LANGUAGE"] = accept_language
    response = client.get("/api/v1/applications/999999", **headers)
    assert response.status_code == 404 and response.json()["detail"] == expected
    assert response["Content-Language"] == {"Du": "sv", "No": "en", "Tällä": "fi"}[expected.split()[0]]


def test_a_refusal_of_the_services_is_in_the_language_asked(client):
    member = MembershipFactory()
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    refused = client.get(
        "/api/v1/tools/interest",
        {"amount": "100", "start": "2020-01-01", "end": "2020-02-01", "kind": "grant"},
        HTTP_ACCEPT_LANGUAGE="sv",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Endast tjänstemäns token kan använda verktygen."
