"""Every page and endpoint against every kind of user: nobody sees or changes what is not theirs."""

import pytest
from django.contrib.auth.models import AnonymousUser

from avustamo.accounts.services import api_token_create
from avustamo.applications.models import Application
from avustamo.organisations.models import Invitation, Membership
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import CallForm
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    CallFactory,
    EvaluationCriterionFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

ROLES = ["anonymous", "member", "org_admin", "other_org_admin", "official", "administrator"]


@pytest.fixture
def world(db):
    organisation = OrganisationFactory()
    admin_membership = MembershipFactory(organisation=organisation, administrator=True)
    member_membership = MembershipFactory(organisation=organisation)
    removable = MembershipFactory(organisation=organisation)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="invited@example.org",
        token_hash=Invitation.hash_token("token"),
        invited_by=admin_membership.person,
        expires_at="2099-01-01T00:00:00Z",
    )
    draft = CallFactory(draft=True, reference="TEM-DRAFT")
    EvaluationCriterionFactory(call=draft)
    CallForm.objects.create(call=draft, version=1, definition=standard_definition())
    open_call = CallFactory(reference="TEM-OPEN")
    CallForm.objects.create(call=open_call, version=1, definition=standard_definition())
    application = Application.objects.create(
        call=open_call,
        organisation=organisation,
        form=open_call.forms.get(),
        created_by=member_membership.person,
    )
    token, _text = api_token_create(name="member's system", acting_user=member_membership.person)
    return {
        "token": token,
        "application": application,
        "users": {
            "anonymous": AnonymousUser(),
            "member": member_membership.person,
            "org_admin": admin_membership.person,
            "other_org_admin": MembershipFactory(administrator=True).person,
            "official": UserFactory(roles=["programme_manager"]),
            "administrator": UserFactory(administrator=True),
        },
        "organisation": organisation,
        "removable": removable,
        "invitation": invitation,
        "programme": ProgrammeFactory(),
        "open_call": open_call,
        "upcoming_call": CallFactory(upcoming=True, reference="TEM-UPCOMING"),
        "draft": draft,
    }


ALL_200 = dict.fromkeys(ROLES, 200)
SIGNED_IN_200 = {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], 200)
OFFICIALS_ONLY = {
    "anonymous": LOGIN,
    "member": 403,
    "org_admin": 403,
    "other_org_admin": 403,
    "official": 200,
    "administrator": 200,
}
OFFICIALS_ONLY_POST = OFFICIALS_ONLY | {"official": 302, "administrator": 302}
ORGANISATION_READERS = {
    "anonymous": LOGIN,
    "member": 200,
    "org_admin": 200,
    "other_org_admin": 404,
    "official": 200,
    "administrator": 200,
}
ORGANISATION_ADMINS = {
    "anonymous": LOGIN,
    "member": 403,
    "org_admin": 200,
    "other_org_admin": 404,
    "official": 403,
    "administrator": 200,
}
ORGANISATION_ADMINS_POST = ORGANISATION_ADMINS | {"org_admin": 302, "administrator": 302}

# Applications are their organisation's alone: officials handle them in their own pages (issue 4), never here.
APPLICANTS_POST = {
    "anonymous": LOGIN,
    "member": 302,
    "org_admin": 302,
    "other_org_admin": 404,
    "official": 404,
    "administrator": 404,
}
APPLICANTS_REDIRECTED = APPLICANTS_POST

CASES = [
    ("GET", lambda w: "/", ALL_200),
    ("GET", lambda w: "/sv/", ALL_200),
    ("GET", lambda w: "/calls/", ALL_200),
    ("GET", lambda w: "/calls/?status=closed", ALL_200),
    ("GET", lambda w: f"/calls/{w['open_call'].pk}/", ALL_200),
    ("GET", lambda w: f"/calls/{w['draft'].pk}/", dict.fromkeys(ROLES, 404)),
    ("GET", lambda w: "/accessibility/", ALL_200),
    ("GET", lambda w: "/health", ALL_200),
    ("GET", lambda w: "/api/v1/calls", ALL_200),
    ("GET", lambda w: f"/api/v1/calls/{w['open_call'].pk}", ALL_200),
    ("GET", lambda w: f"/api/v1/calls/{w['draft'].pk}", dict.fromkeys(ROLES, 404)),
    ("GET", lambda w: "/api/v1/openapi.json", ALL_200),
    ("GET", lambda w: "/api/v1/docs", ALL_200),
    ("GET", lambda w: "/accounts/login/", {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302)),
    ("GET", lambda w: "/accounts/signup/", {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302)),
    ("GET", lambda w: "/accounts/password/reset/", ALL_200),
    ("GET", lambda w: "/organisations/", SIGNED_IN_200),
    ("GET", lambda w: "/organisations/new/", SIGNED_IN_200),
    ("GET", lambda w: f"/organisations/{w['organisation'].pk}/", ORGANISATION_READERS),
    ("GET", lambda w: f"/organisations/{w['organisation'].pk}/edit/", ORGANISATION_ADMINS),
    (
        "POST",
        lambda w: f"/organisations/{w['organisation'].pk}/invite/",
        ORGANISATION_ADMINS_POST | {"org_admin": 422, "administrator": 422},
    ),
    (
        "POST",
        lambda w: f"/organisations/{w['organisation'].pk}/invitations/{w['invitation'].pk}/revoke/",
        ORGANISATION_ADMINS_POST,
    ),
    (
        "POST",
        lambda w: f"/organisations/{w['organisation'].pk}/members/{w['removable'].pk}/remove/",
        ORGANISATION_ADMINS_POST,
    ),
    (
        "POST",
        lambda w: f"/organisations/{w['organisation'].pk}/members/{w['removable'].pk}/role/",
        ORGANISATION_ADMINS_POST,
    ),
    ("GET", lambda w: "/organisations/invitations/token/", ALL_200),
    ("GET", lambda w: "/organisations/invitations/no-such-token/", dict.fromkeys(ROLES, 404)),
    ("GET", lambda w: "/applications/", SIGNED_IN_200),
    ("GET", lambda w: "/accounts/api-tokens/", SIGNED_IN_200),
    (
        "POST",
        lambda w: f"/accounts/api-tokens/{w['token'].pk}/revoke/",
        {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], 404) | {"member": 302},
    ),
    (
        "GET",
        lambda w: f"/applications/{w['application'].pk}/",
        ORGANISATION_READERS | {"official": 404, "administrator": 404},
    ),
    (
        "POST",
        lambda w: f"/applications/{w['application'].pk}/",
        APPLICANTS_POST | {"member": 409, "org_admin": 409},
    ),
    ("GET", lambda w: f"/applications/{w['application'].pk}/receipt/", APPLICANTS_REDIRECTED),
    ("POST", lambda w: f"/applications/{w['application'].pk}/withdraw/", APPLICANTS_POST),
    (
        "POST",
        lambda w: f"/applications/start/{w['open_call'].pk}/",
        {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], 404),
    ),
    ("GET", lambda w: "/official/", OFFICIALS_ONLY),
    ("GET", lambda w: "/official/calls/", OFFICIALS_ONLY),
    ("GET", lambda w: f"/official/calls/new/?programme={w['programme'].code}", OFFICIALS_ONLY),
    ("GET", lambda w: f"/official/calls/{w['draft'].pk}/", OFFICIALS_ONLY),
    ("GET", lambda w: f"/official/calls/{w['draft'].pk}/edit/", OFFICIALS_ONLY),
    ("GET", lambda w: f"/official/calls/{w['draft'].pk}/copy/", OFFICIALS_ONLY),
    ("POST", lambda w: f"/official/calls/{w['draft'].pk}/publish/", OFFICIALS_ONLY_POST),
    ("POST", lambda w: f"/official/calls/{w['upcoming_call'].pk}/unpublish/", OFFICIALS_ONLY_POST),
    ("GET", lambda w: "/official/organisations/", OFFICIALS_ONLY),
    ("GET", lambda w: f"/official/calls/{w['draft'].pk}/form/", OFFICIALS_ONLY),
    ("POST", lambda w: f"/official/calls/{w['draft'].pk}/form/preview/", OFFICIALS_ONLY),
    (
        "POST",
        lambda w: f"/official/calls/{w['draft'].pk}/form/",
        OFFICIALS_ONLY | {"official": 422, "administrator": 422},
    ),
    ("GET", lambda w: f"/official/calls/{w['draft'].pk}/form.json", OFFICIALS_ONLY),
    (
        "GET",
        lambda w: "/admin/",
        {
            "anonymous": 302,
            "member": 302,
            "org_admin": 302,
            "other_org_admin": 302,
            "official": 200,
            "administrator": 200,
        },
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "expected"), CASES, ids=[f"{m} {i}" for i, (m, _, _) in enumerate(CASES)]
)
def test_access(client, world, role, method, url, expected):
    assert_access(client, world["users"][role], method, url(world), expected[role])


def test_refused_writes_change_nothing(client, world):
    """The matrix's refusals are real: a member's and another organisation's attempts leave everything as it was."""
    before = (Membership.objects.count(), Invitation.objects.filter(revoked_at__isnull=True).count())
    organisation, invitation, removable = world["organisation"], world["invitation"], world["removable"]
    for role in ("member", "other_org_admin", "official"):
        sign_in(client, world["users"][role])
        client.post(f"/organisations/{organisation.pk}/invitations/{invitation.pk}/revoke/")
        client.post(f"/organisations/{organisation.pk}/members/{removable.pk}/remove/")
        client.post(
            f"/organisations/{organisation.pk}/members/{removable.pk}/role/", {"role": "administrator"}
        )
        client.post(
            f"/organisations/{organisation.pk}/invite/", {"email": "x@example.org", "role": "administrator"}
        )
    for role in ("member", "org_admin", "other_org_admin"):
        sign_in(client, world["users"][role])
        client.post(f"/official/calls/{world['draft'].pk}/publish/")
    assert (Membership.objects.count(), Invitation.objects.filter(revoked_at__isnull=True).count()) == before
    removable.refresh_from_db()
    assert removable.role == Membership.Role.MEMBER
    world["draft"].refresh_from_db()
    assert world["draft"].published_at is None
