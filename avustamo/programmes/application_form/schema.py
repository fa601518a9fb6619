"""The application form as data: sections of typed questions, validated on import.

A form definition is JSON. Pydantic checks each element's shape; `validate_definition` then checks what spans
elements: unique ids, conditions that point back to a yes/no or choice question and one of its values, and the
standard blocks every call needs (its *facts*), each present exactly once with the right type, always shown and
required. Facts are what the service copies into typed columns at submission (amounts, period, regions, ...).
"""

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic import (
    ValidationError as PydanticError,
)

SCHEMA_VERSION = "avustamo.form/1"
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]


class Text(BaseModel):
    """A text in Finnish (required), Swedish and English."""

    model_config = ConfigDict(extra="forbid")
    fi: str = Field(min_length=1)
    sv: str = ""
    en: str = ""

    def in_language(self, language: str) -> str:
        for code in {"fi": ("fi", "sv", "en"), "sv": ("sv", "fi", "en"), "en": ("en", "fi", "sv")}.get(
            language, ("fi", "sv", "en")
        ):
            if getattr(self, code):
                return getattr(self, code)
        return ""


class Condition(BaseModel):
    """Show the question only when an earlier yes/no or single-choice question has this answer."""

    model_config = ConfigDict(extra="forbid")
    question: Identifier
    equals: str

    def met_by(self, answers: dict) -> bool:
        return answers.get(self.question) == self.equals


def applies(condition: Condition | None, answers: dict) -> bool:
    """Whether a question or section with this condition (None: always asked) is asked given the answers."""
    return condition is None or condition.met_by(answers)


FACTS = {
    "applicant": "applicant",
    "contact_persons": "contact_persons",
    "project_name": "short_text",
    "project_summary": "long_text",
    "objectives": "long_text",
    "target_groups": "long_text",
    "activities": "long_text",
    "regions": "region",
    "period": "period",
    "budget": "budget",
    "declarations": "declarations",
}
# A report form's standard blocks: what was spent against the approved budget, and what came of the work.
REPORT_FACTS = {
    "budget": "budget",
    "results": "long_text",
}
# Standard blocks a form may hold, at most once each, where its call needs them: whether the applicant can
# recover the VAT in its costs, the de minimis aid it has received, and in a report whether the costs include VAT.
OPTIONAL_FACTS = {
    "vat_recoverable": "yes_no",
    "de_minimis_aid": "group",
}
REPORT_OPTIONAL_FACTS = {
    "vat_included": "yes_no",
}
# The de minimis declaration is a repeating group of these questions: one row for each aid received.
DE_MINIMIS_MEMBERS = {
    "granting-authority": "short_text",
    "granted-on": "date",
    "amount": "money",
}
Fact = Literal[tuple(FACTS | REPORT_FACTS | OPTIONAL_FACTS | REPORT_OPTIONAL_FACTS)]  # type: ignore[valid-type]


class Element(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Identifier
    label: Text
    help: Text | None = None
    required: bool = False
    show_if: Condition | None = None
    fact: Fact | None = None  # type: ignore[valid-type]


class ShortText(Element):
    type: Literal["short_text"]
    max_length: int = Field(200, ge=1, le=1000)


class LongText(Element):
    type: Literal["long_text"]
    max_length: int = Field(2000, ge=1, le=20000)


class Number(Element):
    type: Literal["number"]
    min: Decimal | None = None
    max: Decimal | None = None
    decimals: int = Field(0, ge=0, le=4)

    @model_validator(mode="after")
    def _bounds(self):
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self


class Money(Element):
    type: Literal["money"]
    min: Decimal | None = Field(None, ge=0)
    max: Decimal | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _bounds(self):
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self


class DateQuestion(Element):
    type: Literal["date"]


class Email(Element):
    type: Literal["email"]


class BusinessId(Element):
    type: Literal["business_id"]


class Iban(Element):
    type: Literal["iban"]


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Identifier
    label: Text


class Choice(Element):
    type: Literal["single_choice", "multiple_choice"]
    options: list[Option] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _unique_values(cls, options):
        values = [option.value for option in options]
        if len(values) != len(set(values)):
            raise ValueError("option values must be unique")
        return options


class YesNo(Element):
    type: Literal["yes_no"]


class RegionPicker(Element):
    type: Literal["region"]
    multiple: bool = True


class MunicipalityPicker(Element):
    type: Literal["municipality"]
    multiple: bool = True


ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "odt", "ods", "jpeg", "png")


class Attachment(Element):
    type: Literal["attachment"]
    kinds: list[Literal[ATTACHMENT_KINDS]] = Field(default_factory=lambda: list(ATTACHMENT_KINDS))  # type: ignore[valid-type]
    max_size_mb: int = Field(20, ge=1, le=100)
    # One file by default: a new upload then replaces the file after asking, instead of piling up versions.
    max_files: int = Field(1, ge=1, le=20)


class Info(BaseModel):
    """Text shown to the applicant between questions; asks nothing."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["info"]
    id: Identifier
    text: Text
    show_if: Condition | None = None


class Applicant(Element):
    """The applicant organisation's registered details, shown from the organisation; asks nothing."""

    type: Literal["applicant"]


class ContactPersons(Element):
    type: Literal["contact_persons"]
    min_items: int = Field(1, ge=1, le=10)
    max_items: int = Field(3, ge=1, le=10)


class Period(Element):
    """The period of use: a start and an end date, inside the call's bounds."""

    type: Literal["period"]


class Budget(Element):
    """The budget table: eligible costs by category, income, other public funding and own funding."""

    type: Literal["budget"]


class Declarations(Element):
    """The call's declarations, each confirmed by the applicant."""

    type: Literal["declarations"]


Question = Annotated[
    ShortText
    | LongText
    | Number
    | Money
    | DateQuestion
    | Email
    | BusinessId
    | Iban
    | Choice
    | YesNo
    | RegionPicker
    | MunicipalityPicker
    | Attachment
    | Info
    | Applicant
    | ContactPersons
    | Period
    | Budget
    | Declarations,
    Field(discriminator="type"),
]


class Group(Element):
    """Questions asked together; with `repeat`, the applicant adds as many rows as needed (within bounds)."""

    type: Literal["group"]
    repeat: bool = False
    min_items: int = Field(0, ge=0, le=50)
    max_items: int = Field(10, ge=1, le=50)
    questions: list[Question] = Field(min_length=1)


SectionItem = Annotated[Question | Group, Field(discriminator="type")]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Identifier
    title: Text
    help: Text | None = None
    show_if: Condition | None = None
    questions: list[SectionItem] = Field(min_length=1)


class FormDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal[SCHEMA_VERSION] = Field(SCHEMA_VERSION, alias="schema")
    sections: list[Section] = Field(min_length=1)

    def elements(self):
        """Every section item and group member in order, with the group it sits in (or None)."""
        for section in self.sections:
            yield from section_elements(section)

    def fact_questions(self) -> dict[str, Element]:
        return {item.fact: item for item, _group in self.elements() if getattr(item, "fact", None)}

    def to_json(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class FormDefinitionError(Exception):
    """The definition is not a valid form; `problems` lists each as {"path", "code", "message"}."""

    def __init__(self, problems: list[dict]):
        super().__init__("; ".join(f"{problem['path']}: {problem['message']}" for problem in problems))
        self.problems = problems


def _path(location) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(form)"


def parse_definition(data: str | bytes | dict, *, facts: dict[str, str] = FACTS) -> FormDefinition:
    """Parse and fully validate a form definition, or raise FormDefinitionError listing every problem.

    `facts` are the standard blocks the form must hold: an application form's (the default) or `REPORT_FACTS`; the
    optional blocks of that kind of form may be there too."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        # Nesting deeper than the parser's recursion limit is no form either.
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise FormDefinitionError(
                [_problem("(form)", "invalid_json", _("Not valid JSON: %(error)s"), error=error)]
            ) from None
    try:
        definition = FormDefinition.model_validate(data)
    except PydanticError as error:
        raise FormDefinitionError(
            [
                _problem(_path(item["loc"]), item["type"], item["msg"])
                for item in error.errors(include_url=False)
            ]
        ) from None
    problems = _cross_checks(definition, facts)
    if problems:
        raise FormDefinitionError(problems)
    return definition


def _cross_checks(definition: FormDefinition, required_facts: dict[str, str]) -> list[dict]:
    problems = []
    optional_facts = REPORT_OPTIONAL_FACTS if required_facts is REPORT_FACTS else OPTIONAL_FACTS
    facts = required_facts | optional_facts
    seen: dict[str, Any] = {}
    for section in definition.sections:
        if section.id in seen:
            problems.append(
                _problem(section.id, "duplicate_id", _("The id %(id)s is used twice."), id=section.id)
            )
        seen[section.id] = section
        if section.show_if:
            problems.extend(_condition_problems(section.id, section.show_if, seen))
        for item, group in section_elements(section):
            if item.id in seen:
                problems.append(
                    _problem(item.id, "duplicate_id", _("The id %(id)s is used twice."), id=item.id)
                )
            if item.show_if:
                problems.extend(_condition_problems(item.id, item.show_if, seen))
            fact = getattr(item, "fact", None)
            if fact and fact not in facts:
                problems.append(
                    _problem(
                        item.id,
                        "fact_not_in_form",
                        _("The standard block %(fact)s does not belong in this kind of form."),
                        fact=fact,
                    )
                )
            elif fact:
                problems.extend(_fact_problems(item, group, section, facts))
            if item.type in FACT_ONLY_TYPES and fact != FACT_ONLY_TYPES[item.type]:
                problems.append(
                    _problem(
                        item.id,
                        "fact_only_type",
                        _("A question of type %(type)s must carry the fact %(fact)s."),
                        type=item.type,
                        fact=FACT_ONLY_TYPES[item.type],
                    )
                )
            seen[item.id] = item
    present = [
        getattr(item, "fact", None) for item, _group in definition.elements() if getattr(item, "fact", None)
    ]
    for fact in facts:
        count = present.count(fact)
        if count == 0 and fact in required_facts:
            problems.append(
                _problem("(form)", "fact_missing", _("The standard block %(fact)s is missing."), fact=fact)
            )
        elif count > 1:
            problems.append(
                _problem(
                    "(form)",
                    "fact_repeated",
                    _("The standard block %(fact)s appears more than once."),
                    fact=fact,
                )
            )
    return problems


FACT_ONLY_TYPES = {
    "applicant": "applicant",
    "contact_persons": "contact_persons",
    "period": "period",
    "budget": "budget",
    "declarations": "declarations",
}


def section_elements(section: Section):
    for item in section.questions:
        yield item, None
        if isinstance(item, Group):
            for member in item.questions:
                yield member, item


def _condition_problems(element_id: str, condition: Condition, seen: dict) -> list[dict]:
    trigger = seen.get(condition.question)
    if trigger is None:
        return [
            _problem(
                element_id,
                "condition_unknown_question",
                _("The condition refers to %(question)s, which is not an earlier question."),
                question=condition.question,
            )
        ]
    if isinstance(trigger, YesNo):
        allowed = {"yes", "no"}
    elif isinstance(trigger, Choice) and trigger.type == "single_choice":
        allowed = {option.value for option in trigger.options}
    else:
        return [
            _problem(
                element_id,
                "condition_wrong_type",
                _(
                    "A condition can only depend on a yes/no or single-choice question; %(question)s is neither."
                ),
                question=condition.question,
            )
        ]
    if condition.equals not in allowed:
        return [
            _problem(
                element_id,
                "condition_unknown_value",
                _("%(value)s is not an answer of %(question)s (choose from: %(allowed)s)."),
                value=condition.equals,
                question=condition.question,
                allowed=", ".join(sorted(allowed)),
            )
        ]
    return []


def _fact_problems(item: Element, group, section: Section, facts: dict[str, str]) -> list[dict]:
    problems = []
    expected = facts[item.fact]
    if item.type != expected:
        problems.append(
            _problem(
                item.id,
                "fact_wrong_type",
                _("The standard block %(fact)s must be a question of type %(type)s."),
                fact=item.fact,
                type=expected,
            )
        )
    if group is not None and group.repeat:
        problems.append(
            _problem(item.id, "fact_in_repeat", _("A standard block cannot be inside a repeating group."))
        )
    if item.show_if or (group is not None and group.show_if) or section.show_if:
        problems.append(
            _problem(item.id, "fact_conditional", _("A standard block cannot depend on a condition."))
        )
    # A group's rows are asked by its bounds; an empty de minimis declaration says no aid was received.
    if not item.required and item.type not in ("applicant", "declarations", "group"):
        problems.append(_problem(item.id, "fact_optional", _("A standard block must be required.")))
    if item.fact == "de_minimis_aid" and isinstance(item, Group):
        problems.extend(_de_minimis_group_problems(item))
    return problems


def _de_minimis_group_problems(group: "Group") -> list[dict]:
    members = {member.id: member.type for member in group.questions}
    if not group.repeat or members != DE_MINIMIS_MEMBERS:
        return [
            _problem(
                group.id,
                "de_minimis_shape",
                _(
                    "The de minimis declaration is a repeating group of exactly these questions: %(questions)s."
                ),
                questions=", ".join(f"{key} ({kind})" for key, kind in DE_MINIMIS_MEMBERS.items()),
            )
        ]
    if not all(member.required for member in group.questions):
        return [
            _problem(
                group.id, "de_minimis_optional", _("Each question of the de minimis declaration is required.")
            )
        ]
    return []


def _problem(path: str, code: str, message: str, **params) -> dict:
    return {"path": path, "code": code, "message": message % params if params else message}
