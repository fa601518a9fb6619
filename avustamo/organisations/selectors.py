from django.db.models import Count, Q
from django.utils import timezone

from avustamo.organisations.models import (
    AuthorityCheck,
    Invitation,
    Membership,
    NotificationConsent,
    Organisation,
    RepresentationVerification,
    VerificationStatus,
)


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


def representation_of(*, person, organisation) -> RepresentationVerification | None:
    """The person's latest verification of their right to act for the organisation, whatever its status."""
    return (
        RepresentationVerification.objects.filter(person=person, organisation=organisation)
        .select_related("decided_by")
        .order_by("-requested_at")
        .first()
    )


def latest_authority_check(*, person, organisation, source: str) -> AuthorityCheck | None:
    """The newest check from the source that now answers for the organisation: an official's verification
    recorded before the deployment used e-Authorizations is no answer of e-Authorizations."""
    return (
        AuthorityCheck.objects.filter(person=person, organisation=organisation, source=source)
        .order_by("-checked_at")
        .first()
    )


def pending_verifications():
    """Verifications of the right to act waiting for an official, the oldest first."""
    return (
        RepresentationVerification.objects.filter(status=VerificationStatus.PENDING)
        .select_related("person__strong_identity", "organisation")
        .order_by("requested_at")
    )


def notification_consent(organisation: Organisation) -> NotificationConsent | None:
    """The organisation's answer in force about electronic notification, None if it has never answered."""
    return organisation.notification_consents.select_related("recorded_by").first()


def consents_to_electronic_notification(organisation: Organisation) -> bool:
    latest = notification_consent(organisation)
    return latest is not None and latest.consents


def notice_addressee(organisation: Organisation) -> dict:
    """What `core.notices.notice_send` needs to know of the recipient organisation: whether it consented to
    electronic notification, and where the registry posts the letter if it did not."""
    return {
        "organisation_consents": consents_to_electronic_notification(organisation),
        "recipient_name": organisation.name,
        "postal_address": f"{organisation.street_address}\n{organisation.postal_code} {organisation.post_office}",
    }
