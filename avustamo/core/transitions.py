"""One way to change a status: lock the row, check the source state, set the new state, save, and audit from/to.

Each status enum has a transition table beside it (`Transitions`), naming every action that moves an object
from which states to which, and the audit action it is recorded as. A model points to its table with a class
attribute `transitions`; services change a status only through `transition()`, and a test fails on any other
`.status =` in a services module. `docs/workflows.md` renders the tables (`manage.py workflow_tables`), so the
documentation is the code. docs/adr/0009-one-way-to-change-a-status.md says why.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from avustamo.core.audit import audit


@dataclass(frozen=True)
class Move:
    """One action: the states it may start from, the state it leads to, and the audit action it is logged as."""

    sources: tuple[str, ...]
    target: str
    audit_action: str

    @property
    def refusal_code(self) -> str:
        """A stable code for a refusal from a wrong state: `not_draft`, `not_open_or_submitted`, ..."""
        return "not_" + "_or_".join(str(source) for source in self.sources)


class Transitions:
    """The transition table of one status enum: action name → Move."""

    def __init__(self, statuses: type[models.TextChoices], moves: dict[str, tuple]):
        self.statuses = statuses
        self.moves: dict[str, Move] = {}
        for action, (sources, target, audit_action) in moves.items():
            unknown = {str(state) for state in (*sources, target)} - set(statuses.values)
            if unknown:
                raise ValueError(f"{action}: {sorted(unknown)} are not {statuses.__name__} values")
            self.moves[action] = Move(tuple(sources), target, audit_action)

    def __getitem__(self, action: str) -> Move:
        return self.moves[action]


def transition(
    obj: models.Model,
    action: str,
    *,
    acting_user,
    changes: dict | None = None,
    audit_target: models.Model | None = None,
    locked: bool = False,
    **details,
) -> models.Model:
    """Move `obj` by `action` of its model's transition table, with `changes` to other fields saved along.

    The row is locked and its status read again under the lock, so that two requests racing to act on the same
    object cannot both succeed: the second finds the state changed and is refused with the move's stable code.
    `locked=True` says the caller read `obj` under a lock of its row in this transaction (select_for_update), so
    its status is already the current one and is not read again: a statement less on the busiest paths.
    The audit entry (on `audit_target`, by default the object) records from, to and `details`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() runs inside the service's transaction")
    model = type(obj)
    move = model.transitions[action]
    current = (
        obj.status
        if locked
        else model._base_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current not in move.sources:
        raise ValidationError(
            _("This cannot be done now: its status is %(status)s.")
            % {"status": model.transitions.statuses(current).label if current else "–"},
            code=move.refusal_code,
        )
    changes = changes or {}
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.status = move.target
    automatic = [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
    obj.save(update_fields=["status", *changes, *automatic])
    audit(
        acting_user=acting_user,
        action=move.audit_action,
        target=audit_target or obj,
        **{"from": current, "to": move.target},
        **details,
    )
    return obj


def workflow_tables_markdown() -> str:
    """Every model's transition table as Markdown, in the order of the apps: the part of docs/workflows.md
    between its markers, written by `manage.py workflow_tables` and checked by a test to be current."""
    sections = []
    with translation.override("en"):
        for model in apps.get_models():
            table = getattr(model, "transitions", None)
            if not isinstance(table, Transitions):
                continue
            lines = [
                f"#### {model._meta.verbose_name.capitalize()} (`{model._meta.label}`)",
                "",
                "| action | from | to | audit entry |",
                "|---|---|---|---|",
            ]
            label = dict(table.statuses.choices)
            for action, move in table.moves.items():
                sources = ", ".join(str(label[source]) for source in move.sources)
                lines.append(f"| `{action}` | {sources} | {label[move.target]} | `{move.audit_action}` |")
            sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)
