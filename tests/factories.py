"""Factories for every model the tests build and every state a test needs, grouped by app in the order of a grant's
life: people and organisations, calls, applications, their handling, decisions, grants, payments, reports and the
register.

A plain call builds the earliest state (`CallFactory()` is an open call, `ReportFactory()` a report just started);
a trait or a class method names a later one (`CallFactory(closed=True)`, `GrantFactory.accepted()`,
`ReportFactory.sent()`). Later states are reached through the services, as a user would reach them, so that they
come with their audit entries, instalments and ledger; the one exception is the signature of a decision (see
`DecisionFactory.signed`). Every default date is relative to today, so that the suite runs in any year.
"""

import datetime
from decimal import Decimal

import factory
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.fi import hetu, ytunnus
from stdnum.iban import calc_check_digits

from avustamo.accounts.identities import person_key
from avustamo.accounts.models import RoleGrant, StrongIdentity, User
from avustamo.applications import services as application_services
from avustamo.applications.models import Application, CompletionRequest
from avustamo.core.dates import banking_day_from, helsinki_today
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.grants import services as grant_services
from avustamo.grants.models import ChangeOutcome, ChangeRequest, Grant
from avustamo.grants.selectors import period_in_force
from avustamo.hearings.models import Hearing, HearingStatus, HearingSubject
from avustamo.organisations.models import (
    AuthorityCheck,
    AuthoritySource,
    Membership,
    Organisation,
    OrganisationType,
    RepresentationVerification,
    VerificationStatus,
)
from avustamo.payments import services as payment_services
from avustamo.payments.accounting import PUBLISHED_TRANSFER_ACCOUNTS
from avustamo.payments.models import PaymentBatch, PostingAccount, PostingPurpose, months_before
from avustamo.payments.services.invoicing import apply_confirmation
from avustamo.programmes.application_form.schema import parse_definition
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import (
    Agency,
    Call,
    CallDeclaration,
    CallForm,
    CallStatus,
    CallTheme,
    EvaluationCriterion,
    PaymentChannel,
    Programme,
    RequiredAttachment,
)
from avustamo.reference.models import Municipality, Region
from avustamo.register.models import PublishedGrant
from avustamo.register.services import refresh_derived
from avustamo.reports import services as report_services
from avustamo.reports.models import Report, ReportStatus
from avustamo.reports.selectors import reports_due
from avustamo.reviews import services as review_services
from avustamo.reviews.models import CallAssignment, Screening, ScreeningResult

# --- Identifiers and dates -----------------------------------------------------------------------------------


def valid_business_id(n: int) -> str:
    """The n-th seven-digit number that has a valid check digit, as `1234567-8`."""
    base = 1_000_000 + n * 7
    while True:
        for digit in "0123456789":
            candidate = f"{base:07d}-{digit}"
            if ytunnus.is_valid(candidate):
                return candidate
        base += 1


def valid_iban(n: int) -> str:
    bban = f"{n:014d}"
    return f"FI{calc_check_digits('FI00' + bban)}{bban}"


def test_identity_code(n: int) -> str:
    """A valid personal identity code with a test individual number (900–999), one per `n`."""
    day = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 100)
    individual = 900 + n % 100
    for check in "0123456789ABCDEFHJKLMNPRSTUVWXY":
        candidate = f"{day:%d%m%y}-{individual:03d}{check}"
        if hetu.is_valid(candidate, allow_temporary=True):
            return candidate
    raise AssertionError(candidate)


def next_year() -> tuple[datetime.date, datetime.date]:
    """The first and last day of next year: the period of use a call asks for and a decision grants by default."""
    year = helsinki_today().year + 1
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def days_from_now_at(days: int, hour: int = 16, minute: int = 15) -> datetime.datetime:
    """A moment `days` from today at `hour`:`minute` in Helsinki: tests freeze the clock there, never on a calendar
    date of their own."""
    local = timezone.localtime() + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


# --- People and organisations ----------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fi_FI")
    password = factory.django.Password("correct-horse-battery")

    class Params:
        official = factory.Trait(is_staff=True)
        administrator = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """`UserFactory(roles=["presenter"])`: an official with these roles."""
        if extracted:
            if not self.is_staff:
                self.is_staff = True
                self.save(update_fields=["is_staff"])
            for role in extracted:
                RoleGrant.objects.get_or_create(person=self, role=role)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """The address is verified, as after following the signup link; `verified_email=False`: not yet."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "01"
    name_fi = "Uusimaa"
    name_sv = "Nyland"
    name_en = "Uusimaa"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = "091"
    name_fi = "Helsinki"
    name_sv = "Helsingfors"
    region = factory.SubFactory(RegionFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kotoutumisyhdistys {n} ry")
    business_id = factory.Sequence(valid_business_id)
    organisation_type = OrganisationType.REGISTERED_ASSOCIATION
    home_municipality = factory.SubFactory(MunicipalityFactory)
    street_address = "Mannerheimintie 1"
    postal_code = "00100"
    post_office = "Helsinki"
    iban = factory.Sequence(valid_iban)
    email = factory.Sequence(lambda n: f"board{n}@association.example.org")


class StrongIdentityFactory(factory.django.DjangoModelFactory):
    """A person identified at Suomi.fi e-Identification; the identity code is a test code (individual number
    900–999), kept only as its keyed hash."""

    class Meta:
        model = StrongIdentity
        django_get_or_create = ("user",)

    class Params:
        national_identification_number = factory.Sequence(test_identity_code)

    user = factory.SubFactory(UserFactory)
    person_key = factory.LazyAttribute(lambda identity: person_key(identity.national_identification_number))
    given_name = "Testi"
    family_name = "Henkilö"
    first_identified_at = factory.LazyFunction(timezone.now)
    last_identified_at = factory.LazyFunction(timezone.now)
    level_of_assurance = "http://ftn.ficora.fi/2017/loa2"


class RepresentationVerificationFactory(factory.django.DjangoModelFactory):
    """A person's right to act for an organisation as an official verified it."""

    class Meta:
        model = RepresentationVerification

    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = VerificationStatus.VERIFIED
    explanation = "Hallituksen päätös 12.1., 7 §."
    proof = "representation/test/paatos.pdf"
    proof_name = "paatos.pdf"
    proof_kind = "pdf"
    decided_at = factory.LazyFunction(timezone.now)


class AuthorityCheckFactory(factory.django.DjangoModelFactory):
    """An answer of Suomi.fi e-Authorizations, by default just now and allowing."""

    class Meta:
        model = AuthorityCheck

    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    source = AuthoritySource.E_AUTHORIZATIONS
    allowed = True
    basis = "PJ, NIMKO"
    answer = factory.LazyAttribute(lambda check: {"roles": ["PJ", "NIMKO"]})
    checked_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A person acting for an organisation; by default strongly identified and with a right to act verified by an
    official, so that they may also send in the organisation's name (`right_to_act=False`: collaboration only)."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER

    class Params:
        administrator = factory.Trait(role=Membership.Role.ADMINISTRATOR)

    @factory.post_generation
    def right_to_act(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        StrongIdentityFactory(user=self.person)
        if not RepresentationVerification.objects.filter(
            person=self.person, organisation=self.organisation, status=VerificationStatus.VERIFIED
        ).exists():
            RepresentationVerificationFactory(person=self.person, organisation=self.organisation)


# --- Programmes and calls --------------------------------------------------------------------------------------


# Income accounts of the tests' agencies: any eight digits do; an agency takes its own from the State's chart.
INCOME_ACCOUNTS_FOR_TESTS = {
    PostingPurpose.RETURN: "83900000",
    PostingPurpose.RECOVERY: "83910000",
    PostingPurpose.INTEREST: "63100000",
    PostingPurpose.PENALTY_INTEREST: "63900000",
}


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = "TEM"
    name_fi = "Työ- ja elinkeinoministeriö"
    name_sv = "Arbets- och näringsministeriet"
    name_en = "Ministry of Economic Affairs and Employment"
    payment_bic = "NDEAFIHH"
    payment_service_code = "1234567-1"

    @factory.post_generation
    def posting_accounts(agency, create, extracted, **kwargs):
        """Every account the agency books to, unless `posting_accounts=False`: the published transfer accounts,
        one for the kinds that have none published, and income accounts."""
        if not create or extracted is False:
            return
        accounts = [
            PostingAccount(
                agency=agency,
                purpose=PostingPurpose.TRANSFER,
                organisation_type=kind,
                account=PUBLISHED_TRANSFER_ACCOUNTS.get(kind, "82900000"),
            )
            for kind in OrganisationType.values
        ] + [
            PostingAccount(agency=agency, purpose=purpose, account=account)
            for purpose, account in INCOME_ACCOUNTS_FOR_TESTS.items()
        ]
        PostingAccount.objects.bulk_create(accounts, ignore_conflicts=True)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    agency = factory.SubFactory(AgencyFactory)
    code = "tem-kotoutuminen-jarjestoavustus"
    name_fi = "Järjestöavustus kotoutumista edistävään toimintaan"
    name_sv = "Organisationsstöd för verksamhet som främjar integration"
    name_en = "Grant to organisations for integration work"
    eligible_organisation_types = [
        OrganisationType.REGISTERED_ASSOCIATION.value,
        OrganisationType.FOUNDATION.value,
        OrganisationType.RELIGIOUS_COMMUNITY.value,
    ]
    budget_line = "32.50.30"
    operational_unit = "3201001000"
    project_code = "3250300101"
    special_act_fi = "Laki kotoutumisen edistämisestä (681/2023)"
    special_act_sv = "Lag om främjande av integration (681/2023)"
    special_act_en = "Act on the Promotion of Immigrant Integration (681/2023)"

    class Params:
        talent_hub = factory.Trait(
            code="tem-talent-hub",
            name_fi="Talent Hub",
            name_sv="Talent Hub",
            name_en="Talent Hub",
            eligible_organisation_types=[OrganisationType.MUNICIPALITY.value],
            default_max_share_percent=Decimal("70.00"),
            default_own_funding_percent=Decimal("30.00"),
            budget_line="32.30.40",
            special_act_fi="",
            special_act_sv="",
            special_act_en="",
        )


class CallFactory(factory.django.DjangoModelFactory):
    """An open, published call for projects of next year unless a trait says otherwise."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"TEM-TEST-{n}")
    title_fi = factory.Sequence(lambda n: f"Testihaku {n}")
    title_sv = factory.Sequence(lambda n: f"Testutlysning {n}")
    title_en = factory.Sequence(lambda n: f"Test call {n}")
    description_fi = "Hakuun voivat osallistua yhdistykset."
    description_sv = "Föreningar kan delta i ansökan."
    opens_at = factory.LazyFunction(lambda: days_from_now_at(-10, 8, 0))
    closes_at = factory.LazyFunction(lambda: days_from_now_at(20))
    appropriation = Decimal("600000.00")
    min_grant = Decimal("20000.00")
    max_grant = Decimal("100000.00")
    period_earliest_start = factory.LazyFunction(lambda: next_year()[0])
    period_latest_end = factory.LazyFunction(lambda: next_year()[1])
    eligible_organisation_types = [OrganisationType.REGISTERED_ASSOCIATION.value]
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=20))

    class Params:
        draft = factory.Trait(published_at=None)
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: days_from_now_at(10, 8, 0)),
            closes_at=factory.LazyFunction(lambda: days_from_now_at(40)),
        )
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: days_from_now_at(-60, 8, 0)),
            closes_at=factory.LazyFunction(lambda: days_from_now_at(-30)),
        )


def close_call(call, *, closed_for=datetime.timedelta(minutes=1)):
    """Let the clock run past a call's closing: submissions made in the test arrived before it closed."""
    closes_at = timezone.now() - closed_for
    type(call).objects.filter(pk=call.pk).update(closes_at=closes_at)
    Application.objects.filter(call=call, submitted_at__gt=closes_at).update(
        submitted_at=closes_at - datetime.timedelta(hours=1)
    )
    call.refresh_from_db()
    return call


class CallThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallTheme

    call = factory.SubFactory(CallFactory)
    name_fi = "Perheellisten maahanmuuttaneiden kotoutuminen"
    name_sv = "Integration av invandrarfamiljer"
    name_en = "Integration of families with an immigrant background"


class CallDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallDeclaration

    call = factory.SubFactory(CallFactory)
    text_fi = "Hakijalla on vähintään kahden vuoden kokemus kotoutumistyöstä."
    text_sv = "Sökanden har minst två års erfarenhet av integrationsarbete."


class EvaluationCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationCriterion

    call = factory.SubFactory(CallFactory)
    name_fi = "Hankkeen sopivuus haun tavoitteisiin"
    name_sv = "Projektets förenlighet med målen"
    weight = Decimal("2")


class RequiredAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredAttachment

    call = factory.SubFactory(CallFactory)
    name_fi = "Yhdistyksen säännöt"
    name_sv = "Föreningens stadgar"


class CallFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallForm

    call = factory.SubFactory(CallFactory)
    version = 1
    definition = factory.LazyFunction(lambda: parse_definition(standard_definition()).to_json())


# --- Applications ----------------------------------------------------------------------------------------------


def complete_answers(call, *, requested="50000.00", regions=("01",)) -> dict:
    """Answers to the standard form that pass every rule of a call built by CallFactory: a project of next year
    with costs of `requested` + 15 000 € (personnel `requested` + 10 000 €, rents 5 000 €)."""
    start, end = next_year()
    return {
        "contact-persons": [
            {"name": "Aino Rahastonhoitaja", "email": "aino@example.org", "phone": "040 123 4567"}
        ],
        "project-name": "Perheiden kotoutumisen tuki",
        "project-summary": "Vertaistukea maahanmuuttaneille perheille.",
        "objectives": "Perheet tuntevat palvelut.",
        "target-groups": "Maahanmuuttaneet perheet.",
        "activities": "Viikoittaiset perhekerhot.",
        "regions": list(regions),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "vat-recoverable": "no",
        "budget": {
            "costs": {"personnel": str(Decimal(requested) + Decimal("10000.00")), "rents": "5000.00"},
            "income": "5000.00",
            "own_funding": "10000.00",
        },
        "declarations": [str(pk) for pk in call.declarations.values_list("pk", flat=True)],
    }


def every_kind_definition() -> dict:
    """The standard form with a section asking every other kind of question: a condition, a group and a repeating
    group among them."""
    definition = standard_definition()
    label = {"fi": "Kysymys", "sv": "Fråga", "en": "Question"}
    options = [{"value": value, "label": {"fi": value}} for value in ("peer", "language", "work")]
    definition["sections"].append(
        {
            "id": "more",
            "title": {"fi": "Lisäkysymykset", "sv": "Fler frågor", "en": "More questions"},
            "questions": [
                {
                    "type": "number",
                    "id": "participants",
                    "label": label,
                    "required": True,
                    "min": 1,
                    "max": 500,
                },
                {"type": "money", "id": "membership-fee", "label": label, "max": 100},
                {"type": "date", "id": "founded", "label": label},
                {"type": "email", "id": "office-email", "label": label, "required": True},
                {"type": "business_id", "id": "partner-business-id", "label": label},
                {"type": "iban", "id": "iban", "label": label},
                {"type": "single_choice", "id": "main-activity", "label": label, "options": options},
                {"type": "multiple_choice", "id": "activities-kind", "label": label, "options": options},
                {"type": "yes_no", "id": "has-partners", "label": label, "required": True},
                {
                    "type": "long_text",
                    "id": "partners",
                    "label": label,
                    "required": True,
                    "max_length": 500,
                    "show_if": {"question": "has-partners", "equals": "yes"},
                },
                {"type": "municipality", "id": "home-municipality", "label": label, "multiple": False},
                {
                    "type": "attachment",
                    "id": "budget-sheet",
                    "label": label,
                    "kinds": ["pdf"],
                    "max_size_mb": 5,
                },
                {
                    "type": "group",
                    "id": "chair",
                    "label": label,
                    "questions": [
                        {"type": "short_text", "id": "chair-name", "label": label, "required": True}
                    ],
                },
                {
                    "type": "group",
                    "id": "volunteers",
                    "label": label,
                    "repeat": True,
                    "min_items": 1,
                    "max_items": 5,
                    "questions": [
                        {"type": "short_text", "id": "volunteer-name", "label": label, "required": True},
                        {"type": "number", "id": "volunteer-hours", "label": label},
                    ],
                },
            ],
        }
    )
    return parse_definition(definition).to_json()


def every_kind_call() -> Call:
    """An open call whose form asks every kind of question (`every_kind_definition`), with two declarations, two
    required attachments, and the region and municipality `every_kind_answers` name."""
    call = CallFactory()
    CallFormFactory(call=call, definition=every_kind_definition())
    CallDeclarationFactory.create_batch(2, call=call)
    RequiredAttachmentFactory(call=call)
    RequiredAttachmentFactory(call=call, name_fi="Toimintasuunnitelma", name_sv="Verksamhetsplan")
    RegionFactory()
    MunicipalityFactory()
    return call


def every_kind_answers(call) -> dict:
    """Answers to `every_kind_definition` that pass every rule of a call built by CallFactory, with a region and
    a municipality made by RegionFactory and MunicipalityFactory."""
    return complete_answers(call) | {
        "participants": "120",
        "membership-fee": "15.50",
        "founded": "1998-05-04",
        "office-email": "toimisto@example.org",
        "partner-business-id": OrganisationFactory.build().business_id,
        "iban": "FI2112345600000785",
        "main-activity": "peer",
        "activities-kind": ["peer", "work"],
        "has-partners": "yes",
        "partners": "Kaupungin kirjasto.",
        "home-municipality": "091",
        "chair-name": "Aino Puheenjohtaja",
        "volunteers": [{"volunteer-name": "Mikko", "volunteer-hours": "40"}, {"volunteer-name": "Sara"}],
    }


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application, nothing answered yet; `submitted()` sends one through the service."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    # Applications to the same call share its latest form, as in the service.
    form = factory.LazyAttribute(
        lambda application: (
            application.call.forms.order_by("-version").first() or CallFormFactory(call=application.call)
        )
    )
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def submitted(
        cls, call=None, *, applicant=None, requested="50000.00", regions=("01",), answers=None
    ) -> Application:
        """An application started, answered with `complete_answers` (updated by `answers`) and submitted through
        the service by `applicant` (by default the one member of a new organisation), while the call was open: an
        hour before it closed when it has closed already. It has its register number, the facts copied from
        its answers and its first submitted version."""
        call = call or CallFactory()
        if not call.forms.exists():
            CallFormFactory(call=call)
        applicant = applicant or MembershipFactory().person
        organisation = applicant.memberships.get().organisation
        answers = complete_answers(call, requested=requested, regions=regions) | (answers or {})
        # The services take an application only while its call is open: for a call that has closed, the clock
        # is set back to an hour before the closing, so that every time they record is one the call was open.
        moment = timezone.now()
        if call.status() != CallStatus.OPEN:
            moment = call.closes_at - datetime.timedelta(hours=1)
        with time_machine.travel(moment, tick=False):
            draft = application_services.application_start(
                call=call, organisation=organisation, acting_user=applicant
            )
            draft = application_services.application_save(
                application=draft, answers=answers, version=draft.version, acting_user=applicant
            )
            application = application_services.application_submit(application=draft, acting_user=applicant)
        application.refresh_from_db()
        return application


# --- Handling: assignments and screening ---------------------------------------------------------------------


class CallAssignmentFactory(factory.django.DjangoModelFactory):
    """An official assigned to a closed call as its presenter (or, with `role`, a reviewer) by a programme manager,
    through the service."""

    class Meta:
        model = CallAssignment

    call = factory.SubFactory(CallFactory, closed=True)
    person = factory.SubFactory(UserFactory, roles=["presenter"])
    role = CallAssignment.Role.PRESENTER
    assigned_by = factory.SubFactory(UserFactory, roles=["programme_manager"])

    @classmethod
    def _create(cls, model_class, *, call, person, role, assigned_by):
        return review_services.call_assign(call=call, person=person, role=role, acting_user=assigned_by)

    @classmethod
    def presenter_of(cls, grant) -> User:
        """The official who presented the grant's decision, assigned to present its call as the permissions of the
        grant's later steps (reports, change requests, returns) ask; returned as the person."""
        return cls(call=grant.application.call, person=grant.decision.presenter).person


class ScreeningFactory(factory.django.DjangoModelFactory):
    """The formal check of a submitted application once its call has closed, recorded through the service by
    `screened_by`: eligible on every point unless told otherwise."""

    class Meta:
        model = Screening

    application = factory.LazyFunction(lambda: ApplicationFactory.submitted(CallFactory(closed=True)))
    screened_by = factory.SubFactory(UserFactory, roles=["programme_manager"])
    arrived_on_time = True
    applicant_type_eligible = True
    declarations_given = True
    attachments_present = True
    result = ScreeningResult.ELIGIBLE
    reason = ""

    @classmethod
    def _create(cls, model_class, *, screened_by, **screening):
        return review_services.screening_record(**screening, acting_user=screened_by)


class CompletionRequestFactory(factory.django.DjangoModelFactory):
    """A request to complete a submitted application once its call has closed, made through the service by a
    programme manager (`requested_by`): by default the objectives to answer again within a week. The applicant's
    email about it is queued for when the transaction commits."""

    class Meta:
        model = CompletionRequest

    application = factory.LazyFunction(lambda: ApplicationFactory.submitted(CallFactory(closed=True)))
    question_ids = factory.LazyFunction(lambda: ["objectives"])
    required_attachments = factory.LazyFunction(list)
    message = "Tavoitteet puuttuvat."
    reply_by = factory.LazyFunction(lambda: helsinki_today() + datetime.timedelta(days=7))
    requested_by = factory.SubFactory(UserFactory, roles=["programme_manager"])

    @classmethod
    def _create(cls, model_class, *, requested_by, **request):
        return application_services.completion_request_create(**request, acting_user=requested_by)


# --- Decisions -------------------------------------------------------------------------------------------------


def _application_decided(decision) -> Application:
    """A correction decides the application of the decision it corrects; a new decision, one submitted to `call`
    (by default a closed call of 50 000 €)."""
    if decision.corrects is not None:
        return decision.corrects.application
    return ApplicationFactory.submitted(
        decision.call or CallFactory(closed=True, appropriation=Decimal("50000.00"))
    )


class DecisionFactory(factory.django.DjangoModelFactory):
    """A presenter's draft decision on a submitted application: approved, 12 000 € for a period of use of next
    year, to be paid at once on acceptance and asking for no report. A negative outcome has only its reasons, as
    the drafting service leaves it. `call` chooses the application's call; `period` is (start, end); `corrects`
    makes it a correction of a signed decision, by its presenter, on its application."""

    class Meta:
        model = Decision

    class Params:
        call = None
        period = factory.LazyFunction(next_year)
        is_positive = factory.LazyAttribute(lambda decision: decision.outcome in Outcome.positive())

    corrects = None
    application = factory.LazyAttribute(_application_decided)
    outcome = Outcome.APPROVED
    amount = factory.LazyAttribute(
        lambda decision: Decimal("12000.00") if decision.is_positive else Decimal(0)
    )
    purpose = factory.LazyAttribute(
        lambda decision: "Vertaistukiryhmät perheille." if decision.is_positive else ""
    )
    period_start = factory.LazyAttribute(
        lambda decision: decision.period[0] if decision.is_positive else None
    )
    period_end = factory.LazyAttribute(lambda decision: decision.period[1] if decision.is_positive else None)
    instalments = factory.LazyFunction(list)
    reports_due = factory.LazyFunction(list)
    reasons = "Perustelut."
    presenter = factory.LazyAttribute(
        lambda decision: (
            decision.corrects.presenter
            if decision.corrects is not None
            else UserFactory(roles=["presenter"], full_name="Esa Esittelijä")
        )
    )

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # Amounts may be given as text ("10000.00") and the instalments and reports as tuples, as they read best.
        for field in ("amount", "eligible_costs", "max_share_percent"):
            if isinstance(kwargs.get(field), str | int):
                kwargs[field] = Decimal(kwargs[field])
        for field in ("instalments", "reports_due"):
            kwargs[field] = list(kwargs.get(field) or [])
        return kwargs

    @classmethod
    def signed(cls, **terms) -> Decision:
        """A decision signed today by a decision maker other than the presenter, not yet published.

        Written as `decisions.services.decision_sign` leaves it rather than drafted, sent and signed through the
        services: the terms the tests need (an amount below the call's smallest grant, no instalments, no final
        report) are often ones the drafting service would refuse, and the handling tests sign through it."""
        signature = {
            "status": DecisionStatus.SIGNED,
            "signed_at": timezone.now(),
            "decision_date": helsinki_today(),
        }
        if "decision_maker" not in terms:
            signature["decision_maker"] = UserFactory(roles=["decision_maker"])
        return cls(**signature | terms)

    @classmethod
    def published(cls, **terms) -> Decision:
        """A signed decision published the way the service publishes it: its documents made, its register entry
        written, the grant of a positive decision opened (awaiting acceptance, with its instalments and ledger)
        and the applicant emailed; the email is cleared from the outbox."""
        decision = cls.signed(**terms)
        grant_services.decision_publish(decision_id=decision.pk, acting_user=decision.presenter)
        mail.outbox.clear()
        decision.refresh_from_db()
        return decision


# --- Grants ----------------------------------------------------------------------------------------------------


class GrantFactory(factory.django.DjangoModelFactory):
    """The grant a published positive decision opens, awaiting the recipient's answer. Every state takes the
    decision's terms as DecisionFactory does (amount, call, period, instalments, reports_due, max_share_percent,
    ...); the recipient who answers is the member who applied, `grant.application.submitted_by`."""

    class Meta:
        model = Grant
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, **terms):
        return DecisionFactory.published(**terms).grant

    @classmethod
    def awaiting_acceptance(cls, **terms) -> Grant:
        """The grant as its decision's publication opens it: nothing may be paid before the recipient accepts,
        where the call asks for acceptance."""
        return cls(**terms)

    @classmethod
    def accepted(cls, **terms) -> Grant:
        """The grant whose terms the recipient has accepted: what is due on acceptance falls due for payment."""
        grant = cls(**terms)
        return grant_services.grant_accept(grant=grant, acting_user=grant.application.submitted_by)

    @classmethod
    def declined(cls, reason="Hanke ei toteudu.", **terms) -> Grant:
        """The grant the recipient has declined with `reason`: nothing is paid and the money is free for the call
        again."""
        grant = cls(**terms)
        return grant_services.grant_decline(
            grant=grant, reason=reason, acting_user=grant.application.submitted_by
        )

    @classmethod
    def paid(cls, paid_on=None, **terms) -> Grant:
        """The accepted grant with what is due on acceptance (all of it unless `instalments` say otherwise) paid
        on `paid_on`, today unless given, in a batch of its agency (by default TEM, paying from FI21 1234 5600
        0007 85)."""
        if terms.get("call") is None:
            agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785")
            if not agency.payment_iban:  # TEM was there already, made by a factory that needed no account
                agency.payment_iban = "FI2112345600000785"
                agency.save(update_fields=["payment_iban"])
            terms["call"] = CallFactory(closed=True, programme=ProgrammeFactory(agency=agency))
        grant = cls.accepted(**terms)
        PaymentBatchFactory.paid(agency=grant.application.call.programme.agency, paid_on=paid_on)
        grant.refresh_from_db()
        return grant

    @classmethod
    def to_report_on(
        cls,
        call=None,
        *,
        instalments=(
            (60, Decision.InstalmentCondition.ON_ACCEPTANCE),
            (40, Decision.InstalmentCondition.AFTER_FINAL_REPORT),
        ),
        reports=None,
    ) -> Grant:
        """An accepted grant of 12 000 € at most 80 % of the eligible costs, applied for with a budget of 15 000 €
        (personnel 12 000 €, rents 3 000 €) to `call` (whose smallest grant must allow it), its period of use
        ended five days ago, paid in `instalments` given as (percent, condition); the reports due are `reports`
        as (kind, due date), by default the final one in 60 days."""
        today = helsinki_today()
        if reports is None:
            reports = (("final", today + datetime.timedelta(days=60)),)
        budget = {"costs": {"personnel": "12000.00", "rents": "3000.00"}, "own_funding": "3000.00"}
        application = ApplicationFactory.submitted(
            call or CallFactory(closed=True, min_grant=Decimal("10000.00")), answers={"budget": budget}
        )
        return cls.accepted(
            application=application,
            amount="12000.00",
            max_share_percent=Decimal("80.00"),
            period=(today - datetime.timedelta(days=300), today - datetime.timedelta(days=5)),
            instalments=[
                {"percent": str(percent), "condition": condition} for percent, condition in instalments
            ],
            reports_due=[{"kind": kind, "due": due.isoformat()} for kind, due in reports],
        )


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A change request sent by the recipient through the service and open, waiting for the presenter: by default
    on an accepted grant, asking to extend the period of use in force by three months. Other changes are asked as
    `change_request_submit` takes them (`period_end`, `costs`, `content` and their reasons)."""

    class Meta:
        model = ChangeRequest

    grant = factory.LazyFunction(GrantFactory.accepted)
    submitted_by = factory.LazyAttribute(lambda change_request: change_request.grant.application.submitted_by)

    @classmethod
    def _create(cls, model_class, *, grant, submitted_by, **asked):
        if not asked:
            asked = {
                "period_end": months_before(period_in_force(grant)[1], -3),  # three months later
                "extension_reasons": "Ryhmät jatkuvat kevääseen.",
            }
        return grant_services.change_request_submit(grant=grant, acting_user=submitted_by, **asked)

    @classmethod
    def open(cls, **kwargs) -> ChangeRequest:
        """The request as the recipient sent it: open, each part waiting for the presenter's decision."""
        return cls(**kwargs)

    @classmethod
    def decided(cls, outcome=ChangeOutcome.ACCEPTED, reasons="", **kwargs) -> ChangeRequest:
        """The change decision: every part decided `outcome` (as asked, unless told) by the grant's presenter,
        assigned to present the call. Its document is made and sent by the task worker once the transaction
        commits."""
        change_request = cls(**kwargs)
        presenter = CallAssignmentFactory.presenter_of(change_request.grant)
        for part in change_request.parts.all():
            grant_services.change_part_decide(
                part=part, outcome=outcome, reasons=reasons, acting_user=presenter
            )
        change_request.refresh_from_db()
        return change_request


# --- Payments --------------------------------------------------------------------------------------------------


class PaymentBatchFactory(factory.django.DjangoModelFactory):
    """A batch of every instalment due from the agency's grants, prepared by a finance officer through the service
    for payment on the first banking day from today, awaiting a second officer's approval."""

    class Meta:
        model = PaymentBatch

    agency = factory.SubFactory(AgencyFactory)
    execution_date = factory.LazyFunction(lambda: banking_day_from(helsinki_today()))
    prepared_by = factory.SubFactory(UserFactory, roles=["finance_officer"])

    @classmethod
    def _create(cls, model_class, *, agency, execution_date, prepared_by):
        return payment_services.batch_prepare(
            agency=agency, execution_date=execution_date, acting_user=prepared_by
        )

    @classmethod
    def prepared(cls, **kwargs) -> PaymentBatch:
        """The batch as prepared: its payments taken from those due, awaiting a second officer's approval."""
        return cls(**kwargs)

    @classmethod
    def approved(cls, approved_by=None, **kwargs) -> PaymentBatch:
        """The batch approved by a second finance officer (`approved_by`), ready to be sent to the bank."""
        batch = cls(**kwargs)
        return payment_services.batch_approve(
            batch=batch, acting_user=approved_by or UserFactory(roles=["finance_officer"])
        )

    @classmethod
    def paid(cls, paid_on=None, **kwargs) -> PaymentBatch:
        """The approved batch paid on `paid_on`, today unless given: sent to the bank as a credit transfer and
        marked paid, or, for an agency paying through the State's invoice circulation, sent there and answered by
        its confirmations. Every payment in it is paid and in the grants' ledgers."""
        batch = cls.approved(**kwargs)
        paid_on = paid_on or helsinki_today()
        if batch.agency.payment_channel == PaymentChannel.INVOICE_CIRCULATION:
            payment_services.batch_send(batch=batch, acting_user=batch.prepared_by)
            for invoice in batch.invoices.all():
                apply_confirmation(
                    f"{invoice.file_name}.answer",
                    f"<VA-invoice><Header><Pitkaviite>{invoice.long_reference}</Pitkaviite>"
                    f"<Maksupvm>{paid_on.isoformat()}</Maksupvm></Header></VA-invoice>".encode(),
                )
            batch.refresh_from_db()
            return batch
        payment_services.batch_credit_transfer(batch=batch, acting_user=batch.prepared_by)
        return payment_services.batch_mark_paid(batch=batch, paid_on=paid_on, acting_user=batch.prepared_by)


# --- Reports ---------------------------------------------------------------------------------------------------

ACCOUNTS_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def report_answers(costs=None) -> dict:
    """Answers to the standard report form that pass every rule: the costs actually incurred are `costs` by
    category, by default personnel 10 000 € and rents 2 000 €."""
    return {
        "activities-done": "Pidimme 24 vertaistukiryhmää.",
        "results": "Tavoitteet saavutettiin.",
        "age-18-29": "14",
        "gender-women": "20",
        "vat-included": "yes",
        "actual-budget": {"costs": costs or {"personnel": "10000.00", "rents": "2000.00"}},
    }


def _next_due_date(report) -> datetime.date:
    """The deadline of the first report of the kind that the decision asks for and the recipient has not started."""
    return next(
        due.due_date for due in reports_due(report.grant) if due.kind == report.kind and due.report is None
    )


class ReportFactory(factory.django.DjangoModelFactory):
    """A report the grant's decision asks for, started through the service by the member who applied and not yet
    answered: by default the final report of a grant to report on (`GrantFactory.to_report_on`), due when the
    decision says."""

    class Meta:
        model = Report

    grant = factory.LazyFunction(GrantFactory.to_report_on)
    kind = Decision.ReportKind.FINAL
    due_date = factory.LazyAttribute(_next_due_date)
    created_by = factory.LazyAttribute(lambda report: report.grant.application.submitted_by)

    @classmethod
    def _create(cls, model_class, *, grant, kind, due_date, created_by):
        return report_services.report_start(grant=grant, kind=kind, due_date=due_date, acting_user=created_by)

    @classmethod
    def started(cls, **kwargs) -> Report:
        """The report as the recipient starts it: a draft on the call's report form, nothing answered."""
        return cls(**kwargs)

    @classmethod
    def draft(cls, costs=None, attach=True, **kwargs) -> Report:
        """The report answered with `report_answers(costs)` and, unless `attach` is false, its accounts attached:
        ready to send, not sent."""
        report = cls(**kwargs)
        report = report_services.report_save(
            report=report,
            answers=report_answers(costs),
            version=report.version,
            acting_user=report.created_by,
        )
        if attach:
            report_services.report_attachment_add(
                report=report,
                question_id="accounts",
                upload=SimpleUploadedFile("tuloslaskelma.pdf", ACCOUNTS_PDF),
                acting_user=report.created_by,
            )
        return report

    @classmethod
    def sent(cls, **kwargs) -> Report:
        """The draft sent by the member who wrote it: waiting for the review of its content; the presenter's
        email about it is queued for when the transaction commits."""
        report = cls.draft(**kwargs)
        return report_services.report_submit(report=report, acting_user=report.created_by)

    @classmethod
    def content_approved(cls, content_reviewer=None, **kwargs) -> Report:
        """The sent report whose content a programme manager (`content_reviewer`) has approved: an interim report
        is then approved and releases the instalment waiting for it; a final report waits for the review of its
        finances."""
        report = cls.sent(**kwargs)
        return report_services.report_approve_content(
            report=report, notes="", acting_user=content_reviewer or UserFactory(roles=["programme_manager"])
        )

    @classmethod
    def approved(cls, accepted_costs=None, notes="", finance_officer=None, **kwargs) -> Report:
        """The report approved: an interim one once its content is; a final one once a finance officer has also
        accepted `accepted_costs` of it (all it reports unless given; `notes` say why less), which settles the
        grant."""
        report = cls.content_approved(**kwargs)
        if report.status != ReportStatus.APPROVED:
            accepted_costs = (
                report_services.reported_costs(report) if accepted_costs is None else accepted_costs
            )
            if payment_services.settlement_of(report.grant, accepted_costs).cuts_the_grant:
                heard(report.grant, HearingSubject.SETTLEMENT)
            report_services.report_approve_finances(
                report=report,
                accepted_costs=accepted_costs,
                notes=notes,
                acting_user=finance_officer or UserFactory(roles=["finance_officer"]),
            )
            report.refresh_from_db()
        return report


# --- Hearings --------------------------------------------------------------------------------------------------


class HearingFactory(factory.django.DjangoModelFactory):
    """A hearing request the grant's presenter sent today on `subject` (a return or recovery by default), awaiting
    the recipient's reply for the 14 days the service gives by default."""

    class Meta:
        model = Hearing

    grant = factory.LazyFunction(GrantFactory.paid)
    subject = HearingSubject.RETURN
    proposal = "Avustusta esitetään perittäväksi takaisin 1 000 euroa korkoineen."
    grounds = "Loppuselvityksen mukaan avustusta jäi käyttämättä 1 000 euroa."
    reply_by = factory.LazyFunction(lambda: helsinki_today() + datetime.timedelta(days=14))
    sent_by = factory.LazyAttribute(lambda hearing: hearing.grant.decision.presenter)

    @classmethod
    def replied(cls, **kwargs) -> Hearing:
        """The request with the reply of the member who applied: a decision on its subject may now be made."""
        hearing = cls(**kwargs)
        hearing.status = HearingStatus.REPLIED
        hearing.reply = "Emme ole samaa mieltä: kulut olivat hyväksyttäviä."
        hearing.replied_by = hearing.grant.application.submitted_by
        hearing.replied_at = timezone.now()
        hearing.save()
        return hearing


def heard(grant, subject=HearingSubject.RETURN) -> Hearing:
    """The recipient of `grant` heard on `subject` (it has replied), so that one decision on it may be made."""
    return HearingFactory.replied(grant=grant, subject=subject)


# --- The register ----------------------------------------------------------------------------------------------


class PublishedGrantFactory(factory.django.DjangoModelFactory):
    """An entry of the public register as the open data import or an earlier system published it."""

    class Meta:
        model = PublishedGrant
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory, closed=True)
    recipient_name = factory.Sequence(lambda n: f"Yhdistys {n} ry")
    project_name = "Kotoutumisen tukihanke"
    amount_awarded = Decimal("50000.00")
    funding_year = factory.LazyFunction(lambda: next_year()[0].year)
    source = PublishedGrant.Source.PUBLISHED_HISTORY

    @factory.post_generation
    def statistics(self, create, extracted, **kwargs):
        """As every real path into the register does, keep the statistics equal to it."""
        if create:
            refresh_derived([self])


# --- What the application page posts ---------------------------------------------------------------------------


def page_post(answers: dict, **fields) -> dict:
    """Answers to the standard form (as `complete_answers` gives them) as the application page posts them, with
    the page's other `fields` (version, edit_key, action)."""
    posted = {
        f"q-{question}": answers[question]
        for question in (
            "project-name",
            "project-summary",
            "objectives",
            "target-groups",
            "activities",
            "vat-recoverable",
        )
        if question in answers
    }
    if "regions" in answers:
        posted["q-regions"] = answers["regions"]
    if "declarations" in answers:
        posted["q-declarations"] = answers["declarations"]
    if "period" in answers:
        posted |= {"q-period-start": answers["period"]["start"], "q-period-end": answers["period"]["end"]}
    if "budget" in answers:
        budget = answers["budget"]
        posted |= {f"q-budget-{cost}": amount for cost, amount in budget["costs"].items()}
        posted |= {"q-budget-income": budget["income"], "q-budget-own_funding": budget["own_funding"]}
    for number, person in enumerate(answers.get("contact-persons", ())):
        posted |= {f"q-contact-persons-{number}-{key}": value for key, value in person.items()}
    return posted | {key: str(value) for key, value in fields.items()}
