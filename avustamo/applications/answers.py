"""Answers to a form definition: read from a posted page, checked when saved, and checked in full at submission.

Answers are JSON keyed by question id. Saving accepts unfinished answers but refuses malformed ones (a
non-number in a money field, a text over its limit), so what is stored is always readable. Submission then asks
for everything: required answers, eligibility, the budget's rules and the period.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from avustamo.applications.joint import JointBudget, co_implementer_problems
from avustamo.core.dates import helsinki_today
from avustamo.core.money import format_euros, is_whole_cents
from avustamo.core.templatetags.avustamo import day, number
from avustamo.core.translation import language_code
from avustamo.organisations.identifiers import clean_business_id, clean_iban
from avustamo.programmes.application_form.budget import COST_CATEGORIES, FINANCING_LINES, BudgetFigures
from avustamo.programmes.application_form.presentation import CONTACT_FIELDS
from avustamo.programmes.application_form.schema import FormDefinition, Group, Info, applies

NAME_PREFIX = "q"
MAX_REPEAT_ROWS = 50
MAX_INTEGER_DIGITS = 12


def _name(question_id: str) -> str:
    return f"{NAME_PREFIX}-{question_id}"


def _read_value(item, data, name: str):
    """The answer to one question from posted data, in the stored shape; None when not answered."""
    kind = item.type
    if kind in ("multiple_choice", "declarations") or (kind in ("region", "municipality") and item.multiple):
        values = [value for value in data.getlist(name) if value]
        return values or None
    if kind == "period":
        period = {part: data.get(f"{name}-{part}", "").strip() for part in ("start", "end")}
        return period if any(period.values()) else None
    if kind == "budget":
        costs = {category: data.get(f"{name}-{category}", "").strip() for category in COST_CATEGORIES}
        lines = {line: data.get(f"{name}-{line}", "").strip() for line in FINANCING_LINES}
        if not any(costs.values()) and not any(lines.values()):
            return None
        return {"costs": {key: value for key, value in costs.items() if value}} | {
            key: value for key, value in lines.items() if value
        }
    if kind == "contact_persons":
        rows = []
        for row in range(item.max_items):
            person = {part: data.get(f"{name}-{row}-{part}", "").strip() for part in CONTACT_FIELDS}
            if any(person.values()):
                rows.append(person)
        return rows or None
    value = data.get(name, "").strip()
    return value or None


def _read_values(questions, data, prefix: str) -> dict:
    """The answers to `questions` from posted data, each from the input named `prefix` and its id."""
    values = {question.id: _read_value(question, data, f"{prefix}{question.id}") for question in questions}
    return {key: value for key, value in values.items() if value is not None}


def _read_group(group: Group, data) -> dict:
    """A group's answers from posted data: a repeating group's rows under its id, another's by question."""
    questions = [
        member for member in group.questions if not isinstance(member, Info) and member.type != "attachment"
    ]
    if not group.repeat:
        return _read_values(questions, data, f"{NAME_PREFIX}-")
    rows = [
        _read_values(questions, data, f"{_name(group.id)}-{row}-")
        for row in range(min(group.max_items, MAX_REPEAT_ROWS))
    ]
    rows = [values for values in rows if values]
    return {group.id: rows} if rows else {}


def parse_post(definition: FormDefinition, data) -> dict:
    """Answers from a posted application page (input names as in `presentation`)."""
    answers = {}
    for section in definition.sections:
        for item in section.questions:
            if isinstance(item, Info) or item.type in ("applicant", "attachment"):
                continue
            if isinstance(item, Group):
                answers.update(_read_group(item, data))
                continue
            value = _read_value(item, data, _name(item.id))
            if value is not None:
                answers[item.id] = value
    return answers


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(" ", "").replace("\xa0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    # Amounts are stored with at most 14 digits, two of them decimals; anything larger is no answer.
    return number if number.is_finite() and number.adjusted() < MAX_INTEGER_DIGITS else None


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _text_problem(item, value, context) -> str | None:
    if len(value) > item.max_length:
        return _("At most %(limit)s characters; this has %(count)s.") % {
            "limit": item.max_length,
            "count": len(value),
        }
    return None


def _number_problem(item, value, context) -> str | None:
    number = _decimal(value)
    if number is None:
        return _("Enter a number, e.g. 1500 or 1500,50.")
    if item.type == "money" and not is_whole_cents(number):
        return _("Euros have at most two decimals.")
    if item.type == "money" and number < 0:
        return _("Enter euros, not below zero.")
    if item.type == "number" and number != number.quantize(Decimal(1).scaleb(-item.decimals)):
        if not item.decimals:
            return _("Enter a whole number.")
        return _("Enter a number with at most %(count)s decimals.") % {"count": item.decimals}
    if item.min is not None and number < item.min:
        return _("The smallest allowed value is %(min)s.") % {"min": item.min}
    if item.max is not None and number > item.max:
        return _("The largest allowed value is %(max)s.") % {"max": item.max}
    return None


def _date_problem(item, value, context) -> str | None:
    return _("Enter a date.") if _date(value) is None else None


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _email_problem(item, value, context) -> str | None:
    return None if _is_email(value) else _("Enter a valid email address.")


def _identifier_problem(clean):
    """The check of an identifier that `clean` refuses with its own message."""

    def problem(item, value, context) -> str | None:
        try:
            clean(value)
        except ValidationError as error:
            return error.messages[0]
        return None

    return problem


def _chosen(value) -> set[str]:
    """The values chosen, whether the question allows one or several."""
    return set(value if isinstance(value, list) else [value])


def _choice_problem(item, value, context) -> str | None:
    allowed = {option.value for option in item.options}
    return None if _chosen(value) <= allowed else _("Choose from the options given.")


def _yes_no_problem(item, value, context) -> str | None:
    return None if value in ("yes", "no") else _("Choose yes or no.")


def _place_problem(item, value, context) -> str | None:
    places = context.regions if item.type == "region" else context.municipalities
    return None if _chosen(value) <= places else _("Choose from the list.")


def _declarations_problem(item, value, context) -> str | None:
    return None if set(value) <= context.declarations else _("Choose from the declarations given.")


def _period_problem(item, value, context) -> str | None:
    if any(value.get(part) and _date(value[part]) is None for part in ("start", "end")):
        return _("Enter the dates of the period.")
    return None


def _budget_problem(item, value, context) -> str | None:
    """The budget's lines that are not euros and cents, by name, so that the applicant finds them."""
    lines = [(COST_CATEGORIES.get(key, key), amount) for key, amount in (value.get("costs") or {}).items()]
    lines += [(label, value.get(line)) for line, label in FINANCING_LINES.items()]
    wrong = [str(label) for label, amount in lines if amount not in (None, "") and not _is_euros(amount)]
    if wrong:
        return _("Enter these lines of the budget as euros and cents, none of them negative: %(lines)s.") % {
            "lines": ", ".join(wrong)
        }
    return None


def _is_euros(amount) -> bool:
    number = _decimal(amount)
    return number is not None and number >= 0 and is_whole_cents(number)


def _contact_persons_problem(item, value, context) -> str | None:
    if any(person.get("email") and not _is_email(person["email"]) for person in value):
        return _("Enter a valid email address for each contact person.")
    return None


# Each question type's own check of an answer's value; a type not here takes any well-shaped value.
VALUE_PROBLEMS = {
    "short_text": _text_problem,
    "long_text": _text_problem,
    "number": _number_problem,
    "money": _number_problem,
    "date": _date_problem,
    "email": _email_problem,
    "business_id": _identifier_problem(clean_business_id),
    "iban": _identifier_problem(clean_iban),
    "single_choice": _choice_problem,
    "multiple_choice": _choice_problem,
    "yes_no": _yes_no_problem,
    "region": _place_problem,
    "municipality": _place_problem,
    "declarations": _declarations_problem,
    "period": _period_problem,
    "budget": _budget_problem,
    "contact_persons": _contact_persons_problem,
}


def _value_problem(item, value, context) -> str | None:
    """What is wrong with a given answer's shape, or None. Emptiness is not judged here."""
    if not _has_shape(item, value):
        return _("This answer is not of the kind the question asks for.")
    if _holds_nul(value):
        return _("The answer contains a NUL character (U+0000); remove it and save again.")
    check = VALUE_PROBLEMS.get(item.type)
    return check(item, value, context) if check else None


TEXT_KINDS = {
    "short_text",
    "long_text",
    "number",
    "money",
    "date",
    "email",
    "business_id",
    "iban",
    "single_choice",
    "yes_no",
}


def _holds_nul(value) -> bool:
    """Whether any text in the answer holds U+0000, which PostgreSQL cannot store."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(entry) for key, entry in value.items())
    if isinstance(value, list):
        return any(_holds_nul(entry) for entry in value)
    return False


def _has_shape(item, value) -> bool:
    """Whether the stored JSON has the shape the question's type stores (text, list of texts, object)."""
    kind = item.type
    if kind in TEXT_KINDS or (kind in ("region", "municipality") and not item.multiple):
        return isinstance(value, str)
    if kind in ("multiple_choice", "declarations") or kind in ("region", "municipality"):
        return isinstance(value, list) and all(isinstance(entry, str) for entry in value)
    if kind == "period":
        return (
            isinstance(value, dict)
            and set(value) <= {"start", "end"}
            and all(isinstance(v, str) for v in value.values())
        )
    if kind == "budget":
        costs = value.get("costs", {}) if isinstance(value, dict) else None
        return (
            isinstance(costs, dict)
            and set(value) <= {"costs", *FINANCING_LINES}
            and set(costs) <= set(COST_CATEGORIES)
            and all(
                isinstance(amount, str | int | float) and not isinstance(amount, bool)
                for amount in [*costs.values(), *(value.get(line, "") for line in FINANCING_LINES)]
            )
        )
    if kind == "contact_persons":
        return isinstance(value, list) and all(
            isinstance(person, dict)
            and set(person) <= set(CONTACT_FIELDS)
            and all(isinstance(v, str) for v in person.values())
            for person in value
        )
    return True


class AnswerContext:
    """What answers are checked against: the call, its code lists and the applicant."""

    def __init__(self, *, call, organisation, regions, municipalities, declarations=None, co_implementers=()):
        self.call = call
        self.organisation = organisation
        # The parts of a joint project's co-implementers (`joint.CoImplementerPart`): the budget's rules apply to
        # the whole.
        self.co_implementers = tuple(co_implementers)
        self.regions = set(regions)
        self.municipalities = set(municipalities)
        if declarations is None:
            declarations = call.declarations.values_list("pk", flat=True)
        self.declarations = {str(pk) for pk in declarations}


def _questions(definition: FormDefinition):
    """Every answerable question with the repeating group it sits in (None when it does not)."""
    for item, group in definition.elements():
        if isinstance(item, Info | Group) or item.type == "applicant":
            continue
        yield item, (group if group is not None and group.repeat else None)


def _row_problems(item, group: Group, rows: list, context: AnswerContext) -> dict[str, str]:
    """Field name → message for each answer to `item` in the rows of its repeating group that cannot be stored."""
    problems = {}
    for row, values in enumerate(rows):
        if values.get(item.id) not in (None, ""):
            message = _value_problem(item, values[item.id], context)
            if message:
                problems[f"{_name(group.id)}-{row}-{item.id}"] = message
    return problems


def _misplaced_answers(definition: FormDefinition, answers: dict) -> dict[str, str]:
    """Field name → message for each answer to no question of the form and each repeating group not in rows."""
    problems = {}
    groups = {
        item.id: item for item, _group in definition.elements() if isinstance(item, Group) and item.repeat
    }
    known = {item.id for item, _group in definition.elements()}
    for key in answers:
        if key not in known:
            problems[_name(key)] = _("The form has no such question.")
    for group_id, rows in answers.items():
        group = groups.get(group_id)
        if group is None:
            continue
        if not (isinstance(rows, list) and all(isinstance(row, dict) for row in rows)):
            problems[_name(group_id)] = _("This answer is not of the kind the question asks for.")
            continue
        members = {member.id for member in group.questions}
        for row, values in enumerate(rows):
            for key in values.keys() - members:
                problems[f"{_name(group_id)}-{row}-{key}"] = _("The form has no such question.")
    return problems


def malformed_answers(definition: FormDefinition, answers: dict, context: AnswerContext) -> dict[str, str]:
    """Field name → message for each answer that cannot be stored as given."""
    problems = _misplaced_answers(definition, answers)
    for item, group in _questions(definition):
        if group is not None:
            if _name(group.id) not in problems:
                problems |= _row_problems(item, group, answers.get(group.id) or [], context)
            continue
        value = answers.get(item.id)
        if value in (None, "", [], {}):
            continue
        message = _value_problem(item, value, context)
        if message:
            problems[_name(item.id)] = message
    for key, value in answers.items():
        if _name(key) not in problems and _holds_nul({key: value}):
            problems[_name(key)] = _(
                "The answer contains a NUL character (U+0000); remove it and save again."
            )
    return problems


def _canonical_amount(value) -> str:
    return f"{_decimal(value):f}"


def _canonical(item, value):
    if item.type in ("number", "money"):
        return _canonical_amount(value)
    if item.type == "budget":
        costs = {
            key: _canonical_amount(amount)
            for key, amount in (value.get("costs") or {}).items()
            if amount not in (None, "")
        }
        lines = {
            line: _canonical_amount(value[line])
            for line in FINANCING_LINES
            if value.get(line) not in (None, "")
        }
        return {"costs": costs} | lines
    return value


def normalised_answers(definition: FormDefinition, answers: dict) -> dict:
    """Well-formed answers with amounts in one notation (`1500.50`, whatever the applicant typed)."""
    result = dict(answers)
    for item, group in _questions(definition):
        if group is not None:
            if group.id in result:
                result[group.id] = [
                    {**row, item.id: _canonical(item, row[item.id])}
                    if row.get(item.id) not in (None, "")
                    else row
                    for row in result[group.id]
                ]
        elif result.get(item.id) not in (None, "", [], {}):
            result[item.id] = _canonical(item, result[item.id])
    return result


def submission_problems(definition: FormDefinition, answers: dict, context: AnswerContext) -> list[dict]:
    """Every reason the application cannot be submitted yet, as {field, code, message}."""
    problems, refuse = answer_problems(definition, answers, context)
    _eligibility_problems(definition, answers, context, refuse)
    _period_problems(definition, answers, context, refuse)
    _budget_problems(definition, answers, context, refuse)
    _de_minimis_problems(definition, answers, refuse)
    for problem in co_implementer_problems(context.call, context.co_implementers):
        refuse(problem["field"], problem["code"], problem["message"])
    return problems


def _de_minimis_problems(definition, answers, refuse):
    """Declared de minimis aid was granted before today: aid not yet granted is not received."""
    group = definition.fact_questions().get("de_minimis_aid")
    if group is None:
        return
    today = helsinki_today()
    for row, values in enumerate(answers.get(group.id) or []):
        granted_on = _date(values.get("granted-on", ""))
        if granted_on is not None and granted_on > today:
            refuse(
                f"{_name(group.id)}-{row}-granted-on",
                "de_minimis_in_future",
                _("Declare aid already granted; %(day)s is in the future.") % {"day": day(granted_on)},
            )


def answer_problems(definition: FormDefinition, answers: dict, context: AnswerContext):
    """What any form asks before it is sent: well-formed answers and every required one given. Returns the
    problems found and the `refuse(field, code, message)` that adds one unless its field is already malformed."""
    problems = [
        {"field": field, "code": "malformed", "message": message}
        for field, message in malformed_answers(definition, answers, context).items()
    ]
    malformed = {problem["field"] for problem in problems}

    def refuse(field: str, code: str, message: str):
        if field not in malformed:
            problems.append({"field": field, "code": code, "message": message})

    for section in definition.sections:
        if not applies(section.show_if, answers):
            continue
        for item in section.questions:
            if not isinstance(item, Info) and applies(item.show_if, answers):
                _refuse_missing(item, answers, refuse)
    return problems, refuse


def _refuse_missing(item, answers: dict, refuse) -> None:
    """Refuse each required answer missing from a section's question or group."""
    if isinstance(item, Group):
        if item.repeat:
            _refuse_missing_rows(item, answers, refuse)
        else:
            _refuse_missing_members(item, answers, refuse)
        return
    if item.type in ("applicant", "attachment", "declarations", "budget", "period"):
        return
    if item.required and answers.get(item.id) in (None, "", [], {}):
        refuse(_name(item.id), "required", _answer_this(item))


def _refuse_missing_rows(group: Group, answers: dict, refuse) -> None:
    rows = answers.get(group.id) or []
    if len(rows) < group.min_items:
        refuse(
            _name(group.id),
            "too_few_rows",
            _("Fill in at least %(count)s rows.") % {"count": group.min_items},
        )
    for row, values in enumerate(rows):
        for member in group.questions:
            if getattr(member, "required", False) and values.get(member.id) in (None, "", []):
                refuse(
                    f"{_name(group.id)}-{row}-{member.id}",
                    "required",
                    _answer_this(member),
                )


def _refuse_missing_members(group: Group, answers: dict, refuse) -> None:
    for member in group.questions:
        if (
            not isinstance(member, Info)
            and member.type != "attachment"
            and member.required
            and applies(member.show_if, answers)
            and answers.get(member.id) in (None, "", [])
        ):
            refuse(_name(member.id), "required", _answer_this(member))


def _answer_this(item) -> str:
    return _("Answer “%(question)s”.") % {"question": item.label.in_language(language_code())}


def _eligibility_problems(definition, answers, context, refuse):
    call, organisation = context.call, context.organisation
    if (
        call.eligible_organisation_types
        and organisation.organisation_type not in call.eligible_organisation_types
    ):
        refuse(
            _name("applicant"),
            "ineligible_organisation_type",
            _("A %(type)s cannot apply to this call; it is open to: %(allowed)s.")
            % {
                "type": organisation.get_organisation_type_display(),
                "allowed": ", ".join(str(label) for label in call.get_eligible_organisation_types_display()),
            },
        )
    declarations = definition.fact_questions().get("declarations")
    confirmed = set(answers.get(declarations.id) or []) if declarations else set()
    if context.declarations - confirmed:
        refuse(
            _name(declarations.id),
            "declarations_missing",
            _("Confirm every declaration; the call requires them all."),
        )


def _period_problems(definition, answers, context, refuse):
    question = definition.fact_questions()["period"]
    period = answers.get(question.id) or {}
    start, end = _date(period.get("start", "")), _date(period.get("end", ""))
    field = _name(question.id)
    if start is None or end is None:
        refuse(field, "required", _("Enter the start and end of the period of use."))
        return
    call = context.call
    if end < start:
        refuse(field, "period_ends_before_start", _("The period of use cannot end before it starts."))
    elif call.period_earliest_start and start < call.period_earliest_start:
        refuse(
            field,
            "period_starts_too_early",
            _("The period of use can start on %(day)s at the earliest.")
            % {"day": day(call.period_earliest_start)},
        )
    elif call.period_latest_end and end > call.period_latest_end:
        refuse(
            field,
            "period_ends_too_late",
            _("The period of use must end by %(day)s.") % {"day": day(call.period_latest_end)},
        )


def _budget_problems(definition, answers, context, refuse):
    question = definition.fact_questions()["budget"]
    field = _name(question.id)
    figures = BudgetFigures.from_answer(answers.get(question.id))
    call = context.call
    if context.co_implementers and call.co_implementers_allowed:
        # A joint project's rules apply to the whole: each message says so.
        figures = JointBudget(lead=figures, co_implementers=context.co_implementers).whole
        plain_refuse = refuse

        def refuse(field, code, message):
            plain_refuse(
                field,
                code,
                _("The whole project with its co-implementers: %(problem)s") % {"problem": message},
            )

    if not figures.total_eligible_costs:
        refuse(field, "budget_missing", _("Enter the project's eligible costs."))
        return
    requested = figures.requested
    if requested <= 0:
        refuse(
            field,
            "nothing_requested",
            _("Income and other funding cover all the costs; no grant would be needed."),
        )
        return
    if call.min_grant is not None and requested < call.min_grant:
        refuse(
            field,
            "below_minimum",
            _("The grant applied for, %(amount)s, is below the call's minimum of %(limit)s.")
            % {"amount": format_euros(requested), "limit": format_euros(call.min_grant)},
        )
    if call.max_grant is not None and requested > call.max_grant:
        refuse(
            field,
            "above_maximum",
            _("The grant applied for, %(amount)s, is above the call's maximum of %(limit)s.")
            % {"amount": format_euros(requested), "limit": format_euros(call.max_grant)},
        )
    if call.max_share_percent is not None and figures.requested_share > call.max_share_percent:
        refuse(
            field,
            "share_too_large",
            _(
                "The grant may cover at most %(limit)s %% of the eligible costs; this budget asks for %(share)s %%."
            )
            % {"limit": number(call.max_share_percent), "share": number(figures.requested_share)},
        )
    if (
        call.own_funding_min_percent is not None
        and (figures.own_funding_share or 0) < call.own_funding_min_percent
    ):
        refuse(
            field,
            "own_funding_too_small",
            _(
                "Own funding must be at least %(limit)s %% of the eligible costs; this budget has %(share)s %%."
            )
            % {"limit": number(call.own_funding_min_percent), "share": number(figures.own_funding_share)},
        )
