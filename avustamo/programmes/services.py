"""Writes for calls: create, edit, copy, publish. One transaction each, attributed and audited."""

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import shift_years
from avustamo.core.text import refuse_unstorable
from avustamo.programmes.application_form.builder import BuilderRefusal
from avustamo.programmes.application_form.schema import FormDefinitionError, parse_definition
from avustamo.programmes.application_form.standard import DE_MINIMIS_SECTION, standard_definition
from avustamo.programmes.models import (
    Call,
    CallDeclaration,
    CallForm,
    CallStatus,
    CallTheme,
    EvaluationCriterion,
    FormDraft,
    Programme,
    RequiredAttachment,
)

CALL_FIELDS = (
    "reference",
    "title_fi",
    "title_sv",
    "title_en",
    "description_fi",
    "description_sv",
    "description_en",
    "how_to_apply_fi",
    "how_to_apply_sv",
    "how_to_apply_en",
    "opens_at",
    "closes_at",
    "appropriation",
    "min_grant",
    "max_grant",
    "period_earliest_start",
    "period_latest_end",
    "eligible_organisation_types",
    "max_share_percent",
    "own_funding_min_percent",
    "co_implementers_allowed",
    "own_funding_min_per_co_implementer",
    "min_reviewers",
    "requires_acceptance",
    "acceptance_days",
    "extension_notice_days",
    "legal_basis_fi",
    "legal_basis_sv",
    "legal_basis_en",
    "state_aid_basis",
    "gber_article",
    "budget_line",
    "operational_unit",
    "project_code",
    "partner_code",
    "paying_agency",
    "min_foreign_language_population",
)

PART_MODELS = {
    "themes": (CallTheme, ("name_fi", "name_sv", "name_en")),
    "declarations": (CallDeclaration, ("text_fi", "text_sv", "text_en")),
    "criteria": (EvaluationCriterion, ("name_fi", "name_sv", "name_en", "weight")),
    "required_attachments": (RequiredAttachment, ("name_fi", "name_sv", "name_en", "max_files")),
}


@dataclass
class CallParts:
    """The ordered lists of a call; each item is a dict of the part's fields. None leaves a list as it is."""

    themes: list[dict] | None = None
    declarations: list[dict] | None = None
    criteria: list[dict] | None = None
    required_attachments: list[dict] | None = None
    provided: list[str] = field(init=False)

    def __post_init__(self):
        self.provided = [name for name in PART_MODELS if getattr(self, name) is not None]


def _standard_form(*, de_minimis: bool = False) -> dict:
    return parse_definition(standard_definition(de_minimis=de_minimis)).to_json()


def _lacks_de_minimis_declaration(definition: dict) -> bool:
    return "de_minimis_aid" not in parse_definition(definition).fact_questions()


def _de_minimis_declaration_missing() -> ValidationError:
    return ValidationError(
        _(
            "The call's grants are de minimis aid, so its application form must ask for the de minimis aid the "
            "applicant has received. Add the de minimis declaration to the form."
        ),
        code="de_minimis_declaration_missing",
    )


def _ensure_de_minimis_declaration(call: Call, acting_user) -> None:
    """A de minimis call's form asks for the aid received: an unpublished call's form gets the standard
    declaration added; a published call's form was seen by applicants and is not changed behind them."""
    current = call.forms.order_by("-version").first()
    if not call.is_de_minimis or current is None or not _lacks_de_minimis_declaration(current.definition):
        return
    if call.published_at is not None:
        raise ValidationError({"state_aid_basis": _de_minimis_declaration_missing()})
    definition = dict(current.definition)
    definition["sections"] = [
        *definition["sections"][:-1],
        copy.deepcopy(DE_MINIMIS_SECTION),
        definition["sections"][-1],
    ]
    try:
        current.definition = parse_definition(definition).to_json()
    except FormDefinitionError:
        # The form's own questions use an id the standard declaration needs: the form is to be changed by hand.
        raise ValidationError({"state_aid_basis": _de_minimis_declaration_missing()}) from None
    current.created_by = acting_user
    current.save(update_fields=["definition", "created_by"])


def _require_call_manager(user) -> None:
    if not user.has_perm("programmes.manage_calls"):
        raise PermissionDenied(_("Only officials can manage calls."))


def _apply_fields(call: Call, fields: dict) -> None:
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"not call fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(call, name, value)


def _replace_parts(call: Call, parts: CallParts) -> None:
    for name in parts.provided:
        model, field_names = PART_MODELS[name]
        model.objects.filter(call=call).delete()
        rows = []
        for position, values in enumerate(getattr(parts, name)):
            # A field left out takes the model's default (a blank text, a slot of one file).
            row = model(
                call=call, position=position, **{key: values[key] for key in field_names if key in values}
            )
            row.full_clean(exclude=["call"])
            refuse_unstorable(row)
            rows.append(row)
        model.objects.bulk_create(rows)


def _refuse_if_closed(call: Call) -> None:
    if call.status() == CallStatus.CLOSED:
        raise ValidationError(
            _("A closed call can no longer be changed. Copy it to prepare a new call."), code="call_closed"
        )


@transaction.atomic
def call_create(*, programme: Programme, acting_user, parts: CallParts | None = None, **fields) -> Call:
    """Create an unpublished call; the programme's defaults fill the shares left empty."""
    _require_call_manager(acting_user)
    call = Call(programme=programme)
    call.max_share_percent = programme.default_max_share_percent
    call.own_funding_min_percent = programme.default_own_funding_percent
    call.eligible_organisation_types = list(programme.eligible_organisation_types)
    _apply_fields(call, fields)
    call.full_clean()
    call.save()
    if parts:
        _replace_parts(call, parts)
    CallForm.objects.create(
        call=call, version=1, definition=_standard_form(de_minimis=call.is_de_minimis), created_by=acting_user
    )
    audit(acting_user=acting_user, action="call.created", target=call, reference=call.reference)
    return call


def _refuse_dropping_co_implementers(call: Call, *, allowed_before: bool) -> None:
    """A call cannot stop allowing co-implementers while an application names them: their parts of its budget
    would silently drop out of what is sent."""
    if (
        allowed_before
        and not call.co_implementers_allowed
        and call.applications.filter(co_implementers__isnull=False).exists()
    ):
        raise ValidationError(
            {
                "co_implementers_allowed": ValidationError(
                    _(
                        "Applications to this call already name co-implementers: the call must go on allowing "
                        "them."
                    ),
                    code="co_implementers_in_use",
                )
            }
        )


@transaction.atomic
def call_update(*, call: Call, acting_user, parts: CallParts | None = None, **fields) -> Call:
    _require_call_manager(acting_user)
    call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
    _refuse_if_closed(call)
    before = {name: getattr(call, name) for name in fields}
    _apply_fields(call, fields)
    call.full_clean()
    _refuse_dropping_co_implementers(call, allowed_before=before.get("co_implementers_allowed", False))
    call.save()
    if parts:
        _replace_parts(call, parts)
    _ensure_de_minimis_declaration(call, acting_user)
    changed = sorted(name for name in fields if before[name] != getattr(call, name))
    audit(
        acting_user=acting_user,
        action="call.updated",
        target=call,
        fields=changed,
        parts=parts.provided if parts else [],
    )
    return call


def suggested_copy_reference(source: Call) -> str:
    """`TEM-KOTO-2022` becomes `TEM-KOTO-2023`; other references get a `-copy` suffix."""
    head, _separator, tail = source.reference.rpartition("-")
    if head and tail.isdigit() and len(tail) == 4:
        candidate = f"{head}-{int(tail) + 1}"
    else:
        candidate = f"{source.reference}-copy"
    return candidate if not Call.objects.filter(reference=candidate).exists() else f"{candidate}-{source.pk}"


@transaction.atomic
def call_copy(*, source: Call, acting_user, reference: str, opens_at, closes_at) -> Call:
    """Copy a call with its themes, declarations, criteria and attachments as a new unpublished call.

    The period of use moves by as many years as the opening moment moves, so a copy of last year's call needs
    only its texts checked.
    """
    _require_call_manager(acting_user)
    years = (
        (timezone.localtime(opens_at).year - timezone.localtime(source.opens_at).year)
        if source.opens_at
        else 0
    )
    copy = Call(programme=source.programme, copied_from=source)
    for name in CALL_FIELDS:
        setattr(copy, name, getattr(source, name))
    copy.reference = reference
    copy.opens_at = opens_at
    copy.closes_at = closes_at
    copy.period_earliest_start = source.period_earliest_start and shift_years(
        source.period_earliest_start, years
    )
    copy.period_latest_end = source.period_latest_end and shift_years(source.period_latest_end, years)
    copy.full_clean()
    copy.save()
    for name, (model, field_names) in PART_MODELS.items():
        model.objects.bulk_create(
            model(call=copy, position=part.position, **{key: getattr(part, key) for key in field_names})
            for part in getattr(source, name).all()
        )
    source_form = source.forms.order_by("-version").first()
    CallForm.objects.create(
        call=copy,
        version=1,
        definition=source_form.definition if source_form else _standard_form(),
        created_by=acting_user,
    )
    audit(acting_user=acting_user, action="call.copied", target=copy, source=source.reference)
    return copy


def publication_problems(call: Call) -> list[ValidationError]:
    """What stops a call from being published, as messages an official can act on."""
    problems = []
    if not call.title_sv:
        problems.append(ValidationError(_("Give the call a title in Swedish."), code="title_sv_missing"))
    if not call.description_fi:
        problems.append(ValidationError(_("Describe the call in Finnish."), code="description_fi_missing"))
    if not call.description_sv:
        problems.append(ValidationError(_("Describe the call in Swedish."), code="description_sv_missing"))
    if not call.eligible_organisation_types:
        problems.append(
            ValidationError(
                _("Choose at least one organisation type that may apply."), code="no_eligible_types"
            )
        )
    if call.closes_at <= timezone.now():
        problems.append(ValidationError(_("The closing moment has already passed."), code="closes_in_past"))
    if call.appropriation is None:
        problems.append(ValidationError(_("Enter the appropriation."), code="appropriation_missing"))
    if not call.criteria.exists():
        problems.append(ValidationError(_("Add at least one evaluation criterion."), code="no_criteria"))
    current_form = call.forms.order_by("-version").first()
    if call.is_de_minimis and current_form and _lacks_de_minimis_declaration(current_form.definition):
        problems.append(_de_minimis_declaration_missing())
    return problems


@transaction.atomic
def call_publish(*, call: Call, acting_user) -> Call:
    _require_call_manager(acting_user)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.published_at is not None:
        return call
    problems = publication_problems(call)
    if problems:
        raise ValidationError(problems)
    call.published_at = timezone.now()
    call.save(update_fields=["published_at", "updated_at"])
    audit(acting_user=acting_user, action="call.published", target=call)
    return call


@transaction.atomic
def call_unpublish(*, call: Call, acting_user) -> Call:
    """Withdraw a published call that has not opened yet."""
    _require_call_manager(acting_user)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.published_at is None:
        return call
    if call.status() != CallStatus.UPCOMING:
        raise ValidationError(
            _("Only a call that has not opened yet can be withdrawn from publication."),
            code="call_not_upcoming",
        )
    call.published_at = None
    call.save(update_fields=["published_at", "updated_at"])
    audit(acting_user=acting_user, action="call.unpublished", target=call)
    return call


@transaction.atomic
def call_form_save(*, call: Call, definition, acting_user) -> CallForm:
    """Save a call's application form from its JSON definition.

    Before the call opens the current version is replaced; once it has opened, the version applicants have seen
    stays frozen and the change becomes a new version. A closed call's form cannot change.
    """
    _require_call_manager(acting_user)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _refuse_if_closed(call)
    try:
        parsed = parse_definition(definition)
    except FormDefinitionError as error:
        raise ValidationError(
            [
                ValidationError("%(path)s: %(message)s", code="invalid_form", params=problem)
                for problem in error.problems
            ]
        ) from None
    if call.is_de_minimis and "de_minimis_aid" not in parsed.fact_questions():
        raise _de_minimis_declaration_missing()
    current = call.forms.order_by("-version").first()
    stored = parsed.to_json()
    if current is not None and current.definition == stored:
        return current
    if current is None or call.status() == CallStatus.OPEN:
        form = CallForm.objects.create(
            call=call,
            version=(current.version + 1 if current else 1),
            definition=stored,
            created_by=acting_user,
        )
    else:
        form = current
        form.definition = stored
        form.created_by = acting_user
        form.save(update_fields=["definition", "created_by"])
    audit(acting_user=acting_user, action="call.form_saved", target=call, version=form.version)
    return form


def _digest(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


def _draft_for_change(call: Call, purpose: str, version) -> tuple[Call, FormDraft | None]:
    """The call locked, so that changes to its drafts (the first one's creation included) are made one at a time,
    and the draft, refused when `version` is not the one the official's page showed (0: no draft yet)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    draft = FormDraft.objects.filter(call=call, purpose=purpose).first()
    if version != (draft.version if draft else 0):
        raise ValidationError(
            _(
                "Someone else changed this form meanwhile, so your change was not made. The builder now shows "
                "the form as it is; make your change again if it is still needed."
            ),
            code="stale_draft",
        )
    return call, draft


@transaction.atomic
def form_draft_change(
    *,
    call: Call,
    purpose: str,
    version: int,
    operation: Callable[[dict], dict],
    starting_definition: dict,
    action: str,
    acting_user,
) -> FormDraft:
    """One change in the form builder: `operation` changes the draft (begun from `starting_definition`, the form
    in use, when there is none yet). A refused operation changes nothing."""
    _require_call_manager(acting_user)
    call, draft = _draft_for_change(call, purpose, version)
    if draft is None:
        draft = FormDraft(
            call=call,
            purpose=purpose,
            definition=starting_definition,
            version=0,
            started_from=_digest(starting_definition),
        )
    try:
        draft.definition = operation(draft.definition)
    except BuilderRefusal as refusal:
        raise ValidationError(refusal.message, code=refusal.code) from None
    draft.version += 1
    draft.updated_by = acting_user
    draft.save()
    audit(acting_user=acting_user, action="form_draft.changed", target=call, purpose=purpose, change=action)
    return draft


@transaction.atomic
def form_draft_publish(
    *,
    call: Call,
    purpose: str,
    version: int,
    facts: dict[str, str],
    save: Callable[[dict], object],
    current_definition: dict,
    acting_user,
):
    """Publish the draft through the form's own save (`save(definition)`, which versions it), then drop the draft.
    Refused while the draft has problems, and when the form in use (`current_definition`) was saved, as JSON, after
    the draft began from it: publishing would silently undo that save."""
    _require_call_manager(acting_user)
    call, draft = _draft_for_change(call, purpose, version)
    if draft is None:
        raise ValidationError(_("There is no draft to publish."), code="no_draft")
    if draft.started_from != _digest(current_definition):
        raise ValidationError(
            _(
                "The form in use was saved as JSON after this draft began, and publishing the draft would undo "
                "that save. Discard the draft and make the changes again on the form in use."
            ),
            code="draft_behind",
        )
    try:
        parse_definition(draft.definition, facts=facts)
    except FormDefinitionError as error:
        raise ValidationError(
            _(
                "The form cannot be published while it has problems (%(count)s). Each is shown next to its "
                "question and listed at the top of the builder."
            ),
            code="draft_has_problems",
            params={"count": len(error.problems)},
        ) from None
    saved = save(draft.definition)
    draft.delete()
    audit(acting_user=acting_user, action="form_draft.published", target=call, purpose=purpose)
    return saved


@transaction.atomic
def form_draft_discard(*, call: Call, purpose: str, version: int, acting_user) -> None:
    _require_call_manager(acting_user)
    call, draft = _draft_for_change(call, purpose, version)
    if draft is not None:
        draft.delete()
        audit(acting_user=acting_user, action="form_draft.discarded", target=call, purpose=purpose)
