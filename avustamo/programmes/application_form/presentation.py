"""What a page needs to show a form definition in one language: a plain structure for the templates.

Every input is named `q-<question id>` (with `-<part>` or `-<row>-<part>` for the composite blocks), so that
the same structure serves the official's preview and, later, the applicant's form.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustamo.core.dates import format_day
from avustamo.core.money import format_euros
from avustamo.programmes.application_form.budget import COST_CATEGORIES, FINANCING_LINES, BudgetFigures
from avustamo.programmes.application_form.schema import (
    Choice,
    FormDefinition,
    Group,
    Info,
    Text,
    YesNo,
    applies,
)

CONTACT_FIELDS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("Email address"),
    "phone": gettext_lazy("Telephone"),
}


FIELDSET_TYPES = {
    "single_choice",
    "multiple_choice",
    "yes_no",
    "region",
    "declarations",
    "period",
    "budget",
    "contact_persons",
    "group",
}


@dataclass
class Shown:
    """One element as shown: its type, the input name, translated texts, and what it offers to choose."""

    type: str
    id: str
    name: str
    label: str = ""
    help: str = ""
    required: bool = False
    condition: str = ""
    max_length: int | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    multiple: bool = False
    parts: list[tuple[str, str]] = field(default_factory=list)
    rows: list[list["Shown"]] = field(default_factory=list)
    members: list["Shown"] = field(default_factory=list)
    repeat: bool = False
    value: object = None
    error: str = ""
    totals: dict = field(default_factory=dict)
    # Whether the answers given meet the element's condition: a copy of the answers leaves out what is not asked.
    applies: bool = True
    # An attachment question's slot on the applicant's page: its files and how many it takes.
    slot: object = None
    # The applicant's reason when they marked the answer as a business secret (applications.secrets).
    secret_reason: str = ""

    @property
    def chosen(self) -> set[str]:
        """The chosen values of a choice, as strings, whether one or several may be chosen."""
        if self.value in (None, ""):
            return set()
        return {str(item) for item in self.value} if isinstance(self.value, list) else {str(self.value)}

    def part(self, key: str) -> str:
        """One part of a composite answer (a period's start, a budget line)."""
        value = self.value or {}
        if self.type == "budget" and key in COST_CATEGORIES:
            return (value.get("costs") or {}).get(key, "")
        return value.get(key, "")

    @property
    def display(self) -> str:
        """The answer as text, for read-only copies such as the PDF of a submitted application."""
        if self.value in (None, "", [], {}):
            return ""
        if self.options:
            return ", ".join(self.chosen_labels)
        if self.type == "period":
            return f"{_day(self.part('start'))} – {_day(self.part('end'))}"
        if self.type == "date":
            return _day(self.value)
        if self.type == "money":
            return _euros(self.value)
        if isinstance(self.value, str):
            return self.value
        return ""

    @property
    def chosen_labels(self) -> list[str]:
        return [label for value, label in self.options if value in self.chosen]

    @property
    def in_copy(self) -> bool:
        """Whether a read-only copy (the check page, the PDF, the officials' view) shows the element: asked, and
        something the applicant answered here rather than elsewhere (attachments are listed by their slots)."""
        if not self.applies or self.type in ("info", "applicant", "attachment"):
            return False
        if self.type == "group":
            rows = self.rows if self.repeat else [self.members]
            return any(
                member.in_copy and member.value not in (None, "", [], {}) for row in rows for member in row
            )
        return True

    @property
    def parts_with_values(self) -> list[tuple[str, str, str]]:
        return [(key, label, self.part(key)) for key, label in self.parts]

    @property
    def rows_with_values(self) -> list[tuple[int, list[tuple[str, str, str]]]]:
        """Contact persons: each row's parts with the values given."""
        return [
            (index, [(key, label, row.get(key, "")) for key, label in self.parts])
            for index, row in enumerate(self.rows)
        ]

    @property
    def rows_given(self) -> list[list[str]]:
        """Contact persons as a copy lists them: the values of each row that has any."""
        rows = ([value for _key, _label, value in parts if value] for _index, parts in self.rows_with_values)
        return [row for row in rows if row]

    @property
    def as_fieldset(self) -> bool:
        """Shown as a fieldset with a legend: several inputs answer it."""
        return self.type in FIELDSET_TYPES


def _day(value) -> str:
    """A stored ISO date as the page's language writes it; anything else as it is."""
    try:
        return format_day(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or ""


def _euros(value) -> str:
    """A stored amount as the page's language writes euros (`1 500,50 €`); anything else as it is."""
    try:
        return format_euros(Decimal(value))
    except (TypeError, ValueError, ArithmeticError):
        return value or ""


@dataclass
class ShownSection:
    id: str
    title: str
    help: str
    condition: str
    elements: list[Shown]
    applies: bool = True

    @property
    def copied_elements(self) -> list[Shown]:
        """The elements a read-only copy shows; none when the section is not asked, so that no empty heading is."""
        return [element for element in self.elements if element.in_copy] if self.applies else []


def _text(value: Text | None, language: str) -> str:
    return value.in_language(language) if value else ""


def _condition_text(definition: FormDefinition, condition, language: str) -> str:
    if condition is None:
        return ""
    trigger = next((item for item, _group in definition.elements() if item.id == condition.question), None)
    if trigger is None:
        return ""
    if isinstance(trigger, YesNo):
        answer = _("yes") if condition.equals == "yes" else _("no")
    elif isinstance(trigger, Choice):
        answer = next(
            (_text(option.label, language) for option in trigger.options if option.value == condition.equals),
            condition.equals,
        )
    else:
        answer = condition.equals
    return _("Answer only if you answered “%(answer)s” to “%(question)s”.") % {
        "answer": answer,
        "question": _text(trigger.label, language),
    }


def _shown(
    definition,
    item,
    language: str,
    *,
    regions,
    municipalities,
    declarations,
    name_prefix="q",
    answers=None,
    errors=None,
) -> Shown:
    name = f"{name_prefix}-{item.id}"
    answers = answers or {}
    errors = errors or {}
    if isinstance(item, Info):
        return Shown(
            type="info",
            id=item.id,
            name=name,
            help=_text(item.text, language),
            condition=_condition_text(definition, item.show_if, language),
            applies=applies(item.show_if, answers),
        )
    shown = Shown(
        type=item.type,
        id=item.id,
        name=name,
        label=_text(item.label, language),
        help=_text(item.help, language),
        required=item.required,
        condition=_condition_text(definition, item.show_if, language),
        max_length=getattr(item, "max_length", None),
        multiple=getattr(item, "multiple", False),
        value=answers.get(item.id),
        error=errors.get(name, ""),
        applies=applies(item.show_if, answers),
    )
    if isinstance(item, Choice):
        shown.options = [(option.value, _text(option.label, language)) for option in item.options]
        shown.multiple = item.type == "multiple_choice"
    elif isinstance(item, YesNo):
        shown.options = [("yes", _("Yes")), ("no", _("No"))]
    elif item.type == "region":
        shown.options = [(region.code, region.name) for region in regions]
    elif item.type == "municipality":
        shown.options = [(municipality.code, municipality.name) for municipality in municipalities]
    elif item.type == "budget":
        shown.parts = [(key, str(label)) for key, label in {**COST_CATEGORIES, **FINANCING_LINES}.items()]
        if shown.value:
            try:
                figures = BudgetFigures.from_answer(shown.value)
            except ArithmeticError:
                figures = None
            if figures is not None:
                shown.totals = {
                    "total": figures.total_eligible_costs,
                    "requested": figures.requested,
                    "share": figures.requested_share,
                }
    elif item.type == "period":
        shown.parts = [("start", _("Starts")), ("end", _("Ends"))]
    elif item.type == "declarations":
        shown.options = [(str(declaration.pk), declaration.text) for declaration in declarations]
    elif item.type == "contact_persons":
        shown.parts = [(key, str(label)) for key, label in CONTACT_FIELDS.items()]
        given = list(shown.value or [])
        shown.rows = (given + [{}] * item.max_items)[
            : max(item.min_items, min(len(given) + 1, item.max_items))
        ]
    elif isinstance(item, Group):
        shown.repeat = item.repeat
        common = {
            "regions": regions,
            "municipalities": municipalities,
            "declarations": declarations,
            "errors": errors,
        }
        if item.repeat:
            given = list(shown.value or [])
            rows = max(item.min_items, 1, min(len(given) + 1, item.max_items))
            shown.rows = [
                [
                    _shown(
                        definition,
                        member,
                        language,
                        name_prefix=f"{name}-{row}",
                        answers=given[row] if row < len(given) else {},
                        **common,
                    )
                    for member in item.questions
                ]
                for row in range(rows)
            ]
        else:
            shown.members = [
                _shown(definition, member, language, answers=answers, **common) for member in item.questions
            ]
    return shown


def present(
    definition: FormDefinition,
    language: str,
    *,
    regions=(),
    municipalities=(),
    declarations=(),
    answers=None,
    errors=None,
) -> list[ShownSection]:
    """The form in one language, with the answers given so far and the problems found, by input name."""
    return [
        ShownSection(
            id=section.id,
            title=_text(section.title, language),
            help=_text(section.help, language),
            condition=_condition_text(definition, section.show_if, language),
            applies=applies(section.show_if, answers or {}),
            elements=[
                _shown(
                    definition,
                    item,
                    language,
                    regions=regions,
                    municipalities=municipalities,
                    declarations=declarations,
                    answers=answers,
                    errors=errors,
                )
                for item in section.questions
            ],
        )
        for section in definition.sections
    ]
