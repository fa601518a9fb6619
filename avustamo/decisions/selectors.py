"""Reads for decisions: what waits for a decision maker, and the decision an applicant may see."""

from avustamo.decisions.models import Decision, DecisionStatus


def decisions_waiting_for(user):
    return (
        Decision.objects.filter(status=DecisionStatus.FOR_SIGNING, decision_maker=user)
        .select_related("application__call", "presenter")
        .order_by("sent_for_signing_at")
    )


def published_decision(*, application_pk: int) -> Decision | None:
    """The application's current published decision (a published correction replaces the one it corrects)."""
    return (
        Decision.objects.published()
        .filter(application_id=application_pk)
        .exclude(corrected_by__status=DecisionStatus.PUBLISHED)
        .select_related(
            "application__call__programme__agency", "application__organisation", "presenter", "decision_maker"
        )
        .order_by("-published_at", "-pk")
        .first()
    )
