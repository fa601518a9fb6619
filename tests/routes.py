"""Every route of the URLconf, the API's included, for the tests that walk them all (test_route_access,
test_permissions): a new page or endpoint is walked the day it is added."""

import datetime
import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation

from avustamo.accounts.models import ApiToken, User
from avustamo.accounts.services import api_token_create
from avustamo.api.api import api
from avustamo.applications.models import Application, Attachment, CoImplementer
from avustamo.core.models import DecisionNotice
from avustamo.decisions.models import CoImplementerShare
from avustamo.demo.loader import load_demo
from avustamo.grants.models import ChangeRequest, Grant, OnwardTransferAgreement
from avustamo.hearings.models import Hearing, HearingAttachment
from avustamo.organisations.models import Invitation, Organisation, RepresentationVerification
from avustamo.payments.models import (
    ClaimWaiver,
    PaymentApplication,
    PaymentBatch,
    PaymentSuspension,
    RecoveryGrounds,
    ReturnClaim,
    VoluntaryReturn,
)
from avustamo.reports.models import CoImplementerInvitation, Report, ReportAttachment
from avustamo.review_requests.models import ReviewRequest
from avustamo.reviews.models import CallAssignment, ReviewAssignment
from avustamo.treasury import export as treasury_export
from avustamo.treasury import services as treasury_services
from tests.access import sign_in
from tests.conftest import PLACEHOLDER_PDF

API_PREFIX = "api/v1/"
ADMIN_PREFIX = "admin/"
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    pattern: str  # the whole route as written in the URLconf, e.g. "official/returns/<int:pk>/received/"
    methods: frozenset[str]  # the API's declared methods; empty for a page, which may take any

    @property
    def parameters(self) -> list[str]:
        return _PARAMETER.findall(self.pattern)

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith(API_PREFIX)

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith(ADMIN_PREFIX)

    def path(self, **values) -> str:
        """The address with `values` in place of the route's parameters."""
        return "/" + _PARAMETER.sub(lambda match: str(values[match.group(1)]), self.pattern)


def _api_methods() -> dict[str, frozenset[str]]:
    """The methods of each API path, from the API's own description (django-ninja's OpenAPI schema)."""
    paths = api.get_openapi_schema()["paths"]
    return {
        path.lstrip("/").replace("{", "<").replace("}", ">"): frozenset(method.upper() for method in methods)
        for path, methods in paths.items()
    }


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, text)
        elif isinstance(entry, URLPattern):
            yield text


def all_routes() -> list[Route]:
    """Each route once, in the order of the URLconf. Two operations on one API path (GET and PATCH of an
    application) are one route with both methods."""
    api_methods = _api_methods()
    routes: dict[str, Route] = {}
    for pattern in _walk(get_resolver()):
        methods = api_methods.get(pattern, frozenset()) if pattern.startswith(API_PREFIX) else frozenset()
        routes.setdefault(pattern, Route(pattern, methods))
    return list(routes.values())


# Public by design: anyone may use them, signed in or not, so there is nothing to refuse.
PUBLIC = {
    "health": "the load balancer's health check",
    "i18n/setlang/": "the language switch",
    "api/v1/openapi.json": "the API's description",
    "api/v1/docs": "the API's documentation",
    "api/v1/": "the API's index",
    "api/v1/calls": "published calls",
    "api/v1/calls/<call_id>": "a published call (404 for any other)",
    "api/v1/calls/<call_id>/forms/<version>": "a published call's application form (404 for any other)",
    "api/v1/calls/<call_id>/forms/<version>/answers-schema": "the JSON Schema of a published call form's answers",
    "api/v1/grants": "the public register",
    "api/v1/grants/<grant_id>": "a grant of the public register",
    "api/v1/organisations/<business_id>": "an organisation's published grants",
    "api/v1/statistics": "the public register's statistics",
    "auth/suomifi/start/": "starts Suomi.fi identification",
    "auth/suomifi/return/": "Suomi.fi identification's return, checked by its signed state",
    "auth/suomifi/jwks.json": "the service's public keys for Suomi.fi",
    "auth/suomifi/authorizations/return/": "e-Authorizations' return, checked by its signed state",
    "open-data/360giving.json": "open data",
    "": "the front page",
    "accessibility/": "the accessibility statement",
    "privacy/": "the privacy notice",
    "identified/new-account/": "a new account after identification, for the person in the identified session",
    "accounts/login/": "sign-in",
    "accounts/logout/": "sign-out",
    "accounts/inactive/": "allauth's notice",
    "accounts/signup/": "sign-up",
    "accounts/confirm-email/": "allauth's notice",
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": "email confirmation, by its secret key",
    "accounts/password/reset/": "password reset",
    "accounts/password/reset/done/": "allauth's notice",
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "password reset, by its secret key",
    "accounts/password/reset/key/done/": "allauth's notice",
    "accounts/login/code/confirm/": "sign-in by code, for the person in the sign-in session",
    "accounts/2fa/authenticate/": "second factor, for the person in the sign-in session",
    "accounts/3rdparty/login/cancelled/": "allauth's notice",
    "accounts/3rdparty/login/error/": "allauth's notice",
    "accounts/3rdparty/signup/": "sign-up through single sign-on, for the person in the sign-in session",
    "accounts/social/login/cancelled/": "allauth's old address of a notice",
    "accounts/social/login/error/": "allauth's old address of a notice",
    "accounts/social/signup/": "allauth's old address of sign-up through single sign-on",
    "accounts/social/connections/": "allauth's old address of the connections page: a permanent redirect to it",
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/": "officials' single sign-on",
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/": "officials' single sign-on's return",
    "organisations/invitations/<str:token>/": "an invitation, by its secret token (accepting asks to sign in)",
    "calls/": "published calls",
    "calls/<int:pk>/": "a published call (404 for any other)",
    "register/": "the public register",
    "register/grants/<int:pk>/": "a grant of the public register",
    "register/organisations/<str:business_id>/": "an organisation's published grants",
    "register/recipients/": "the public register",
    "register/grants.csv": "open data",
    "register/grants.xlsx": "open data",
    "register/grants.json": "open data",
    "register/grants-360giving.json": "open data",
    "register/open-data/": "open data",
    "register/statistics/": "the public register's statistics",
    "admin/login/": "the admin site's sign-in",
    "admin/logout/": "the admin site's sign-out",
    "admin/jsi18n/": "the admin site's translations for its scripts",
}

# The signed-in person's own account: whoever is signed in uses them on their own things only, so only anonymous
# is refused. (allauth's account, second-factor and single sign-on pages act on request.user alone.)
OWN_ACCOUNT = {
    "accounts/api-tokens/": "the person's own API tokens",
    "accounts/reauthenticate/": "allauth",
    "accounts/reauthenticate/code/": "allauth",
    "accounts/reauthenticate/code/confirm/": "allauth",
    "accounts/email/": "allauth",
    "accounts/password/change/": "allauth",
    "accounts/password/set/": "allauth",
    "accounts/2fa/": "allauth",
    "accounts/2fa/reauthenticate/": "allauth",
    "accounts/2fa/totp/activate/": "allauth",
    "accounts/2fa/totp/deactivate/": "allauth",
    "accounts/2fa/recovery-codes/": "allauth",
    "accounts/2fa/recovery-codes/generate/": "allauth",
    "accounts/2fa/recovery-codes/download/": "allauth",
    "accounts/2fa/webauthn/": "allauth",
    "accounts/2fa/webauthn/add/": "allauth",
    "accounts/2fa/webauthn/reauthenticate/": "allauth",
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": "allauth: the person's own security keys",
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": "allauth: the person's own security keys",
    "accounts/3rdparty/": "allauth: the person's own single sign-on connections",
    "organisations/": "the person's own organisations",
    "organisations/new/": "registering an organisation, which the person then administers",
    "organisations/act-for/": "choosing in e-Authorizations whom the person acts for",
    "applications/": "the person's own applications",
    "admin/": "the admin site's index: to an official, the models their permissions show (none without any)",
    "admin/password_change/": "the admin site's change of the person's own password",
    "admin/password_change/done/": "the admin site's notice",
    "api/v1/me": "the token's own person",
    "api/v1/applications": "the token's own applications; starting one names an organisation of the person's",
}

# Every official may use them (no role needed), so only anonymous and applicants are refused.
ANY_OFFICIAL = {
    "official/": "the officials' front page",
    "official/reviews/": "the official's own review assignments",
    "official/organisations/": "organisations.list_all_organisations: every official",
    "official/interest/": "payments.calculate_interest: every official",
    "official/municipality-population/": "reference.view_population: every official (loading: administrators)",
    "official/reports/": "the reports the official may review (an empty list for one who may review none)",
    "organisations/<int:pk>/": "organisations.read_organisation: every official reads every organisation",
    "api/v1/tools/interest": "the same calculator with an official's token",
}


def _first(model, *, preferably=None, **conditions):
    """The first `model` row, among those matching `preferably` when there are any (the objects of one grant)."""
    rows = model.objects.filter(**conditions).order_by("pk")
    found = (preferably is not None and rows.filter(**preferably).first()) or rows.first()
    assert found is not None, f"the data set has no {model.__name__}"
    return found


def _file(name: str) -> ContentFile:
    return ContentFile(PLACEHOLDER_PDF, name=name)


def _build() -> dict:
    """The demo's whole history (calls, applications, decisions, grants, payments, reports, hearings, claims…)
    with what it lacks added; none of it belongs to the stranger's organisation."""
    load_demo()
    grant = _first(Grant, return_claims__isnull=False)
    application = grant.application
    claim = _first(ReturnClaim)
    today = timezone.localdate()
    hearing = _first(Hearing, preferably={"grant": grant})
    report = _first(Report, preferably={"grant": grant})
    co_implementer = CoImplementer.objects.create(
        application=report.grant.application,
        business_id="2345678-3",
        name="Osatoteuttaja ry",
        costs={"personnel": "1000.00"},
        own_funding=Decimal("300.00"),
        contact_name="Osa Toteuttaja",
        contact_email="osatoteuttaja@example.org",
    )
    # The demo's joint application has no decision yet: the walk's grant passes a share on to a co-implementer.
    partner = CoImplementer.objects.create(
        application=application,
        business_id="1732050-2",
        name="Osatoteuttaja ry",
        costs={"personnel": "1000.00"},
        own_funding=Decimal("300.00"),
        contact_name="Olli Osatoteuttaja",
        contact_email="olli@example.org",
    )
    CoImplementerShare.objects.create(
        decision=grant.decision, co_implementer=partner, amount=Decimal("500.00")
    )
    return {
        "grant": grant,
        "application": application,
        "call": application.call,
        "decision": grant.decision,
        "draft": _first(Application, status="draft"),
        "attachment": _first(Attachment, preferably={"application": application}),
        "applicant_co_implementer": _first(CoImplementer),
        "claim": claim,
        "recovery": _first(RecoveryGrounds, preferably={"grant": grant}),
        "report": report,
        "co_implementer": co_implementer,
        "co_implementer_invitation": CoImplementerInvitation.objects.create(
            report=report,
            co_implementer=co_implementer,
            email=co_implementer.contact_email,
            token_hash=CoImplementerInvitation.hash_token("osakutsu"),
            invited_by=report.created_by,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        "report_attachment": _first(ReportAttachment, preferably={"report__grant": grant}),
        "hearing": hearing,
        "hearing_attachment": HearingAttachment.objects.create(
            hearing=hearing,
            party="recipient",
            file=_file("vastine.pdf"),
            original_name="vastine.pdf",
            kind="pdf",
            size=len(PLACEHOLDER_PDF),
            uploaded_by=hearing.sent_by,
        ),
        "change_request": _first(ChangeRequest, preferably={"grant": grant}),
        "batch": _first(PaymentBatch),
        "verification": _first(
            RepresentationVerification, preferably={"organisation": application.organisation}
        ),
        "notice": _first(DecisionNotice),
        "call_assignment": _first(CallAssignment, call=application.call),
        "review_assignment": _first(ReviewAssignment, application=application),
        "membership": application.organisation.memberships.order_by("pk").first(),
        "invitation": Invitation.objects.create(
            organisation=application.organisation,
            email="kutsuttu@example.org",
            token_hash=Invitation.hash_token("kutsu"),
            invited_by=application.organisation.memberships.first().person,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        "token": api_token_create(
            name="kirjanpito", acting_user=application.organisation.memberships.first().person
        )[0],
        "payment_application": PaymentApplication.objects.create(
            grant=grant,
            period_start=today - datetime.timedelta(days=60),
            period_end=today - datetime.timedelta(days=1),
            costs_incurred=Decimal("4321.00"),
            amount=Decimal("4321.00"),
            description="Vuokrat",
            submitted_by=application.organisation.memberships.first().person,
        ),
        "voluntary_return": VoluntaryReturn.objects.create(
            grant=grant,
            amount=Decimal("987.65"),
            reasons="Käyttämättä jäänyt osuus",
            announced_by=application.organisation.memberships.first().person,
        ),
        "suspension": PaymentSuspension.objects.create(
            grant=grant,
            grounds="recovery",
            reasons="Selvitys kesken",
            starts_on=today,
            decided_by=claim.decided_by,
            document=_file("keskeytys.pdf"),
        ),
        "waiver": ClaimWaiver.objects.create(
            claim=claim,
            amount=Decimal("12.34"),
            interest=Decimal("0.00"),
            reasons="Kohtuuton",
            decided_by=claim.decided_by,
            document=_file("kohtuullistaminen.pdf"),
        ),
        "delivery": treasury_services.delivery_produce(
            selection=treasury_export.make_selection(call_reference=application.call.reference),
            record_kinds=treasury_export.RECORD_KINDS,
            file_format="json",
            acting_user=User.objects.get(email="finance@example.org"),
        ),
        "partner": partner,
        "agreement": OnwardTransferAgreement.objects.create(
            grant=grant,
            co_implementer=partner,
            signed_on=today,
            document=_file("sopimus.pdf"),
            document_name="sopimus.pdf",
            document_kind="pdf",
            recorded_by=claim.decided_by,
        ),
        "review_request": ReviewRequest.objects.create(
            application=application,
            contested=_first(DecisionNotice),
            register_number="TEM/9999/2099",
            channel="email",
            arrived_on=today,
            requested_change="Korotus",
            grounds="Perusteet",
            registered_by=claim.decided_by,
        ),
    }


# Which objects fill each route's parameters: all of them of an organisation that is not the stranger's.
OBJECTS = {
    # Nobody has a security key in the data set: only anonymous is refused there, before any key is looked up.
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": lambda w: {"pk": 1},
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": lambda w: {"pk": 1},
    "accounts/api-tokens/<int:pk>/revoke/": lambda w: {"pk": w["token"].pk},
    "api/v1/applications/<application_id>": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/attachments": lambda w: {"application_id": w["draft"].pk},
    "api/v1/applications/<application_id>/co-implementers": lambda w: {
        "application_id": w["applicant_co_implementer"].application_id
    },
    "api/v1/applications/<application_id>/co-implementers/<co_implementer_id>": lambda w: {
        "application_id": w["applicant_co_implementer"].application_id,
        "co_implementer_id": w["applicant_co_implementer"].pk,
    },
    "api/v1/applications/<application_id>/submit": lambda w: {"application_id": w["draft"].pk},
    "api/v1/applications/<application_id>/withdraw": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/decision": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/decision.pdf": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/receipt": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/receipt.pdf": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/grant": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/grant/accept": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/grant/decline": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/grant/payment-applications": lambda w: {
        "application_id": w["application"].pk
    },
    "api/v1/applications/<application_id>/grant/reports": lambda w: {"application_id": w["application"].pk},
    "api/v1/applications/<application_id>/grant/change-requests": lambda w: {
        "application_id": w["application"].pk
    },
    "organisations/<int:pk>/": lambda w: {"pk": w["application"].organisation_id},
    "organisations/<int:pk>/edit/": lambda w: {"pk": w["application"].organisation_id},
    "organisations/<int:pk>/invite/": lambda w: {"pk": w["application"].organisation_id},
    "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/": lambda w: {
        "pk": w["invitation"].organisation_id,
        "invitation_pk": w["invitation"].pk,
    },
    "organisations/<int:pk>/members/<int:membership_pk>/remove/": lambda w: {
        "pk": w["membership"].organisation_id,
        "membership_pk": w["membership"].pk,
    },
    "organisations/<int:pk>/members/<int:membership_pk>/role/": lambda w: {
        "pk": w["membership"].organisation_id,
        "membership_pk": w["membership"].pk,
    },
    "organisations/<int:pk>/right-to-act/": lambda w: {"pk": w["application"].organisation_id},
    "organisations/<int:pk>/electronic-notification/": lambda w: {"pk": w["application"].organisation_id},
    "organisations/verifications/<int:pk>/document/": lambda w: {"pk": w["verification"].pk},
    "applications/start/<int:call_pk>/": lambda w: {"call_pk": w["draft"].call_id},
    "applications/<int:pk>/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/check/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/business-secrets/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/receipt/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/receipt.pdf": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/attachments/<int:attachment_pk>/remove/": lambda w: {
        "pk": w["attachment"].application_id,
        "attachment_pk": w["attachment"].pk,
    },
    "applications/<int:pk>/attachments/<int:attachment_pk>/replace/": lambda w: {
        "pk": w["attachment"].application_id,
        "attachment_pk": w["attachment"].pk,
    },
    "applications/<int:pk>/withdraw/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/co-implementers/add/": lambda w: {
        "pk": w["applicant_co_implementer"].application_id
    },
    "applications/<int:pk>/co-implementers/<int:co_implementer_pk>/": lambda w: {
        "pk": w["applicant_co_implementer"].application_id,
        "co_implementer_pk": w["applicant_co_implementer"].pk,
    },
    "applications/<int:pk>/co-implementers/<int:co_implementer_pk>/remove/": lambda w: {
        "pk": w["applicant_co_implementer"].application_id,
        "co_implementer_pk": w["applicant_co_implementer"].pk,
    },
    "applications/<int:pk>/decision/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/decision/accept/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/decision/decline/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/decision/payment-application/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/reports/start/": lambda w: {"pk": w["report"].grant.application_id},
    "applications/<int:pk>/reports/<int:report_pk>/": lambda w: {
        "pk": w["report"].grant.application_id,
        "report_pk": w["report"].pk,
    },
    "applications/<int:pk>/reports/<int:report_pk>/attachments/<int:attachment_pk>/remove/": lambda w: {
        "pk": w["report_attachment"].report.grant.application_id,
        "report_pk": w["report_attachment"].report_id,
        "attachment_pk": w["report_attachment"].pk,
    },
    "applications/<int:pk>/reports/<int:report_pk>/settlement-decision.pdf": lambda w: {
        "pk": w["report"].grant.application_id,
        "report_pk": w["report"].pk,
    },
    "applications/<int:pk>/reports/<int:report_pk>/co-implementers/<int:co_implementer_pk>/": lambda w: {
        "pk": w["report"].grant.application_id,
        "report_pk": w["report"].pk,
        "co_implementer_pk": w["co_implementer"].pk,
    },
    "applications/<int:pk>/reports/<int:report_pk>/co-implementers/<int:co_implementer_pk>/invite/": lambda w: {
        "pk": w["report"].grant.application_id,
        "report_pk": w["report"].pk,
        "co_implementer_pk": w["co_implementer"].pk,
    },
    "applications/<int:pk>/reports/<int:report_pk>/co-implementer-invitations/<int:invitation_pk>/revoke/": lambda w: {
        "pk": w["report"].grant.application_id,
        "report_pk": w["report"].pk,
        "invitation_pk": w["co_implementer_invitation"].pk,
    },
    # The invitation's own token: only whoever signed in with the address it was sent to learns anything of it.
    "applications/co-implementer-invitations/<str:token>/": lambda w: {"token": "osakutsu"},
    "applications/co-implementer-parts/<int:invitation_pk>/": lambda w: {
        "invitation_pk": w["co_implementer_invitation"].pk
    },
    "applications/report-attachments/<int:attachment_pk>/": lambda w: {
        "attachment_pk": w["report_attachment"].pk
    },
    "applications/<int:pk>/decision/voluntary-return/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/returns/<int:claim_pk>/decision.pdf": lambda w: {
        "pk": w["claim"].grant.application_id,
        "claim_pk": w["claim"].pk,
    },
    "applications/<int:pk>/money-decisions/<str:kind>/<int:decision_pk>.pdf": lambda w: {
        "pk": w["application"].pk,
        "kind": "suspension",
        "decision_pk": w["suspension"].pk,
    },
    "applications/<int:pk>/decision-<str:language>.pdf": lambda w: {
        "pk": w["application"].pk,
        "language": "fi",
    },
    "applications/<int:pk>/hearings/<int:hearing_pk>/": lambda w: {
        "pk": w["hearing"].grant.application_id,
        "hearing_pk": w["hearing"].pk,
    },
    "applications/hearing-attachments/<int:attachment_pk>/": lambda w: {
        "attachment_pk": w["hearing_attachment"].pk
    },
    "applications/<int:pk>/decision/change-request/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/change-decisions/<int:request_pk>.pdf": lambda w: {
        "pk": w["change_request"].grant.application_id,
        "request_pk": w["change_request"].pk,
    },
    "applications/<int:pk>/review-requests/new/": lambda w: {"pk": w["application"].pk},
    "applications/<int:pk>/review-requests/<int:request_pk>/": lambda w: {
        "pk": w["application"].pk,
        "request_pk": w["review_request"].pk,
    },
    "applications/<int:pk>/review-requests/<int:request_pk>/decision.pdf": lambda w: {
        "pk": w["application"].pk,
        "request_pk": w["review_request"].pk,
    },
    "official/calls/<int:pk>/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/edit/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/copy/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/publish/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/unpublish/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/form/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/form/preview/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/form.json": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/form/builder/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/form/draft.json": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/applications/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/applications.xlsx": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/team/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/team/<int:assignment_pk>/remove/": lambda w: {
        "pk": w["call_assignment"].call_id,
        "assignment_pk": w["call_assignment"].pk,
    },
    "official/calls/<int:pk>/team/assign-all/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/allocation/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/publish-decisions/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/publication/": lambda w: {"pk": w["call"].pk},
    "official/calls/<int:pk>/publication/resume/": lambda w: {"pk": w["call"].pk},
    "official/applications/<int:pk>/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/attachments/<int:attachment_pk>/": lambda w: {
        "pk": w["attachment"].application_id,
        "attachment_pk": w["attachment"].pk,
    },
    "official/applications/<int:pk>/history/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/public-version/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/screening/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/completion-request/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/reviewers/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/reviewers/<int:assignment_pk>/remove/": lambda w: {
        "pk": w["review_assignment"].application_id,
        "assignment_pk": w["review_assignment"].pk,
    },
    "official/applications/<int:pk>/presenter/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/review/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/decision/": lambda w: {"pk": w["application"].pk},
    "official/decisions/<int:pk>/send/": lambda w: {"pk": w["decision"].pk},
    "official/decisions/<int:pk>/return/": lambda w: {"pk": w["decision"].pk},
    "official/decisions/<int:pk>/sign/": lambda w: {"pk": w["decision"].pk},
    "official/decisions/<int:pk>/correct/": lambda w: {"pk": w["decision"].pk},
    "official/decisions/<int:pk>/document-<str:language>.pdf": lambda w: {
        "pk": w["decision"].pk,
        "language": "fi",
    },
    "official/change-requests/<int:pk>/": lambda w: {"pk": w["change_request"].pk},
    "official/applications/<int:pk>/onward-transfer-agreements/<int:co_implementer_pk>/": lambda w: {
        "pk": w["application"].pk,
        "co_implementer_pk": w["partner"].pk,
    },
    "official/onward-transfer-agreements/<int:pk>/document/": lambda w: {"pk": w["agreement"].pk},
    "official/change-requests/<int:pk>/decision.pdf": lambda w: {"pk": w["change_request"].pk},
    "official/organisations/verifications/<int:pk>/verify/": lambda w: {"pk": w["verification"].pk},
    "official/organisations/verifications/<int:pk>/refuse/": lambda w: {"pk": w["verification"].pk},
    "official/calls/<int:pk>/report-forms/<str:kind>/": lambda w: {"pk": w["call"].pk, "kind": "final"},
    "official/calls/<int:pk>/report-forms/<str:kind>/preview/": lambda w: {
        "pk": w["call"].pk,
        "kind": "final",
    },
    "official/calls/<int:pk>/report-forms/<str:kind>.json": lambda w: {"pk": w["call"].pk, "kind": "final"},
    "official/calls/<int:pk>/report-forms/<str:kind>/builder/": lambda w: {
        "pk": w["call"].pk,
        "kind": "final",
    },
    "official/calls/<int:pk>/report-forms/<str:kind>/draft.json": lambda w: {
        "pk": w["call"].pk,
        "kind": "final",
    },
    "official/reports/<int:pk>/": lambda w: {"pk": w["report"].pk},
    "official/reports/<int:pk>/settlement-decision.pdf": lambda w: {"pk": w["report"].pk},
    "official/reports/<int:pk>/co-implementers/<int:co_implementer_pk>/invite/": lambda w: {
        "pk": w["report"].pk,
        "co_implementer_pk": w["co_implementer"].pk,
    },
    "official/payments/batches/<int:pk>/": lambda w: {"pk": w["batch"].pk},
    "official/payments/batches/<int:pk>/approve/": lambda w: {"pk": w["batch"].pk},
    "official/payments/batches/<int:pk>/paid/": lambda w: {"pk": w["batch"].pk},
    "official/payments/batches/<int:pk>/credit-transfer.xml": lambda w: {"pk": w["batch"].pk},
    "official/payments/batches/<int:pk>/payments.csv": lambda w: {"pk": w["batch"].pk},
    "official/payments/batches/<int:pk>/send/": lambda w: {"pk": w["batch"].pk},
    "official/payments/batches/<int:pk>/deliver/": lambda w: {"pk": w["batch"].pk},
    "official/payment-applications/<int:pk>/decide/": lambda w: {"pk": w["payment_application"].pk},
    "official/applications/<int:pk>/returns/": lambda w: {"pk": w["application"].pk},
    "official/returns/<int:pk>/received/": lambda w: {"pk": w["claim"].pk},
    "official/returns/<int:pk>/decision.pdf": lambda w: {"pk": w["claim"].pk},
    "official/applications/<int:pk>/recovery-grounds/": lambda w: {"pk": w["recovery"].grant.application_id},
    "official/recovery-grounds/<int:pk>/claim/": lambda w: {"pk": w["recovery"].pk},
    "official/recovery-grounds/<int:pk>/close/": lambda w: {"pk": w["recovery"].pk},
    "official/voluntary-returns/<int:pk>/record/": lambda w: {"pk": w["voluntary_return"].pk},
    "official/hearings/<int:pk>/": lambda w: {"pk": w["hearing"].pk},
    "official/applications/<int:pk>/hearings/new/": lambda w: {"pk": w["application"].pk},
    "official/decisions/to-post/<int:pk>/posted/": lambda w: {"pk": w["notice"].pk},
    "official/decisions/to-post/<int:pk>/document.pdf": lambda w: {"pk": w["notice"].pk},
    "official/review-requests/<int:pk>/": lambda w: {"pk": w["review_request"].pk},
    "official/review-requests/<int:pk>/decision.pdf": lambda w: {"pk": w["review_request"].pk},
    "official/applications/<int:pk>/review-requests/new/": lambda w: {"pk": w["application"].pk},
    "official/applications/<int:pk>/suspensions/": lambda w: {"pk": w["application"].pk},
    "official/suspensions/<int:pk>/end/": lambda w: {"pk": w["suspension"].pk},
    "official/returns/<int:pk>/waive/": lambda w: {"pk": w["claim"].pk},
    "official/returns/<int:pk>/offset/": lambda w: {"pk": w["claim"].pk},
    "official/money-decisions/<str:kind>/<int:pk>.pdf": lambda w: {"kind": "waiver", "pk": w["waiver"].pk},
    "official/treasury-deliveries/<int:pk>/file/": lambda w: {"pk": w["delivery"].pk},
    "official/treasury-deliveries/<int:pk>/correct/": lambda w: {"pk": w["delivery"].pk},
}

# The admin site's own parameters: Django's admin wraps every view in admin_site.admin_view (staff only, then the
# model permission of each view); the walk fills them with the first object of each table.
ADMIN_OBJECTS = {
    "object_id": 1,
    "id": 1,
    "app_label": "organisations",
    "content_type_id": 1,
    "url": "anything",
}


def parameters(route: Route, world) -> dict:
    if route.is_admin:
        return {name: ADMIN_OBJECTS[name] for name in route.parameters}
    return OBJECTS[route.pattern](world) if route.parameters else {}


def secrets_kept_from(stranger) -> list[str]:
    """What must never appear in a refusal: the names, business IDs and register numbers of the organisations and
    applications that are not the stranger's, and the amounts of their claims."""
    own = set(stranger.memberships.values_list("organisation_id", flat=True))
    secrets = []
    for organisation in Organisation.objects.exclude(pk__in=own):
        secrets += [organisation.name, organisation.business_id]
    secrets += [number for number in Application.objects.values_list("register_number", flat=True) if number]
    for amount in ReturnClaim.objects.values_list("amount", flat=True):
        secrets += [f"{amount:.2f}", f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",")]
    return [secret for secret in secrets if secret]


@contextmanager
def data_set():
    """The data set of the walks, in a transaction rolled back at the end (a module's fixture builds it once and
    each test runs in a savepoint); documents are blank pages, as in tests that do not read them (conftest)."""
    with translation.override("fi"), pytest.MonkeyPatch.context() as patch, transaction.atomic():
        patch.setattr(weasyprint.HTML, "write_pdf", lambda html, *args, **kwargs: PLACEHOLDER_PDF)
        yield _build()
        transaction.set_rollback(True)


def signed_in(people: dict) -> tuple[dict, dict]:
    """A test client for each person (None: anonymous), signed in as the sign-in page does, and a read-write API
    token for each person."""
    clients, tokens = {}, {}
    for kind, person in people.items():
        clients[kind] = Client()
        if person is not None:
            sign_in(clients[kind], person)
            tokens[kind] = api_token_create(name="walk", scope=ApiToken.Scope.READ_WRITE, acting_user=person)[
                1
            ]
    return clients, tokens
