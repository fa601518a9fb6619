import datetime
import json
import re

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from avustamo.accounts.services import api_token_create
from avustamo.programmes.models import CallStatus
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    CallThemeFactory,
    EvaluationCriterionFactory,
    MembershipFactory,
    ProgrammeFactory,
    next_year,
)

pytestmark = pytest.mark.django_db


class TestHealth:
    def test_ok_after_a_real_query(self, client, django_assert_num_queries):
        with django_assert_num_queries(1):
            response = client.get("/health")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_503_when_the_database_fails(self, client, monkeypatch):
        def broken_cursor(*args, **kwargs):
            raise DatabaseError("connection refused")

        monkeypatch.setattr("avustamo.core.views.connection.cursor", broken_cursor)
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["status"] == "error"


class TestCallsApi:
    def test_list__open_by_default_with_amounts_as_decimal_strings(self, client):
        call = CallFactory()
        CallFactory(closed=True)
        CallFactory(draft=True)
        body = client.get("/api/v1/calls").json()
        assert [item["id"] for item in body["calls"]] == [call.pk]
        assert (body["next"], body["next_cursor"]) == (None, None)
        item = body["calls"][0]
        assert item["status"] == "open"
        assert item["appropriation"] == "600000.00"
        assert item["title"] == {"fi": call.title_fi, "sv": call.title_sv, "en": call.title_en}
        assert item["programme"]["agency"]["code"] == "TEM"
        assert item["closes_at"].endswith(("+02:00", "+03:00"))
        assert item["url"].endswith(f"/calls/{call.pk}/")

    @pytest.mark.parametrize("status", [CallStatus.OPEN, CallStatus.UPCOMING, CallStatus.CLOSED])
    def test_list__by_status(self, client, status):
        calls = {
            "open": CallFactory(),
            "upcoming": CallFactory(upcoming=True),
            "closed": CallFactory(closed=True),
        }
        body = client.get(f"/api/v1/calls?status={status}").json()
        assert [item["id"] for item in body["calls"]] == [calls[status].pk]

    def test_list__by_programme_and_agency(self, client):
        ngo_call = CallFactory()
        talent_call = CallFactory(
            programme=ProgrammeFactory(talent_hub=True), eligible_organisation_types=["municipality"]
        )
        assert [i["id"] for i in client.get("/api/v1/calls?programme=tem-talent-hub").json()["calls"]] == [
            talent_call.pk
        ]
        assert {i["id"] for i in client.get("/api/v1/calls?agency=tem").json()["calls"]} == {
            ngo_call.pk,
            talent_call.pk,
        }
        assert client.get("/api/v1/calls?agency=OKM").json()["calls"] == []

    def test_list__unknown_status_is_a_clear_422(self, client):
        response = client.get("/api/v1/calls?status=archived")
        assert response.status_code == 422
        assert "status" in json.dumps(response.json())

    def test_detail__with_themes_and_weighted_criteria(self, client):
        call = CallFactory()
        CallThemeFactory(call=call)
        EvaluationCriterionFactory(call=call)
        body = client.get(f"/api/v1/calls/{call.pk}").json()
        assert body["themes"][0]["en"] == "Integration of families with an immigrant background"
        assert body["evaluation_criteria"][0]["weight"] == "2.00"
        assert body["eligible_organisation_types"] == ["registered_association"]
        assert body["period_latest_end"] == next_year()[1].isoformat()  # CallFactory's

    @pytest.mark.parametrize(
        "path", ["/api/v1/calls/999999", "/api/v1/calls/0", "/api/v1/calls/99999999999999999999"]
    )
    def test_detail__unknown_id_is_not_a_server_error(self, client, path):
        assert client.get(path).status_code in {404, 422}

    def test_detail__draft_is_not_found(self, client):
        draft = CallFactory(draft=True)
        assert client.get(f"/api/v1/calls/{draft.pk}").status_code == 404

    def test_openapi_and_docs_are_served_without_external_assets(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/calls" in schema["paths"]
        assert "/api/v1/calls/{call_id}" in schema["paths"]
        docs = client.get("/api/v1/docs").content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', docs)
        assert external == []
        assert "/static/ninja/swagger-ui" in docs


def test_deadline_moment_in_api_is_the_stored_instant(client):
    call = CallFactory()
    closes_at = datetime.datetime.fromisoformat(client.get(f"/api/v1/calls/{call.pk}").json()["closes_at"])
    assert closes_at == call.closes_at


def test_calls_and_applications_come_a_page_at_a_time_with_the_next_cursor(client):
    calls = CallFactory.create_batch(5)
    member = MembershipFactory()
    for call in calls:
        ApplicationFactory(call=call, organisation=member.organisation)
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for path, key in (("/api/v1/calls", "calls"), ("/api/v1/applications", "applications")):
        seen, cursor, pages = [], "", 0
        while True:
            body = client.get(path, {"limit": 2, "cursor": cursor}, **headers).json()
            seen += [item["id"] for item in body[key]]
            pages += 1
            if body["next_cursor"] is None:
                assert body["next"] is None
                break
            assert body["next"].endswith(f"?limit=2&cursor={body['next_cursor']}")
            cursor = body["next_cursor"]
        assert pages == 3 and len(seen) == len(set(seen)) == 5
    refused = client.get("/api/v1/applications", {"cursor": "WyJhZnRlciIsWyJ4Il1d"}, **headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "invalid_cursor"


def test_the_lists_make_the_same_statements_for_few_rows_and_many(client):
    member = MembershipFactory()
    _api_token, token = api_token_create(name="CRM", acting_user=member.person)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def statements(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, **headers).status_code == 200
        return len(captured)

    def add(count: int):
        for call in CallFactory.create_batch(count):
            CallThemeFactory(call=call)
            ApplicationFactory(call=call, organisation=member.organisation)

    add(1)
    statements("/api/v1/me")  # the token's first use of the minute is written down once
    few = {path: statements(path) for path in ("/api/v1/calls", "/api/v1/applications")}
    add(6)
    assert {path: statements(path) for path in few} == few
