from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from avustamo.accounts.tokens import hash_token
from avustamo.core.transitions import Transitions
from avustamo.organisations.identifiers import format_iban


class OrganisationType(models.TextChoices):
    REGISTERED_ASSOCIATION = "registered_association", _("registered association")
    FOUNDATION = "foundation", _("foundation")
    RELIGIOUS_COMMUNITY = "religious_community", _("religious community")
    MUNICIPALITY = "municipality", _("municipality")
    JOINT_MUNICIPAL_AUTHORITY = "joint_municipal_authority", _("joint municipal authority")
    WELLBEING_SERVICES_COUNTY = "wellbeing_services_county", _("wellbeing services county")
    COMPANY = "company", _("company")
    OTHER = "other", _("other organisation")


canonical_business_id = RegexValidator(r"^\d{7}-\d$", _("Business ID must be in the form 1234567-8."))


class Organisation(models.Model):
    """An applicant body: an association, foundation, municipality and so on, identified by its Business ID."""

    name = models.CharField(_("name"), max_length=255)
    business_id = models.CharField(
        _("Business ID"), max_length=9, unique=True, validators=[canonical_business_id]
    )
    organisation_type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    home_municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("home municipality"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(
        _("postal code"),
        max_length=5,
        validators=[RegexValidator(r"^\d{5}$", _("A postal code is five digits."))],
    )
    post_office = models.CharField(_("post office"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34)
    email = models.EmailField(_("official email"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.business_id})"

    @property
    def iban_display(self) -> str:
        return format_iban(self.iban)


class Membership(models.Model):
    """A person acting for an organisation. Kept apart from identity so a later Suomi.fi mandate can feed it."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("administrator")
        MEMBER = "member", _("member")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="membership_person_organisation_unique"
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.organisation.name} ({self.get_role_display()})"


class Invitation(models.Model):
    """An emailed invitation to act for an organisation; only a hash of its token is stored."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation.name}"

    hash_token = staticmethod(hash_token)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


# Bodies with no roles in the trade, association or foundation registers: Suomi.fi e-Authorizations cannot
# answer for their representatives, so an official verifies them from a document.
TYPES_VERIFIED_BY_OFFICIALS = (
    OrganisationType.MUNICIPALITY,
    OrganisationType.JOINT_MUNICIPAL_AUTHORITY,
    OrganisationType.WELLBEING_SERVICES_COUNTY,
    OrganisationType.RELIGIOUS_COMMUNITY,
    OrganisationType.OTHER,
)


class AuthoritySource(models.TextChoices):
    """Where an answer about a person's right to act for an organisation comes from."""

    E_AUTHORIZATIONS = "e_authorizations", _("Suomi.fi e-Authorizations")
    OFFICIAL_VERIFICATION = "official_verification", _("verification by an official")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting verification")
    VERIFIED = "verified", _("verified")
    REFUSED = "refused", _("refused")
    ENDED = "ended", _("ended")


class RepresentationVerification(models.Model):
    """A person's right to act for an organisation, shown by a document and verified by an official.

    For municipalities, wellbeing services counties, parishes and other bodies without register roles, and for
    every organisation where the deployment does not use Suomi.fi e-Authorizations.
    """

    transitions = Transitions(
        VerificationStatus,
        {
            "verify": ([VerificationStatus.PENDING], VerificationStatus.VERIFIED, "representation.verified"),
            "refuse": ([VerificationStatus.PENDING], VerificationStatus.REFUSED, "representation.refused"),
            "end": (
                [VerificationStatus.PENDING, VerificationStatus.VERIFIED],
                VerificationStatus.ENDED,
                "representation.ended",
            ),
        },
    )

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="representation_verifications",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="representation_verifications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    explanation = models.TextField(
        _("what the document shows"),
        help_text=_("For example: the city board's delegation decision of 12 January, section 7."),
    )
    proof = models.FileField(_("document"), upload_to="representation/%Y/%m/")
    proof_name = models.CharField(_("file name"), max_length=255)
    proof_kind = models.CharField(_("file type"), max_length=10)
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("verification of the right to act")
        verbose_name_plural = _("verifications of the right to act")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=models.Q(status__in=["pending", "verified"]),
                name="representation_one_open_per_person_organisation",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(reason=""),
                name="representation_refusal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.organisation.name}: {self.get_status_display()}"


class AuthorityCheck(models.Model):
    """One answer to "may this person act for this organisation now?", with its source and its time.

    Every submission, acceptance, report and change request made for an organisation refers to the check it
    was made under, so the record shows on what authority it was sent.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="authority_checks",
    )
    source = models.CharField(_("source"), max_length=30, choices=AuthoritySource.choices)
    allowed = models.BooleanField(_("may act"))
    basis = models.CharField(
        _("basis"), max_length=300, help_text=_("The roles or mandate, or the verification relied on.")
    )
    answer = models.JSONField(_("answer"), default=dict, help_text=_("The source's answer as received."))
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("check of the right to act")
        verbose_name_plural = _("checks of the right to act")
        ordering = ["-checked_at"]
        indexes = [
            models.Index(fields=["person", "organisation", "-checked_at"], name="authority_check_latest_idx")
        ]

    def __str__(self):
        return f"{self.person} – {self.organisation.name} ({self.get_source_display()}, {self.checked_at:%Y-%m-%d %H:%M})"


def authority_check_field() -> models.ForeignKey:
    """The check of the right to act that an act in an organisation's name was made under (an application sent, a
    grant answered, a report, a change request, a payment application)."""
    return models.ForeignKey(
        "organisations.AuthorityCheck",
        verbose_name=_("right to act, as checked"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The check of the right to act for the organisation that this was sent under."),
    )


class NotificationConsent(models.Model):
    """The organisation's answer to "may decisions be notified to you electronically?" (Act on Electronic Services
    13/2003 §19(1)): given or withdrawn, when and by whom, under which check of the right to act. The rows are the
    history; the latest one is in force. Without consent, decisions are posted as letters."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="notification_consents",
    )
    consents = models.BooleanField(_("consents to electronic notification"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given or withdrawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_check = authority_check_field()

    class Meta:
        verbose_name = _("consent to electronic notification")
        verbose_name_plural = _("consents to electronic notification")
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.organisation.name}: {self.consents} ({self.recorded_at:%Y-%m-%d})"
