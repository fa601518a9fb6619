"""Factories for every model the tests build; state traits name the situation (`CallFactory(open=True)`)."""

import datetime
from decimal import Decimal

import factory
from django.core import mail
from django.utils import timezone
from stdnum.fi import ytunnus
from stdnum.iban import calc_check_digits

from avustamo.accounts.models import RoleGrant, User
from avustamo.applications.models import Application, ApplicationStatus
from avustamo.core.dates import helsinki_today
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.grants import services as grant_services
from avustamo.organisations.models import Membership, Organisation, OrganisationType
from avustamo.payments import services as payment_services
from avustamo.programmes.application_form.schema import parse_definition
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import (
    Agency,
    Call,
    CallDeclaration,
    CallForm,
    CallTheme,
    EvaluationCriterion,
    Programme,
    RequiredAttachment,
)
from avustamo.reference.models import Municipality, Region
from avustamo.register.models import PublishedGrant
from avustamo.register.services import refresh_derived
from avustamo.reviews import services as review_services


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


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER

    class Params:
        administrator = factory.Trait(role=Membership.Role.ADMINISTRATOR)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = "TEM"
    name_fi = "Työ- ja elinkeinoministeriö"
    name_sv = "Arbets- och näringsministeriet"
    name_en = "Ministry of Economic Affairs and Employment"


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

    class Params:
        talent_hub = factory.Trait(
            code="tem-talent-hub",
            name_fi="Talent Hub",
            name_sv="Talent Hub",
            name_en="Talent Hub",
            eligible_organisation_types=[OrganisationType.MUNICIPALITY.value],
            default_max_share_percent=Decimal("70.00"),
            default_own_funding_percent=Decimal("30.00"),
        )


def _at(days: int, hour: int = 16, minute: int = 15) -> datetime.datetime:
    local = timezone.localtime() + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


class CallFactory(factory.django.DjangoModelFactory):
    """An open, published call unless a trait says otherwise."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"TEM-TEST-{n}")
    title_fi = factory.Sequence(lambda n: f"Testihaku {n}")
    title_sv = factory.Sequence(lambda n: f"Testutlysning {n}")
    title_en = factory.Sequence(lambda n: f"Test call {n}")
    description_fi = "Hakuun voivat osallistua yhdistykset."
    description_sv = "Föreningar kan delta i ansökan."
    opens_at = factory.LazyFunction(lambda: _at(-10, 8, 0))
    closes_at = factory.LazyFunction(lambda: _at(20))
    appropriation = Decimal("600000.00")
    min_grant = Decimal("20000.00")
    max_grant = Decimal("100000.00")
    period_earliest_start = datetime.date(2027, 1, 1)
    period_latest_end = datetime.date(2027, 12, 31)
    eligible_organisation_types = [OrganisationType.REGISTERED_ASSOCIATION.value]
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=20))

    class Params:
        draft = factory.Trait(published_at=None)
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: _at(10, 8, 0)),
            closes_at=factory.LazyFunction(lambda: _at(40)),
        )
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: _at(-60, 8, 0)),
            closes_at=factory.LazyFunction(lambda: _at(-30)),
        )


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


class PublishedGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublishedGrant
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory, closed=True)
    recipient_name = factory.Sequence(lambda n: f"Yhdistys {n} ry")
    project_name = "Kotoutumisen tukihanke"
    amount_awarded = Decimal("50000.00")
    funding_year = 2027
    source = PublishedGrant.Source.PUBLISHED_HISTORY

    @factory.post_generation
    def statistics(self, create, extracted, **kwargs):
        """As every real path into the register does, keep the statistics equal to it."""
        if create:
            refresh_derived([self])


class CallFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallForm

    call = factory.SubFactory(CallFactory)
    version = 1
    definition = factory.LazyFunction(lambda: parse_definition(standard_definition()).to_json())


def complete_answers(call, *, requested="50000.00", regions=("01",)) -> dict:
    """Answers to the standard form that pass every rule of a call built by CallFactory."""
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
        "period": {"start": "2027-01-01", "end": "2027-12-31"},
        "budget": {
            "costs": {"personnel": str(Decimal(requested) + Decimal("10000.00")), "rents": "5000.00"},
            "income": "5000.00",
            "own_funding": "10000.00",
        },
        "declarations": [str(pk) for pk in call.declarations.values_list("pk", flat=True)],
    }


class ApplicationFactory(factory.django.DjangoModelFactory):
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


def close_call(call, *, closed_for=datetime.timedelta(minutes=1)):
    """Let the clock run past a call's closing: submissions made in the test arrived before it closed."""
    closes_at = timezone.now() - closed_for
    type(call).objects.filter(pk=call.pk).update(closes_at=closes_at)
    Application.objects.filter(call=call, submitted_at__gt=closes_at).update(
        submitted_at=closes_at - datetime.timedelta(hours=1)
    )
    call.refresh_from_db()
    return call


def published_decision(
    *,
    outcome=Outcome.APPROVED,
    amount="12000.00",
    call=None,
    corrects=None,
    application=None,
    instalments=(),
    period=(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
    reports_due=(),
    max_share_percent=None,
):
    """A decision signed and published the way the service publishes it (documents, register, grant, email)."""
    presenter = (
        corrects.presenter if corrects else UserFactory(roles=["presenter"], full_name="Esa Esittelijä")
    )
    if application is None:
        membership = MembershipFactory()
        application = ApplicationFactory(
            call=call or CallFactory(closed=True, appropriation=Decimal("50000.00")),
            organisation=membership.organisation,
            created_by=membership.person,
            submitted_by=membership.person,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
            register_number=f"TEM/{ApplicationFactory._meta.model.objects.count() + 100}/2026",
            applicant_name=membership.organisation.name,
            requested_amount=Decimal("20000.00"),
        )
    decision = Decision.objects.create(
        application=application,
        corrects=corrects,
        outcome=outcome,
        amount=Decimal(amount) if outcome != Outcome.REJECTED else 0,
        purpose="Vertaistukiryhmät perheille." if outcome != Outcome.REJECTED else "",
        period_start=period[0],
        period_end=period[1],
        reasons="Perustelut.",
        instalments=list(instalments),
        reports_due=list(reports_due),
        max_share_percent=max_share_percent,
        presenter=presenter,
        decision_maker=UserFactory(roles=["decision_maker"]),
        status=DecisionStatus.SIGNED,
        signed_at=timezone.now(),
        decision_date=datetime.date(2026, 11, 20),
    )
    grant_services.decision_publish(decision_id=decision.pk, acting_user=presenter)
    mail.outbox.clear()
    decision.refresh_from_db()
    return decision


def recipient_member(decision):
    """The member of the recipient organisation who applied (published_decision makes one member)."""
    return decision.application.organisation.memberships.first().person


def with_applied_budget(decision):
    """The standard form's answers on the decision's application, so that the budget by category exists."""
    application = decision.application
    application.answers = complete_answers(application.call)
    application.save(update_fields=["answers"])
    return decision


def assigned_presenter(grant):
    """The decision's presenter, assigned through the service to present the call, as the permissions ask."""
    presenter = grant.decision.presenter
    review_services.call_assign(
        call=grant.application.call,
        person=presenter,
        role="presenter",
        acting_user=UserFactory(roles=["programme_manager"]),
    )
    return presenter


def screened_eligible(application, official):
    """The application screened as eligible on every point."""
    return review_services.screening_record(
        application=application,
        arrived_on_time=True,
        applicant_type_eligible=True,
        declarations_given=True,
        attachments_present=True,
        result="eligible",
        reason="",
        acting_user=official,
    )


def pay_due_instalments(grant, paid_on=None):
    """Pay what is due of the grant's agency in one batch prepared today and approved by a second finance officer,
    marked paid on `paid_on` (today unless given)."""
    agency = grant.application.call.programme.agency
    finance, approver = UserFactory(roles=["finance_officer"]), UserFactory(roles=["finance_officer"])
    batch = payment_services.batch_prepare(
        agency=agency, execution_date=helsinki_today(), acting_user=finance
    )
    payment_services.batch_approve(batch=batch, acting_user=approver)
    payment_services.batch_credit_transfer(batch=batch, acting_user=finance)
    payment_services.batch_mark_paid(batch=batch, paid_on=paid_on or helsinki_today(), acting_user=finance)


def accepted_and_paid_grant(*, paid_on, amount="10000.00", instalments=()):
    """A grant of `amount` decided by TEM, accepted by the recipient, and what is due on acceptance (all of it
    unless `instalments` say otherwise) paid on `paid_on`."""
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785")
    call = CallFactory(closed=True, programme=ProgrammeFactory(agency=agency))
    decision = published_decision(call=call, amount=amount, instalments=instalments)
    grant_services.grant_accept(grant=decision.grant, acting_user=recipient_member(decision))
    pay_due_instalments(decision.grant, paid_on=paid_on)
    return decision.grant


def grant_to_report_on(
    call,
    *,
    instalments=(
        (60, Decision.InstalmentCondition.ON_ACCEPTANCE),
        (40, Decision.InstalmentCondition.AFTER_FINAL_REPORT),
    ),
    reports=None,
):
    """An accepted grant of 12 000 € at most 80 % of the eligible costs, with the application's budget, its period of
    use ended five days ago; the reports due are `reports` as (kind, due date), by default the final one in 60 days."""
    today = helsinki_today()
    if reports is None:
        reports = (("final", today + datetime.timedelta(days=60)),)
    decision = published_decision(
        call=call,
        amount="12000.00",
        max_share_percent=Decimal("80.00"),
        period=(today - datetime.timedelta(days=300), today - datetime.timedelta(days=5)),
        instalments=[{"percent": str(percent), "condition": condition} for percent, condition in instalments],
        reports_due=[{"kind": kind, "due": due.isoformat()} for kind, due in reports],
    )
    application = decision.application
    application.answers = {"budget": {"costs": {"personnel": "12000.00", "rents": "3000.00"}}}
    application.save(update_fields=["answers"])
    grant_services.grant_accept(grant=decision.grant, acting_user=recipient_member(decision))
    return decision.grant
