"""Writes for handling: assignments, the formal check and reviews. One transaction each, checked and audited."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.accounts.models import StaffRole
from avustamo.applications.models import Application, ApplicationStatus
from avustamo.core.audit import audit
from avustamo.core.permissions import staff_roles
from avustamo.core.text import refuse_unstorable
from avustamo.programmes.models import Call, CallStatus
from avustamo.programmes.municipality_rules import RuleOutcome, check_municipality_rule
from avustamo.reviews.models import (
    CallAssignment,
    CriterionScore,
    PresenterAssignment,
    ReviewAssignment,
    Screening,
    ScreeningResult,
)

HANDLED_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.COMPLETION_REQUESTED)


def _require(user, permission: str, target) -> None:
    if not user.has_perm(permission, target):
        raise PermissionDenied(_("Your role does not allow this."))


def _refuse_unless_handled(application: Application) -> None:
    if application.status not in HANDLED_STATUSES:
        raise ValidationError(_("Only submitted applications are handled."), code="not_submitted")
    if application.decisions.filter(status__in=["signed", "published"]).exists():
        raise ValidationError(_("The application has a signed decision."), code="decided")


def _refuse_before_closing(call: Call) -> None:
    if call.status() != CallStatus.CLOSED:
        raise ValidationError(_("Applications are handled once the call has closed."), code="call_not_closed")


@transaction.atomic
def call_assign(*, call: Call, person, role: str, acting_user) -> CallAssignment:
    """Assign an official to a call as its presenter or one of its reviewers."""
    _require(acting_user, "reviews.assign_reviewers", call)
    if role not in CallAssignment.Role.values:
        raise ValidationError({"role": ValidationError(_("Choose a role."), code="invalid_role")})
    if role not in staff_roles(person):
        raise ValidationError(
            {
                "person": ValidationError(
                    _("%(person)s does not have the role %(role)s.")
                    % {"person": person, "role": StaffRole(role).label},
                    code="role_missing",
                )
            }
        )
    assignment, created = CallAssignment.objects.get_or_create(
        call=call, person=person, role=role, defaults={"assigned_by": acting_user}
    )
    if created:
        audit(acting_user=acting_user, action="call.assigned", target=call, person=person.email, role=role)
    return assignment


@transaction.atomic
def call_unassign(*, assignment: CallAssignment, acting_user) -> None:
    _require(acting_user, "reviews.assign_reviewers", assignment.call)
    audit(
        acting_user=acting_user,
        action="call.unassigned",
        target=assignment.call,
        person=assignment.person.email,
        role=assignment.role,
    )
    assignment.delete()


def screening_suggestion(application: Application) -> dict[str, bool]:
    """What the formal check finds from the submitted facts; the official confirms or corrects it."""
    call = application.call
    declarations = application.form.parsed.fact_questions().get("declarations")
    declared = (
        {str(value) for value in application.answers.get(declarations.id) or []} if declarations else set()
    )
    required_declarations = {str(pk) for pk in call.declarations.values_list("pk", flat=True)}
    attached = set(application.attachments.values_list("required_attachment_id", flat=True))
    required_attachments = set(call.required_attachments.values_list("pk", flat=True))
    # A municipality below the call's threshold by Statistics Finland's figures is not suggested as eligible; with
    # no figure loaded, its declaration stands.
    rule_check = check_municipality_rule(call, application.organisation)
    return {
        "arrived_on_time": bool(application.submitted_at and application.submitted_at <= call.closes_at),
        "applicant_type_eligible": (
            not call.eligible_organisation_types
            or application.organisation.organisation_type in call.eligible_organisation_types
        )
        and not (rule_check and rule_check.outcome == RuleOutcome.BELOW),
        "declarations_given": required_declarations <= declared,
        "attachments_present": required_attachments <= attached,
    }


@transaction.atomic
def screening_record(
    *,
    application: Application,
    arrived_on_time: bool,
    applicant_type_eligible: bool,
    declarations_given: bool,
    attachments_present: bool,
    result: str,
    reason: str,
    acting_user,
) -> Screening:
    """Record the formal check. Eligible needs all four checks; ineligible needs a reason for the decision."""
    _require(acting_user, "reviews.screen_application", application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _refuse_unless_handled(application)
    _refuse_before_closing(application.call)
    reason = reason.strip()
    checks = [arrived_on_time, applicant_type_eligible, declarations_given, attachments_present]
    if result not in ScreeningResult.values:
        raise ValidationError({"result": ValidationError(_("Choose the result."), code="invalid_result")})
    if result == ScreeningResult.ELIGIBLE and not all(checks):
        raise ValidationError(
            {
                "result": ValidationError(
                    _(
                        "An application that fails a check cannot be eligible; mark it ineligible with a reason."
                    ),
                    code="failed_check",
                )
            }
        )
    if result == ScreeningResult.INELIGIBLE and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Give the reason: it is written into the decision."), code="reason_required"
                )
            }
        )
    previous = getattr(application, "screening", None)
    screening, _created = Screening.objects.update_or_create(
        application=application,
        defaults={
            "arrived_on_time": arrived_on_time,
            "applicant_type_eligible": applicant_type_eligible,
            "declarations_given": declarations_given,
            "attachments_present": attachments_present,
            "result": result,
            "reason": reason,
            "screened_by": acting_user,
            "screened_at": timezone.now(),
        },
    )
    audit(
        acting_user=acting_user,
        action="application.screened",
        target=application,
        **{"from": previous.result if previous else "", "to": result, "reason": reason},
    )
    return screening


@transaction.atomic
def reviewers_assign(*, application: Application, reviewers, acting_user) -> list[ReviewAssignment]:
    """Assign reviewers to an application; each must hold the reviewer role."""
    _require(acting_user, "reviews.assign_reviewers", application.call)
    _refuse_unless_handled(application)
    created = []
    for reviewer in reviewers:
        if StaffRole.REVIEWER not in staff_roles(reviewer):
            raise ValidationError(
                {
                    "reviewers": ValidationError(
                        _("%(person)s is not a reviewer.") % {"person": reviewer}, code="not_a_reviewer"
                    )
                }
            )
        assignment, was_created = ReviewAssignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": acting_user}
        )
        if was_created:
            created.append(assignment)
            audit(
                acting_user=acting_user,
                action="review.assigned",
                target=application,
                reviewer=reviewer.email,
            )
    return created


@transaction.atomic
def reviewers_fill_from_call(*, call: Call, acting_user) -> int:
    """Give every application short of the call's reviewers-per-application the call's reviewers; the count made."""
    from avustamo.reviews.selectors import reviewers_needed

    reviewers = [
        assignment.person
        for assignment in call.assignments.filter(role=CallAssignment.Role.REVIEWER).select_related("person")
    ]
    made = 0
    for application in reviewers_needed(call):
        taken = {assignment.reviewer_id for assignment in application.review_assignments.all()}
        free = [reviewer for reviewer in reviewers if reviewer.pk not in taken]
        missing = max(call.min_reviewers - application.usable, 0)
        made += len(
            reviewers_assign(application=application, reviewers=free[:missing], acting_user=acting_user)
        )
    return made


@transaction.atomic
def reviewer_unassign(*, assignment: ReviewAssignment, acting_user) -> None:
    _require(acting_user, "reviews.assign_reviewers", assignment.application.call)
    if assignment.submitted_at:
        raise ValidationError(_("Submitted scores stay on record."), code="already_scored")
    audit(
        acting_user=acting_user,
        action="review.unassigned",
        target=assignment.application,
        reviewer=assignment.reviewer.email,
    )
    assignment.delete()


def _own_assignment(assignment: ReviewAssignment, acting_user) -> ReviewAssignment:
    _require(acting_user, "reviews.review_application", assignment.application)
    if assignment.reviewer_id != acting_user.pk:
        raise PermissionDenied(_("This review is assigned to someone else."))
    return ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)


@transaction.atomic
def conflict_declare(
    *, assignment: ReviewAssignment, conflicted: bool, reason: str, acting_user
) -> ReviewAssignment:
    """The reviewer's declaration on conflict of interest (esteellisyys), made before seeing any scoring."""
    assignment = _own_assignment(assignment, acting_user)
    reason = reason.strip()
    if assignment.conflict == ReviewAssignment.Conflict.CONFLICTED:
        raise ValidationError(
            _("A declared conflict of interest stands; the manager assigns a replacement."),
            code="conflict_final",
        )
    if assignment.submitted_at:
        raise ValidationError(_("The scores have been submitted."), code="already_scored")
    if conflicted and not reason:
        raise ValidationError(
            {
                "conflict_reason": ValidationError(
                    _("Say what the conflict of interest is."), code="reason_required"
                )
            }
        )
    previous = assignment.conflict
    assignment.conflict = (
        ReviewAssignment.Conflict.CONFLICTED if conflicted else ReviewAssignment.Conflict.NONE
    )
    assignment.conflict_reason = reason if conflicted else ""
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["conflict", "conflict_reason", "declared_at"])
    audit(
        acting_user=acting_user,
        action="review.conflict_declared",
        target=assignment.application,
        **{"from": previous, "to": assignment.conflict, "reason": assignment.conflict_reason},
    )
    return assignment


def _scoring_assignment(assignment: ReviewAssignment, acting_user) -> ReviewAssignment:
    assignment = _own_assignment(assignment, acting_user)
    if assignment.conflict != ReviewAssignment.Conflict.NONE:
        raise ValidationError(
            _("Declare that you have no conflict of interest before scoring."), code="not_declared"
        )
    if assignment.submitted_at:
        raise ValidationError(_("Your scores have already been submitted."), code="already_scored")
    return assignment


def review_problems(criteria, scores: dict) -> dict[str, ValidationError]:
    """What keeps the scores from being submitted, one error per criterion: its score missing, else its
    justification. `scores` maps a criterion's id to `(score, justification)`."""
    errors = {}
    for criterion in criteria:
        score, justification = scores.get(criterion.pk, (None, ""))
        if score not in (1, 2, 3, 4, 5):
            errors[f"score-{criterion.pk}"] = ValidationError(
                _("Give a score from 1 to 5."), code="score_missing"
            )
        elif not (justification or "").strip():
            errors[f"justification-{criterion.pk}"] = ValidationError(
                _("Justify the score in writing."), code="justification_missing"
            )
    return errors


@transaction.atomic
def review_save_draft(*, assignment: ReviewAssignment, scores: dict, acting_user) -> ReviewAssignment:
    """Keep the reviewer's unfinished scores to go on with later: any score may still be missing. Only the reviewer
    sees a draft, and it counts for nothing until submitted."""
    assignment = _scoring_assignment(assignment, acting_user)
    criteria = {criterion.pk for criterion in assignment.application.call.criteria.all()}
    assignment.draft_scores = {
        str(criterion): {
            "score": score if score in (1, 2, 3, 4, 5) else None,
            "justification": (justification or "").strip(),
        }
        for criterion, (score, justification) in scores.items()
        if criterion in criteria
    }
    assignment.draft_saved_at = timezone.now()
    assignment.save(update_fields=["draft_scores", "draft_saved_at"])
    audit(acting_user=acting_user, action="review.draft_saved", target=assignment.application)
    return assignment


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, scores: dict, acting_user) -> ReviewAssignment:
    """Submit a score of 1–5 with a justification for every criterion of the call; final once submitted.

    `scores` maps a criterion's id to `(score, justification)`.
    """
    assignment = _scoring_assignment(assignment, acting_user)
    criteria = list(assignment.application.call.criteria.all())
    if not criteria:
        raise ValidationError(_("The call has no evaluation criteria."), code="no_criteria")
    if errors := review_problems(criteria, scores):
        raise ValidationError(errors)
    rows = [
        CriterionScore(
            assignment=assignment,
            criterion=criterion,
            score=scores[criterion.pk][0],
            justification=scores[criterion.pk][1].strip(),
        )
        for criterion in criteria
    ]
    for row in rows:
        refuse_unstorable(row)
    CriterionScore.objects.bulk_create(rows)
    total_weight = sum(criterion.weight for criterion in criteria)
    weighted = sum(row.score * row.criterion.weight for row in rows) / total_weight
    assignment.weighted_score = Decimal(weighted).quantize(Decimal("0.001"))
    assignment.submitted_at = timezone.now()
    assignment.draft_scores, assignment.draft_saved_at = {}, None
    assignment.save(update_fields=["weighted_score", "submitted_at", "draft_scores", "draft_saved_at"])
    audit(
        acting_user=acting_user,
        action="review.submitted",
        target=assignment.application,
        weighted_score=assignment.weighted_score,
    )
    return assignment


@transaction.atomic
def application_presenter_assign(*, application: Application, person, acting_user) -> PresenterAssignment:
    """Name the presenter of one application (instead of the call's presenter); None removes the assignment."""
    _require(acting_user, "reviews.assign_reviewers", application.call)
    _refuse_unless_handled(application)
    previous = PresenterAssignment.objects.filter(application=application).select_related("person").first()
    if person is None:
        if previous is not None:
            previous.delete()
    elif StaffRole.PRESENTER not in staff_roles(person):
        raise ValidationError(
            {
                "person": ValidationError(
                    _("%(person)s is not a presenter.") % {"person": person}, code="not_a_presenter"
                )
            }
        )
    else:
        PresenterAssignment.objects.update_or_create(
            application=application, defaults={"person": person, "assigned_by": acting_user}
        )
    audit(
        acting_user=acting_user,
        action="application.presenter_assigned",
        target=application,
        **{"from": previous.person.email if previous else "", "to": person.email if person else ""},
    )
    return PresenterAssignment.objects.filter(application=application).first()
