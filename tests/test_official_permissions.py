"""Every staff page of handling and deciding against every role, the applicants and anonymous."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from avustamo.applications.models import Attachment
from avustamo.core.models import AuditEntry
from avustamo.decisions.models import Outcome
from avustamo.reviews import services as review_services
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    ApplicationFactory,
    CallAssignmentFactory,
    CallDeclarationFactory,
    CallFactory,
    CallFormFactory,
    DecisionFactory,
    EvaluationCriterionFactory,
    MembershipFactory,
    UserFactory,
    close_call,
)

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "staff_without_role",
    "manager",
    "presenter",
    "other_presenter",
    "application_presenter",
    "reviewer",
    "other_reviewer",
    "decider",
    "finance",
    "auditor",
]


@pytest.fixture
def world(db):
    users = {
        "anonymous": AnonymousUser(),
        "staff_without_role": UserFactory(official=True),
        "manager": UserFactory(roles=["programme_manager"]),
        "presenter": UserFactory(roles=["presenter"]),
        "other_presenter": UserFactory(roles=["presenter"]),
        "application_presenter": UserFactory(roles=["presenter"]),
        "reviewer": UserFactory(roles=["reviewer"]),
        "other_reviewer": UserFactory(roles=["reviewer"]),
        "decider": UserFactory(roles=["decision_maker"]),
        "finance": UserFactory(roles=["finance_officer"]),
        "auditor": UserFactory(roles=["auditor"]),
    }
    call = CallFactory(appropriation=Decimal("100000.00"))
    CallDeclarationFactory(call=call)
    EvaluationCriterionFactory(call=call)
    CallFormFactory(call=call)
    membership = MembershipFactory()
    users["applicant"] = membership.person
    users["other_applicant"] = MembershipFactory(administrator=True).person
    application = ApplicationFactory.submitted(call, applicant=membership.person)
    close_call(call)
    application.refresh_from_db()
    CallAssignmentFactory(call=call, person=users["presenter"], assigned_by=users["manager"])
    review_services.reviewers_assign(
        application=application, reviewers=[users["reviewer"]], acting_user=users["manager"]
    )
    review_services.application_presenter_assign(
        application=application, person=users["application_presenter"], acting_user=users["manager"]
    )
    decision = DecisionFactory(
        application=application,
        outcome=Outcome.REJECTED,
        reasons="Ei rahoitusta.",
        presenter=users["presenter"],
    )
    return {"users": users, "call": call, "application": application, "decision": decision}


def expect(allowed: set[str], code=200, refused=403) -> dict:
    """`allowed` get `code`; other signed-in people get `refused`; anonymous is sent to sign in."""
    return {role: LOGIN if role == "anonymous" else (code if role in allowed else refused) for role in ROLES}


READERS = {"manager", "presenter", "finance", "auditor"}
APPLICATION_READERS = READERS | {"reviewer", "decider", "application_presenter"}
DECISION_READERS = READERS | {"decider", "application_presenter"}

CASES = [
    ("GET", lambda w: "/official/", expect(set(ROLES) - {"anonymous", "applicant", "other_applicant"})),
    ("GET", lambda w: f"/official/calls/{w['call'].pk}/applications/", expect(READERS)),
    ("GET", lambda w: f"/official/calls/{w['call'].pk}/applications.xlsx", expect(READERS)),
    ("GET", lambda w: f"/official/calls/{w['call'].pk}/team/", expect(READERS)),
    ("POST", lambda w: f"/official/calls/{w['call'].pk}/team/assign-all/", expect({"manager"}, 302)),
    ("POST", lambda w: f"/official/calls/{w['call'].pk}/allocation/", expect({"presenter"}, 302)),
    (
        "POST",
        lambda w: f"/official/calls/{w['call'].pk}/publish-decisions/",
        expect({"manager", "presenter", "decider"}, 302),
    ),
    ("GET", lambda w: f"/official/calls/{w['call'].pk}/publication/", expect(READERS)),
    ("GET", lambda w: f"/official/applications/{w['application'].pk}/", expect(APPLICATION_READERS)),
    ("GET", lambda w: f"/official/applications/{w['application'].pk}/history/", expect(APPLICATION_READERS)),
    (
        "GET",
        lambda w: f"/official/applications/{w['application'].pk}/screening/",
        expect({"manager", "presenter", "application_presenter"}),
    ),
    (
        "POST",
        lambda w: f"/official/applications/{w['application'].pk}/screening/",
        expect({"manager", "presenter", "application_presenter"}),
    ),
    (
        "POST",
        lambda w: f"/official/applications/{w['application'].pk}/completion-request/",
        expect({"manager", "presenter", "application_presenter"}, 400),
    ),
    ("GET", lambda w: f"/official/applications/{w['application'].pk}/reviewers/", expect({"manager"})),
    ("POST", lambda w: f"/official/applications/{w['application'].pk}/presenter/", expect({"manager"}, 302)),
    ("GET", lambda w: f"/official/applications/{w['application'].pk}/review/", expect({"reviewer"})),
    (
        "GET",
        lambda w: f"/official/applications/{w['application'].pk}/decision/",
        expect(DECISION_READERS),
    ),
    (
        "POST",
        lambda w: f"/official/applications/{w['application'].pk}/decision/",
        expect({"presenter", "application_presenter"}),
    ),
    ("GET", lambda w: f"/official/decisions/{w['decision'].pk}/document-fi.pdf", expect(DECISION_READERS)),
    ("POST", lambda w: f"/official/decisions/{w['decision'].pk}/sign/", expect({"decider"}, 302, 403)),
    ("GET", lambda w: "/official/decisions/for-signing/", expect({"decider"})),
    ("GET", lambda w: "/official/treasury-export/", expect({"manager", "finance", "auditor"})),
    (
        "GET",
        lambda w: f"/official/treasury-export/?call={w['call'].reference}&file_format=json",
        expect({"manager", "finance", "auditor"}),
    ),
    ("GET", lambda w: "/official/treasury-deliveries/", expect({"manager", "finance", "auditor"})),
    # An empty form is refused with its reasons to those who deliver; an auditor reads the log only.
    ("POST", lambda w: "/official/treasury-deliveries/", expect({"manager", "finance"}, 400)),
    (
        "GET",
        lambda w: "/official/reviews/",
        expect(set(ROLES) - {"anonymous", "applicant", "other_applicant"}),
    ),
    (
        "GET",
        lambda w: f"/applications/{w['application'].pk}/decision/",
        {role: LOGIN if role == "anonymous" else 404 for role in ROLES},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "expected"), CASES, ids=[f"{m} {i}" for i, (m, _, _) in enumerate(CASES)]
)
def test_access(client, world, role, method, url, expected):
    assert_access(client, world["users"][role], method, url(world), expected[role])


def test_officials_views_of_an_application_are_logged(client, world):
    sign_in(client, world["users"]["auditor"])
    client.get(f"/official/applications/{world['application'].pk}/")
    entry = AuditEntry.objects.get(action="application.viewed")
    assert entry.actor == world["users"]["auditor"] and entry.target_id == str(world["application"].pk)


class TestAConflictedReviewer:
    """A reviewer who has declared a conflict of interest (HL 28 §) takes no further part in handling the
    application: its pages, attachments and history are closed to them, their other assignments stay open."""

    @pytest.fixture
    def conflicted(self, world):
        reviewer, application = world["users"]["reviewer"], world["application"]
        attachment = Attachment.objects.create(
            application=application,
            original_name="säännöt.pdf",
            kind="pdf",
            size=9,
            sha256="0" * 64,
            uploaded_by=world["users"]["applicant"],
            file=ContentFile(b"%PDF-1.4\n", name="saannot.pdf"),
        )
        other = ApplicationFactory.submitted(world["call"])
        review_services.reviewers_assign(
            application=other, reviewers=[reviewer], acting_user=world["users"]["manager"]
        )
        review_services.conflict_declare(
            assignment=application.review_assignments.get(reviewer=reviewer),
            conflicted=True,
            reason="Hakijan hallituksen jäsen",
            acting_user=reviewer,
        )
        return {"reviewer": reviewer, "application": application, "attachment": attachment, "other": other}

    @pytest.mark.parametrize("page", ["", "history/", "attachment"])
    def test_the_application_is_closed_to_them(self, client, conflicted, page):
        application = conflicted["application"]
        if page == "attachment":
            page = f"attachments/{conflicted['attachment'].pk}/"
        sign_in(client, conflicted["reviewer"])
        response = client.get(f"/official/applications/{application.pk}/{page}")
        assert response.status_code == 403
        content = b"".join(response) if response.streaming else response.content
        for secret in (
            application.register_number,
            application.applicant_name,
            application.project_name,
            "%PDF",
        ):
            assert secret.encode() not in content
        assert not AuditEntry.objects.filter(
            actor=conflicted["reviewer"], action__in=["application.viewed", "application.attachment_viewed"]
        ).exists()

    def test_their_other_assignments_stay_open(self, client, conflicted):
        other = conflicted["other"]
        sign_in(client, conflicted["reviewer"])
        for page in ("", "history/", "review/"):
            response = client.get(f"/official/applications/{other.pk}/{page}")
            assert response.status_code == 200
            assert other.register_number in response.content.decode()
        listing = client.get("/official/reviews/").content.decode()
        assert other.register_number in listing

    def test_their_declaration_stays_readable_without_links_to_the_application(self, client, conflicted):
        application = conflicted["application"]
        sign_in(client, conflicted["reviewer"])
        page = client.get(f"/official/applications/{application.pk}/review/").content.decode()
        assert "Hakijan hallituksen jäsen" in page
        assert f'href="/official/applications/{application.pk}/"' not in page
        assert f'href="/official/applications/{application.pk}/history/"' not in page

    def test_a_manager_who_reviews_and_declared_a_conflict_reads_nothing_of_it(self, client, world):
        """Disqualification binds the person, whatever other roles would let them read the application."""
        manager_and_reviewer = UserFactory(roles=["programme_manager", "reviewer"])
        application = world["application"]
        review_services.reviewers_assign(
            application=application, reviewers=[manager_and_reviewer], acting_user=world["users"]["manager"]
        )
        sign_in(client, manager_and_reviewer)
        assert client.get(f"/official/applications/{application.pk}/").status_code == 200
        review_services.conflict_declare(
            assignment=application.review_assignments.get(reviewer=manager_and_reviewer),
            conflicted=True,
            reason="Sukulainen",
            acting_user=manager_and_reviewer,
        )
        assert client.get(f"/official/applications/{application.pk}/").status_code == 403
        assert client.get(f"/official/calls/{application.call_id}/applications/").status_code == 200
