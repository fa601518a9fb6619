"""A register with forbidden neighbours: published decisions beside everything that must never be public.

Tests of every public page, download and endpoint build this and assert that none of `FORBIDDEN` leaks.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from avustamo.applications.models import Application, ApplicationStatus
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.register.models import PublishedGrant
from avustamo.register.services import register_decision
from avustamo.reviews.models import CriterionScore, ReviewAssignment
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    CallFactory,
    CallFormFactory,
    EvaluationCriterionFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

SECRET_ANSWER = "Salainen-vastaus-7731"
REVIEW_COMMENT = "Arvioijan-kommentti-4410"
CONTACT_NAME = "Aino Rahastonhoitaja"
CONTACT_EMAIL = "aino.rahastonhoitaja@kotipiha.example.org"
UNPUBLISHED_PROJECTS = ("Allekirjoitettu-julkaisematon-hanke", "Luonnoshanke-ei-julkinen")
UNPUBLISHED_RECIPIENTS = ("Allekirjoittajat ry", "Luonnostelijat ry")
REJECTION_REASON = "Hylkäyksen-perustelu-5512"
FORBIDDEN = (
    SECRET_ANSWER,
    REVIEW_COMMENT,
    CONTACT_NAME,
    CONTACT_EMAIL,
    REJECTION_REASON,
    *UNPUBLISHED_PROJECTS,
    *UNPUBLISHED_RECIPIENTS,
)


@dataclass
class Register:
    awarded: PublishedGrant
    rejected: PublishedGrant
    signed_unpublished: Decision
    draft: Decision


def _application(call, *, name: str, project: str, submitter) -> Application:
    organisation = OrganisationFactory(name=name)
    return ApplicationFactory(
        call=call,
        form=call.forms.first() or CallFormFactory(call=call),
        organisation=organisation,
        created_by=submitter,
        status=ApplicationStatus.SUBMITTED,
        register_number=f"TEM/{Application.objects.count() + 100}/2026",
        submitted_at=call.closes_at - datetime.timedelta(days=1),
        submitted_by=submitter,
        answers={"q-project-summary": SECRET_ANSWER, "q-contact-name": CONTACT_NAME},
        project_name=project,
        project_summary=SECRET_ANSWER,
        requested_amount=Decimal("20000.00"),
        applicant_name=organisation.name,
        applicant_business_id=organisation.business_id,
    )


def _decision(application, *, status: str, outcome: str = Outcome.APPROVED, **fields) -> Decision:
    people = {
        "presenter": UserFactory(roles=["presenter"], full_name="Esa Esittelijä"),
        "decision_maker": UserFactory(roles=["decision_maker"], full_name="Paula Päättäjä"),
    }
    signed = status in (DecisionStatus.SIGNED, DecisionStatus.PUBLISHED)
    return Decision.objects.create(
        application=application,
        status=status,
        outcome=outcome,
        signed_at=timezone.now() if signed else None,
        decision_date=datetime.date(2026, 11, 20) if signed else None,
        **people,
        **fields,
    )


def build_register() -> Register:
    agency = AgencyFactory(code="TEM", publishes_negative_decisions=True)
    programme = ProgrammeFactory(agency=agency, code="kotoutuminen-jarjestot")
    call = CallFactory(programme=programme, reference="TEM-KOTO-2027", closed=True)
    criterion = EvaluationCriterionFactory(call=call)
    submitter = UserFactory(full_name=CONTACT_NAME, email=CONTACT_EMAIL)

    awarded_application = _application(
        call, name="Kotipiha ry", project="Perheiden kotoutumisen tuki", submitter=submitter
    )
    reviewer = UserFactory(roles=["reviewer"], full_name="Riitta Arvioija")
    assignment = ReviewAssignment.objects.create(
        application=awarded_application,
        reviewer=reviewer,
        assigned_by=reviewer,
        conflict=ReviewAssignment.Conflict.NONE,
        declared_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    CriterionScore.objects.create(
        assignment=assignment, criterion=criterion, score=4, justification=REVIEW_COMMENT
    )
    awarded = _decision(
        awarded_application,
        status=DecisionStatus.PUBLISHED,
        amount=Decimal("12345.50"),
        purpose="Vertaistukiryhmät maahanmuuttaneille perheille.",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    rejected = _decision(
        _application(call, name="Naapuriapu ry", project="Naapuriavun verkosto", submitter=submitter),
        status=DecisionStatus.PUBLISHED,
        outcome=Outcome.REJECTED,
        reasons=REJECTION_REASON,
    )
    signed_unpublished = _decision(
        _application(
            call, name=UNPUBLISHED_RECIPIENTS[0], project=UNPUBLISHED_PROJECTS[0], submitter=submitter
        ),
        status=DecisionStatus.SIGNED,
        amount=Decimal("30000.00"),
    )
    draft = _decision(
        _application(
            call, name=UNPUBLISHED_RECIPIENTS[1], project=UNPUBLISHED_PROJECTS[1], submitter=submitter
        ),
        status=DecisionStatus.DRAFT,
        amount=Decimal("40000.00"),
    )
    return Register(
        awarded=register_decision(decision=awarded),
        rejected=register_decision(decision=rejected),
        signed_unpublished=signed_unpublished,
        draft=draft,
    )


def assert_nothing_forbidden(text: str) -> None:
    leaked = [phrase for phrase in FORBIDDEN if phrase.lower() in text.lower()]
    assert not leaked, f"unpublished or confidential data reached the public: {leaked}"
