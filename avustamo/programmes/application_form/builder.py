"""The form builder's operations on a form definition as stored (a JSON dict), and what its page shows of one.

Each operation takes the definition and returns it changed, or raises `BuilderRefusal` with a message for the
official; none checks the whole form, which `parse_definition` does after every change. A draft may be invalid
while it is being built, so everything here reads the dict defensively. Each kind of question's settings are read
from its pydantic model, so that a field added to a kind appears in the builder without changes here.
"""

import copy
import json
import re
import typing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from avustamo.programmes.application_form.schema import (
    FACT_ONLY_TYPES,
    Condition,
    FormDefinition,
    Option,
    Section,
    SectionItem,
    Text,
)

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {
    "fi": gettext_lazy("Finnish"),
    "sv": gettext_lazy("Swedish"),
    "en": gettext_lazy("English"),
}


class BuilderRefusal(Exception):
    """An operation the builder will not do, with the reason for the official."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _kinds() -> dict[str, type[BaseModel]]:
    """Every kind of section item by its `type`, read from the schema's union."""
    found: dict[str, type[BaseModel]] = {}

    def walk(annotation):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for value in typing.get_args(annotation.model_fields["type"].annotation):
                found[value] = annotation
            return
        for argument in typing.get_args(annotation):
            walk(argument)

    walk(SectionItem)
    return found


KINDS = _kinds()
KIND_LABELS = {
    "short_text": gettext_lazy("Short text"),
    "long_text": gettext_lazy("Long text"),
    "number": gettext_lazy("Number"),
    "money": gettext_lazy("Amount of money"),
    "date": gettext_lazy("Date"),
    "email": gettext_lazy("Email address"),
    "business_id": gettext_lazy("Business ID"),
    "iban": gettext_lazy("IBAN"),
    "single_choice": gettext_lazy("Choice of one"),
    "multiple_choice": gettext_lazy("Choice of several"),
    "yes_no": gettext_lazy("Yes or no"),
    "region": gettext_lazy("Regions"),
    "municipality": gettext_lazy("Municipalities"),
    "attachment": gettext_lazy("Attachment"),
    "info": gettext_lazy("Text for the applicant"),
    "group": gettext_lazy("Group of questions"),
    "applicant": gettext_lazy("Applicant"),
    "contact_persons": gettext_lazy("Contact persons"),
    "period": gettext_lazy("Period of use"),
    "budget": gettext_lazy("Budget"),
    "declarations": gettext_lazy("Declarations"),
}
# Standard blocks exist once per form, carrying their fact; the builder neither adds nor removes them.
ADDABLE_KINDS = [kind for kind in KINDS if kind not in FACT_ONLY_TYPES]
FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "label": gettext_lazy("Question"),
    "text": gettext_lazy("Text"),
    "help": gettext_lazy("Help text"),
    "required": gettext_lazy("An answer is required"),
    "show_if": gettext_lazy("Show only when"),
    "max_length": gettext_lazy("Longest answer (characters)"),
    "min": gettext_lazy("Smallest allowed value"),
    "max": gettext_lazy("Largest allowed value"),
    "decimals": gettext_lazy("Decimals"),
    "options": gettext_lazy("Choices"),
    "multiple": gettext_lazy("Several may be chosen"),
    "kinds": gettext_lazy("Accepted file types"),
    "max_size_mb": gettext_lazy("Largest file (MB)"),
    "max_files": gettext_lazy("Files at most"),
    "repeat": gettext_lazy("The applicant adds rows"),
    "min_items": gettext_lazy("Fewest rows"),
    "max_items": gettext_lazy("Most rows"),
}
# Set by the builder's structure, not by settings: the id keeps answers and conditions joined, the fact is fixed.
STRUCTURAL_FIELDS = {"type", "id", "fact", "questions"}


# --- Finding things in the dict ---------------------------------------------------------------------------------


def _list(value) -> list:
    return value if isinstance(value, list) else []


def dicts(value) -> list[dict]:
    return [item for item in _list(value) if isinstance(item, dict)]


def sections(definition: dict) -> list[dict]:
    return dicts(definition.get("sections"))


def walk(definition: dict):
    """Every section, section item and group member in form order, with the list it is in."""
    all_sections = _list(definition.get("sections"))
    for section in sections(definition):
        yield section, all_sections
        items = _list(section.get("questions"))
        for item in dicts(items):
            yield item, items
            if item.get("type") == "group":
                members = _list(item.get("questions"))
                for member in dicts(members):
                    yield member, members


def find(definition: dict, element_id) -> tuple[dict, list]:
    for element, container in walk(definition):
        if element.get("id") == element_id:
            return element, container
    raise BuilderRefusal(
        _("The form has no part with the id %(id)s; it may have been removed meanwhile.")
        % {"id": element_id},
        code="unknown_element",
    )


def is_section(definition: dict, element: dict) -> bool:
    return any(element is section for section in sections(definition))


def text_of(value, language: str = "fi") -> str:
    return value.get(language, "") if isinstance(value, dict) and isinstance(value.get(language), str) else ""


def name_of(element: dict) -> str:
    """What the official calls the element: its Finnish label, title or text, else its id."""
    for key in ("label", "title", "text"):
        if text_of(element.get(key)):
            return text_of(element.get(key))
    return str(element.get("id", ""))


def _used_ids(definition: dict) -> set:
    return {element.get("id") for element, _container in walk(definition)}


def _new_id(definition: dict, stem: str) -> str:
    used = _used_ids(definition)
    number = 1
    while f"{stem}-{number}" in used:
        number += 1
    return f"{stem}-{number}"


# Placeholders for new parts, marked here for translation and written in Finnish, the form's first language,
# whatever the language of the official's page.
PLACEHOLDERS = {
    "section": gettext_noop("New section"),
    "question": gettext_noop("New question"),
    "text": gettext_noop("New text"),
    "group": gettext_noop("New group"),
    "choice": gettext_noop("Choice %(number)s"),
}


def _finnish(placeholder: str) -> str:
    with translation.override("fi"):
        return _(PLACEHOLDERS[placeholder])


# --- Operations ------------------------------------------------------------------------------------------------


def add_section(definition: dict) -> tuple[dict, str]:
    definition = copy.deepcopy(definition)
    new_id = _new_id(definition, "section")
    definition.setdefault("sections", [])
    if not isinstance(definition["sections"], list):
        raise BuilderRefusal(_("The form's sections are not a list; import a valid form."), code="malformed")
    definition["sections"].append(
        {"id": new_id, "title": {"fi": _finnish("section"), "sv": "", "en": ""}, "questions": []}
    )
    return definition, new_id


def _new_item(definition: dict, kind: str) -> dict:
    new_id = _new_id(definition, kind.replace("_", "-"))
    label = {"fi": _finnish("question"), "sv": "", "en": ""}
    if kind == "info":
        return {"type": "info", "id": new_id, "text": {"fi": _finnish("text"), "sv": "", "en": ""}}
    item = {"type": kind, "id": new_id, "label": label, "required": False}
    if kind in ("single_choice", "multiple_choice"):
        item["options"] = [
            {"value": f"choice-{number}", "label": {"fi": _finnish("choice") % {"number": number}}}
            for number in (1, 2)
        ]
    if kind == "group":
        item["label"] = {"fi": _finnish("group"), "sv": "", "en": ""}
        item["questions"] = []
    return item


def add_question(definition: dict, *, container_id: str, kind: str) -> tuple[dict, str]:
    """A new question of `kind` at the end of a section or a (non-repeating or repeating) group."""
    if kind not in ADDABLE_KINDS:
        raise BuilderRefusal(_("Choose the kind of question to add."), code="unknown_kind")
    definition = copy.deepcopy(definition)
    container, _container_list = find(definition, container_id)
    if not is_section(definition, container) and container.get("type") != "group":
        raise BuilderRefusal(_("Questions are added to a section or a group."), code="not_a_container")
    if kind == "group" and not is_section(definition, container):
        raise BuilderRefusal(_("A group cannot contain another group."), code="group_in_group")
    if not isinstance(container.get("questions"), list):
        container["questions"] = []
    item = _new_item(definition, kind)
    container["questions"].append(item)
    return definition, item["id"]


def move(definition: dict, *, element_id: str, direction: str) -> dict:
    """Swap a section with its neighbour, or a question with its neighbour in the same section or group."""
    if direction not in ("up", "down"):
        raise BuilderRefusal(_("Choose whether to move up or down."), code="unknown_direction")
    definition = copy.deepcopy(definition)
    element, container = find(definition, element_id)
    index = next(position for position, candidate in enumerate(container) if candidate is element)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(container):
        message = _("“%(name)s” is already first.") if direction == "up" else _("“%(name)s” is already last.")
        raise BuilderRefusal(message % {"name": name_of(element)}, code="cannot_move")
    container[index], container[other] = container[other], container[index]
    return definition


def _within(element: dict) -> list[dict]:
    """The element and everything inside it (a section's questions, a group's members)."""
    inside = [element]
    for item in dicts(element.get("questions")):
        inside.extend(_within(item))
    return inside


def dependents(definition: dict, element_ids: set) -> list[dict]:
    """The elements whose condition refers to one of `element_ids`."""
    return [
        element
        for element, _container in walk(definition)
        if isinstance(element.get("show_if"), dict)
        and element["show_if"].get("question") in element_ids
        and element.get("id") not in element_ids
    ]


def removable(element: dict) -> bool:
    """Whether nothing in the element is a standard block (which the form must keep)."""
    return not any(item.get("fact") for item in _within(element))


def remove(definition: dict, *, element_id: str) -> dict:
    """Remove a section or question; standard blocks and what conditions depend on stay."""
    definition = copy.deepcopy(definition)
    element, container = find(definition, element_id)
    removed = _within(element)
    standard = [item for item in removed if item.get("fact")]
    if standard:
        raise BuilderRefusal(
            _("“%(name)s” cannot be removed: it is or holds a standard block of the form (%(blocks)s).")
            % {"name": name_of(element), "blocks": ", ".join(f"“{name_of(item)}”" for item in standard)},
            code="standard_block",
        )
    depending = dependents(definition, {item.get("id") for item in removed})
    if depending:
        raise BuilderRefusal(
            _(
                "“%(name)s” cannot be removed: the condition of %(dependents)s depends on it. Change those first."
            )
            % {
                "name": name_of(element),
                "dependents": ", ".join(f"“{name_of(item)}”" for item in depending),
            },
            code="has_dependents",
        )
    container.remove(element)
    return definition


def imported(text: str) -> dict:
    """A definition given as JSON, to replace the draft: it must have a form's shape for the builder to work on,
    while what spans elements (conditions, standard blocks) is left for the builder to show and correct."""
    try:
        return FormDefinition.model_validate(json.loads(text)).to_json()
    # Nesting deeper than the parser's recursion limit is not a form either.
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        if isinstance(error, PydanticError):
            problems = "; ".join(
                f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
                for item in error.errors(include_url=False)[:5]
            )
            raise BuilderRefusal(
                _("The JSON is not a form definition, so it was not imported: %(problems)s")
                % {"problems": problems},
                code="import_not_a_form",
            ) from None
        raise BuilderRefusal(
            _("The text is not valid JSON, so it was not imported: %(error)s") % {"error": error},
            code="import_invalid_json",
        ) from None


# --- Settings, read from each kind's model ---------------------------------------------------------------------


@dataclass
class Setting:
    """One setting of an element as the builder's form shows it."""

    name: str
    widget: str  # checkbox, number, text, translated, options, choices, condition
    label: str
    value: object = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    optional: bool = False
    whole: bool = False  # a number without decimals

    @property
    def texts(self) -> list[tuple[str, str, str]]:
        """A translated setting's text in each language: (code, language's name, text)."""
        return [(code, str(LANGUAGE_NAMES[code]), text_of(self.value, code)) for code in LANGUAGES]

    @property
    def option_rows(self) -> list[dict]:
        """The options editor's rows: each option, then an empty one that adds a choice."""
        rows = [*dicts(self.value), {"value": "", "label": {}}]
        return [
            {
                "index": str(index),
                "value": str(option.get("value", "")),
                "texts": [
                    (code, str(LANGUAGE_NAMES[code]), text_of(option.get("label"), code))
                    for code in LANGUAGES
                ],
            }
            for index, option in enumerate(rows)
        ]

    @property
    def condition_value(self) -> str:
        """A condition as its choice in the builder's list: `question=value`."""
        if not isinstance(self.value, dict):
            return ""
        return f"{self.value.get('question', '')}={self.value.get('equals', '')}"


def model_of(definition: dict, element: dict) -> type[BaseModel] | None:
    return Section if is_section(definition, element) else KINDS.get(element.get("type"))


def _widget(annotation) -> tuple[str, list, bool, bool]:
    """The input for a field's type: its widget, the values it offers, whether it may be left empty and whether
    it is a whole number."""
    arguments = typing.get_args(annotation)
    optional = type(None) in arguments
    if optional:
        (annotation,) = [argument for argument in arguments if argument is not type(None)]
        arguments = typing.get_args(annotation)
    if annotation is bool:
        return "checkbox", [], optional, False
    if annotation in (int, Decimal):
        return "number", [], optional, annotation is int
    if annotation is Text:
        return "translated", [], optional, False
    if annotation is Condition:
        return "condition", [], optional, False
    if typing.get_origin(annotation) is list and arguments and arguments[0] is Option:
        return "options", [], optional, False
    if (
        typing.get_origin(annotation) is list
        and arguments
        and typing.get_origin(arguments[0]) is typing.Literal
    ):
        return "choices", list(typing.get_args(arguments[0])), optional, False
    return "text", [], optional, False


def settings(definition: dict, element: dict) -> list[Setting]:
    """The element's settings, in its model's field order, with their current values."""
    model = model_of(definition, element)
    if model is None:
        return []
    found = []
    for name, info in model.model_fields.items():
        if name in STRUCTURAL_FIELDS:
            continue
        widget, values, optional, whole = _widget(info.annotation)
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        found.append(
            Setting(
                name=name,
                widget=widget,
                label=str(FIELD_LABELS.get(name, name.replace("_", " "))),
                value=element.get(name, default),
                choices=[(str(value), str(value)) for value in values],
                optional=optional,
                whole=whole,
            )
        )
    return found


def condition_choices(definition: dict, element: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a condition of `element` may depend on: each earlier yes/no or single-choice question with its answers,
    as `question=value` choices grouped by question."""
    offered = []
    for candidate, _container in walk(definition):
        if candidate is element:
            break
        if candidate.get("type") == "yes_no":
            answers = [("yes", _("Yes")), ("no", _("No"))]
        elif candidate.get("type") == "single_choice":
            answers = [
                (str(option.get("value", "")), text_of(option.get("label")) or str(option.get("value", "")))
                for option in dicts(candidate.get("options"))
            ]
        else:
            continue
        question = str(candidate.get("id", ""))
        offered.append(
            (
                name_of(candidate),
                [
                    (
                        f"{question}={value}",
                        _("“%(question)s” is “%(answer)s”")
                        % {
                            "question": name_of(candidate),
                            "answer": answer,
                        },
                    )
                    for value, answer in answers
                ],
            )
        )
    return offered


def _number(text: str, whole: bool):
    """A typed number as the schema stores it; text that is not one is kept for the schema's check to name."""
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        return int(cleaned) if whole else str(Decimal(cleaned))
    except (ValueError, InvalidOperation):
        return text


def _translated(data, name: str) -> dict:
    return {language: data.get(f"{name}-{language}", "").strip() for language in LANGUAGES}


def _options(data) -> list[dict]:
    """The options editor's rows in order, without removed and empty ones (the editor offers one empty row)."""
    options = []
    index = 0
    while f"options-{index}-value" in data:
        prefix = f"options-{index}"
        value = data.get(f"{prefix}-value", "").strip()
        label = _translated(data, f"{prefix}-label")
        index += 1
        if data.get(f"{prefix}-remove") or not (value or any(label.values())):
            continue
        options.append({"value": value, "label": label})
    return options


def apply_settings(definition: dict, *, element_id: str, data) -> dict:
    """Set the element's settings from the builder's form (`data` has `get` and `getlist`, like a QueryDict)."""
    definition = copy.deepcopy(definition)
    element, _container = find(definition, element_id)
    for setting in settings(definition, element):
        name = setting.name
        if setting.widget == "checkbox":
            value = bool(data.get(name))
        elif setting.widget == "number":
            text = data.get(name, "").strip()
            value = _number(text, setting.whole) if text else None
        elif setting.widget == "translated":
            value = _translated(data, name)
            if setting.optional and not any(value.values()):
                value = None
        elif setting.widget == "options":
            value = _options(data)
        elif setting.widget == "choices":
            chosen = set(data.getlist(name))
            value = [choice for choice, _label in setting.choices if choice in chosen]
        elif setting.widget == "condition":
            question, _separator, equals = data.get(name, "").partition("=")
            value = {"question": question, "equals": equals} if question and equals else None
        else:
            value = data.get(name, "").strip()
        if value is None:
            element.pop(name, None)
        else:
            element[name] = value
    return definition


# --- What the page shows ---------------------------------------------------------------------------------------


def missing_translations(definition: dict) -> int:
    """How many Swedish and English texts are missing where the Finnish one is given."""
    count = 0

    def visit(value):
        nonlocal count
        if isinstance(value, dict):
            if isinstance(value.get("fi"), str) and value["fi"]:
                count += sum(1 for language in ("sv", "en") if not text_of(value, language))
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(definition.get("sections"))
    return count


_INDEXED = re.compile(r"^sections\[(\d+)\](?:\.questions\[(\d+)\](?:\.\w+)?(?:\.questions\[(\d+)\])?)?")


def element_of_problem(definition: dict, path: str) -> str | None:
    """The id of the section or question a problem of `parse_definition` is about, or None for the whole form.

    Cross-element problems name the element's id; shape problems give pydantic's location, in which a question's
    type stands between its index and its field (`sections[1].questions[3].short_text.max_length`)."""
    ids = _used_ids(definition)
    if path in ids:
        return path
    match = _INDEXED.match(path)
    if match is None:
        return None
    section_index, item_index, member_index = (int(part) if part else None for part in match.groups())
    element = _at(_list(definition.get("sections")), section_index)
    for index in (item_index, member_index):
        if index is None or element is None:
            break
        element = _at(_list(element.get("questions")), index) or element
    return element.get("id") if isinstance(element, dict) and isinstance(element.get("id"), str) else None


def _at(items: list, index):
    return (
        items[index]
        if index is not None and 0 <= index < len(items) and isinstance(items[index], dict)
        else None
    )


def problems_by_element(definition: dict, problems: list[dict]) -> tuple[dict[str, list[dict]], list[dict]]:
    """The problems of each element by its id, and those about the whole form; each problem about one setting
    names it (`setting`, its label) so that the page can say which."""
    by_element: dict[str, list[dict]] = {}
    whole_form = []
    for problem in problems:
        setting = next((part for part in re.split(r"[.\[\]]", problem["path"]) if part in FIELD_LABELS), None)
        problem = {**problem, "setting": str(FIELD_LABELS[setting]) if setting else ""}
        element_id = element_of_problem(definition, problem["path"])
        if element_id is None:
            whole_form.append(problem)
        else:
            by_element.setdefault(element_id, []).append(problem)
    return by_element, whole_form
