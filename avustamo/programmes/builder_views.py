"""The form builder's pages, shared by the application form and the interim and final report forms.

Each form's views say which call and form it is, who may change it and how a published version is saved
(`BuilderTarget`); everything else is here. Every change is a POST: with HTMX the builder's workspace comes back in
place, without JavaScript the browser is sent back to the builder at the changed part (post/redirect/get).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from avustamo.core.translation import language_code
from avustamo.programmes import selectors, services
from avustamo.programmes.application_form import builder
from avustamo.programmes.application_form.presentation import present
from avustamo.programmes.application_form.schema import FormDefinitionError, parse_definition
from avustamo.programmes.forms import CallFormDefinitionForm
from avustamo.programmes.models import Call
from avustamo.reference.models import Municipality, Region


@dataclass
class BuilderTarget:
    """One of a call's forms as the builder edits it."""

    call: Call
    purpose: str  # FormPurpose
    title: str
    facts: dict[str, str]
    current: object | None  # the version in use (CallForm or ReportForm), None before the first
    standard: Callable[[], dict]  # the definition to begin from when the call has none of its own
    # Saves a definition as the form's next version, as the signed-in official.
    save: Callable[[dict], object]
    url: str  # the builder's page
    draft_export_url: str
    export_url: str  # the version in use as JSON
    json_url: str  # the form edited as JSON
    can_change: bool

    def starting_definition(self) -> dict:
        return self.current.definition if self.current else self.standard()


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # matches no draft: refused as a change made on a stale page


def _preview_language(value) -> str:
    return value if value in builder.LANGUAGES else language_code()


def _outline(definition: dict, problems: dict, editing: str, can_change: bool) -> list[dict]:
    """Sections with their questions (and groups with their members) as the builder lists them."""

    def entry(element: dict, container: list) -> dict:
        siblings = builder.dicts(container)
        position = next(index for index, item in enumerate(siblings) if item is element)
        is_section = builder.is_section(definition, element)
        kind = "section" if is_section else element.get("type")
        holds_questions = is_section or kind == "group"
        settings = builder.settings(definition, element)
        edited = can_change and editing == element.get("id")
        return {
            "id": element.get("id"),
            "name": builder.name_of(element),
            "kind": kind,
            "kind_label": _("Section") if is_section else builder.KIND_LABELS.get(kind, kind),
            "fact": element.get("fact"),
            "removable": builder.removable(element),
            "texts": [
                (setting.label, setting.texts)
                for setting in settings
                if setting.widget == "translated" and setting.value
            ],
            "problems": problems.get(element.get("id"), []),
            "first": position == 0,
            "last": position == len(siblings) - 1,
            "settings": settings if edited else None,
            "condition_choices": builder.condition_choices(definition, element) if edited else [],
            "adds_questions": holds_questions,
            "addable": [
                (addable, builder.KIND_LABELS[addable])
                for addable in builder.ADDABLE_KINDS
                if is_section or addable != "group"
            ],
            "items": [entry(item, element["questions"]) for item in builder.dicts(element.get("questions"))]
            if holds_questions
            else [],
        }

    return [entry(section, definition["sections"]) for section in builder.sections(definition)]


def _workspace(target: BuilderTarget, *, preview_language: str, editing: str = "") -> dict:
    draft = selectors.form_draft(call=target.call, purpose=target.purpose)
    definition = draft.definition if draft else target.starting_definition()
    try:
        parsed = parse_definition(definition, facts=target.facts)
        problems = []
    except FormDefinitionError as error:
        parsed, problems = None, error.problems
    by_element, whole_form = builder.problems_by_element(definition, problems)
    sections = None
    if parsed is not None:
        with translation.override(preview_language):
            sections = present(
                parsed,
                preview_language,
                regions=Region.objects.all(),
                municipalities=Municipality.objects.valid_in(timezone.localdate().year),
                declarations=target.call.declarations.all(),
            )
    return {
        "target": target,
        "call": target.call,
        "draft": draft,
        "version": draft.version if draft else 0,
        "outline": _outline(definition, by_element, editing, target.can_change),
        "problem_count": len(problems),
        "problems_by_element": [
            (element_id, builder.name_of(builder.find(definition, element_id)[0]), items)
            for element_id, items in by_element.items()
        ],
        "form_problems": whole_form,
        "missing_translations": builder.missing_translations(definition),
        "preview_language": preview_language,
        "preview_languages": [(code, builder.LANGUAGE_NAMES[code]) for code in builder.LANGUAGES],
        "sections": sections,
        "editing": editing,
        "import_form": CallFormDefinitionForm(),
    }


def _import(request):
    form = CallFormDefinitionForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    text = form.cleaned_data["definition"]
    return lambda _definition: builder.imported(text)


def _operation(request) -> tuple[str, Callable[[dict], dict], str]:
    """The change a POST asks for: its name, the operation on the definition, and the part to show afterwards."""
    action = request.POST.get("action", "")
    element = request.POST.get("element", "")[:100]
    if action == "add_section":
        return action, lambda definition: builder.add_section(definition)[0], ""
    if action == "add_question":
        kind = request.POST.get("kind", "")
        return (
            action,
            lambda definition: builder.add_question(definition, container_id=element, kind=kind)[0],
            element,
        )
    if action in ("move_up", "move_down"):
        direction = action.removeprefix("move_")
        return (
            action,
            lambda definition: builder.move(definition, element_id=element, direction=direction),
            element,
        )
    if action == "remove":
        return action, lambda definition: builder.remove(definition, element_id=element), ""
    if action == "settings":
        return (
            action,
            lambda definition: builder.apply_settings(definition, element_id=element, data=request.POST),
            element,
        )
    if action == "import":
        return action, _import(request), ""
    raise ValidationError(_("The builder does not know what to do; reload the page and try again."))


def _change(request, target: BuilderTarget) -> tuple[str, bool]:
    """Make the change the POST asks for and tell the official how it went. Returns the part to show afterwards
    (empty for the top) and whether its settings are to be open: those of a new part, or of one just set."""
    action = request.POST.get("action", "")
    version = _version(request)
    common = {"call": target.call, "purpose": target.purpose, "version": version, "acting_user": request.user}
    try:
        if action == "publish":
            saved = services.form_draft_publish(
                **common,
                facts=target.facts,
                save=target.save,
                current_definition=target.starting_definition(),
            )
            messages.success(
                request, _("The form has been published as version %(version)s.") % {"version": saved.version}
            )
            return "", False
        if action == "discard":
            services.form_draft_discard(**common)
            messages.success(
                request, _("The draft has been discarded; the builder shows the version in use.")
            )
            return "", False
        name, operation, shown = _operation(request)
        draft = services.form_draft_change(
            **common,
            operation=operation,
            starting_definition=target.starting_definition(),
            action=name,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return "", False
    if name in ("add_section", "add_question"):
        # The new part is the last of where it was added: show it with its settings open.
        where = builder.sections(draft.definition)
        if name == "add_question":
            where = builder.dicts(builder.find(draft.definition, shown)[0].get("questions"))
        shown = where[-1].get("id", "") if where else ""
        messages.success(request, _("Added. Its settings are open below."))
    elif name == "settings":
        messages.success(request, _("The settings have been saved in the draft."))
    elif name == "import":
        messages.success(request, _("The definition has been imported into the draft."))
    else:
        messages.success(request, _("The draft has been changed."))
    return shown, name in ("add_section", "add_question", "settings")


def form_builder(request, target: BuilderTarget):
    if request.method == "POST":
        shown, settings_open = _change(request, target)
        editing = shown if settings_open else ""
        preview_language = _preview_language(request.POST.get("preview"))
        if request.htmx:
            return render(
                request,
                "programmes/form_builder/workspace.html",
                _workspace(target, preview_language=preview_language, editing=editing)
                | {"partial": True, "focus": shown},
            )
        query = {"preview": preview_language} | ({"edit": editing} if editing else {})
        anchor = f"#part-{shown}" if shown else ""
        return redirect(f"{target.url}?{urlencode(query)}{anchor}")
    context = _workspace(
        target,
        preview_language=_preview_language(request.GET.get("preview")),
        editing=request.GET.get("edit", "")[:100] if target.can_change else "",
    )
    if request.htmx:
        return render(
            request,
            "programmes/form_builder/workspace.html",
            context | {"partial": True, "focus": context["editing"]},
        )
    return render(request, "programmes/form_builder/page.html", context)


def form_draft_export(request, target: BuilderTarget, file_name: str):
    draft = selectors.form_draft(call=target.call, purpose=target.purpose)
    if draft is None:
        raise Http404
    response = JsonResponse(draft.definition, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
