import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from avustamo.core.dates import shift_years
from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.core.translation import language_code
from avustamo.programmes import selectors, services
from avustamo.programmes.application_form.presentation import present
from avustamo.programmes.application_form.schema import FACTS, FormDefinitionError, parse_definition
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.builder_views import BuilderTarget, form_builder, form_draft_export
from avustamo.programmes.forms import (
    CallForm,
    CallFormDefinitionForm,
    CopyCallForm,
    part_formsets,
    parts_from_formsets,
)
from avustamo.programmes.models import Call, CallStatus, FormPurpose, Programme
from avustamo.reference.models import Municipality, Region

STATUS_TABS = [
    (CallStatus.OPEN, gettext_lazy("Open")),
    (CallStatus.UPCOMING, gettext_lazy("Upcoming")),
    (CallStatus.CLOSED, gettext_lazy("Closed")),
]


def permitted_call(request, pk: int, permission: str) -> Call:
    """The call, if `permission` on it is the signed-in official's; 404 for an unknown call, else 403."""
    call = Call.objects.select_related("programme__agency").filter(pk=pk).first()
    if call is None:
        raise Http404
    if not request.user.has_perm(permission, call):
        raise PermissionDenied
    return call


def call_list(request):
    status = request.GET.get("status", CallStatus.OPEN)
    if status not in {CallStatus.OPEN, CallStatus.UPCOMING, CallStatus.CLOSED}:
        status = CallStatus.OPEN
    programme = request.GET.get("programme", "")[:60]
    return render(
        request,
        "programmes/call_list.html",
        {
            "calls": selectors.public_calls(status=status, programme=programme or None),
            "status": status,
            "tabs": STATUS_TABS,
            "programmes": selectors.programmes_with_agency(),
            "programme": programme,
        },
    )


def _require_official(request):
    if not request.user.has_perm("programmes.manage_calls"):
        raise PermissionDenied


def _official_call(request, pk: int):
    """A call of any status for an official; 403 for anyone else, 404 when there is none."""
    _require_official(request)
    call = selectors.call_for_officials(pk=pk)
    if call is None:
        raise Http404
    return call


@login_required
def official_call_list(request):
    _require_official(request)
    return render(
        request,
        "programmes/official_call_list.html",
        {"calls": selectors.calls_for_officials(), "programmes": selectors.programmes_with_agency()},
    )


def _call_form_page(request, *, programme, call=None):
    form = CallForm(request.POST or None, instance=call, programme=programme)
    formsets = part_formsets(request.POST or None, call=call)
    if (
        request.method == "POST"
        and form.is_valid()
        and all(formset.is_valid() for formset in formsets.values())
    ):
        parts = services.CallParts(**parts_from_formsets(formsets))
        try:
            if call is None:
                call = services.call_create(
                    programme=programme, acting_user=request.user, parts=parts, **form.cleaned_data
                )
            else:
                call = services.call_update(
                    call=call, acting_user=request.user, parts=parts, **form.cleaned_data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call has been saved."))
            return redirect("official:call", pk=call.pk)
    return render(
        request,
        "programmes/official_call_form.html",
        {
            "form": form,
            "formsets": formsets,
            "formset_errors": any(
                formset.total_error_count() for formset in formsets.values() if formset.is_bound
            ),
            "programme": programme,
            "call": call,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def official_call_create(request):
    _require_official(request)
    programme = get_object_or_404(Programme, code=request.GET.get("programme", "")[:60])
    return _call_form_page(request, programme=programme)


@login_required
def official_call_detail(request, pk):
    call = _official_call(request, pk)
    return render(
        request,
        "programmes/official_call_detail.html",
        {
            "call": call,
            "status": call.status(),
            "publication_problems": services.publication_problems(call) if call.published_at is None else [],
        },
    )


@login_required
def official_call_edit(request, pk):
    call = _official_call(request, pk)
    if call.status() == CallStatus.CLOSED:
        messages.error(request, _("A closed call can no longer be changed. Copy it to prepare a new call."))
        return redirect("official:call", pk=call.pk)
    return _call_form_page(request, programme=call.programme, call=call)


@login_required
def official_call_copy(request, pk):
    source = _official_call(request, pk)
    initial = {
        "reference": services.suggested_copy_reference(source),
        "opens_at": shift_years(source.opens_at, 1),
        "closes_at": shift_years(source.closes_at, 1),
    }
    form = CopyCallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.call_copy(source=source, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The call has been copied. Check its texts and dates, then publish it.")
            )
            return redirect("official:call_edit", pk=copy.pk)
    return render(
        request,
        "programmes/official_call_copy.html",
        {"form": form, "source": source},
        status=422 if request.method == "POST" else 200,
    )


def _call_action(request, pk, action, success: str):
    call = _official_call(request, pk)
    perform(request, lambda: action(call=call, acting_user=request.user), success)
    return redirect("official:call", pk=call.pk)


@login_required
@require_POST
def official_call_publish(request, pk):
    return _call_action(request, pk, services.call_publish, _("The call has been published."))


@login_required
@require_POST
def official_call_unpublish(request, pk):
    return _call_action(request, pk, services.call_unpublish, _("The call is no longer published."))


def form_preview_context(call, definition_text: str, facts: dict[str, str] = FACTS) -> dict:
    """The form as applicants would see it in the page's language, or the problems that stop it."""
    try:
        definition = parse_definition(definition_text, facts=facts)
    except FormDefinitionError as error:
        return {"problems": error.problems, "sections": None}
    return {
        "problems": [],
        "sections": present(
            definition,
            language_code(),
            regions=Region.objects.all(),
            municipalities=Municipality.objects.valid_in(timezone.localdate().year),
            declarations=call.declarations.all(),
        ),
    }


@login_required
def official_call_form(request, pk):
    call = _official_call(request, pk)
    current = selectors.current_form(call=call)
    initial = json.dumps(
        current.definition if current else standard_definition(), ensure_ascii=False, indent=2
    )
    form = CallFormDefinitionForm(
        request.POST or None, request.FILES or None, initial={"definition": initial}
    )
    text = initial
    status = 200
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["definition"]
        if request.POST.get("action") == "save":
            try:
                saved = services.call_form_save(call=call, definition=text, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, ValidationError({"definition": error.error_list}))
                status = 422
            else:
                messages.success(
                    request,
                    _("The application form has been saved as version %(version)s.")
                    % {"version": saved.version},
                )
                return redirect("official:call_form", pk=call.pk)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "programmes/official_call_form_editor.html",
        {
            "call": call,
            "form": form,
            "current": current,
            "form_title": _("Application form: %(title)s") % {"title": call.title},
            "form_explanation": _(
                "The form is edited as JSON: sections of typed questions with Finnish, Swedish and English texts. "
                "Every form must contain the standard blocks (applicant, contact persons, project name and summary, "
                "objectives, target groups, activities, regions, period of use, budget and declarations). Once the "
                "call is open, saving makes a new version and applications keep the version they were started on."
            ),
            "preview_url": reverse("official:call_form_preview", args=[call.pk]),
            "builder_url": reverse("official:call_form_builder", args=[call.pk]),
            "export_url": reverse("official:call_form_export", args=[call.pk]) if current else "",
            **form_preview_context(call, text),
        },
        status=status,
    )


@login_required
@require_POST
def official_call_form_preview(request, pk):
    """The live preview beside the JSON editor, refreshed by HTMX as the official types."""
    call = _official_call(request, pk)
    return render(
        request,
        "programmes/includes/form_preview.html",
        {"call": call, **form_preview_context(call, request.POST.get("definition", ""))},
    )


@login_required
def official_call_form_export(request, pk):
    call = _official_call(request, pk)
    current = selectors.current_form(call=call)
    if current is None:
        raise Http404
    response = JsonResponse(current.definition, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{call.reference}-form-v{current.version}.json"'
    return response


def _call_form_target(request, call: Call) -> BuilderTarget:
    current = selectors.current_form(call=call)
    return BuilderTarget(
        call=call,
        purpose=FormPurpose.APPLICATION,
        title=_("Application form: %(title)s") % {"title": call.title},
        facts=FACTS,
        current=current,
        standard=standard_definition,
        save=lambda definition: services.call_form_save(
            call=call, definition=definition, acting_user=request.user
        ),
        url=reverse("official:call_form_builder", args=[call.pk]),
        draft_export_url=reverse("official:call_form_draft_export", args=[call.pk]),
        export_url=reverse("official:call_form_export", args=[call.pk]) if current else "",
        json_url=reverse("official:call_form", args=[call.pk]),
        can_change=True,
    )


@login_required
def official_call_form_builder(request, pk):
    call = _official_call(request, pk)
    return form_builder(request, _call_form_target(request, call))


@login_required
def official_call_form_draft_export(request, pk):
    call = _official_call(request, pk)
    return form_draft_export(request, _call_form_target(request, call), f"{call.reference}-form-draft.json")
