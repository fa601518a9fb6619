"""Agencies, grant programmes, calls for applications, and the code lists they use."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from avustamo.core.translation import Translated, language_code
from avustamo.organisations.models import OrganisationType
from avustamo.programmes.application_form.schema import FormDefinition

# Every discretionary state grant is given under the Act on Discretionary Government Transfers: its sections on
# the kinds of grant and their amount (5–7) and on the decision (11).
GENERAL_ACT = {
    "fi": "Valtionavustuslaki (688/2001) 5–7 ja 11 §",
    "sv": "Statsunderstödslagen (688/2001) 5–7 och 11 §",
    "en": "Act on Discretionary Government Transfers (688/2001), sections 5–7 and 11",
}
PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class PaymentChannel(models.TextChoices):
    INVOICE_CIRCULATION = "invoice_circulation", _("through the State's invoice circulation")
    CREDIT_TRANSFER = "credit_transfer", _("by credit transfer from the agency's own bank account")


class Agency(models.Model):
    """A grant authority, such as a ministry."""

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Short code, e.g. TEM."))
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    payment_iban = models.CharField(
        _("IBAN of the account grants are paid from"),
        max_length=34,
        blank=True,
        help_text=_("Payment batches are exported as credit transfers from this account."),
    )
    payment_bic = models.CharField(
        _("BIC of the paying account"),
        max_length=11,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$",
                _("Enter the BIC of 8 or 11 characters, e.g. NDEAFIHH."),
            )
        ],
        help_text=_("The paying bank, named in each credit transfer file as the debtor's agent."),
    )
    payment_service_code = models.CharField(
        _("service code in the bank's payment service"),
        max_length=35,
        blank=True,
        help_text=_(
            "The code the bank gave in the payment service agreement (palvelutunnus), usually the agency's Business "
            "ID: the bank knows who sent a credit transfer file by it."
        ),
    )
    payment_channel = models.CharField(
        _("how grants are paid"),
        max_length=30,
        choices=PaymentChannel.choices,
        default=PaymentChannel.CREDIT_TRANSFER,
        help_text=_(
            "A central government agency sends its payments to the State's invoice circulation; an organisation "
            "paying from its own bank account exports credit transfers."
        ),
    )
    invoice_edi_code = models.CharField(
        _("EDI address of the invoice circulation"),
        max_length=35,
        blank=True,
        validators=[
            RegexValidator(r"^\d{12,17}$", _("Enter the EDI address (OVT code) as 12 to 17 digits."))
        ],
        help_text=_("The OVT code the State's invoice circulation receives the agency's payments at."),
    )
    invoice_voucher_series = models.CharField(
        _("voucher type of payments"),
        max_length=4,
        default="XE",
        help_text=_("The voucher type the invoice circulation books the grant payments under."),
    )
    invoice_payment_term = models.CharField(
        _("payment term"),
        max_length=4,
        default="Z001",
        help_text=_("The invoice circulation's payment term code: Z001 pays on the due date."),
    )
    publishes_negative_decisions = models.BooleanField(
        _("publishes negative decisions"),
        default=True,
        help_text=_(
            "Rejected applications of organisations appear in the public register, as the State Treasury's grant "
            "data repository publishes them."
        ),
    )
    # The registry (kirjaamo) receives requests for review and other documents; decisions print its addresses.
    registry_postal_address = models.TextField(
        _("postal address of the registry"),
        blank=True,
        help_text=_("Printed in the review instructions of every decision."),
    )
    registry_email = models.EmailField(_("email address of the registry"), blank=True)
    registry_visiting_address = models.TextField(_("visiting address of the registry"), blank=True)
    open_data_prefix = models.CharField(
        _("360Giving prefix"),
        max_length=40,
        blank=True,
        help_text=_(
            "The prefix registered with 360Giving for this agency: grant identifiers read 360G-<prefix>-<number>. "
            "Empty means the agency's code in lower case."
        ),
    )

    name = Translated("name")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def grant_id_prefix(self) -> str:
        return f"360G-{self.open_data_prefix or self.code.lower()}"


class StateAidBasis(models.TextChoices):
    """Whether a call's grants are State aid (TFEU art. 107(1)) and, if so, under which rules they are given."""

    NOT_AID = "not_aid", _("not State aid (non-economic activity)")
    DE_MINIMIS = "de_minimis", _("de minimis aid (Commission Regulation (EU) 2023/2831)")
    GBER = "gber", _("aid exempted by the General Block Exemption Regulation (EU) No 651/2014")


GBER_ARTICLE_VALIDATORS = [
    RegexValidator(r"^[1-9][0-9]{0,2}[a-z]?$", _("Enter the article's number, e.g. 31 or 56a."))
]


class GrantType(models.TextChoices):
    SPECIAL = "special", _("special grant (project)")
    GENERAL = "general", _("general grant (operations)")


class Programme(models.Model):
    """A line of grants an agency runs year after year, such as the NGO grant for integration work."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="programmes"
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    # The provisions a decision applies (Administrative Procedure Act 434/2003 section 45), in each language the
    # decisions are written or translated in; a call may give its own.
    legal_basis_fi = models.TextField(
        _("legal basis in Finnish"),
        default=GENERAL_ACT["fi"],
        help_text=_(
            "The acts and their sections the decisions apply, e.g. Valtionavustuslaki (688/2001) 5–7 ja 11 §."
        ),
    )
    legal_basis_sv = models.TextField(_("legal basis in Swedish"), default=GENERAL_ACT["sv"])
    legal_basis_en = models.TextField(_("legal basis in English"), default=GENERAL_ACT["en"])
    special_act_fi = models.CharField(
        _("special act in Finnish"),
        max_length=300,
        blank=True,
        help_text=_(
            "The act on the programme's field, where one applies, e.g. Laki kotoutumisen edistämisestä (681/2023)."
        ),
    )
    special_act_sv = models.CharField(_("special act in Swedish"), max_length=300, blank=True)
    special_act_en = models.CharField(_("special act in English"), max_length=300, blank=True)
    budget_line = models.CharField(
        _("budget item"),
        max_length=40,
        blank=True,
        help_text=_("The item (momentti) of the State budget the grants are paid from, e.g. 32.30.40."),
    )
    operational_unit = models.CharField(
        _("operational unit"),
        max_length=20,
        blank=True,
        help_text=_(
            "The operational unit (toimintayksikkö) of the State's accounts the payments are booked to."
        ),
    )
    project_code = models.CharField(
        _("project code"),
        max_length=20,
        blank=True,
        help_text=_("The project of the State's accounts the payments are booked to, where one is used."),
    )
    partner_code = models.CharField(
        _("partner code"),
        max_length=20,
        blank=True,
        help_text=_("The partner (kumppani) of the State's accounts, where one applies."),
    )
    grant_type = models.CharField(
        _("grant type"), max_length=10, choices=GrantType.choices, default=GrantType.SPECIAL
    )
    eligible_organisation_types = models.JSONField(_("eligible organisation types"), default=list)
    state_aid_basis = models.CharField(
        _("State aid"),
        max_length=12,
        choices=StateAidBasis.choices,
        default=StateAidBasis.NOT_AID,
        help_text=_("Whether the grants are State aid and on which basis; a call may give its own."),
    )
    gber_article = models.CharField(
        _("article of the block exemption"),
        max_length=4,
        blank=True,
        validators=GBER_ARTICLE_VALIDATORS,
        help_text=_("For aid under the General Block Exemption Regulation: the article it is given under."),
    )
    default_max_share_percent = models.DecimalField(
        _("default maximum share of eligible costs (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    default_own_funding_percent = models.DecimalField(
        _("default minimum own funding (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    paying_agency = models.ForeignKey(
        Agency,
        verbose_name=_("paying authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paid_programmes",
        help_text=_(
            "The agency that pays the grants when it is not the deciding agency (KEHA-keskus pays some of TEM's "
            "grants). Empty: the deciding agency pays."
        ),
    )

    name = Translated("name")
    description = Translated("description")
    legal_basis = Translated("legal_basis")
    special_act = Translated("special_act")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["agency__code", "name_fi"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = set(self.eligible_organisation_types or []) - set(OrganisationType.values)
        if unknown:
            raise ValidationError(
                {
                    "eligible_organisation_types": _("Unknown organisation types: %(types)s")
                    % {"types": ", ".join(sorted(unknown))}
                }
            )
        if problem := gber_article_problem(self.state_aid_basis, self.gber_article):
            raise ValidationError({"gber_article": problem})

    def get_eligible_organisation_types_display(self) -> list[str]:
        return [OrganisationType(code).label for code in self.eligible_organisation_types]


def gber_article_problem(basis: str, article: str) -> ValidationError | None:
    """Aid under the block exemption names its article; other aid names none."""
    if basis == StateAidBasis.GBER and not article:
        return ValidationError(
            _("Give the article of the General Block Exemption Regulation the aid is given under."),
            code="gber_article_missing",
        )
    if basis in (StateAidBasis.NOT_AID, StateAidBasis.DE_MINIMIS) and article:
        return ValidationError(
            _("Only aid under the General Block Exemption Regulation names an article of it."),
            code="gber_article_not_used",
        )
    return None


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    UPCOMING = "upcoming", _("upcoming")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def with_status(self, status: str, now=None):
        now = now or timezone.now()
        published = self.published()
        match status:
            case CallStatus.UPCOMING:
                return published.filter(opens_at__gt=now)
            case CallStatus.OPEN:
                return published.filter(opens_at__lte=now, closes_at__gt=now)
            case CallStatus.CLOSED:
                return published.filter(closes_at__lte=now)
            case CallStatus.DRAFT:
                return self.filter(published_at__isnull=True)
        raise ValueError(f"unknown call status {status!r}")


class Call(models.Model):
    """A call for applications (haku). Its status follows the clock: upcoming, open, closed."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    reference = models.SlugField(
        _("reference"), max_length=60, unique=True, help_text=_("A short unique code, e.g. TEM-KOTO-2027.")
    )
    title_fi = models.CharField(_("title in Finnish"), max_length=255)
    title_sv = models.CharField(_("title in Swedish"), max_length=255, blank=True)
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    how_to_apply_fi = models.TextField(_("how to apply, in Finnish"), blank=True)
    how_to_apply_sv = models.TextField(_("how to apply, in Swedish"), blank=True)
    how_to_apply_en = models.TextField(_("how to apply, in English"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    appropriation = models.DecimalField(
        _("appropriation (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    min_grant = models.DecimalField(
        _("minimum grant (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    max_grant = models.DecimalField(
        _("maximum grant (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    period_earliest_start = models.DateField(_("period of use starts at the earliest"), null=True, blank=True)
    period_latest_end = models.DateField(_("period of use ends at the latest"), null=True, blank=True)
    eligible_organisation_types = models.JSONField(_("eligible organisation types"), default=list, blank=True)
    max_share_percent = models.DecimalField(
        _("maximum share of eligible costs (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    own_funding_min_percent = models.DecimalField(
        _("minimum own funding (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    co_implementers_allowed = models.BooleanField(
        _("joint projects with co-implementers allowed"),
        default=False,
        help_text=_(
            "An application may name co-implementers (osatoteuttajat) with their own part of the budget; the "
            "grant passed on to them needs a written agreement (Act on Discretionary Government Transfers 688/2001, "
            "section 7(3))."
        ),
    )
    own_funding_min_per_co_implementer = models.BooleanField(
        _("the minimum own funding applies to each co-implementer too"),
        default=False,
        help_text=_("Each co-implementer's own funding must reach the minimum share of its own costs."),
    )
    legal_basis_fi = models.TextField(
        _("legal basis in Finnish"), blank=True, help_text=_("Empty: the programme's legal basis.")
    )
    legal_basis_sv = models.TextField(
        _("legal basis in Swedish"), blank=True, help_text=_("Empty: the programme's legal basis.")
    )
    legal_basis_en = models.TextField(
        _("legal basis in English"), blank=True, help_text=_("Empty: the programme's legal basis.")
    )
    budget_line = models.CharField(
        _("budget item"), max_length=40, blank=True, help_text=_("Empty: the programme's budget item.")
    )
    operational_unit = models.CharField(
        _("operational unit"),
        max_length=20,
        blank=True,
        help_text=_("Empty: the programme's operational unit."),
    )
    project_code = models.CharField(
        _("project code"), max_length=20, blank=True, help_text=_("Empty: the programme's project code.")
    )
    partner_code = models.CharField(
        _("partner code"), max_length=20, blank=True, help_text=_("Empty: the programme's partner code.")
    )
    paying_agency = models.ForeignKey(
        Agency,
        verbose_name=_("paying authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paid_calls",
        help_text=_("Empty: the programme's paying authority pays."),
    )
    min_foreign_language_population = models.PositiveIntegerField(
        _("minimum foreign-language population of the municipality"),
        null=True,
        blank=True,
        help_text=_(
            "Residents whose first language is not Finnish, Swedish or Sámi, by Statistics Finland's figures. "
            "Empty: the call has no such rule."
        ),
    )
    state_aid_basis = models.CharField(
        _("State aid"),
        max_length=12,
        choices=StateAidBasis.choices,
        blank=True,
        help_text=_("Empty: the programme's."),
    )
    gber_article = models.CharField(
        _("article of the block exemption"),
        max_length=4,
        blank=True,
        validators=GBER_ARTICLE_VALIDATORS,
        help_text=_("For aid under the General Block Exemption Regulation: the article, e.g. 31."),
    )
    min_reviewers = models.PositiveSmallIntegerField(_("reviewers per application"), default=2)
    requires_acceptance = models.BooleanField(
        _("recipients accept the decision's terms before payment"),
        default=True,
        help_text=_("Nothing is paid until the recipient has accepted the terms in the service."),
    )
    acceptance_days = models.PositiveSmallIntegerField(
        _("days to accept the decision's terms"),
        null=True,
        blank=True,
        help_text=_(
            "Counted from the notification date of the decision, that day not counted; empty for no deadline."
        ),
    )
    extension_notice_days = models.PositiveSmallIntegerField(
        _("days before the period of use ends by which an extension is asked"),
        default=30,
        help_text=_("A change request to extend the period of use is refused later than this."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    source_urls = models.TextField(
        _("source pages"),
        blank=True,
        help_text=_("For calls imported from published history: where they were published."),
    )
    history_notes = models.TextField(_("notes on the published source"), blank=True)
    history_applications_received = models.PositiveIntegerField(
        _("applications received (as published)"), null=True, blank=True
    )
    history_grants_awarded = models.PositiveIntegerField(
        _("grants awarded (as published)"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CallQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    title = Translated("title")
    description = Translated("description")
    how_to_apply = Translated("how_to_apply")

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-closes_at", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(min_grant__isnull=True)
                | models.Q(max_grant__isnull=True)
                | models.Q(min_grant__lte=models.F("max_grant")),
                name="call_min_grant_not_above_max",
            ),
        ]

    def __str__(self):
        return self.title

    def status(self, now=None) -> CallStatus:
        now = now or timezone.now()
        if self.published_at is None:
            return CallStatus.DRAFT
        if now < self.opens_at:
            return CallStatus.UPCOMING
        if now < self.closes_at:
            return CallStatus.OPEN
        return CallStatus.CLOSED

    def legal_basis_in(self, language: str) -> str:
        """The provisions the call's decisions apply, in `language`: the call's own or its programme's."""
        return getattr(self, f"legal_basis_{language}") or getattr(self.programme, f"legal_basis_{language}")

    @property
    def legal_basis(self) -> str:
        """The legal basis in the active language, or in Finnish where it has none."""
        return self.legal_basis_in(language_code()) or self.legal_basis_in("fi")

    def special_act_in(self, language: str) -> str:
        return getattr(self.programme, f"special_act_{language}")

    @property
    def aid_basis(self) -> str:
        """Whether the call's grants are State aid and on which basis: the call's own or its programme's."""
        return self.state_aid_basis or self.programme.state_aid_basis

    @property
    def aid_article(self) -> str:
        """The block exemption's article the call's aid is given under, where it is; the call's or programme's."""
        if self.aid_basis != StateAidBasis.GBER:
            return ""
        return self.gber_article if self.state_aid_basis else self.programme.gber_article

    def get_aid_basis_display(self) -> str:
        return StateAidBasis(self.aid_basis).label

    @property
    def is_de_minimis(self) -> bool:
        return self.aid_basis == StateAidBasis.DE_MINIMIS

    @property
    def budget_item(self) -> str:
        """The State budget item (momentti) the call's grants are paid from: the call's own or its programme's."""
        return self.budget_line or self.programme.budget_line

    @property
    def accounting_dimensions(self) -> dict[str, str]:
        """Where the State's accounts book the call's payments: each of the call's own, or its programme's."""
        return {
            "budget_item": self.budget_item,
            **{
                name: getattr(self, name) or getattr(self.programme, name)
                for name in ("operational_unit", "project_code", "partner_code")
            },
        }

    @property
    def paying_authority(self) -> Agency:
        """The agency that pays the call's grants: the call's own, its programme's, or the deciding agency (read
        with `programme__agency`, `programme__paying_agency` and `paying_agency`)."""
        return self.paying_agency or self.programme.paying_agency or self.programme.agency

    @property
    def current_status(self) -> CallStatus:
        return self.status()

    @property
    def source_url_list(self) -> list[str]:
        return [url.strip() for url in self.source_urls.split(";") if url.strip()]

    def get_eligible_organisation_types_display(self) -> list[str]:
        return [OrganisationType(code).label for code in self.eligible_organisation_types]

    def clean(self):
        errors: dict[str, list] = {}

        def refuse(field, message, code):
            errors.setdefault(field, []).append(ValidationError(message, code=code))

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            refuse("closes_at", _("The call must close after it opens."), "closes_before_opening")
        if self.min_grant is not None and self.max_grant is not None and self.min_grant > self.max_grant:
            refuse(
                "min_grant", _("The minimum grant cannot be larger than the maximum grant."), "min_above_max"
            )
        if (
            self.max_grant is not None
            and self.appropriation is not None
            and self.max_grant > self.appropriation
        ):
            refuse(
                "max_grant",
                _("The maximum grant cannot be larger than the appropriation."),
                "max_above_appropriation",
            )
        if (
            self.period_earliest_start
            and self.period_latest_end
            and self.period_latest_end < self.period_earliest_start
        ):
            refuse(
                "period_latest_end",
                _("The period of use cannot end before it starts."),
                "period_ends_before_start",
            )
        if self.state_aid_basis and (
            problem := gber_article_problem(self.state_aid_basis, self.gber_article)
        ):
            refuse("gber_article", problem.message, problem.code)
        elif not self.state_aid_basis and self.gber_article:
            refuse(
                "gber_article",
                _("Choose the block exemption as the call's State aid basis to name its article."),
                "gber_article_not_used",
            )
        if self.own_funding_min_per_co_implementer and not self.co_implementers_allowed:
            refuse(
                "own_funding_min_per_co_implementer",
                _("Allow co-implementers first: the rule applies to each co-implementer."),
                "co_implementers_not_allowed",
            )
        elif self.own_funding_min_per_co_implementer and self.own_funding_min_percent is None:
            refuse(
                "own_funding_min_per_co_implementer",
                _("Give the minimum own funding that each co-implementer must reach."),
                "no_own_funding_minimum",
            )
        unknown = set(self.eligible_organisation_types or []) - set(OrganisationType.values)
        if unknown:
            refuse(
                "eligible_organisation_types", _("Unknown organisation type."), "unknown_organisation_type"
            )
        elif self.programme_id and self.eligible_organisation_types:
            outside = set(self.eligible_organisation_types) - set(self.programme.eligible_organisation_types)
            if outside:
                refuse(
                    "eligible_organisation_types",
                    _("The programme does not allow these organisation types: %(types)s.")
                    % {"types": ", ".join(str(OrganisationType(code).label) for code in sorted(outside))},
                    "type_outside_programme",
                )
        if errors:
            raise ValidationError(errors)


class CallPart(models.Model):
    """Something a call lists in order: a theme, a declaration, a criterion, a required attachment."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class CallTheme(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="themes")
    name_fi = models.CharField(_("theme in Finnish"), max_length=300)
    name_sv = models.CharField(_("theme in Swedish"), max_length=300, blank=True)
    name_en = models.CharField(_("theme in English"), max_length=300, blank=True)

    name = Translated("name")

    class Meta(CallPart.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class CallDeclaration(CallPart):
    """A statement the applicant must confirm, e.g. "at least 2 years of integration work"."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="declarations")
    text_fi = models.CharField(_("declaration in Finnish"), max_length=500)
    text_sv = models.CharField(_("declaration in Swedish"), max_length=500, blank=True)
    text_en = models.CharField(_("declaration in English"), max_length=500, blank=True)

    text = Translated("text")

    class Meta(CallPart.Meta):
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self):
        return self.text


class EvaluationCriterion(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name_fi = models.CharField(_("criterion in Finnish"), max_length=300)
    name_sv = models.CharField(_("criterion in Swedish"), max_length=300, blank=True)
    name_en = models.CharField(_("criterion in English"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    name = Translated("name")

    class Meta(CallPart.Meta):
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")

    def __str__(self):
        return self.name


class RequiredAttachment(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_attachments")
    name_fi = models.CharField(_("attachment in Finnish"), max_length=300)
    name_sv = models.CharField(_("attachment in Swedish"), max_length=300, blank=True)
    name_en = models.CharField(_("attachment in English"), max_length=300, blank=True)
    max_files = models.PositiveSmallIntegerField(
        _("files at most"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "A slot that takes one file has its file replaced, after asking, when a new one is uploaded."
        ),
    )

    name = Translated("name")

    class Meta(CallPart.Meta):
        verbose_name = _("required attachment")
        verbose_name_plural = _("required attachments")

    def __str__(self):
        return self.name


class CallForm(models.Model):
    """One version of a call's application form; an application keeps the version it was filled in on."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="forms")
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")
        ordering = ["call", "-version"]
        constraints = [models.UniqueConstraint(fields=["call", "version"], name="call_form_version_unique")]

    def __str__(self):
        return f"{self.call.reference} v{self.version}"

    @cached_property
    def parsed(self) -> FormDefinition:
        return FormDefinition.model_validate(self.definition)


class FormPurpose(models.TextChoices):
    APPLICATION = "application", _("application form")
    INTERIM = "interim", _("interim report form")
    FINAL = "final", _("final report form")


class FormDraft(models.Model):
    """The form builder's working copy of one of a call's forms, kept between requests and app servers.

    `version` rises with every change: a change sent against an older version was made on a stale page and is
    refused, so that two officials editing at once never overwrite each other silently."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="form_drafts"
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=FormPurpose.choices)
    definition = models.JSONField(_("definition"))
    version = models.PositiveIntegerField(_("version"), default=1)
    # The SHA-256 of the form in use when the draft began: publishing over a form saved since is refused.
    started_from = models.CharField(_("began from"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")
        constraints = [models.UniqueConstraint(fields=["call", "purpose"], name="form_draft_one_per_form")]

    def __str__(self):
        return f"{self.call.reference} {self.purpose} draft v{self.version}"
