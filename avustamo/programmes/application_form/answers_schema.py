"""The JSON Schema of the answers to one form version, made from its definition so that it cannot drift.

It describes the answers as the API takes and gives them (`answers` of an application, keyed by question id) and
what submission asks for: the required questions, including those a condition shows. Rules that span answers or
need the call (the period within the call's bounds, the budget's shares) are checked at submission and named in
the descriptions, not in the schema.
"""

from avustamo.programmes.application_form.budget import COST_CATEGORIES, FINANCING_LINES
from avustamo.programmes.application_form.presentation import CONTACT_FIELDS
from avustamo.programmes.application_form.schema import FormDefinition, Group, Info

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# As the answers are stored: amounts as decimal strings, a point before the decimals.
AMOUNT = {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$", "description": "euros, e.g. 1500.50"}
# Asked nothing (shown from the organisation, or uploaded as files): no answer in `answers`.
NOT_ANSWERED = ("applicant", "attachment")


def _number(item) -> dict:
    decimals = getattr(item, "decimals", 2 if item.type == "money" else 0)
    fraction = rf"(\.[0-9]{{1,{decimals}}})?" if decimals else ""
    bounds = [
        text
        for text in (
            f"at least {item.min}" if item.min is not None else "",
            f"at most {item.max}" if item.max is not None else "",
        )
        if text
    ]
    unit = "euros" if item.type == "money" else "a number"
    return {
        "type": "string",
        "pattern": rf"^{'-?' if item.type == 'number' else ''}[0-9]{{1,12}}{fraction}$",
        "description": ", ".join([f"{unit} as a decimal string", *bounds]),
    }


def _one_or_many(values: list[str], multiple: bool) -> dict:
    if multiple:
        return {"type": "array", "items": {"enum": values}, "uniqueItems": True}
    return {"type": "string", "enum": values}


def _period() -> dict:
    return {
        "type": "object",
        "properties": {
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
        },
        "additionalProperties": False,
        "description": "the period of use: within the call's bounds, the end not before the start",
    }


def _budget() -> dict:
    return {
        "type": "object",
        "properties": {
            "costs": {
                "type": "object",
                "properties": dict.fromkeys(COST_CATEGORIES, AMOUNT),
                "additionalProperties": False,
                "description": "eligible costs by category",
            },
            **dict.fromkeys(FINANCING_LINES, AMOUNT),
        },
        "additionalProperties": False,
        "description": (
            "the grant applied for is the costs less income, other public funding and own funding; the call's "
            "largest share and smallest own funding are checked at submission"
        ),
    }


def _contact_persons(item) -> dict:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                field: {"type": "string", "format": "email"} if field == "email" else {"type": "string"}
                for field in CONTACT_FIELDS
            },
            "additionalProperties": False,
        },
        "minItems": item.min_items if item.required else 0,
        "maxItems": item.max_items,
    }


def question_schema(item, *, regions: list[str], municipalities: list[str], declarations: list[str]) -> dict:
    """The schema of one question's answer."""
    kind = item.type
    if kind in ("short_text", "long_text"):
        schema = {"type": "string", "maxLength": item.max_length}
    elif kind in ("number", "money"):
        schema = _number(item)
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "email":
        schema = {"type": "string", "format": "email"}
    elif kind == "business_id":
        schema = {"type": "string", "pattern": r"^[0-9]{7}-[0-9]$", "description": "Business ID (Y-tunnus)"}
    elif kind == "iban":
        schema = {"type": "string", "pattern": r"^[A-Z]{2}[0-9]{2}[A-Z0-9 ]{11,40}$", "description": "IBAN"}
    elif kind in ("single_choice", "multiple_choice"):
        schema = _one_or_many([option.value for option in item.options], kind == "multiple_choice")
    elif kind == "yes_no":
        schema = {"type": "string", "enum": ["yes", "no"]}
    elif kind == "region":
        schema = _one_or_many(regions, item.multiple)
    elif kind == "municipality":
        schema = _one_or_many(municipalities, item.multiple)
    elif kind == "declarations":
        schema = {
            "type": "array",
            "items": {"enum": declarations},
            "uniqueItems": True,
            "description": "the ids of the call's declarations the applicant confirms; at submission, all",
        }
    elif kind == "period":
        schema = _period()
    elif kind == "budget":
        schema = _budget()
    elif kind == "contact_persons":
        schema = _contact_persons(item)
    else:
        raise ValueError(f"No answer schema for question type {kind}")
    if item.required and schema["type"] == "string":
        schema["minLength"] = 1
    elif item.required and schema["type"] == "array":
        schema.setdefault("minItems", 1)
    return {"title": item.label.fi, **schema}


def _condition(condition) -> dict:
    return {"properties": {condition.question: {"const": condition.equals}}, "required": [condition.question]}


def _required_when(conditions: list, ids: list[str]) -> dict:
    if not conditions:
        return {"required": ids}
    shown = (
        _condition(conditions[0]) if len(conditions) == 1 else {"allOf": [_condition(c) for c in conditions]}
    )
    return {"if": shown, "then": {"required": ids}}


def answers_schema(
    definition: FormDefinition,
    *,
    title: str,
    regions: list[str],
    municipalities: list[str],
    declarations: list[str],
) -> dict:
    """The JSON Schema (2020-12) of the answers to `definition`, as they must be at submission."""
    choices = {"regions": regions, "municipalities": municipalities, "declarations": declarations}
    properties: dict[str, dict] = {}
    always: list[str] = []
    conditional: list[dict] = []

    def require(question_id: str, conditions: list):
        if conditions:
            conditional.append(_required_when(conditions, [question_id]))
        else:
            always.append(question_id)

    for section in definition.sections:
        section_conditions = [section.show_if] if section.show_if else []
        for item in section.questions:
            if isinstance(item, Info) or item.type in NOT_ANSWERED:
                continue
            conditions = section_conditions + ([item.show_if] if item.show_if else [])
            if isinstance(item, Group) and item.repeat:
                properties[item.id] = _rows(item, choices)
                if item.min_items:
                    require(item.id, conditions)
            elif isinstance(item, Group):
                for member in item.questions:
                    if isinstance(member, Info) or member.type in NOT_ANSWERED:
                        continue
                    properties[member.id] = question_schema(member, **choices)
                    if member.required:
                        require(member.id, conditions + ([member.show_if] if member.show_if else []))
            else:
                properties[item.id] = question_schema(item, **choices)
                if item.required:
                    require(item.id, conditions)
    schema = {
        "$schema": DIALECT,
        "title": title,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "required": always,
    }
    if conditional:
        schema["allOf"] = conditional
    return schema


def _rows(group: Group, choices: dict) -> dict:
    """A repeating group: a list of rows, each an object of its members' answers."""
    members = [
        member
        for member in group.questions
        if not isinstance(member, Info) and member.type not in NOT_ANSWERED
    ]
    return {
        "title": group.label.fi,
        "type": "array",
        "items": {
            "type": "object",
            "properties": {member.id: question_schema(member, **choices) for member in members},
            "additionalProperties": False,
            "required": [member.id for member in members if member.required],
        },
        "minItems": group.min_items,
        "maxItems": group.max_items,
    }
