"""The API's published contract, as an integrator meets it: a valid OpenAPI document that client generators accept,
with method names that do not change when the code moves (issue 16)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Router
from openapi_spec_validator import validate

from avustamo.accounts.services import api_token_create
from avustamo.api.api import AvustamoApi
from avustamo.core.ids import id_or_none
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
    ("post", "/api/v1/applications/{application_id}/co-implementers"): "addCoImplementer",
    (
        "patch",
        "/api/v1/applications/{application_id}/co-implementers/{co_implementer_id}",
    ): "changeCoImplementer",
    (
        "delete",
        "/api/v1/applications/{application_id}/co-implementers/{co_implementer_id}",
    ): "removeCoImplementer",
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


def test_the_tools_refuse_someone_elses_token_before_reading_the_query(client):
    member = MembershipFactory()
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    refused = client.get("/api/v1/tools/interest", {"amount": "lots"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 403 and refused.json()["errors"] == []


def _schemas(node):
    """Every schema object in the document, however deeply nested."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def test_no_amount_is_a_json_number_and_every_amount_states_its_pattern(document):
    """A client's float turns 0.1 + 0.2 into 0.30000000000000004: amounts are decimal strings, and the document
    says which strings."""
    assert [schema for schema in _schemas(document) if schema.get("type") == "number"] == []
    components = document["components"]["schemas"]
    amounts = [
        components["ApplicationOut"]["properties"]["requested_amount"]["anyOf"][0],
        components["DecisionOut"]["properties"]["amount"],
        components["PaymentApplicationIn"]["properties"]["amount"],
        components["GrantOut"]["properties"]["amount_awarded"],
    ]
    assert all(
        amount["type"] == "string" and amount["pattern"].startswith("^[0-9]{1,12}") for amount in amounts
    )


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("CallSummaryOut", "status"),
        ("ProgrammeOut", "grant_type"),
        ("OrganisationOut", "role"),
        ("AttachmentOut", "kind"),
        ("ApplicationSummaryOut", "status"),
        ("DecisionOut", "outcome"),
        ("InstalmentOut", "condition"),
        ("ReportDueOut", "kind"),
        ("GrantAcceptanceOut", "status"),
        ("PaymentApplicationOut", "status"),
        ("ReportOut", "status"),
        ("ChangeRequestOut", "status"),
        ("ChangePartOut", "kind"),
        ("ChangePartOut", "outcome"),
        ("GrantOut", "outcome"),
        ("ProblemOut", "code"),
    ],
)
def test_statuses_kinds_roles_and_error_codes_are_enumerated(document, component, field):
    schema = document["components"]["schemas"][component]["properties"][field]
    assert len(schema["enum"]) >= 2 and all(isinstance(value, str) for value in schema["enum"])


# The modules whose refusals reach the API's answers: a code raised there and missing from the published enum would
# break the contract (and its answer would fail the answer's own check).
REFUSING_MODULES = [
    "avustamo/applications/answers.py",
    "avustamo/applications/services.py",
    "avustamo/grants/services.py",
    "avustamo/payments/services/payment_applications.py",
    "avustamo/payments/interest.py",
    "avustamo/core/uploads.py",
    "avustamo/core/middleware.py",
    *[str(path) for path in sorted(Path("avustamo/api").glob("*.py"))],
]
CODE_LITERALS = [
    re.compile(r'code="([a-z_]+)"'),
    re.compile(r'refuse\(\s*[^,()]+,\s*"([a-z_]+)"'),
    re.compile(r'Refusal\(\s*\d+,\s*[^,]+,\s*"([a-z_]+)"'),
    re.compile(r'refusal\(\s*"[^"]*",\s*"([a-z_]+)"'),
    re.compile(r'^    "([a-z_]+)": lambda', re.MULTILINE),
]


def test_every_refusal_code_the_api_can_meet_is_in_the_published_enum(document):
    raised = {
        code
        for module in REFUSING_MODULES
        for pattern in CODE_LITERALS
        for code in pattern.findall(Path(module).read_text())
    }
    published = set(document["components"]["schemas"]["ProblemOut"]["properties"]["code"]["enum"])
    assert {"stale", "required", "too_large", "invalid_cursor", "null_character"} <= raised
    assert raised - published == set()


def test_a_digit_that_is_no_ascii_digit_names_no_application(client):
    assert (
        client.get("/api/v1/applications/%C2%B3/grant", HTTP_AUTHORIZATION="Bearer avu_x").status_code == 401
    )
    assert id_or_none("³") is None and id_or_none("١٢") is None and id_or_none("12") == 12


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        ("sv", "Värdet är inte något av dem som API:ts beskrivning räknar upp."),
        ("fi", "Arvo ei ole mikään rajapinnan kuvauksen luettelemista."),
        ("en", "Input should be 'open', 'upcoming' or 'closed'"),
    ],
)
def test_a_request_of_the_wrong_shape_is_refused_in_the_language_asked(client, accept_language, message):
    refused = client.get("/api/v1/calls", {"status": "archived"}, HTTP_ACCEPT_LANGUAGE=accept_language)
    assert refused.status_code == 422
    [problem] = refused.json()["errors"]
    assert (problem["field"], problem["code"], problem["message"]) == ("query.status", "not_allowed", message)
