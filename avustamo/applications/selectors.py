from avustamo.applications.models import Application
from avustamo.organisations.models import Membership
from avustamo.programmes.models import CallStatus
from avustamo.programmes.selectors import public_calls


def applications_for_person(*, person):
    """The applications of every organisation the person acts for, newest first."""
    return (
        Application.objects.filter(organisation__memberships__person=person)
        .select_related("call__programme__agency", "organisation")
        .order_by("-updated_at")
    )


def application_for_person(*, person, pk: int) -> Application | None:
    """One application, only if the person acts for its organisation; otherwise nothing is revealed."""
    return (
        applications_for_person(person=person)
        .select_related("form", "organisation__home_municipality", "submitted_by")
        .prefetch_related(
            "attachments__required_attachment", "call__required_attachments", "call__declarations"
        )
        .filter(pk=pk)
        .first()
    )


def organisations_that_may_apply(*, person, call):
    """The person's organisations whose type the call accepts."""
    memberships = Membership.objects.filter(person=person).select_related("organisation")
    if call.eligible_organisation_types:
        memberships = memberships.filter(organisation__organisation_type__in=call.eligible_organisation_types)
    return [membership.organisation for membership in memberships.order_by("organisation__name")]


def calls_open_to_person(*, person):
    """Open calls that accept at least one of the person's organisations' types."""
    types = set(
        Membership.objects.filter(person=person).values_list("organisation__organisation_type", flat=True)
    )
    return [
        call
        for call in public_calls(status=CallStatus.OPEN)
        if not call.eligible_organisation_types or types & set(call.eligible_organisation_types)
    ]
