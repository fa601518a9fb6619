"""The right to act for an organisation: who may send, accept, report and ask for changes in its name.

Membership in the service is for working together; acting in the organisation's name needs authority from one of
two sources (docs/identity.md):
- Suomi.fi e-Authorizations answers for associations, foundations and companies, from their register roles and
  from mandates for the deployment's issue code, when the deployment uses it;
- otherwise an official verifies the person's right from a document (a delegation decision, an extract from a
  register): municipalities, wellbeing services counties, parishes, and every organisation in a deployment
  without e-Authorizations.
Either way the person must have been strongly identified, and every act refers to the `AuthorityCheck` it was made
under.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.accounts.models import StrongIdentity
from avustamo.core.audit import audit
from avustamo.core.transitions import transition
from avustamo.core.uploads import accepted_upload_kind, stored_name
from avustamo.organisations import e_authorizations
from avustamo.organisations.models import (
    TYPES_VERIFIED_BY_OFFICIALS,
    AuthorityCheck,
    AuthoritySource,
    Membership,
    Organisation,
    RepresentationVerification,
    VerificationStatus,
)

PROOF_KINDS = ("pdf", "docx", "odt", "jpeg", "png")
PROOF_MAX_MB = 20


def authority_source(organisation: Organisation) -> str:
    """Where the right to act for this organisation is checked."""
    if organisation.organisation_type in TYPES_VERIFIED_BY_OFFICIALS:
        return AuthoritySource.OFFICIAL_VERIFICATION
    if not e_authorizations.authorizations_configured():
        return AuthoritySource.OFFICIAL_VERIFICATION
    return AuthoritySource.E_AUTHORIZATIONS


def _valid_for() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.AUTHORITY_CHECK_VALID_MINUTES)


def require_authority(*, person, organisation: Organisation, now=None) -> AuthorityCheck:
    """The check the next act in the organisation's name is made under, or a refusal that says what to do.

    Called inside the acting service's transaction; refuses without changing anything, so a draft stays as it is.
    The evidence of the right and whether the person has been strongly identified are read in one statement: a
    submit at the deadline asks. Only a refusal for want of evidence reads the identification again.
    """
    now = now or timezone.now()
    verified_by_official = authority_source(organisation) == AuthoritySource.OFFICIAL_VERIFICATION
    if verified_by_official:
        evidence = RepresentationVerification.objects.filter(
            person=person, organisation=organisation, status=VerificationStatus.VERIFIED
        ).select_related("decided_by")
    else:
        evidence = AuthorityCheck.objects.filter(
            person=person,
            organisation=organisation,
            source=AuthoritySource.E_AUTHORIZATIONS,
            checked_at__gte=now - _valid_for(),
        ).order_by("-checked_at")
    evidence = evidence.annotate(person_identified=Exists(StrongIdentity.objects.filter(user=person))).first()
    identified = (
        evidence.person_identified
        if evidence is not None
        else StrongIdentity.objects.filter(user=person).exists()
    )
    if not identified:
        raise ValidationError(
            _(
                "Identify yourself with Suomi.fi e-Identification before acting for %(organisation)s. "
                "Nothing has been lost: what you have written is kept."
            )
            % {"organisation": organisation.name},
            code="not_identified",
        )
    if verified_by_official:
        return _check_verified_representation(
            person=person, organisation=organisation, verification=evidence, now=now
        )
    if evidence is None:
        raise ValidationError(
            _(
                "Confirm your right to act for %(organisation)s in Suomi.fi e-Authorizations. "
                "Nothing has been lost: what you have written is kept."
            )
            % {"organisation": organisation.name},
            code="authority_not_checked",
        )
    if not evidence.allowed:
        raise ValidationError(
            _(
                "According to Suomi.fi e-Authorizations you may not act for %(organisation)s in this matter "
                "(checked %(time)s). What you have written is kept; a person with the right to act for the "
                "organisation can send it, or the organisation can give you a mandate in Suomi.fi."
            )
            % {
                "organisation": organisation.name,
                "time": timezone.localtime(evidence.checked_at).strftime("%d.%m.%Y %H:%M"),
            },
            code="authority_ended",
        )
    return evidence


def _check_verified_representation(
    *, person, organisation: Organisation, verification: RepresentationVerification | None, now
) -> AuthorityCheck:
    """A check recorded under the official's verification, or a refusal saying whether one is on its way."""
    if verification is None:
        pending = RepresentationVerification.objects.filter(
            person=person, organisation=organisation, status=VerificationStatus.PENDING
        ).exists()
        message = (
            _(
                "An official has not yet verified your right to act for %(organisation)s. What you have written "
                "is kept, and you can send it once the right is verified."
            )
            if pending
            else _(
                "Your right to act for %(organisation)s has not been verified. Send the service a document that "
                "shows it (for example a delegation decision) on the organisation's page; what you have written "
                "is kept."
            )
        )
        raise ValidationError(message % {"organisation": organisation.name}, code="not_verified")
    return AuthorityCheck.objects.create(
        person=person,
        organisation=organisation,
        source=AuthoritySource.OFFICIAL_VERIFICATION,
        allowed=True,
        basis=_("verified by %(official)s on %(date)s")
        % {
            "official": verification.decided_by or "—",
            "date": timezone.localtime(verification.decided_at).strftime("%d.%m.%Y")
            if verification.decided_at
            else "—",
        },
        answer={
            "verification": verification.pk,
            "decided_at": verification.decided_at.isoformat() if verification.decided_at else None,
            "decided_by": verification.decided_by_id,
        },
        checked_at=now,
    )


def authority_details(check: AuthorityCheck) -> dict:
    """What an audit entry of an act records about the authority it was made under."""
    return {
        "authority_check": check.pk,
        "authority_source": check.source,
        "authority_basis": check.basis,
        "authority_checked_at": check.checked_at,
    }


@dataclass(frozen=True)
class EAuthorizationsAnswer:
    """What Suomi.fi e-Authorizations said about one person and one organisation: the person's register roles
    there (OrganizationalRoles) and whether a mandate for the deployment's issue allows them (Authorization)."""

    business_id: str
    roles: tuple[str, ...]
    roles_complete: bool
    mandate_allowed: bool
    issue: str
    answer: dict
    received_at: datetime.datetime

    @property
    def allowed(self) -> bool:
        # Register roles that let the person act alone ("complete"), or a mandate for the issue.
        return bool(self.roles and self.roles_complete) or self.mandate_allowed

    @property
    def basis(self) -> str:
        if self.roles:
            return ", ".join(self.roles)
        if self.mandate_allowed:
            return _("mandate for %(issue)s") % {"issue": self.issue}
        return _("no role or mandate")


def ask_e_authorizations(*, web_api_session, access_token: str, business_id: str) -> EAuthorizationsAnswer:
    """Ask e-Authorizations now about the person and the organisation they chose there: their register roles in
    it and whether a mandate for the deployment's issue allows them. Raises
    `e_authorizations.AuthorizationServiceError`."""
    chosen = e_authorizations.organisation_roles(web_api_session=web_api_session, access_token=access_token)
    issue = settings.SUOMIFI_AUTHORIZATIONS_ISSUE
    mandate = e_authorizations.authorization(
        web_api_session=web_api_session, access_token=access_token, business_id=business_id, issue=issue
    )
    roles = next((item for item in chosen if item.business_id == business_id), None)
    return EAuthorizationsAnswer(
        business_id=business_id,
        roles=roles.roles if roles else (),
        roles_complete=bool(roles and roles.complete),
        mandate_allowed=mandate.allowed,
        issue=issue,
        answer={
            "roles": roles.raw if roles else None,
            "roles_source": roles.source if roles else None,
            "authorization": mandate.raw,
            "authorization_source": mandate.source,
        },
        received_at=mandate.received_at,
    )


@transaction.atomic
def authority_check_record(
    *, person, organisation: Organisation, answer: EAuthorizationsAnswer
) -> AuthorityCheck:
    """Store an answer of Suomi.fi e-Authorizations about the person and the organisation, allowed or not."""
    check = AuthorityCheck.objects.create(
        person=person,
        organisation=organisation,
        source=AuthoritySource.E_AUTHORIZATIONS,
        allowed=answer.allowed,
        basis=answer.basis[:300],
        answer=answer.answer,
        checked_at=answer.received_at,
    )
    audit(
        acting_user=person,
        action="authority.checked",
        target=organisation,
        allowed=check.allowed,
        **authority_details(check),
    )
    return check


@transaction.atomic
def representation_verification_request(
    *, organisation: Organisation, explanation: str, proof, acting_user
) -> RepresentationVerification:
    """A member asks an official to verify their right to act for the organisation, with a document. Only an
    identified person asks: the official compares the document with the name the identification gave, not with
    a name anyone can type into an account."""
    if not organisation.memberships.filter(person=acting_user).exists():
        raise ValidationError(
            _("You are not a member of this organisation in the service."), code="not_member"
        )
    if not StrongIdentity.objects.filter(user=acting_user).exists():
        raise ValidationError(
            _("Identify yourself with Suomi.fi e-Identification first, so the official knows who asks."),
            code="not_identified",
        )
    explanation = (explanation or "").strip()
    errors = {}
    if not explanation:
        errors["explanation"] = ValidationError(
            _("Say what the document shows and where, for example the decision and its section."),
            code="required",
        )
    kind = None
    if proof is None:
        errors["proof"] = ValidationError(_("Attach the document that shows your right."), code="required")
    else:
        try:
            kind = accepted_upload_kind(proof, kinds=PROOF_KINDS, max_mb=PROOF_MAX_MB)
        except ValidationError as refusal:
            errors["proof"] = refusal
    if errors:
        raise ValidationError(errors)
    if RepresentationVerification.objects.filter(
        person=acting_user,
        organisation=organisation,
        status__in=[VerificationStatus.PENDING, VerificationStatus.VERIFIED],
    ).exists():
        raise ValidationError(
            _("You have already asked for this verification; an official handles it."), code="already_asked"
        )
    verification = RepresentationVerification(
        person=acting_user,
        organisation=organisation,
        explanation=explanation,
        proof_name=proof.name[:255],
        proof_kind=kind,
    )
    verification.proof.save(stored_name(proof.name, kind), proof, save=False)
    verification.save()
    audit(
        acting_user=acting_user,
        action="representation.asked",
        target=organisation,
        verification=verification.pk,
        to=VerificationStatus.PENDING,
    )
    return verification


def _require_verifier(user) -> None:
    if not user.has_perm("organisations.verify_representation"):
        raise ValidationError(
            _("Only a programme manager or an administrator verifies the right to act."), code="not_verifier"
        )


@transaction.atomic
def representation_verify(
    *, verification: RepresentationVerification, acting_user
) -> RepresentationVerification:
    _require_verifier(acting_user)
    if verification.person_id == acting_user.pk:
        raise ValidationError(_("You cannot verify your own right to act."), code="own_verification")
    if not StrongIdentity.objects.filter(user=verification.person_id).exists():
        raise ValidationError(
            _("The person has not been identified, so the document cannot be compared with who they are."),
            code="not_identified",
        )
    transition(
        verification,
        "verify",
        acting_user=acting_user,
        changes={"decided_by": acting_user, "decided_at": timezone.now()},
        audit_target=verification.organisation,
        verification=verification.pk,
        person=verification.person_id,
    )
    return verification


@transaction.atomic
def representation_refuse(
    *, verification: RepresentationVerification, reason: str, acting_user
) -> RepresentationVerification:
    _require_verifier(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Give the reason, so the person knows what to do."), code="required"
                )
            }
        )
    transition(
        verification,
        "refuse",
        acting_user=acting_user,
        changes={"decided_by": acting_user, "decided_at": timezone.now(), "reason": reason},
        audit_target=verification.organisation,
        verification=verification.pk,
        person=verification.person_id,
        reason=reason,
    )
    return verification


def representation_end_for_member(*, membership: Membership, acting_user) -> None:
    """A person who leaves an organisation no longer acts for it on an earlier verification."""
    for verification in RepresentationVerification.objects.filter(
        person=membership.person_id,
        organisation=membership.organisation_id,
        status__in=[VerificationStatus.PENDING, VerificationStatus.VERIFIED],
    ):
        transition(
            verification,
            "end",
            acting_user=acting_user,
            changes={"decided_at": timezone.now()},
            audit_target=verification.organisation,
            verification=verification.pk,
            person=verification.person_id,
        )


def has_current_check(*, person, organisation: Organisation, now=None) -> bool:
    """Whether an answer of e-Authorizations about the person and the organisation is recent enough to rely on."""
    now = now or timezone.now()
    return AuthorityCheck.objects.filter(
        person=person,
        organisation=organisation,
        source=AuthoritySource.E_AUTHORIZATIONS,
        checked_at__gte=now - _valid_for(),
    ).exists()


@transaction.atomic
def membership_from_authority(*, check: AuthorityCheck) -> Membership:
    """A person whom e-Authorizations lets act for the organisation works in it as an administrator."""
    if not check.allowed:
        raise ValidationError(_("The check did not give the right to act."), code="not_allowed")
    membership, created = Membership.objects.get_or_create(
        person=check.person, organisation=check.organisation, defaults={"role": Membership.Role.ADMINISTRATOR}
    )
    if created:
        audit(
            acting_user=check.person,
            action="membership.from_authority",
            target=check.organisation,
            authority_check=check.pk,
            role=membership.role,
        )
    return membership
