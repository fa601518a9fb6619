"""Writes for organisations and memberships: one transaction each, attributed and audited."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from avustamo.accounts.services import RevocationReason, api_tokens_revoke_all
from avustamo.core.audit import audit
from avustamo.core.tasks import queue_email
from avustamo.organisations.authority import (
    authority_details,
    authority_source,
    representation_end_for_member,
    require_authority,
)
from avustamo.organisations.identifiers import clean_business_id, clean_iban
from avustamo.organisations.models import (
    AuthoritySource,
    Invitation,
    Membership,
    NotificationConsent,
    Organisation,
)
from avustamo.organisations.selectors import consents_to_electronic_notification

# What identifies the organisation and decides whose word counts for it (docs/identity.md): not changed by its
# own people once registered.
FIXED_AT_REGISTRATION = ("business_id", "organisation_type")
ORGANISATION_FIELDS = (
    "name",
    "business_id",
    "organisation_type",
    "home_municipality",
    "street_address",
    "postal_code",
    "post_office",
    "iban",
    "email",
)


def _apply_and_validate(organisation: Organisation, fields: dict) -> None:
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"not organisation fields: {sorted(unknown)}")
    for name, value in fields.items():
        # As the pages' forms do: a name of spaces is no name, and the model's blank check sees only "".
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    errors = {}
    for name, cleaner in (("business_id", clean_business_id), ("iban", clean_iban)):
        try:
            setattr(organisation, name, cleaner(getattr(organisation, name)))
        except ValidationError as error:
            errors[name] = error.error_list
    try:
        organisation.full_clean(exclude=list(errors), validate_unique=False)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def organisation_register(*, acting_user, chosen_in_e_authorizations: str = "", **fields) -> Organisation:
    """Register an organisation; the person registering it becomes its first administrator.

    Where Suomi.fi e-Authorizations answers for the organisation, it is registered only by choosing it there
    (`chosen_in_e_authorizations` is the Business ID chosen), so nobody registers an association they have nothing
    to do with; the others show their right to an official after registering."""
    _require(acting_user, "organisations.register_organisation")
    organisation = Organisation()
    _apply_and_validate(organisation, fields)
    if (
        authority_source(organisation) == AuthoritySource.E_AUTHORIZATIONS
        and organisation.business_id != chosen_in_e_authorizations
    ):
        raise ValidationError(
            {
                "business_id": ValidationError(
                    _(
                        "Associations, foundations and companies are registered by choosing them in Suomi.fi "
                        "e-Authorizations, which shows that you may act for them."
                    ),
                    code="choose_in_e_authorizations",
                )
            }
        )
    if Organisation.objects.filter(business_id=organisation.business_id).exists():
        raise ValidationError(
            {
                "business_id": ValidationError(
                    _(
                        "An organisation with Business ID %(business_id)s is already registered. "
                        "Ask its administrator to invite you."
                    ),
                    code="business_id_taken",
                    params={"business_id": organisation.business_id},
                )
            }
        )
    organisation.save()
    Membership.objects.create(
        person=acting_user, organisation=organisation, role=Membership.Role.ADMINISTRATOR
    )
    audit(
        acting_user=acting_user, action="organisation.registered", target=organisation, name=organisation.name
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, acting_user, **fields) -> Organisation:
    _require(acting_user, "organisations.edit_organisation", organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: str(getattr(organisation, name)) for name in fields}
    _apply_and_validate(organisation, fields)
    fixed = {
        name: ValidationError(
            _("The Business ID and the type are fixed at registration; ask the ministry to correct them."),
            code="fixed_at_registration",
        )
        for name in FIXED_AT_REGISTRATION
        if name in fields and before[name] != str(getattr(organisation, name))
    }
    if fixed:
        raise ValidationError(fixed)
    # Where the money goes and whose name it is in are acts in the organisation's name.
    authority = (
        require_authority(person=acting_user, organisation=organisation)
        if any(
            name in fields and before[name] != str(getattr(organisation, name)) for name in ("iban", "name")
        )
        else None
    )
    if Organisation.objects.filter(business_id=organisation.business_id).exclude(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "business_id": ValidationError(
                    _("Another organisation has this Business ID."), code="business_id_taken"
                )
            }
        )
    organisation.save()
    changed = {
        name: [before[name], str(getattr(organisation, name))]
        for name in fields
        if before[name] != str(getattr(organisation, name))
    }
    audit(
        acting_user=acting_user,
        action="organisation.updated",
        target=organisation,
        changed=changed,
        **(authority_details(authority) if authority else {}),
    )
    return organisation


def _accept_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("organisations:invitation", kwargs={"token": token})


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, acting_user) -> Invitation:
    """Invite a person by email; an earlier pending invitation to the same address is replaced."""
    _require(acting_user, "organisations.manage_members", organisation)
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise ValidationError({"role": ValidationError(_("Choose a role."), code="invalid_role")})
    if organisation.memberships.filter(person__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": ValidationError(
                    _("%(email)s already acts for this organisation."),
                    code="already_member",
                    params={"email": email},
                )
            }
        )
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=Invitation.hash_token(token),
        invited_by=acting_user,
        expires_at=now + datetime.timedelta(days=settings.ORGANISATION_INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    audit(acting_user=acting_user, action="invitation.sent", target=invitation, email=email, role=role)
    context = {
        "organisation_name": organisation.name,
        "invited_by": acting_user.full_name or acting_user.email,
        "role": invitation.get_role_display(),
        "accept_url": _accept_url(token),
        "expires_at": invitation.expires_at,
    }
    language = get_language() or settings.LANGUAGE_CODE
    queue_email(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        template="organisations/email/invitation",
        context=context,
        recipient=email,
        language=language,
        holds_secret=True,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, acting_user) -> Membership:
    invitation = (
        Invitation.objects.select_for_update().filter(token_hash=Invitation.hash_token(token)).first()
    )
    if invitation is None or not invitation.is_pending:
        raise ValidationError(
            _("This invitation is no longer valid. Ask the organisation's administrator for a new one."),
            code="invitation_invalid",
        )
    if invitation.email.lower() != acting_user.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it."),
            code="invitation_other_email",
            params={"email": invitation.email},
        )
    membership, created = Membership.objects.get_or_create(
        person=acting_user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = acting_user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        acting_user=acting_user, action="invitation.accepted", target=invitation, membership_created=created
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, acting_user) -> Invitation:
    _require(acting_user, "organisations.manage_members", invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("The invitation has already been accepted."), code="invitation_accepted")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit(acting_user=acting_user, action="invitation.revoked", target=invitation)
    return invitation


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user) -> None:
    """Remove a person from an organisation, revoking their API tokens; the last administrator cannot be
    removed."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    _require(acting_user, "organisations.manage_members", organisation)
    is_last_administrator = (
        membership.role == Membership.Role.ADMINISTRATOR
        and organisation.memberships.filter(role=Membership.Role.ADMINISTRATOR).count() == 1
    )
    if is_last_administrator:
        raise ValidationError(
            _("An organisation needs at least one administrator. Make someone else an administrator first."),
            code="last_administrator",
        )
    audit(
        acting_user=acting_user,
        action="membership.removed",
        target=organisation,
        person=membership.person.email,
        role=membership.role,
    )
    representation_end_for_member(membership=membership, acting_user=acting_user)
    membership.delete()
    # The person's tokens may be in the organisation's systems, which they no longer act for.
    api_tokens_revoke_all(
        person=membership.person, reason=RevocationReason.LEFT_ORGANISATION, acting_user=acting_user
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, acting_user) -> Membership:
    """Make a person an administrator or a member; the last administrator stays one."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    _require(acting_user, "organisations.manage_members", organisation)
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a role."), code="invalid_role")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if (
        membership.role == Membership.Role.ADMINISTRATOR
        and organisation.memberships.filter(role=Membership.Role.ADMINISTRATOR).count() == 1
    ):
        raise ValidationError(
            _("An organisation needs at least one administrator. Make someone else an administrator first."),
            code="last_administrator",
        )
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(
        acting_user=acting_user,
        action="membership.role_changed",
        target=organisation,
        person=membership.person.email,
        role=[previous, role],
    )
    return membership


# --- Consent to electronic notification ------------------------------------------------------------------------


@transaction.atomic
def notification_consent_set(
    *, organisation: Organisation, consents: bool, acting_user
) -> NotificationConsent:
    """Give or withdraw the organisation's consent to electronic notification of decisions (Act on Electronic
    Services 13/2003 §19(1)). A member with the right to act answers for the organisation; both are recorded
    with their date, and a decision already sent keeps the channel it was sent by."""
    if not organisation.memberships.filter(person=acting_user).exists():
        raise PermissionDenied(_("Only a member of the organisation can answer for it."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if consents_to_electronic_notification(organisation) == consents:
        raise ValidationError(
            {
                "consents": ValidationError(
                    _("The organisation has already given its consent.")
                    if consents
                    else _("The organisation has not consented to electronic notification."),
                    code="unchanged",
                )
            }
        )
    authority = require_authority(person=acting_user, organisation=organisation)
    consent = NotificationConsent.objects.create(
        organisation=organisation, consents=consents, recorded_by=acting_user, authority_check=authority
    )
    audit(
        acting_user=acting_user,
        action="organisation.notification_consent_given"
        if consents
        else "organisation.notification_consent_withdrawn",
        target=organisation,
        **authority_details(authority),
    )
    return consent
