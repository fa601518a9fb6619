from django.db.models.functions import Coalesce
from django.utils import timezone

from avustamo.programmes.models import Call, CallStatus, FormDraft, Programme, RequiredAttachment

PUBLIC_ORDER = {
    CallStatus.OPEN: ["closes_at", "reference"],
    CallStatus.UPCOMING: ["opens_at", "reference"],
    CallStatus.CLOSED: ["-closes_at", "reference"],
}


def public_calls(
    *, status: str = CallStatus.OPEN, programme: str | None = None, agency: str | None = None, now=None
):
    """Published calls in one status, soonest deadline or opening first (closed calls: newest first)."""
    calls = Call.objects.with_status(status, now=now or timezone.now()).select_related("programme__agency")
    if programme:
        calls = calls.filter(programme__code=programme)
    if agency:
        calls = calls.filter(programme__agency__code__iexact=agency)
    return calls.prefetch_related("themes").order_by(*PUBLIC_ORDER[CallStatus(status)])


def public_call(*, pk: int) -> Call | None:
    return (
        Call.objects.published()
        .select_related("programme__agency")
        .prefetch_related(
            "themes",
            "declarations",
            "criteria",
            "required_attachments",
        )
        .filter(pk=pk)
        .first()
    )


def calls_for_officials(*, programme: str | None = None):
    calls = Call.objects.select_related("programme__agency")
    if programme:
        calls = calls.filter(programme__code=programme)
    return calls.order_by("-opens_at", "reference")


def call_for_officials(*, pk: int) -> Call | None:
    return (
        Call.objects.select_related("programme__agency", "copied_from")
        .prefetch_related("themes", "declarations", "criteria", "required_attachments")
        .filter(pk=pk)
        .first()
    )


def programmes_with_agency():
    return Programme.objects.select_related("agency").order_by("agency__code", "name_fi")


def current_form(*, call: Call):
    """The version of the call's application form that applicants fill in now (None for imported history)."""
    return call.forms.order_by("-version").first()


def required_attachment_of_call(*, call_id: int, pk: int | None) -> RequiredAttachment | None:
    """One of the call's required attachments, or None for an id the call does not have."""
    return RequiredAttachment.objects.filter(call_id=call_id, pk=pk).first()


def form_version(*, call: Call, version: int):
    """One version of the call's application form, or None."""
    return call.forms.filter(version=version).first()


def form_draft(*, call: Call, purpose: str):
    """The form builder's draft of one of the call's forms, or None when nobody has changed it in the builder."""
    return FormDraft.objects.filter(call=call, purpose=purpose).select_related("updated_by").first()


def paying_agency_of(call_path: str) -> Coalesce:
    """The paying authority of the call at `call_path` (e.g. "grant__application__call") as a query expression:
    the call's own, its programme's, or the deciding agency (as `Call.paying_authority`)."""
    return Coalesce(
        f"{call_path}__paying_agency",
        f"{call_path}__programme__paying_agency",
        f"{call_path}__programme__agency",
    )


def paying_authority_relations(call_path: str) -> list[str]:
    """What to read with the call at `call_path` for `Call.paying_authority`, without a statement of its own."""
    return [
        f"{call_path}__paying_agency",
        f"{call_path}__programme__paying_agency",
        f"{call_path}__programme__agency",
    ]
