"""Reads of hearings for the pages: a grant's hearings with their files, the state of each subject for the deciding
forms, and the officials' list of hearings awaiting a reply or replied."""

from django.db.models import Prefetch, Q, QuerySet

from avustamo.core.dates import helsinki_today
from avustamo.grants.models import Grant
from avustamo.hearings.models import Hearing, HearingAttachment, HearingStatus, HearingSubject, NotHeard


def _with_files(hearings: QuerySet) -> QuerySet:
    return hearings.select_related("sent_by", "replied_by").prefetch_related(
        Prefetch("attachments", queryset=HearingAttachment.objects.order_by("uploaded_at", "id"))
    )


def hearings_of(grant: Grant) -> list[Hearing]:
    """The grant's hearings, latest first, with their attachments."""
    return list(_with_files(Hearing.objects.filter(grant=grant)))


def hearing(pk: int) -> Hearing | None:
    return (
        _with_files(Hearing.objects.filter(pk=pk))
        .select_related("grant__decision", "grant__application__call", "grant__application__organisation")
        .first()
    )


def hearing_states(hearings: list[Hearing]) -> dict[str, dict]:
    """For each subject with an undecided hearing, the latest one and whether a decision may now be made on it,
    from the grant's hearings as `hearings_of` gives them (no query)."""
    today = helsinki_today()
    states = {}
    for item in hearings:
        if item.status == HearingStatus.DECIDED or item.subject in states:
            continue
        states[item.subject] = {"hearing": item, "closed": item.is_closed_for_deciding(today)}
    return states


def hearing_state_list(hearings: list[Hearing]) -> list[tuple[str, dict | None]]:
    """Each subject's label with its state, in the order of the subjects, for the deciding forms."""
    states = hearing_states(hearings)
    return [(subject.label, states.get(subject.value)) for subject in HearingSubject]


LIST_STATES = {
    "awaiting": [HearingStatus.AWAITING_REPLY],
    "replied": [HearingStatus.REPLIED],
    "decided": [HearingStatus.DECIDED],
}


LIST_ORDER = {
    "awaiting": ("reply_by", "id"),
    "replied": ("-replied_at", "-id"),
    "decided": ("-decided_at", "-id"),
}


def hearings_for_official(user, state: str) -> QuerySet:
    """The hearings in `state` (awaiting a reply, replied, decided) that the official may read: all of them for
    readers of everything and decision makers, the applications they present for presenters."""
    hearings = Hearing.objects.filter(status__in=LIST_STATES[state]).select_related(
        "grant__application__organisation", "grant__application__call", "sent_by"
    )
    if not user.has_perm("hearings.list_all_hearings"):
        hearings = hearings.filter(
            Q(
                grant__application__call__assignments__person=user,
                grant__application__call__assignments__role="presenter",
            )
            | Q(grant__application__presenter_assignment__person=user)
        ).distinct()
    return hearings.order_by(*LIST_ORDER[state])


def heard_for_decision(grant: Grant, subject: str) -> Hearing | NotHeard | None:
    """The record the latest decision on `subject` was made on: the hearing it used, or the ground for not
    hearing recorded for it, whichever is later (each is used by one decision)."""
    hearing = (
        Hearing.objects.filter(grant=grant, subject=subject, status=HearingStatus.DECIDED)
        .order_by("-decided_at", "-id")
        .first()
    )
    not_heard = NotHeard.objects.filter(grant=grant, subject=subject).order_by("-recorded_at", "-id").first()
    if hearing is None or (not_heard is not None and not_heard.recorded_at > hearing.decided_at):
        return not_heard
    return hearing
