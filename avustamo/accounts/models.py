"""Identity: a person who signs in. What they may do for an organisation lives in `organisations`."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avustamo.core.translation import Translated


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Officials are staff users; applicants act through their memberships."""

    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FINNISH
    )
    is_staff = models.BooleanField(
        _("official"), default=False, help_text=_("Officials handle calls and applications.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # An official's title and telephone number are printed on the decisions they present, sign or are the
    # contact person of (Administrative Procedure Act 434/2003, section 44).
    job_title_fi = models.CharField(_("job title in Finnish"), max_length=120, blank=True)
    job_title_sv = models.CharField(_("job title in Swedish"), max_length=120, blank=True)
    job_title_en = models.CharField(_("job title in English"), max_length=120, blank=True)
    phone = models.CharField(
        _("telephone number"),
        max_length=40,
        blank=True,
        help_text=_("Printed on the decisions the official presents, signs or is the contact person of."),
    )

    job_title = Translated("job_title")

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def job_title_in(self, language: str) -> str:
        """The title in `language`, or in another language when not given in that one."""
        return User.job_title.in_language(self, language)

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token itself is shown once, when created.

    A token works until it expires or is revoked: by its owner, or when the owner's password is reset or changed,
    when they leave an organisation, or when their account is closed.
    """

    class Scope(models.TextChoices):
        READ = "read", _("read only")
        READ_WRITE = "read_write", _("read and write")

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. our grant system.")
    )
    prefix = models.CharField(_("beginning of the token"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("rights"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_because = models.CharField(_("revoked because"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def allows_writing(self) -> bool:
        return self.scope == self.Scope.READ_WRITE


class StaffRole(models.TextChoices):
    """What an official does in the service. The codes are stable; only the labels are translated."""

    ADMINISTRATOR = "administrator", _("administrator")
    PROGRAMME_MANAGER = "programme_manager", _("programme manager")
    REVIEWER = "reviewer", _("reviewer")
    PRESENTER = "presenter", _("presenter")
    DECISION_MAKER = "decision_maker", _("decision maker")
    FINANCE_OFFICER = "finance_officer", _("finance officer")
    AUDITOR = "auditor", _("auditor")


class RoleGrant(models.Model):
    """One role of one official. Reviewers and presenters are further assigned to calls or applications."""

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=30, choices=StaffRole.choices)
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["person__full_name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="role_grant_person_role_unique")
        ]

    def __str__(self):
        return f"{self.person}: {self.get_role_display()}"


class StrongIdentity(models.Model):
    """A person identified strongly (Suomi.fi e-Identification), linked to one account.

    The personal identity code is never stored: `person_key` is a keyed hash of it, enough to recognise the same
    person at their next identification and useless to anyone without the key. Name and birth date are kept as
    the provider gave them.
    """

    user = models.OneToOneField(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="strong_identity"
    )
    person_key = models.CharField(max_length=64, unique=True, editable=False)
    given_name = models.CharField(_("given names"), max_length=200)
    family_name = models.CharField(_("family name"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    first_identified_at = models.DateTimeField(_("first identified"))
    last_identified_at = models.DateTimeField(_("last identified"))
    level_of_assurance = models.CharField(_("level of assurance"), max_length=100)

    class Meta:
        verbose_name = _("strong identity")
        verbose_name_plural = _("strong identities")

    def __str__(self):
        return f"{self.given_name} {self.family_name}"
