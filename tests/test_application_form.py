import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from avustamo.core.models import AuditEntry
from avustamo.programmes import services
from avustamo.programmes.application_form.budget import COST_CATEGORIES, BudgetFigures
from avustamo.programmes.application_form.schema import FACTS, FormDefinitionError, parse_definition
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import CallForm
from avustamo.programmes.selectors import current_form
from tests.access import sign_in
from tests.factories import CallFactory, ProgrammeFactory
from tests.oph_form import Converter, oph_form_fields

OPH_FORM = Path(__file__).parent / "data" / "oph_valtionavustus_prod_hakulomake_2020.json"


def _problems(definition) -> list[dict]:
    with pytest.raises(FormDefinitionError) as error:
        parse_definition(definition)
    return error.value.problems


def _codes(definition) -> set[str]:
    return {problem["code"] for problem in _problems(definition)}


def _question(definition, question_id):
    for section in definition["sections"]:
        for question in section["questions"]:
            if question["id"] == question_id:
                return question
    raise KeyError(question_id)


class TestSchema:
    def test_standard_form_is_valid_and_carries_every_fact(self):
        definition = parse_definition(standard_definition())
        # Of the optional blocks, the standard form asks about VAT; the de minimis declaration only in de minimis calls.
        assert set(definition.fact_questions()) == set(FACTS) | {"vat_recoverable"}

    def test_export_and_import_round_trip(self):
        definition = parse_definition(standard_definition())
        exported = json.dumps(definition.to_json(), ensure_ascii=False)
        assert parse_definition(exported).to_json() == definition.to_json()

    def test_not_json_is_refused(self):
        assert _codes('{"schema": ') == {"invalid_json"}

    def test_json_nested_beyond_the_parsers_depth_is_refused_like_any_text_that_is_no_form(self):
        assert _codes("[" * 100_000) == {"invalid_json"}

    def test_missing_standard_block_is_named(self):
        definition = standard_definition()
        definition["sections"][2]["questions"] = [
            {"type": "info", "id": "note", "text": {"fi": "Ei budjettia"}}
        ]
        problems = _problems(definition)
        assert [(p["code"], p["message"]) for p in problems if p["code"] == "fact_missing"] == [
            ("fact_missing", "Vakio-osa budget puuttuu.")
        ]

    def test_duplicate_id_is_refused(self):
        definition = standard_definition()
        definition["sections"][1]["questions"].append(
            {"type": "short_text", "id": "project-name", "label": {"fi": "Toinen"}}
        )
        assert [p["path"] for p in _problems(definition) if p["code"] == "duplicate_id"] == ["project-name"]

    def test_unknown_question_type_is_refused(self):
        definition = standard_definition()
        definition["sections"][1]["questions"].append({"type": "slider", "id": "x", "label": {"fi": "X"}})
        problems = _problems(definition)
        assert any(problem["path"].startswith("sections[1].questions[7]") for problem in problems)

    def test_label_needs_finnish(self):
        definition = standard_definition()
        _question(definition, "objectives")["label"] = {"sv": "Mål"}
        assert any("label.fi" in problem["path"] for problem in _problems(definition))

    def test_condition_on_an_earlier_yes_no_question(self):
        definition = standard_definition()
        definition["sections"][1]["questions"] += [
            {
                "type": "yes_no",
                "id": "joint-project",
                "label": {"fi": "Onko kyseessä yhteishanke?"},
                "required": True,
            },
            {
                "type": "group",
                "id": "partners",
                "label": {"fi": "Yhteistyökumppanit"},
                "repeat": True,
                "min_items": 1,
                "show_if": {"question": "joint-project", "equals": "yes"},
                "questions": [{"type": "short_text", "id": "partner-name", "label": {"fi": "Nimi"}}],
            },
        ]
        parsed = parse_definition(definition)
        assert parsed.sections[1].questions[-1].show_if.question == "joint-project"

    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            ({"question": "later-question", "equals": "yes"}, "condition_unknown_question"),
            ({"question": "project-name", "equals": "yes"}, "condition_wrong_type"),
            ({"question": "joint-project", "equals": "maybe"}, "condition_unknown_value"),
        ],
    )
    def test_bad_conditions_are_refused(self, condition, expected):
        definition = standard_definition()
        definition["sections"][1]["questions"] += [
            {"type": "yes_no", "id": "joint-project", "label": {"fi": "Yhteishanke?"}},
            {"type": "long_text", "id": "partners", "label": {"fi": "Kumppanit"}, "show_if": condition},
            {"type": "short_text", "id": "later-question", "label": {"fi": "Myöhempi"}},
        ]
        assert _codes(definition) == {expected}

    def test_standard_block_cannot_be_conditional_or_optional(self):
        definition = standard_definition()
        definition["sections"][1]["questions"].insert(0, {"type": "yes_no", "id": "q", "label": {"fi": "K"}})
        _question(definition, "objectives")["show_if"] = {"question": "q", "equals": "yes"}
        _question(definition, "activities")["required"] = False
        assert _codes(definition) == {"fact_conditional", "fact_optional"}

    def test_budget_type_only_as_the_budget_fact(self):
        definition = standard_definition()
        definition["sections"][1]["questions"].append(
            {"type": "budget", "id": "second-budget", "label": {"fi": "B"}}
        )
        assert _codes(definition) == {"fact_only_type"}

    def test_every_question_type_is_accepted(self):
        definition = standard_definition()
        definition["sections"][1]["questions"] += [
            {"type": kind, "id": f"q-{kind.replace('_', '-')}", "label": {"fi": kind}}
            for kind in ("number", "money", "date", "email", "business_id", "iban", "yes_no", "attachment")
        ] + [{"type": "municipality", "id": "q-municipality", "label": {"fi": "Kunta"}, "multiple": False}]
        parsed = parse_definition(definition)
        attachment = next(item for item, _group in parsed.elements() if item.type == "attachment")
        assert attachment.max_size_mb == 20

    def test_choice_needs_distinct_options(self):
        definition = standard_definition()
        definition["sections"][1]["questions"].append(
            {
                "type": "single_choice",
                "id": "language",
                "label": {"fi": "Kieli"},
                "options": [
                    {"value": "fi", "label": {"fi": "suomi"}},
                    {"value": "fi", "label": {"fi": "ruotsi"}},
                ],
            }
        )
        assert _codes(definition) == {"value_error"}


class TestOphProductionForm:
    """The National Agency for Education's production form of 2020, rebuilt in Avustamo's schema."""

    @pytest.fixture
    def oph(self):
        return json.loads(OPH_FORM.read_text(encoding="utf-8"))

    def test_every_field_of_the_oph_form_is_expressed(self, oph):
        converter = Converter(oph)
        definition = parse_definition(converter.build())
        budget = next(item for item in _walk(oph["content"]) if item["id"] == "budget")
        budget_fields = set(oph_form_fields(budget["children"]))
        fields = set(oph_form_fields(oph["content"]))
        assert len(fields) == 43
        assert fields - budget_fields - set(converter.mapped) == set()
        ids = {item.id for item, _group in definition.elements()}
        for oph_id, target in converter.mapped.items():
            assert target in ids or target in FACTS, oph_id

    def test_structure_survives(self, oph):
        converter = Converter(oph)
        definition = parse_definition(converter.build())
        types = [item.type for item, _group in definition.elements()]
        assert [section.title.fi for section in definition.sections[1:-1]] == [
            "Hakijan tiedot",
            "HANKKEEN TIEDOT",
            "HANKESUUNNITELMA",
            "Talousarvio",
        ]
        repeating = [item for item, _group in definition.elements() if item.type == "group" and item.repeat]
        assert {group.id for group in repeating} == {
            "signatories-fieldset",
            "other-organizations",
            "project-description",
        }
        assert {
            "yes_no",
            "single_choice",
            "multiple_choice",
            "municipality",
            "email",
            "info",
            "long_text",
            "short_text",
            "group",
            "budget",
            "period",
            "region",
        } <= set(types)
        vat = next(item for item, _group in definition.elements() if item.id == "vat-included")
        assert vat.type == "yes_no" and vat.help.fi.startswith("Arvonlisävero on hyväksyttävä")
        assert vat.label.sv.startswith("Har kostnaderna anmälts")

    def test_rules_whose_trigger_is_missing_from_the_export_are_reported(self, oph):
        converter = Converter(oph)
        converter.build()
        assert {rule["triggerId"] for rule in converter.unresolved_rules} == {
            "combined-effort",
            "continuation-project",
        }


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.get("children", []))


class TestBudget:
    def test_requested_is_costs_less_income_other_public_and_own_funding(self):
        figures = BudgetFigures.from_answer(
            {
                "costs": {"personnel": "60000", "rents": "6000.50", "travel": "3999.50"},
                "income": "2000",
                "other_public_funding": "8000",
                "own_funding": "10000",
            }
        )
        assert figures.total_eligible_costs == Decimal("70000.00")
        assert figures.requested == Decimal("50000.00")
        assert figures.requested_share == Decimal("71.43")
        assert figures.own_funding_share == Decimal("14.29")

    def test_no_costs_has_no_share(self):
        assert BudgetFigures.from_answer({}).requested_share is None

    @given(
        costs=st.dictionaries(
            st.sampled_from(list(COST_CATEGORIES)),
            st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False),
        ),
        income=st.decimals(min_value=0, max_value=1_000_000, places=2),
        other=st.decimals(min_value=0, max_value=1_000_000, places=2),
        own=st.decimals(min_value=0, max_value=1_000_000, places=2),
    )
    def test_the_budget_always_balances_to_the_cent(self, costs, income, other, own):
        figures = BudgetFigures.from_answer(
            {"costs": costs, "income": income, "other_public_funding": other, "own_funding": own}
        )
        assert figures.requested + figures.income + figures.other_public_funding + figures.own_funding == (
            figures.total_eligible_costs
        )
        assert figures.total_eligible_costs == sum(costs.values(), Decimal("0"))


@pytest.mark.django_db
class TestFormVersions:
    def test_new_call_starts_with_the_standard_form(self, official):
        call = services.call_create(
            programme=ProgrammeFactory(),
            acting_user=official,
            reference="TEM-KOTO-2030",
            title_fi="Haku",
            opens_at=CallFactory.build(upcoming=True).opens_at,
            closes_at=CallFactory.build(upcoming=True).closes_at,
        )
        form = current_form(call=call)
        assert (form.version, form.definition) == (1, parse_definition(standard_definition()).to_json())

    def test_before_opening_saving_replaces_the_version(self, official):
        call = CallFactory(upcoming=True)
        services.call_form_save(call=call, definition=standard_definition(), acting_user=official)
        changed = standard_definition()
        _question(changed, "project-name")["max_length"] = 150
        form = services.call_form_save(call=call, definition=changed, acting_user=official)
        assert form.version == 1
        assert call.forms.count() == 1
        assert _question(form.definition, "project-name")["max_length"] == 150

    def test_open_call_keeps_its_version_frozen_and_gets_a_new_one(self, official):
        call = CallFactory()
        first = services.call_form_save(call=call, definition=standard_definition(), acting_user=official)
        changed = standard_definition()
        _question(changed, "project-name")["max_length"] = 150
        second = services.call_form_save(call=call, definition=changed, acting_user=official)
        first.refresh_from_db()
        assert (first.version, second.version) == (1, 2)
        assert _question(first.definition, "project-name")["max_length"] == 200
        assert current_form(call=call) == second
        assert AuditEntry.objects.filter(action="call.form_saved", target_id=str(call.pk)).count() == 2

    def test_saving_the_same_form_again_makes_no_version(self, official):
        call = CallFactory()
        services.call_form_save(call=call, definition=standard_definition(), acting_user=official)
        services.call_form_save(call=call, definition=json.dumps(standard_definition()), acting_user=official)
        assert call.forms.count() == 1

    def test_invalid_form_is_refused_and_nothing_saved(self, official):
        call = CallFactory()
        services.call_form_save(call=call, definition=standard_definition(), acting_user=official)
        broken = copy.deepcopy(standard_definition())
        broken["sections"].pop(2)
        with pytest.raises(ValidationError) as error:
            services.call_form_save(call=call, definition=broken, acting_user=official)
        assert error.value.error_list[0].code == "invalid_form"
        assert "budget" in " ".join(error.value.messages)
        assert call.forms.count() == 1

    def test_closed_call_form_cannot_change(self, official):
        call = CallFactory(closed=True)
        with pytest.raises(ValidationError) as error:
            services.call_form_save(call=call, definition=standard_definition(), acting_user=official)
        assert error.value.code == "call_closed"
        assert not CallForm.objects.exists()

    def test_copying_a_call_copies_its_form(self, official):
        source = CallFactory(closed=True, reference="TEM-KOTO-2026")
        changed = standard_definition()
        _question(changed, "project-name")["max_length"] = 120
        CallForm.objects.create(call=source, version=3, definition=parse_definition(changed).to_json())
        copy_ = services.call_copy(
            source=source,
            acting_user=official,
            reference="TEM-KOTO-2027",
            opens_at=CallFactory.build(upcoming=True).opens_at,
            closes_at=CallFactory.build(upcoming=True).closes_at,
        )
        form = current_form(call=copy_)
        assert form.version == 1
        assert _question(form.definition, "project-name")["max_length"] == 120


@pytest.mark.django_db
class TestFormEditorPages:
    @pytest.fixture
    def call(self, official):
        call = CallFactory(upcoming=True)
        services.call_form_save(call=call, definition=standard_definition(), acting_user=official)
        return call

    def test_editor_shows_json_and_a_preview_in_the_page_language(
        self, client, official, call, reference_data
    ):
        sign_in(client, official)
        page = client.get(f"/official/calls/{call.pk}/form/").content.decode()
        assert "&quot;schema&quot;: &quot;avustamo.form/1&quot;" in page
        assert "Hankkeen nimi" in page
        swedish = client.get(f"/sv/official/calls/{call.pk}/form/").content.decode()
        assert "Projektets namn" in swedish
        assert "Nyland" in swedish

    def test_live_preview_lists_problems_without_saving(self, client, official, call):
        sign_in(client, official)
        response = client.post(
            f"/official/calls/{call.pk}/form/preview/", {"definition": '{"schema": "avustamo.form/1"}'}
        )
        assert response.status_code == 200
        assert "sections" in response.content.decode()
        assert call.forms.get().version == 1

    def test_save_from_the_editor(self, client, official, call):
        sign_in(client, official)
        changed = standard_definition()
        _question(changed, "project-name")["label"]["fi"] = "Hankkeen virallinen nimi"
        response = client.post(
            f"/official/calls/{call.pk}/form/", {"definition": json.dumps(changed), "action": "save"}
        )
        assert response.status_code == 302
        assert (
            _question(current_form(call=call).definition, "project-name")["label"]["fi"]
            == "Hankkeen virallinen nimi"
        )

    def test_invalid_form_shows_its_problems_and_saves_nothing(self, client, official, call):
        sign_in(client, official)
        before = current_form(call=call).definition
        response = client.post(
            f"/official/calls/{call.pk}/form/", {"definition": "{not json", "action": "save"}
        )
        assert response.status_code == 422
        assert 'href="#id_definition"' in response.content.decode()
        assert current_form(call=call).definition == before

    def test_import_from_a_file(self, client, official, call):
        from django.core.files.uploadedfile import SimpleUploadedFile

        sign_in(client, official)
        changed = standard_definition()
        _question(changed, "objectives")["max_length"] = 1500
        upload = SimpleUploadedFile(
            "form.json", json.dumps(changed).encode(), content_type="application/json"
        )
        response = client.post(f"/official/calls/{call.pk}/form/", {"upload": upload, "action": "save"})
        assert response.status_code == 302
        assert _question(current_form(call=call).definition, "objectives")["max_length"] == 1500

    def test_export_downloads_the_current_version(self, client, official, call):
        sign_in(client, official)
        response = client.get(f"/official/calls/{call.pk}/form.json")
        assert response["Content-Disposition"] == f'attachment; filename="{call.reference}-form-v1.json"'
        assert parse_definition(response.content).to_json() == current_form(call=call).definition

    def test_public_api_includes_the_form(self, client, call):
        call.opens_at = call.opens_at.replace(year=call.opens_at.year - 1)
        call.save()
        body = client.get(f"/api/v1/calls/{call.pk}").json()
        assert body["form"]["version"] == 1
        assert body["form"]["definition"]["schema"] == "avustamo.form/1"
