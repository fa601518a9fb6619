"""Every page and endpoint against every kind of user: nobody sees or changes what is not theirs."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from avustamo.accounts.models import User
from avustamo.accounts.services import api_token_create
from avustamo.applications.models import Application, Attachment
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
from tests.routes import OWN_ACCOUNT, PUBLIC, all_routes, data_set, parameters, signed_in

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
    attachment = Attachment.objects.create(
        application=application,
        original_name="säännöt.pdf",
        kind="pdf",
        size=8,
        sha256="0" * 64,
        uploaded_by=member_membership.person,
        file=ContentFile(b"%PDF-1.7", name="saannot.pdf"),
    )
    token, _text = api_token_create(name="member's system", acting_user=member_membership.person)
    return {
        "token": token,
        "application": application,
        "attachment": attachment,
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
    # The draft's own people are told what stops the sending (no version checked) or the replacing (no file).
    (
        "POST",
        lambda w: f"/applications/{w['application'].pk}/check/",
        APPLICANTS_POST | {"member": 409, "org_admin": 409},
    ),
    (
        "POST",
        lambda w: f"/applications/{w['application'].pk}/attachments/{w['attachment'].pk}/replace/",
        APPLICANTS_POST | {"member": 422, "org_admin": 422},
    ),
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
    ("GET", lambda w: f"/official/calls/{w['draft'].pk}/form/builder/", OFFICIALS_ONLY),
    (
        "POST",
        lambda w: f"/official/calls/{w['draft'].pk}/form/builder/",
        OFFICIALS_ONLY_POST,
    ),
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


# --- Every GET page and API endpoint against every role, generated from the URLconf (issue 15 §4) -------------
#
# The routes come from the URLconf and the API's own description (tests/routes.py); the objects of their parameters
# are the demo's whole history (tests/routes.py OBJECTS). Every page is here (one that only takes POST answers 405
# to those it lets past sign-in; test_route_access sends it POSTs), and every API endpoint that answers GET; a route
# in neither this table nor an allow-list of tests/routes.py (public, the person's own account) fails
# `test_every_get_route_is_in_the_matrix`. The rows were recorded from a run and reviewed against each view's
# check (what looks odd is explained beside its row); the hand-written CASES above stay as they were. The admin site is Django's: every view of it is staff only
# (admin_site.admin_view), and test_route_access walks them all.

MATRIX_ROLES = [
    "anonymous",
    "member",  # a member of the organisation of world["application"], which most routes' objects belong to
    "other_applicant",
    "staff_without_role",
    "manager",
    "presenter",  # presents the demo's handled calls
    "reviewer",  # reviewer-1 of the demo, assigned to the handled calls
    "decider",
    "finance",
    "auditor",
    "administrator",
]


def row(refused, anonymous=None, **allowed) -> dict:
    """Every role but anonymous gets `refused` unless named; anonymous is sent to sign in (pages) or 401 (API)."""
    return {"anonymous": anonymous, **dict.fromkeys(MATRIX_ROLES[1:], refused), **allowed}


GET_MATRIX: dict[str, dict] = {
    "api/v1/applications/<application_id>": row(404, member=200),
    "api/v1/applications/<application_id>/decision": row(404, member=200),
    "api/v1/applications/<application_id>/decision.pdf": row(404, member=200),
    "api/v1/applications/<application_id>/receipt": row(404, member=200),
    "api/v1/applications/<application_id>/receipt.pdf": row(404, member=200),
    "api/v1/applications/<application_id>/grant": row(404, member=200),
    "api/v1/applications/<application_id>/grant/payment-applications": row(404, member=200),
    "api/v1/applications/<application_id>/grant/reports": row(404, member=200),
    "api/v1/applications/<application_id>/grant/change-requests": row(404, member=200),
    # An applicant's token is refused before the query is read; an official's, without the query, gets 422 (see
    # CASES for the tools' rights with a query).
    "api/v1/tools/interest": row(422, member=403, other_applicant=403),
    # 405: routes that only take POST (walked by test_route_access).
    "accounts/api-tokens/<int:pk>/revoke/": row(405),
    "organisations/<int:pk>/": row(200, other_applicant=404),
    "organisations/<int:pk>/edit/": row(403, member=200, other_applicant=404),
    "organisations/<int:pk>/invite/": row(405),
    "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/": row(405),
    "organisations/<int:pk>/members/<int:membership_pk>/remove/": row(405),
    "organisations/<int:pk>/members/<int:membership_pk>/role/": row(405),
    "organisations/<int:pk>/right-to-act/": row(404, member=302),
    "organisations/<int:pk>/electronic-notification/": row(405),
    "organisations/verifications/<int:pk>/document/": row(404, member=200, manager=200, administrator=200),
    "applications/start/<int:call_pk>/": row(405),
    "applications/<int:pk>/": row(404, member=200),
    # A sent application is checked no more: its member is taken back to it.
    "applications/<int:pk>/check/": row(404, member=302),
    # Marks are changed while the application can be: a sent one sends its member back to the application.
    "applications/<int:pk>/business-secrets/": row(404, member=302),
    "applications/<int:pk>/receipt/": row(404, member=200),
    "applications/<int:pk>/receipt.pdf": row(404, member=200),
    "applications/<int:pk>/attachments/<int:attachment_pk>/remove/": row(405),
    "applications/<int:pk>/attachments/<int:attachment_pk>/replace/": row(404, member=302),
    "applications/<int:pk>/withdraw/": row(405),
    # The demo's joint application is Vantaa's, not the member's: tests/test_co_implementers.py has the member's.
    "applications/<int:pk>/co-implementers/add/": row(404),
    "applications/<int:pk>/co-implementers/<int:co_implementer_pk>/": row(404),
    "applications/<int:pk>/co-implementers/<int:co_implementer_pk>/remove/": row(405),
    "applications/<int:pk>/decision/": row(404, member=200),
    "applications/<int:pk>/decision/accept/": row(405),
    "applications/<int:pk>/decision/decline/": row(405),
    "applications/<int:pk>/decision/payment-application/": row(405),
    "applications/<int:pk>/reports/start/": row(405),
    # The demo's reports, settled grants and change decisions are of other organisations than the member's.
    "applications/<int:pk>/reports/<int:report_pk>/": row(404),
    "applications/<int:pk>/reports/<int:report_pk>/attachments/<int:attachment_pk>/remove/": row(405),
    "applications/<int:pk>/reports/<int:report_pk>/settlement-decision.pdf": row(404),
    # A co-implementer's part: the lead's members (of another organisation here) and the invited representative
    # only; the invitation in the data set was sent to an address none of these people signed in with.
    "applications/<int:pk>/reports/<int:report_pk>/co-implementers/<int:co_implementer_pk>/": row(404),
    "applications/<int:pk>/reports/<int:report_pk>/co-implementers/<int:co_implementer_pk>/invite/": row(405),
    "applications/<int:pk>/reports/<int:report_pk>/co-implementer-invitations/<int:invitation_pk>/revoke/": row(
        405
    ),
    "applications/co-implementer-invitations/<str:token>/": row(404),
    "applications/co-implementer-parts/<int:invitation_pk>/": row(404),
    "applications/report-attachments/<int:attachment_pk>/": row(
        200, member=404, other_applicant=404, staff_without_role=404, reviewer=404
    ),
    "applications/<int:pk>/decision/voluntary-return/": row(405),
    "applications/<int:pk>/returns/<int:claim_pk>/decision.pdf": row(404, member=200),
    "applications/<int:pk>/money-decisions/<str:kind>/<int:decision_pk>.pdf": row(404, member=200),
    "applications/<int:pk>/decision-<str:language>.pdf": row(404, member=200),
    "applications/<int:pk>/hearings/<int:hearing_pk>/": row(404, member=200),
    "applications/hearing-attachments/<int:attachment_pk>/": row(
        200, other_applicant=404, staff_without_role=404, reviewer=404
    ),
    "applications/<int:pk>/decision/change-request/": row(404, member=200),
    "applications/<int:pk>/change-decisions/<int:request_pk>.pdf": row(404),
    "applications/<int:pk>/review-requests/new/": row(404, member=200),
    "applications/<int:pk>/review-requests/<int:request_pk>/": row(404, member=200),
    "applications/<int:pk>/review-requests/<int:request_pk>/decision.pdf": row(404),
    "official/": row(200, member=403, other_applicant=403),
    "official/calls/": row(403, manager=200, administrator=200),
    # Without ?programme= there is nothing to create (404); the hand-written CASES open it with one.
    "official/calls/new/": row(403, manager=404, administrator=404),
    "official/calls/<int:pk>/": row(403, manager=200, administrator=200),
    # The call has closed: its editor sends managers back to the call.
    "official/calls/<int:pk>/edit/": row(403, manager=302, administrator=302),
    "official/calls/<int:pk>/copy/": row(403, manager=200, administrator=200),
    "official/calls/<int:pk>/publish/": row(405),
    "official/calls/<int:pk>/unpublish/": row(405),
    "official/calls/<int:pk>/form/": row(403, manager=200, administrator=200),
    "official/calls/<int:pk>/form/preview/": row(405),
    "official/calls/<int:pk>/form.json": row(403, manager=200, administrator=200),
    "official/calls/<int:pk>/form/builder/": row(403, manager=200, administrator=200),
    # Nobody has started a draft of the demo's forms in the builder (404 to those who may build them).
    "official/calls/<int:pk>/form/draft.json": row(403, manager=404, administrator=404),
    "official/calls/<int:pk>/applications/": row(
        403, manager=200, presenter=200, finance=200, auditor=200, administrator=200
    ),
    "official/calls/<int:pk>/applications.xlsx": row(
        403, manager=200, presenter=200, finance=200, auditor=200, administrator=200
    ),
    "official/calls/<int:pk>/team/": row(
        403, manager=200, presenter=200, finance=200, auditor=200, administrator=200
    ),
    "official/calls/<int:pk>/team/<int:assignment_pk>/remove/": row(405),
    "official/calls/<int:pk>/team/assign-all/": row(405),
    "official/calls/<int:pk>/allocation/": row(405),
    "official/calls/<int:pk>/publish-decisions/": row(405),
    "official/calls/<int:pk>/publication/resume/": row(405),
    "official/calls/<int:pk>/publication/": row(
        403, manager=200, presenter=200, finance=200, auditor=200, administrator=200
    ),
    "official/applications/<int:pk>/": row(200, member=403, other_applicant=403, staff_without_role=403),
    "official/applications/<int:pk>/attachments/<int:attachment_pk>/": row(
        200, member=403, other_applicant=403, staff_without_role=403
    ),
    "official/applications/<int:pk>/history/": row(
        200, member=403, other_applicant=403, staff_without_role=403
    ),
    # Information requests are answered by those who handle and decide the case (not its reviewers or readers).
    "official/applications/<int:pk>/public-version/": row(
        403, manager=200, presenter=200, decider=200, administrator=200
    ),
    "official/applications/<int:pk>/screening/": row(403, manager=200, presenter=200, administrator=200),
    "official/applications/<int:pk>/completion-request/": row(405),
    "official/applications/<int:pk>/reviewers/": row(403, manager=200, administrator=200),
    "official/applications/<int:pk>/reviewers/<int:assignment_pk>/remove/": row(405),
    "official/applications/<int:pk>/presenter/": row(405),
    "official/applications/<int:pk>/review/": row(403, reviewer=200),
    "official/applications/<int:pk>/decision/": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/decisions/for-signing/": row(403, decider=200),
    "official/decisions/<int:pk>/send/": row(405),
    "official/decisions/<int:pk>/return/": row(405),
    "official/decisions/<int:pk>/sign/": row(405),
    "official/decisions/<int:pk>/correct/": row(405),
    "official/decisions/<int:pk>/document-<str:language>.pdf": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/change-requests/<int:pk>/": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/applications/<int:pk>/onward-transfer-agreements/<int:co_implementer_pk>/": row(405),
    "official/onward-transfer-agreements/<int:pk>/document/": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/change-requests/<int:pk>/decision.pdf": row(
        404, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/reviews/": row(200, member=403, other_applicant=403),
    "official/organisations/": row(200, member=403, other_applicant=403),
    "official/organisations/verifications/": row(403, manager=200, administrator=200),
    "official/organisations/verifications/<int:pk>/verify/": row(405),
    "official/organisations/verifications/<int:pk>/refuse/": row(405),
    "official/treasury-export/": row(403, manager=200, finance=200, auditor=200, administrator=200),
    "official/treasury-deliveries/": row(403, manager=200, finance=200, auditor=200, administrator=200),
    "official/treasury-deliveries/<int:pk>/file/": row(
        403, manager=200, finance=200, auditor=200, administrator=200
    ),
    "official/treasury-deliveries/<int:pk>/correct/": row(405),
    "official/municipality-population/": row(200, member=403, other_applicant=403),
    "official/payments/": row(403, manager=200, finance=200, auditor=200, administrator=200),
    "official/reports/": row(200, member=403, other_applicant=403),
    "official/calls/<int:pk>/report-forms/<str:kind>/": row(200, member=403, other_applicant=403),
    "official/calls/<int:pk>/report-forms/<str:kind>/preview/": row(405),
    # The call has no final report form of its own (404 to those who may read one).
    "official/calls/<int:pk>/report-forms/<str:kind>.json": row(404, member=403, other_applicant=403),
    # Every official reads the report forms in the builder; only those who prepare calls see its buttons.
    "official/calls/<int:pk>/report-forms/<str:kind>/builder/": row(200, member=403, other_applicant=403),
    "official/calls/<int:pk>/report-forms/<str:kind>/draft.json": row(404, member=403, other_applicant=403),
    "official/reports/<int:pk>/": row(
        200, member=404, other_applicant=404, staff_without_role=404, reviewer=404
    ),
    "official/reports/<int:pk>/settlement-decision.pdf": row(404),
    "official/reports/<int:pk>/co-implementers/<int:co_implementer_pk>/invite/": row(405),
    "official/payments/batches/<int:pk>/": row(403, manager=200, finance=200, auditor=200, administrator=200),
    "official/payments/batches/<int:pk>/approve/": row(405),
    "official/payments/batches/<int:pk>/paid/": row(405),
    "official/payments/batches/<int:pk>/credit-transfer.xml": row(403, finance=200),
    "official/payments/batches/<int:pk>/payments.csv": row(
        403, manager=200, finance=200, auditor=200, administrator=200
    ),
    "official/payments/batches/<int:pk>/send/": row(405),
    "official/payments/batches/<int:pk>/deliver/": row(405),
    "official/payments/reconciliation/": row(403, manager=200, finance=200, auditor=200, administrator=200),
    "official/payments/reconciliation/fetch/": row(405),
    "official/payments/reconciliation/invoices.csv": row(
        403, manager=200, finance=200, auditor=200, administrator=200
    ),
    "official/payment-applications/<int:pk>/decide/": row(405),
    "official/applications/<int:pk>/returns/": row(405),
    "official/returns/<int:pk>/received/": row(405),
    "official/returns/<int:pk>/decision.pdf": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/applications/<int:pk>/recovery-grounds/": row(405),
    "official/recovery-grounds/<int:pk>/claim/": row(405),
    "official/recovery-grounds/<int:pk>/close/": row(405),
    "official/voluntary-returns/<int:pk>/record/": row(405),
    "official/hearings/": row(200, member=403, other_applicant=403, staff_without_role=403, reviewer=403),
    "official/hearings/<int:pk>/": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/applications/<int:pk>/hearings/new/": row(
        403, manager=200, presenter=200, finance=200, administrator=200
    ),
    "official/decisions/to-post/": row(403, manager=200, administrator=200),
    "official/decisions/to-post/<int:pk>/posted/": row(405),
    "official/decisions/to-post/<int:pk>/document.pdf": row(403, manager=200, administrator=200),
    "official/review-requests/": row(403, manager=200, administrator=200),
    "official/review-requests/<int:pk>/": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/review-requests/<int:pk>/decision.pdf": row(
        404, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/applications/<int:pk>/review-requests/new/": row(
        403, manager=200, presenter=200, administrator=200
    ),
    "official/applications/<int:pk>/suspensions/": row(405),
    "official/suspensions/<int:pk>/end/": row(405),
    "official/returns/<int:pk>/waive/": row(405),
    "official/returns/<int:pk>/offset/": row(405),
    "official/money-decisions/<str:kind>/<int:pk>.pdf": row(
        200, member=403, other_applicant=403, staff_without_role=403, reviewer=403
    ),
    "official/interest/": row(200, member=403, other_applicant=403),
    "official/reference-rates/": row(200, member=403, other_applicant=403),
}


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), data_set() as data:
        by_email = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
        people = {
            "anonymous": None,
            "member": data["application"].organisation.memberships.order_by("pk").first().person,
            "other_applicant": MembershipFactory(administrator=True).person,
            "staff_without_role": UserFactory(official=True),
            "manager": by_email["manager@example.org"],
            "presenter": by_email["presenter@example.org"],
            "reviewer": by_email["reviewer-1@example.org"],
            "decider": by_email["decider@example.org"],
            "finance": by_email["finance@example.org"],
            "auditor": by_email["auditor@example.org"],
            "administrator": UserFactory(roles=["administrator"]),
        }
        clients, tokens = signed_in(people)
        yield data | {"clients": clients, "tokens": tokens}


def _get(world, role: str, route, path: str) -> int:
    client = world["clients"][role]
    if route.is_api:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][role]}"} if role in world["tokens"] else {}
        return client.get(path, **headers).status_code
    response = client.get(path)
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


def _in_the_matrix(route) -> bool:
    """Every page and every API endpoint that answers GET, but the admin site's and those allowed in tests/routes.py."""
    if route.is_admin or route.pattern in PUBLIC or route.pattern in OWN_ACCOUNT:
        return False
    return not route.is_api or "GET" in route.methods


MATRIX_ROUTES = [route for route in all_routes() if route.pattern in GET_MATRIX]


@pytest.mark.parametrize("route", MATRIX_ROUTES, ids=[route.pattern for route in MATRIX_ROUTES])
def test_get_matrix(db, matrix_world, route):
    path = route.path(**parameters(route, matrix_world))
    expected = GET_MATRIX[route.pattern]
    default_anonymous = 401 if route.is_api else LOGIN
    got = {role: _get(matrix_world, role, route, path) for role in MATRIX_ROLES}
    want = {
        role: default_anonymous if role == "anonymous" and code is None else code
        for role, code in expected.items()
    }
    assert got == want, path


def test_every_get_route_is_in_the_matrix():
    """A new page or endpoint fails here until its row says who may see it (or an allow-list says why anyone may)."""
    missing = [
        route.pattern for route in all_routes() if _in_the_matrix(route) and route.pattern not in GET_MATRIX
    ]
    assert not missing, f"routes missing from GET_MATRIX: {missing}"
    assert not GET_MATRIX.keys() - {route.pattern for route in all_routes()}, (
        "rows of routes that no longer exist"
    )
