"""The task list of a long application form: each section with how far its answers are, so that the applicant
sees what is left before sending (the GOV.UK task list pattern)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from avustamo.programmes.application_form.schema import FormDefinition, Group, Info, applies

# Problems that only say something is not answered yet: a section with these is unfinished, not wrong.
MISSING = {"required", "budget_missing", "declarations_missing", "attachment_missing", "too_few_rows"}

STATES = {
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    "has_errors": _("Has errors"),
    "complete": _("Complete"),
}

ATTACHMENTS_TASK = "attachments"

# A form of one or two sections is short enough to read through; the list helps from three on.
SHORTEST_LISTED_FORM = 3


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    state: str

    @property
    def state_label(self) -> str:
        return STATES[self.state]


def _question_ids(section) -> list[str]:
    ids = []
    for item in section.questions:
        if isinstance(item, Info):
            continue
        ids.append(item.id)
        if isinstance(item, Group) and not item.repeat:
            ids += [member.id for member in item.questions if not isinstance(member, Info)]
    return ids


def _owner(field: str, owners: dict):
    """What a problem's field belongs to, looked up in `owners` by question id: the field names a question
    (`q-<id>`), a part or row of it (`q-<id>-…`), or a required attachment of the call (`attachment-<id>`, the
    attachments' task). Question ids may hold hyphens, so the longest id that matches wins."""
    if field.startswith("attachment-"):
        return ATTACHMENTS_TASK
    matches = [
        question_id
        for question_id in owners
        if field == f"q-{question_id}" or field.startswith(f"q-{question_id}-")
    ]
    return owners[max(matches, key=len)] if matches else None


def in_page_order(definition: FormDefinition, problems: list[dict]) -> list[dict]:
    """The problems in the order their fields stand on the page: a problem of no field first, then the form's
    questions, then the call's required attachments, which close the page. The submission check lists the rules
    that span answers (period, budget) after every missing answer."""
    position = {item.id: index for index, (item, _group) in enumerate(definition.elements())}
    last = len(position)

    def place(problem: dict) -> int:
        owner = _owner(problem.get("field", ""), position)
        if not problem.get("field"):
            return -1
        return last if owner in (None, ATTACHMENTS_TASK) else owner

    return sorted(problems, key=place)


def task_list(
    definition: FormDefinition,
    answers: dict,
    problems: list[dict],
    *,
    language: str,
    attachments_title: str = "",
    attachments_given: bool = False,
) -> list[Task]:
    """The sections the answers make asked, then the call's required attachments when `attachments_title` is
    given, each with its state; empty for a short form. `problems` are every reason the application cannot be
    sent yet, as the submission check gives them, with any the page shows besides."""
    sections = [section for section in definition.sections if applies(section.show_if, answers)]
    if len(sections) < SHORTEST_LISTED_FORM:
        return []
    owners = {question_id: section.id for section in sections for question_id in _question_ids(section)}
    codes_by_task: dict[str, set[str]] = {}
    for problem in problems:
        owner = _owner(problem.get("field", ""), owners)
        if owner is not None:
            codes_by_task.setdefault(owner, set()).add(problem.get("code", ""))

    def state(key: str, started: bool) -> str:
        codes = codes_by_task.get(key, set())
        if codes - MISSING:
            return "has_errors"
        if not codes:
            return "complete"
        return "in_progress" if started else "not_started"

    tasks = [
        Task(
            key=section.id,
            title=section.title.in_language(language),
            state=state(
                section.id,
                any(
                    answers.get(question_id) not in (None, "", [], {})
                    for question_id in _question_ids(section)
                ),
            ),
        )
        for section in sections
    ]
    if attachments_title:
        tasks.append(Task(ATTACHMENTS_TASK, attachments_title, state(ATTACHMENTS_TASK, attachments_given)))
    return tasks
