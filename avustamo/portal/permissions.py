"""Every permission rule of the service, in one table: `rules` predicates and the permission codes they grant.

Views, the API, services and templates ask `user.has_perm("<code>", obj)`; nothing else decides who may do what.
The table sits in the portal, above every app, because its predicates read the models of many apps; the apps
name permissions by their codes only. `docs/roles.md` describes the same table for people. Loaded by
`PortalConfig.ready`.
"""

import rules

from avustamo.accounts.models import StaffRole
from avustamo.applications.models import Application
from avustamo.core.permissions import is_official, is_organisation_member, is_signed_in, staff_roles
from avustamo.organisations.models import Membership
from avustamo.reviews.models import CallAssignment, ReviewAssignment


@rules.predicate
def is_organisation_administrator(user, organisation):
    if organisation is None or not (user and user.is_authenticated and user.is_active):
        return False
    return organisation.memberships.filter(person=user, role=Membership.Role.ADMINISTRATOR).exists()


rules.add_perm("organisations.register_organisation", is_signed_in)
rules.add_perm("organisations.read_organisation", is_organisation_member | is_official)
rules.add_perm("organisations.edit_organisation", is_organisation_administrator)
# What any member says for the organisation (its consent to electronic notification), with the right to act.
rules.add_perm("organisations.answer_for_organisation", is_organisation_member)
rules.add_perm("organisations.manage_members", is_organisation_administrator)
rules.add_perm("organisations.list_all_organisations", is_official)


def _has_role(role: StaffRole):
    return rules.predicate(lambda user: role in staff_roles(user), name=f"has_role_{role.value}")


is_administrator = _has_role(StaffRole.ADMINISTRATOR)
is_programme_manager = _has_role(StaffRole.PROGRAMME_MANAGER)
is_reviewer = _has_role(StaffRole.REVIEWER)
is_presenter = _has_role(StaffRole.PRESENTER)
is_decision_maker = _has_role(StaffRole.DECISION_MAKER)
is_finance_officer = _has_role(StaffRole.FINANCE_OFFICER)
is_auditor = _has_role(StaffRole.AUDITOR)


def _call_of(target):
    """The call of a call, an application or a decision."""
    if target is None:
        return None
    if hasattr(target, "application"):
        target = target.application
    return getattr(target, "call", target)


def _application_of(target):
    """The application of an application or a decision; None for a call."""
    if isinstance(target, Application):
        return target
    application = getattr(target, "application", None)
    return application if isinstance(application, Application) else None


@rules.predicate
def is_assigned_presenter(user, target):
    """Presents the call; or, for an application or its decision, that one application."""
    call = _call_of(target)
    if call is None:
        return False
    if call.assignments.filter(person=user, role=CallAssignment.Role.PRESENTER).exists():
        return True
    application = _application_of(target)
    return (
        application is not None
        and type(application).objects.filter(pk=application.pk, presenter_assignment__person=user).exists()
    )


@rules.predicate
def is_reviewer_of_application(user, application):
    return application is not None and application.review_assignments.filter(reviewer=user).exists()


@rules.predicate
def has_declared_conflict(user, application):
    """Declared a conflict of interest on the application (HL 28 §): a disqualified person takes no part in handling
    it, so reads nothing of it whatever their roles. The declarations are read once per user object (one request)."""
    if application is None or not is_official(user):
        return False
    if not hasattr(user, "_declared_conflicts"):
        user._declared_conflicts = frozenset(
            ReviewAssignment.objects.filter(
                reviewer=user, conflict=ReviewAssignment.Conflict.CONFLICTED
            ).values_list("application_id", flat=True)
        )
    return application.pk in user._declared_conflicts


@rules.predicate
def is_member_of_applicant(user, target):
    application = getattr(target, "application", target)
    return is_organisation_member(user, getattr(application, "organisation", None))


manages_calls = is_programme_manager | is_administrator
reads_everything = is_auditor | is_finance_officer | manages_calls
presents = is_presenter & is_assigned_presenter

rules.add_perm("accounts.manage_roles", is_administrator)
rules.add_perm("core.use_official_pages", is_official)

rules.add_perm("programmes.manage_calls", manages_calls)
rules.add_perm("reviews.view_handling_list", reads_everything | presents)
rules.add_perm("reviews.assign_reviewers", manages_calls)
rules.add_perm("reviews.screen_application", manages_calls | presents)
rules.add_perm("applications.request_completion", manages_calls | presents)
rules.add_perm(
    "applications.read_as_official",
    (reads_everything | presents | is_decision_maker | (is_reviewer & is_reviewer_of_application))
    & ~has_declared_conflict,
)
# An information request is answered by those who handle and decide the case, not by its reviewers.
rules.add_perm(
    "applications.produce_public_version",
    (manages_calls | presents | is_decision_maker) & ~has_declared_conflict,
)
rules.add_perm("reviews.review_application", is_reviewer & is_reviewer_of_application)
rules.add_perm("decisions.propose_funding", presents)
rules.add_perm("decisions.draft_decision", presents)
rules.add_perm("decisions.sign_decision", is_decision_maker)
rules.add_perm("decisions.publish_decisions", presents | is_decision_maker | manages_calls)
rules.add_perm("decisions.read_decision_as_official", reads_everything | presents | is_decision_maker)
rules.add_perm("decisions.read_own_decision", is_member_of_applicant)
rules.add_perm("register.export_treasury_data", reads_everything)
# The log of deliveries to the State Treasury is read by those who read everything; auditors do not deliver.
rules.add_perm("treasury.view_deliveries", reads_everything)
rules.add_perm("treasury.deliver_data", is_finance_officer | manages_calls)
# Any official may reckon interest; administrators keep the table of reference rates.
rules.add_perm("payments.calculate_interest", is_official)
rules.add_perm("payments.manage_reference_rates", is_administrator)
# Every official reads Statistics Finland's population figures the municipal rules of calls use; administrators load
# them.
rules.add_perm("reference.view_population", is_official)
rules.add_perm("reference.import_population", is_administrator)
# The members of the recipient organisation accept the decision's terms or decline the grant.
rules.add_perm("payments.answer_grant", is_member_of_applicant)
# Finance officers prepare, approve (a batch someone else prepared), export and mark payments paid.
rules.add_perm("payments.prepare_payments", is_finance_officer)
rules.add_perm("payments.approve_payments", is_finance_officer)
rules.add_perm("payments.view_payments", reads_everything)
# Payment applications are decided by the call's presenter or a finance officer.
rules.add_perm("payments.decide_payment_application", presents | is_finance_officer)
# Returns and recoveries are decided by the call's presenter or a programme manager.
rules.add_perm("payments.claim_return", presents | manages_calls)
# The written agreement on passing a grant on to a co-implementer (688/2001 7 § 3) is recorded by the grant's presenter
# or a finance officer, who pays only once it is on file.
rules.add_perm("grants.record_onward_transfer_agreement", presents | is_finance_officer)
rules.add_perm("grants.read_onward_transfer_agreement", reads_everything | presents | is_decision_maker)
# The recipient's members ask to change the terms in force; the presenter decides each part of the request.
rules.add_perm("decisions.request_change", is_member_of_applicant)
rules.add_perm("decisions.decide_change_request", presents)
# The same officials note grounds for a return or recovery before deciding on them, or close them without a claim.
rules.add_perm("payments.note_recovery_grounds", presents | manages_calls)
# The members of the recipient organisation announce a voluntary return (20 §).
rules.add_perm("payments.announce_return", is_member_of_applicant)

rules.add_perm("applications.apply_for_organisation", is_organisation_member)
# Reports: the recipient's members write and send them; the presenter (or a programme manager) reviews the content,
# a finance officer the finances of a final report. Targets are grants.
rules.add_perm("reports.write_report", is_member_of_applicant)
rules.add_perm("reports.review_content", presents | manages_calls)
rules.add_perm("reports.review_finances", is_finance_officer)
rules.add_perm("reports.read_report_as_official", reads_everything | presents | is_decision_maker)


@rules.predicate
def acts_for_invited_co_implementer(user, invitation):
    """Accepted this invitation (not revoked since) and acts in the service for the organisation with the
    co-implementer's Business ID. Targets are `reports.CoImplementerInvitation`s."""
    if invitation is None or not is_signed_in(user):
        return False
    return (
        invitation.is_in_use
        and invitation.accepted_by_id == user.pk
        and Membership.objects.filter(
            person=user, organisation__business_id=invitation.co_implementer.business_id
        ).exists()
    )


# Joint projects: the lead's members, or the officials who review the report's content, invite a co-implementer's
# representative to enter its part of a report (targets are grants); the invited representative enters that part
# only, for their own organisation.
rules.add_perm("reports.invite_co_implementer", is_member_of_applicant | presents | manages_calls)
rules.add_perm("reports.write_co_implementer_part", acts_for_invited_co_implementer)
# Hearings (HL 34 §): whoever may decide a subject sends the hearing request on it (hearings.services
# SUBJECT_PERMISSION); those who read the decisions read the hearings; the recipient's members read them and reply
# (with the right to act). Presenters list the hearings of what they present, readers of everything all of them.
rules.add_perm("hearings.read_hearing_as_official", reads_everything | presents | is_decision_maker)
rules.add_perm("hearings.list_hearings", reads_everything | is_presenter | is_decision_maker)
rules.add_perm("hearings.list_all_hearings", reads_everything | is_decision_maker)
rules.add_perm("hearings.reply_to_hearing", is_member_of_applicant)

# The right to act for an organisation (docs/identity.md): a member asks, a programme manager or an administrator
# verifies from a document.
rules.add_perm("organisations.ask_verification", is_organisation_member)
rules.add_perm("organisations.verify_representation", is_programme_manager | is_administrator)

# The registry (kirjaamo) posts the decisions of recipients without consent to electronic notification: programme
# managers and administrators, who keep the calls' cases.
rules.add_perm("core.post_decisions", manages_calls)

# Requests for review (688/2001 §34, 434/2003 chapter 7 a): the recipient's members ask; the presenter or a programme
# manager registers one that came by email or post; the presenter prepares and a decision maker decides (four eyes,
# in review_requests.services); programme managers keep the register of requests. Targets are applications.
rules.add_perm("review_requests.request_review", is_member_of_applicant)
rules.add_perm("review_requests.register_review_request", presents | manages_calls)
rules.add_perm("review_requests.prepare_review_decision", presents)
rules.add_perm("review_requests.decide_review_request", is_decision_maker)
rules.add_perm("review_requests.read_review_request", reads_everything | presents | is_decision_maker)
rules.add_perm("review_requests.view_register", manages_calls)
