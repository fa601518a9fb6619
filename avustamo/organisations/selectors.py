from django.db.models import Count, Q
from django.utils import timezone

from avustamo.organisations.models import Invitation, Membership, Organisation


def memberships_for_person(*, person):
    """The organisations a person acts for, with their role in each."""
    return (
        Membership.objects.filter(person=person)
        .select_related("organisation__home_municipality")
        .order_by("organisation__name")
    )


def organisations_for_officials(*, query: str = ""):
    organisations = Organisation.objects.select_related("home_municipality__region").annotate(
        member_count=Count("memberships")
    )
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(business_id__icontains=query))
    return organisations.order_by("name")


def organisation_members(*, organisation):
    return organisation.memberships.select_related("person").order_by("person__full_name", "person__email")


def pending_invitations(*, organisation):
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")
