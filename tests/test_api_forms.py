"""A call's form through the API: every id an integrator needs to fill an application, and the JSON Schema of the
answers, made from the form's definition so that it agrees with what the service accepts (issue 16)."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from avustamo.applications.answers import AnswerContext, malformed_answers, submission_problems
from avustamo.programmes.application_form.schema import FormDefinition
from tests.factories import (
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    MunicipalityFactory,
    OrganisationFactory,
    RegionFactory,
    RequiredAttachmentFactory,
    every_kind_answers,
    every_kind_call,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return every_kind_call()


def _form(client, call) -> dict:
    response = client.get(f"/api/v1/calls/{call.pk}/forms/1")
    assert response.status_code == 200
    return response.json()


def _schema(client, call) -> dict:
    response = client.get(f"/api/v1/calls/{call.pk}/forms/1/answers-schema")
    assert response.status_code == 200
    return response.json()


def _errors(schema: dict, answers: dict) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return sorted(
        "/".join(str(part) for part in error.absolute_path) for error in validator.iter_errors(answers)
    )


def test_the_form_gives_the_ids_of_its_questions_declarations_and_required_attachments(client, call):
    form = _form(client, call)
    assert form["version"] == 1 and form["call_id"] == call.pk
    assert [item["id"] for item in form["declarations"]] == [
        str(pk) for pk in call.declarations.order_by("position", "pk").values_list("pk", flat=True)
    ]
    required = form["required_attachments"]
    assert [item["id"] for item in required] == list(
        call.required_attachments.order_by("position", "pk").values_list("pk", flat=True)
    )
    assert all(item["max_size_mb"] == 20 and "pdf" in item["kinds"] for item in required)
    question_ids = {item.id for item, _group in FormDefinition.model_validate(form["definition"]).elements()}
    assert {"project-name", "budget", "volunteers", "budget-sheet"} <= question_ids
    assert form["answers_schema_url"] == f"http://testserver/api/v1/calls/{call.pk}/forms/1/answers-schema"
    published = client.get(f"/api/v1/calls/{call.pk}").json()
    assert published["form"]["url"] == f"http://testserver/api/v1/calls/{call.pk}/forms/1"
    assert published["declarations"] == form["declarations"]
    assert published["required_attachments"] == form["required_attachments"]


def test_a_form_of_an_unpublished_call_or_an_unknown_version_is_404(client, call):
    hidden = CallFactory(draft=True)
    CallFormFactory(call=hidden)
    assert client.get(f"/api/v1/calls/{call.pk}/forms/2").status_code == 404
    assert client.get(f"/api/v1/calls/{hidden.pk}/forms/1").status_code == 404
    assert client.get(f"/api/v1/calls/{hidden.pk}/forms/1/answers-schema").status_code == 404


def test_complete_answers_to_every_kind_of_question_meet_the_schema(client, call):
    schema = _schema(client, call)
    Draft202012Validator.check_schema(schema)
    assert _errors(schema, every_kind_answers(call)) == []
    assert {"contact-persons", "budget", "regions", "participants", "volunteers", "chair-name"} <= set(
        schema["required"]
    )
    # Attachments are uploaded and the applicant's details come from the organisation: no answers of theirs.
    assert not {"budget-sheet", "applicant"} & set(schema["properties"])


# Each a change to complete answers that the service refuses, malformed or at submission, and the path the
# schema names for it.
REFUSED = [
    ({"participants": 12}, ["participants"]),
    ({"participants": "12.5"}, ["participants"]),
    ({"membership-fee": "15.505"}, ["membership-fee"]),
    ({"membership-fee": "-15.50"}, ["membership-fee"]),
    ({"founded": "4.5.1998"}, ["founded"]),
    ({"office-email": "not an address"}, ["office-email"]),
    ({"main-activity": "dancing"}, ["main-activity"]),
    ({"activities-kind": ["peer", "dancing"]}, ["activities-kind/1"]),
    ({"has-partners": "maybe"}, ["has-partners"]),
    ({"regions": ["99"]}, ["regions/0"]),
    ({"home-municipality": "999"}, ["home-municipality"]),
    ({"period": {"start": "2027-01-01", "finish": "2027-12-31"}}, ["period"]),
    ({"budget": {"costs": {"coffee": "10.00"}}}, ["budget/costs"]),
    ({"declarations": ["0"]}, ["declarations/0"]),
    ({"volunteers": [{"volunteer-name": "Mikko", "age": "40"}]}, ["volunteers/0"]),
    ({"no-such-question": "x"}, [""]),
]


@pytest.mark.parametrize(("changes", "paths"), REFUSED)
def test_what_the_service_refuses_the_schema_refuses(client, call, changes, paths):
    answers = every_kind_answers(call) | changes
    definition = call.forms.get().parsed
    context = AnswerContext(
        call=call, organisation=OrganisationFactory(), regions=["01"], municipalities=["091"]
    )
    assert malformed_answers(definition, answers, context) or submission_problems(
        definition, answers, context
    )
    assert _errors(_schema(client, call), answers) == paths


@pytest.mark.parametrize(
    ("removed", "shown_by"),
    [("participants", None), ("chair-name", None), ("volunteers", None), ("partners", "yes")],
)
def test_a_required_answer_left_out_is_refused_by_both_unless_its_condition_hides_it(
    client, call, removed, shown_by
):
    answers = every_kind_answers(call)
    del answers[removed]
    definition = call.forms.get().parsed
    context = AnswerContext(
        call=call, organisation=OrganisationFactory(), regions=["01"], municipalities=["091"]
    )
    refused_fields = {problem["field"] for problem in submission_problems(definition, answers, context)}
    assert f"q-{removed}" in refused_fields
    assert _errors(_schema(client, call), answers) != []
    if shown_by:
        hidden = copy.deepcopy(answers) | {"has-partners": "no"}
        assert f"q-{removed}" not in {
            problem["field"] for problem in submission_problems(definition, hidden, context)
        }
        assert _errors(_schema(client, call), hidden) == []


@pytest.mark.parametrize("path", ["", "/answers-schema"])
def test_the_statements_do_not_grow_with_the_form(client, call, path):
    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/calls/{call.pk}/forms/1{path}").status_code == 200
        return len(captured)

    few = statements()
    CallDeclarationFactory.create_batch(5, call=call)
    RequiredAttachmentFactory.create_batch(5, call=call)
    RegionFactory(code="02", name_fi="Varsinais-Suomi")
    MunicipalityFactory(code="853", name_fi="Turku")
    assert statements() == few <= 7
