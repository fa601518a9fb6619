"""The form builder: its operations on a definition, the draft's services, and its pages (issue 18 §2)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils import translation
from pydantic import Field

from avustamo.core.models import AuditEntry
from avustamo.programmes import services
from avustamo.programmes.application_form import builder
from avustamo.programmes.application_form.schema import (
    FACTS,
    REPORT_FACTS,
    FormDefinitionError,
    ShortText,
    parse_definition,
)
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import FormDraft, FormPurpose
from avustamo.programmes.selectors import current_form
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import CallFactory, MembershipFactory, UserFactory


@pytest.fixture
def english():
    """The builder's messages in English, as the tests read them."""
    with translation.override("en"):
        yield


def _data(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key.replace("__", "-"), value if isinstance(value, list) else [value])
    return data


def _form_with_condition() -> tuple[dict, str, str]:
    """The standard form with a section holding a yes/no question and a question shown when it is "yes"."""
    definition, section = builder.add_section(standard_definition())
    definition, trigger = builder.add_question(definition, container_id=section, kind="yes_no")
    definition, follow_up = builder.add_question(definition, container_id=section, kind="short_text")
    definition = builder.apply_settings(
        definition,
        element_id=follow_up,
        data=_data(
            label__fi="Mikä kumppani?", label__sv="Vilken partner?", label__en="", show_if=f"{trigger}=yes"
        ),
    )
    return definition, trigger, follow_up


@pytest.mark.usefixtures("english")
class TestOperations:
    def test_a_new_section_and_its_questions_get_ids_of_their_own(self):
        definition, section = builder.add_section(standard_definition())
        definition, first = builder.add_question(definition, container_id=section, kind="short_text")
        definition, second = builder.add_question(definition, container_id=section, kind="short_text")
        assert (section, first, second) == ("section-1", "short-text-1", "short-text-2")
        assert [item["id"] for item in definition["sections"][-1]["questions"]] == [first, second]
        parse_definition(definition)

    def test_a_choice_begins_with_two_options_and_a_group_takes_questions(self):
        definition, section = builder.add_section(standard_definition())
        definition, choice = builder.add_question(definition, container_id=section, kind="single_choice")
        definition, group = builder.add_question(definition, container_id=section, kind="group")
        definition, member = builder.add_question(definition, container_id=group, kind="money")
        assert len(builder.find(definition, choice)[0]["options"]) == 2
        assert builder.find(definition, group)[0]["questions"][0]["id"] == member
        parse_definition(definition)

    @pytest.mark.parametrize(
        "kind, container, code",
        [
            ("budget", "project-section", "unknown_kind"),
            ("no_such_kind", "project-section", "unknown_kind"),
            ("short_text", "project-name", "not_a_container"),
            ("short_text", "nowhere", "unknown_element"),
        ],
    )
    def test_refused_additions(self, kind, container, code):
        definition = standard_definition()
        with pytest.raises(builder.BuilderRefusal) as refusal:
            builder.add_question(definition, container_id=container, kind=kind)
        assert refusal.value.code == code
        assert definition == standard_definition()

    def test_a_group_cannot_hold_a_group(self):
        definition, section = builder.add_section(standard_definition())
        definition, group = builder.add_question(definition, container_id=section, kind="group")
        with pytest.raises(builder.BuilderRefusal, match="cannot contain another group"):
            builder.add_question(definition, container_id=group, kind="group")

    def test_moving_swaps_with_the_neighbour_in_the_same_list(self):
        definition = standard_definition()
        names = [section["id"] for section in definition["sections"]]
        moved = builder.move(definition, element_id=names[1], direction="up")
        assert [section["id"] for section in moved["sections"]][:2] == [names[1], names[0]]
        items = [item["id"] for item in definition["sections"][1]["questions"]]
        moved = builder.move(definition, element_id=items[0], direction="down")
        assert [item["id"] for item in moved["sections"][1]["questions"]][:2] == [items[1], items[0]]
        assert definition == standard_definition(), "the operation changes a copy"

    def test_the_first_cannot_move_up_and_the_message_names_it(self):
        definition = standard_definition()
        first = definition["sections"][0]
        with pytest.raises(builder.BuilderRefusal) as refusal:
            builder.move(definition, element_id=first["id"], direction="up")
        assert refusal.value.message == f"“{first['title']['fi']}” is already first."

    def test_a_standard_block_and_the_section_holding_it_are_not_removed(self):
        definition = standard_definition()
        for element_id in ("project-name", "project-section"):
            with pytest.raises(builder.BuilderRefusal) as refusal:
                builder.remove(definition, element_id=element_id)
            assert refusal.value.code == "standard_block"
            assert "“Hankkeen nimi”" in refusal.value.message

    def test_a_question_a_condition_depends_on_is_not_removed_and_the_dependents_are_named(self):
        definition, trigger, follow_up = _form_with_condition()
        with pytest.raises(builder.BuilderRefusal) as refusal:
            builder.remove(definition, element_id=trigger)
        assert refusal.value.code == "has_dependents"
        assert "“Mikä kumppani?”" in refusal.value.message
        removed = builder.remove(builder.remove(definition, element_id=follow_up), element_id=trigger)
        assert trigger not in [element.get("id") for element, _container in builder.walk(removed)]


@pytest.mark.usefixtures("english")
class TestSettings:
    def test_every_field_of_a_kind_is_offered_with_its_input(self):
        definition = standard_definition()
        definition, section = builder.add_section(definition)
        definition, question = builder.add_question(definition, container_id=section, kind="attachment")
        widgets = {
            setting.name: setting.widget
            for setting in builder.settings(definition, builder.find(definition, question)[0])
        }
        assert widgets == {
            "label": "translated",
            "help": "translated",
            "required": "checkbox",
            "show_if": "condition",
            "kinds": "choices",
            "max_size_mb": "number",
            "max_files": "number",
        }

    def test_a_field_added_to_a_kind_appears_without_changes_to_the_builder(self, monkeypatch):
        class LongerShortText(ShortText):
            min_length: int = Field(0, ge=0)

        monkeypatch.setitem(builder.KINDS, "short_text", LongerShortText)
        definition = builder.apply_settings(
            standard_definition(), element_id="project-name", data=_data(label__fi="Nimi", min_length="3")
        )
        assert builder.find(definition, "project-name")[0]["min_length"] == 3

    def test_settings_are_written_as_the_schema_stores_them(self):
        definition, section = builder.add_section(standard_definition())
        definition, number = builder.add_question(definition, container_id=section, kind="money")
        definition, attachment = builder.add_question(definition, container_id=section, kind="attachment")
        definition = builder.apply_settings(
            definition,
            element_id=number,
            data=_data(label__fi="Summa", label__sv="Summa", required="on", min="1 000,50", max=""),
        )
        definition = builder.apply_settings(
            definition, element_id=attachment, data=_data(label__fi="Liite", kinds=["png", "pdf", "exe"])
        )
        money = builder.find(definition, number)[0]
        assert money["label"] == {"fi": "Summa", "sv": "Summa", "en": ""}
        assert money["required"] is True and money["min"] == "1000.50" and "max" not in money
        assert "help" not in money, "an empty optional text is left out"
        assert builder.find(definition, attachment)[0]["kinds"] == ["pdf", "png"]
        parse_definition(definition)

    def test_the_options_editor_adds_removes_and_skips_the_empty_row(self):
        definition, section = builder.add_section(standard_definition())
        definition, choice = builder.add_question(definition, container_id=section, kind="single_choice")
        definition = builder.apply_settings(
            definition,
            element_id=choice,
            data=_data(
                label__fi="Valitse",
                options__0__value="a",
                options__0__label__fi="A",
                options__1__value="b",
                options__1__label__fi="B",
                options__1__remove="on",
                options__2__value="c",
                options__2__label__fi="C",
                options__2__label__sv="C",
                options__3__value="",
                options__3__label__fi="",
            ),
        )
        assert builder.find(definition, choice)[0]["options"] == [
            {"value": "a", "label": {"fi": "A", "sv": "", "en": ""}},
            {"value": "c", "label": {"fi": "C", "sv": "C", "en": ""}},
        ]

    def test_a_condition_offers_earlier_yes_no_and_single_choice_answers_only(self):
        definition, trigger, follow_up = _form_with_condition()
        offered = builder.condition_choices(definition, builder.find(definition, follow_up)[0])
        values = [value for _question, answers in offered for value, _label in answers]
        # The standard form's own VAT question is an earlier yes/no question too.
        assert values == ["vat-recoverable=yes", "vat-recoverable=no", f"{trigger}=yes", f"{trigger}=no"]
        offered_to_trigger = builder.condition_choices(definition, builder.find(definition, trigger)[0])
        assert [value for _question, answers in offered_to_trigger for value, _label in answers] == [
            "vat-recoverable=yes",
            "vat-recoverable=no",
        ]
        assert builder.find(definition, follow_up)[0]["show_if"] == {"question": trigger, "equals": "yes"}
        parse_definition(definition)

    def test_a_wrong_number_is_kept_for_the_check_to_show_next_to_its_question(self):
        definition = builder.apply_settings(
            standard_definition(), element_id="project-name", data=_data(label__fi="Nimi", max_length="lots")
        )
        with pytest.raises(FormDefinitionError) as error:
            parse_definition(definition)
        by_element, whole_form = builder.problems_by_element(definition, error.value.problems)
        assert not whole_form
        [problem] = by_element["project-name"]
        assert problem["setting"] == "Longest answer (characters)"


@pytest.mark.usefixtures("english")
class TestWhatThePageShows:
    def test_problems_are_placed_by_pydantic_location_and_by_id(self):
        definition, section = builder.add_section(standard_definition())
        definition, group = builder.add_question(definition, container_id=section, kind="group")
        definition, member = builder.add_question(definition, container_id=group, kind="short_text")
        builder.find(definition, member)[0]["label"]["fi"] = ""
        optional_fact = standard_definition()
        builder.find(optional_fact, "objectives")[0]["required"] = False
        for broken, where in ((definition, member), (optional_fact, "objectives")):
            with pytest.raises(FormDefinitionError) as error:
                parse_definition(broken)
            by_element, whole_form = builder.problems_by_element(broken, error.value.problems)
            assert list(by_element) == [where] and not whole_form
        assert builder.element_of_problem(definition, "(form)") is None

    def test_an_empty_section_is_its_own_problem(self):
        definition, section = builder.add_section(standard_definition())
        with pytest.raises(FormDefinitionError) as error:
            parse_definition(definition)
        by_element, _whole_form = builder.problems_by_element(definition, error.value.problems)
        assert list(by_element) == [section]

    def test_missing_translations_are_counted_where_the_finnish_is_given(self):
        definition, _trigger, _follow_up = _form_with_condition()
        # The new section's title (sv, en), the yes/no question's label (sv, en), the follow-up's English.
        assert builder.missing_translations(definition) == 5
        assert builder.missing_translations(standard_definition()) == 0


@pytest.mark.usefixtures("english")
class TestImport:
    def test_text_that_is_not_json_or_not_a_form_is_refused(self):
        with pytest.raises(builder.BuilderRefusal, match="not valid JSON"):
            builder.imported("{not json")
        with pytest.raises(builder.BuilderRefusal, match="not a form definition"):
            builder.imported('{"sections": "none"}')
        with pytest.raises(builder.BuilderRefusal, match="not valid JSON"):
            builder.imported("[" * 100_000)

    def test_a_form_with_cross_element_problems_is_imported_to_be_corrected(self):
        definition = standard_definition()
        definition["sections"].pop()  # the declarations
        imported = builder.imported(json.dumps(definition))
        with pytest.raises(FormDefinitionError):
            parse_definition(imported)


@pytest.fixture
def call(official):
    call = CallFactory(upcoming=True)
    services.call_form_save(call=call, definition=standard_definition(), acting_user=official)
    return call


def _change(call, official, operation, version=0, action="test"):
    return services.form_draft_change(
        call=call,
        purpose=FormPurpose.APPLICATION,
        version=version,
        operation=operation,
        starting_definition=current_form(call=call).definition,
        action=action,
        acting_user=official,
    )


def _publish(call, official, version):
    return services.form_draft_publish(
        call=call,
        purpose=FormPurpose.APPLICATION,
        version=version,
        facts=FACTS,
        save=lambda definition: services.call_form_save(
            call=call, definition=definition, acting_user=official
        ),
        current_definition=current_form(call=call).definition,
        acting_user=official,
    )


@pytest.mark.django_db
class TestDraftServices:
    def test_the_first_change_starts_a_draft_from_the_version_in_use(self, call, official):
        draft = _change(
            call, official, lambda definition: builder.add_section(definition)[0], action="add_section"
        )
        assert draft.version == 1 and draft.updated_by == official
        assert draft.definition["sections"][:-1] == current_form(call=call).definition["sections"]
        assert AuditEntry.objects.filter(action="form_draft.changed", details__change="add_section").exists()

    def test_a_change_made_on_a_stale_page_is_refused_and_changes_nothing(self, call, official):
        _change(call, official, lambda definition: builder.add_section(definition)[0])
        with pytest.raises(ValidationError) as error:
            _change(call, official, lambda definition: builder.add_section(definition)[0], version=0)
        assert error.value.code == "stale_draft"
        draft = FormDraft.objects.get()
        assert (
            draft.version == 1
            and len(draft.definition["sections"]) == len(standard_definition()["sections"]) + 1
        )

    def test_a_refused_operation_saves_nothing(self, call, official):
        with pytest.raises(ValidationError) as error:
            _change(call, official, lambda definition: builder.remove(definition, element_id="budget"))
        assert error.value.code == "standard_block"
        assert not FormDraft.objects.exists()

    def test_publishing_is_refused_while_the_draft_has_problems(self, call, official):
        draft = _change(call, official, lambda definition: builder.add_section(definition)[0])
        with pytest.raises(ValidationError) as error:
            _publish(call, official, draft.version)
        assert error.value.code == "draft_has_problems"
        assert FormDraft.objects.exists() and current_form(call=call).version == 1

    def test_publishing_saves_through_the_forms_service_and_ends_the_draft(self, call, official):
        definition, _trigger, follow_up = _form_with_condition()
        draft = _change(call, official, lambda _definition: definition)
        saved = _publish(call, official, draft.version)
        assert saved == current_form(call=call)
        assert builder.find(saved.definition, follow_up)[0]["show_if"]["equals"] == "yes"
        assert not FormDraft.objects.exists()
        assert AuditEntry.objects.filter(action="form_draft.published").exists()

    def test_a_draft_is_not_published_over_a_version_saved_as_json_after_it_began(self, call, official):
        definition, _trigger, _follow_up = _form_with_condition()
        draft = _change(call, official, lambda _definition: definition)
        saved_as_json = standard_definition()
        saved_as_json["sections"][0]["title"]["fi"] = "Hakija ja yhteyshenkilöt"
        services.call_form_save(call=call, definition=saved_as_json, acting_user=official)
        with pytest.raises(ValidationError) as error:
            _publish(call, official, draft.version)
        assert error.value.code == "draft_behind"
        assert current_form(call=call).definition["sections"][0]["title"]["fi"] == "Hakija ja yhteyshenkilöt"
        assert FormDraft.objects.get().definition == definition  # kept, to be discarded or exported

    def test_discarding_leaves_the_version_in_use(self, call, official):
        draft = _change(call, official, lambda definition: builder.add_section(definition)[0])
        services.form_draft_discard(
            call=call, purpose=FormPurpose.APPLICATION, version=draft.version, acting_user=official
        )
        assert not FormDraft.objects.exists() and current_form(call=call).version == 1

    def test_only_call_managers_change_drafts(self, call):
        with pytest.raises(PermissionDenied):
            _change(call, UserFactory(roles=["presenter"]), lambda definition: definition)
        assert not FormDraft.objects.exists()


@pytest.mark.django_db
class TestBuilderPages:
    @pytest.fixture
    def signed_in(self, client, official, reference_data):
        sign_in(client, official)
        return client

    def _url(self, call):
        return f"/official/calls/{call.pk}/form/builder/"

    def test_without_a_draft_the_builder_shows_the_version_in_use_and_creates_nothing(self, signed_in, call):
        page = signed_in.get(self._url(call)).content.decode()
        assert "Hankkeen nimi" in page and 'id="part-project-name"' in page
        assert "There is no draft" in page or "Luonnosta ei ole" in page
        assert not FormDraft.objects.exists()

    def test_a_change_without_javascript_redirects_back_to_the_changed_part(self, signed_in, call):
        response = signed_in.post(
            self._url(call),
            {
                "action": "add_question",
                "element": "project-section",
                "kind": "yes_no",
                "version": "0",
                "preview": "sv",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == f"{self._url(call)}?preview=sv&edit=yes-no-1#part-yes-no-1"
        page = signed_in.get(response["Location"]).content.decode()
        assert 'id="s-yes-no-1-label-sv"' in page, "the new question's settings are open"
        assert 'lang="sv" id="builder-preview-form"' in page and "Projektets namn" in page

    def test_with_htmx_the_workspace_comes_back_in_place(self, signed_in, call):
        response = signed_in.post(
            f"/en{self._url(call)}",
            {"action": "add_section", "version": "0", "preview": "en"},
            HTTP_HX_REQUEST="true",
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert page.startswith('<div id="builder-workspace"')
        assert "Added. Its settings are open below." in page
        assert 'href="#part-section-1"' in page, "the empty section's problem is linked from the summary"

    def test_a_stale_page_is_told_so_and_nothing_changes(self, signed_in, call):
        signed_in.post(self._url(call), {"action": "add_section", "version": "0"})
        response = signed_in.post(
            f"/en{self._url(call)}", {"action": "add_section", "version": "0"}, follow=True
        )
        assert "Someone else changed this form meanwhile" in response.content.decode()
        assert FormDraft.objects.get().version == 1

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"action": "dance", "version": "0"}, "The builder does not know what to do"),
            ({"action": "move_up", "element": "nothing-here", "version": "0"}, "has no part with the id"),
            ({"action": "add_section", "version": "many"}, "Someone else changed this form meanwhile"),
            ({"action": "add_question", "element": "project-section", "version": "0"}, "Choose the kind"),
            ({"action": "import", "version": "0"}, "Enter the form definition or choose a file."),
            ({"action": "import", "definition": "[1]", "version": "0"}, "not a form definition"),
            ({"action": "publish", "version": "0"}, "There is no draft to publish."),
        ],
    )
    def test_a_bad_post_gets_a_clear_message(self, signed_in, call, data, message):
        response = signed_in.post(f"/en{self._url(call)}", data, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not FormDraft.objects.exists()

    def test_settings_errors_are_shown_next_to_the_question(self, signed_in, call):
        signed_in.post(
            self._url(call),
            {
                "action": "settings",
                "element": "project-name",
                "version": "0",
                "label-fi": "Nimi",
                "max_length": "x",
            },
        )
        page = signed_in.get(f"/en{self._url(call)}").content.decode()
        part = page[page.index('id="part-project-name"') :]
        assert part.index('class="errorlist"') < part.index("</div>")
        assert 'href="#part-project-name">“Nimi”, longest answer (characters):' in page

    def test_building_and_publishing_a_form_with_a_condition(self, signed_in, call):
        definition, trigger, follow_up = _form_with_condition()
        url = self._url(call)
        signed_in.post(url, {"action": "import", "definition": json.dumps(definition), "version": "0"})
        response = signed_in.post(url, {"action": "publish", "version": "1"})
        assert response.status_code == 302
        published = current_form(call=call)
        assert builder.find(published.definition, follow_up)[0]["show_if"] == {
            "question": trigger,
            "equals": "yes",
        }
        assert not FormDraft.objects.exists()

    def test_the_draft_is_downloaded_as_json(self, signed_in, call):
        export = f"/official/calls/{call.pk}/form/draft.json"
        assert signed_in.get(export).status_code == 404
        signed_in.post(self._url(call), {"action": "add_section", "version": "0"})
        response = signed_in.get(export)
        assert response.json() == FormDraft.objects.get().definition
        assert "attachment;" in response["Content-Disposition"]

    def test_the_page_takes_as_many_queries_whatever_the_forms_size(
        self, signed_in, call, official, django_assert_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def grow(definition):
            definition, section = builder.add_section(definition)
            for _ in range(30):
                definition, _question = builder.add_question(definition, container_id=section, kind="yes_no")
            return definition

        draft = _change(call, official, lambda definition: definition)
        with CaptureQueriesContext(connection) as small:
            assert signed_in.get(f"{self._url(call)}?edit=project-name").status_code == 200
        _change(call, official, grow, version=draft.version)
        with django_assert_num_queries(len(small.captured_queries)):
            assert signed_in.get(f"{self._url(call)}?edit=project-name").status_code == 200


@pytest.mark.django_db
class TestReportFormBuilder:
    def test_a_manager_builds_and_publishes_the_final_report_form(self, client, reference_data):
        call = CallFactory()
        sign_in(client, UserFactory(roles=["programme_manager"]))
        url = f"/official/calls/{call.pk}/report-forms/final/builder/"
        assert 'id="part-actual-budget"' in client.get(url).content.decode()
        client.post(
            url, {"action": "add_question", "element": "results-section", "kind": "number", "version": "0"}
        )
        draft = FormDraft.objects.get(purpose=FormPurpose.FINAL)
        client.post(url, {"action": "publish", "version": str(draft.version)})
        saved = call.report_forms.get(kind="final")
        assert saved.definition == parse_definition(draft.definition, facts=REPORT_FACTS).to_json()
        assert not FormDraft.objects.exists()

    def test_officials_who_do_not_prepare_calls_read_it_without_the_buttons(self, client, reference_data):
        call = CallFactory()
        presenter = UserFactory(roles=["presenter"])
        sign_in(client, presenter)
        url = f"/official/calls/{call.pk}/report-forms/interim/builder/"
        page = client.get(url).content.decode()
        assert "move-down-" not in page and 'value="publish"' not in page
        assert client.post(url, {"action": "add_section", "version": "0"}).status_code == 403
        assert not FormDraft.objects.exists()

    @pytest.mark.parametrize("role, expected", [("anonymous", LOGIN), ("applicant", 403)])
    def test_others_are_refused(self, client, role, expected):
        from django.contrib.auth.models import AnonymousUser

        call = CallFactory()
        user = AnonymousUser() if role == "anonymous" else MembershipFactory().person
        assert_access(client, user, "GET", f"/official/calls/{call.pk}/report-forms/final/builder/", expected)
