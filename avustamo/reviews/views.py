"""Officials' pages for handling a call: the handling list, the team, and one application's handling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.accounts.models import StaffRole, User
from avustamo.applications import services as application_services
from avustamo.applications.secrets import show_marks
from avustamo.applications.selectors import form_choices, joint_budget
from avustamo.applications.workspace import log_application_view, official_application, workspace_context
from avustamo.core.audit import audit
from avustamo.core.confirmation import Confirmation, unconfirmed
from avustamo.core.downloads import file_download
from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.core.models import AuditEntry
from avustamo.core.translation import language_code
from avustamo.programmes.application_form.presentation import present
from avustamo.programmes.municipality_rules import check_municipality_rule
from avustamo.programmes.views import permitted_call
from avustamo.reviews import selectors, services
from avustamo.reviews.forms import (
    CallAssignmentForm,
    CompletionRequestForm,
    ConflictForm,
    PresenterForm,
    ReviewerAssignmentForm,
    ScoreForm,
    ScreeningForm,
)
from avustamo.reviews.models import CallAssignment, ReviewAssignment


def _officials_with(role: str):
    return User.objects.filter(is_active=True, is_staff=True, role_grants__role=role).order_by("full_name")


@login_required
def call_team(request, pk):
    call = permitted_call(request, pk, "reviews.view_handling_list")
    may_assign = request.user.has_perm("reviews.assign_reviewers", call)
    people = User.objects.filter(
        is_active=True, is_staff=True, role_grants__role__in=[StaffRole.REVIEWER, StaffRole.PRESENTER]
    ).distinct()
    form = CallAssignmentForm(request.POST or None, people=people.order_by("full_name"))
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.call_assign(
                    call=call,
                    person=form.cleaned_data["person"],
                    role=form.cleaned_data["role"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The assignment has been saved."))
                return redirect("official:call_team", pk=call.pk)
    return render(
        request,
        "reviews/call_team.html",
        {
            "call": call,
            "form": form,
            "may_assign": may_assign,
            "assignments": call.assignments.select_related("person"),
            "needing_reviewers": selectors.reviewers_needed(call),
        },
    )


@login_required
@require_POST
def call_unassign(request, pk, assignment_pk):
    call = permitted_call(request, pk, "reviews.assign_reviewers")
    assignment = get_object_or_404(CallAssignment, pk=assignment_pk, call=call)
    perform(
        request,
        lambda: services.call_unassign(assignment=assignment, acting_user=request.user),
        _("The assignment has been removed."),
    )
    return redirect("official:call_team", pk=call.pk)


@login_required
@require_POST
def call_assign_reviewers_to_all(request, pk):
    """Give each application lacking reviewers the call's reviewers, up to the number the call asks for."""
    call = permitted_call(request, pk, "reviews.assign_reviewers")
    perform(
        request,
        lambda: services.reviewers_fill_from_call(call=call, acting_user=request.user),
        lambda made: _("%(count)s review assignments were made.") % {"count": made},
    )
    return redirect("official:call_team", pk=call.pk)


# --- One application ---------------------------------------------------------------------------------------


@login_required
def application_detail(request, pk):
    application = official_application(request, pk)
    log_application_view(request, application, "application")
    reviewer = request.user.has_perm("reviews.review_application", application)
    undeclared = (
        reviewer
        and application.review_assignments.filter(
            reviewer=request.user, conflict=ReviewAssignment.Conflict.UNDECLARED
        ).exists()
    )
    choices = form_choices(call=application.call, definition=application.form.parsed)
    sections = present(
        application.form.parsed,
        language_code(),
        regions=choices.regions,
        municipalities=choices.municipalities,
        declarations=choices.declarations,
        answers=application.answers,
    )
    show_marks(sections, application.secret_answers)
    return render(
        request,
        "reviews/application_detail.html",
        workspace_context(
            request,
            application,
            sections=sections,
            attachments=application.attachments.select_related("required_attachment"),
            requests=application.completion_requests.prefetch_related("required_attachments"),
            versions=application.submitted_versions.select_related("sent_by"),
            undeclared=undeclared,
            municipality_rule=check_municipality_rule(application.call, application.organisation),
            joint=joint_budget(application),
        ),
    )


@login_required
def application_attachment(request, pk, attachment_pk):
    application = official_application(request, pk)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    audit(
        acting_user=request.user,
        action="application.attachment_viewed",
        target=application,
        file=attachment.original_name,
    )
    return file_download(attachment.file, name=attachment.original_name, kind=attachment.kind)


@login_required
def application_history(request, pk):
    application = official_application(request, pk)
    log_application_view(request, application, "history")
    entries = AuditEntry.objects.filter(
        target_type=application._meta.label_lower, target_id=str(application.pk)
    ).select_related("actor")
    return render(
        request,
        "reviews/application_history.html",
        workspace_context(
            request,
            application,
            entries=entries,
            versions=application.submitted_versions.select_related("sent_by", "completion_request"),
        ),
    )


def _screening_initial(application) -> dict:
    """The recorded screening, or the checks as the submitted facts suggest them."""
    screening = getattr(application, "screening", None)
    if screening is None:
        return services.screening_suggestion(application)
    return {field: getattr(screening, field) for field in ScreeningForm.base_fields}


def _screening_page(request, application, *, form=None, completion_form=None, status=200):
    return render(
        request,
        "reviews/application_screening.html",
        workspace_context(
            request,
            application,
            form=form or ScreeningForm(initial=_screening_initial(application)),
            completion_form=completion_form or _completion_form(application),
            open_request=application_services.open_completion_request(application),
            municipality_rule=check_municipality_rule(application.call, application.organisation),
        ),
        status=status,
    )


@login_required
def application_screening(request, pk):
    application = official_application(request, pk, "reviews.screen_application")
    form = ScreeningForm(request.POST or None, initial=_screening_initial(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_record(application=application, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The screening has been saved."))
            return redirect("official:application_screening", pk=application.pk)
    return _screening_page(request, application, form=form)


def _completion_form(application, data=None):
    questions = [
        (item.id, item.label.in_language(language_code()))
        for item, group in application.form.parsed.elements()
        # A member of a repeating group is completed by asking for the whole group.
        if hasattr(item, "label") and item.type != "applicant" and not (group is not None and group.repeat)
    ]
    return CompletionRequestForm(
        data, questions=questions, attachments=application.call.required_attachments.all()
    )


@login_required
@require_POST
def application_completion_request(request, pk):
    application = official_application(request, pk, "applications.request_completion")
    form = _completion_form(application, request.POST)
    if form.is_valid():
        try:
            application_services.completion_request_create(
                application=application,
                question_ids=form.cleaned_data["question_ids"],
                required_attachments=application.call.required_attachments.filter(
                    pk__in=form.cleaned_data["required_attachments"]
                ),
                message=form.cleaned_data["message"],
                reply_by=form.cleaned_data["reply_by"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The completion request has been sent to the applicant."))
            return redirect("official:application_screening", pk=application.pk)
    return _screening_page(request, application, completion_form=form, status=400)


@login_required
def application_reviewers(request, pk):
    application = official_application(request, pk)
    if not request.user.has_perm("reviews.assign_reviewers", application.call):
        raise PermissionDenied
    form = ReviewerAssignmentForm(request.POST or None, reviewers=_officials_with(StaffRole.REVIEWER))
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewers_assign(
                application=application, reviewers=form.cleaned_data["reviewers"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reviewers have been assigned."))
            return redirect("official:application_reviewers", pk=application.pk)
    assignments = application.review_assignments.select_related("reviewer")
    presenter = getattr(application, "presenter_assignment", None)
    return render(
        request,
        "reviews/application_reviewers.html",
        workspace_context(
            request,
            application,
            form=form,
            presenter_form=PresenterForm(
                presenters=_officials_with(StaffRole.PRESENTER),
                initial={"person": presenter.person_id if presenter else None},
            ),
            call_presenters=application.call.assignments.filter(
                role=CallAssignment.Role.PRESENTER
            ).select_related("person"),
            assignments=assignments,
            usable=sum(1 for item in assignments if item.conflict != ReviewAssignment.Conflict.CONFLICTED),
        ),
    )


@login_required
@require_POST
def application_presenter(request, pk):
    application = official_application(request, pk)
    if not request.user.has_perm("reviews.assign_reviewers", application.call):
        raise PermissionDenied
    form = PresenterForm(request.POST, presenters=_officials_with(StaffRole.PRESENTER))
    if form.is_valid():
        perform(
            request,
            lambda: services.application_presenter_assign(
                application=application, person=form.cleaned_data["person"], acting_user=request.user
            ),
            _("The presenter has been saved."),
        )
    else:
        messages.error(request, _("Choose a presenter from the list."))
    return redirect("official:application_reviewers", pk=application.pk)


@login_required
@require_POST
def application_reviewer_remove(request, pk, assignment_pk):
    application = official_application(request, pk)
    assignment = get_object_or_404(application.review_assignments.all(), pk=assignment_pk)
    perform(
        request,
        lambda: services.reviewer_unassign(assignment=assignment, acting_user=request.user),
        _("The reviewer has been removed."),
    )
    return redirect("official:application_reviewers", pk=application.pk)


@login_required
def application_review(request, pk):
    application = official_application(request, pk, "reviews.review_application")
    assignment = get_object_or_404(application.review_assignments.all(), reviewer=request.user)
    criteria = list(application.call.criteria.all())
    step = request.POST.get("step")
    conflict_form = ConflictForm(request.POST if step == "declare" else None)
    score_form = ScoreForm(
        request.POST if step in ("draft", "score") else None, criteria=criteria, draft=assignment.draft_scores
    )
    if request.method == "POST":
        try:
            if step == "draft" and score_form.is_valid():
                services.review_save_draft(
                    assignment=assignment, scores=score_form.scores(), acting_user=request.user
                )
                messages.success(request, _("Your draft has been saved. Only you see it until you submit."))
                return redirect("official:application_review", pk=application.pk)
            if step == "score" and score_form.is_valid():
                if problems := services.review_problems(criteria, score_form.scores()):
                    raise ValidationError(problems)
                confirmation = Confirmation(
                    question=_("Submit your scores?"),
                    consequences=[
                        _("Your scores and justifications become final: you cannot change them afterwards."),
                        _(
                            "You see the other reviewers' scores, and they see yours once they have submitted."
                        ),
                        _("The application's average score and ranking take your scores into account."),
                    ],
                    action=_("Submit the scores"),
                    cancel_url=request.path,
                )
                if asking := unconfirmed(request, confirmation):
                    return asking
                services.review_submit(
                    assignment=assignment, scores=score_form.scores(), acting_user=request.user
                )
                messages.success(request, _("Your scores have been submitted."))
                return redirect("official:application_review", pk=application.pk)
            if step == "declare" and conflict_form.is_valid():
                services.conflict_declare(
                    assignment=assignment,
                    conflicted=conflict_form.cleaned_data["conflicted"],
                    reason=conflict_form.cleaned_data["conflict_reason"],
                    acting_user=request.user,
                )
                messages.success(request, _("Your declaration has been recorded."))
                return redirect("official:application_review", pk=application.pk)
        except ValidationError as error:
            add_service_errors(conflict_form if step == "declare" else score_form, error)
    others = []
    if assignment.submitted_at:
        others = (
            application.review_assignments.exclude(pk=assignment.pk)
            .filter(submitted_at__isnull=False)
            .select_related("reviewer")
            .prefetch_related("scores__criterion")
        )
    return render(
        request,
        "reviews/application_review.html",
        workspace_context(
            request,
            application,
            assignment=assignment,
            conflict_form=conflict_form,
            score_form=score_form,
            own_scores=assignment.scores.select_related("criterion"),
            others=others,
        ),
    )


@login_required
def my_reviews(request):
    if not request.user.has_perm("core.use_official_pages"):
        raise PermissionDenied
    return render(
        request, "reviews/my_reviews.html", {"assignments": selectors.assignments_for_reviewer(request.user)}
    )
