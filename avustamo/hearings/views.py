"""The pages of hearings: the official sends a hearing request from an application's decision tab and reads the
reply; the recipient reads the request and replies; officials list the hearings awaiting a reply or replied."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from avustamo.applications.workspace import log_application_view, official_application, workspace_context
from avustamo.core.dates import helsinki_today
from avustamo.core.downloads import file_download
from avustamo.core.forms import add_service_errors
from avustamo.grants.selectors import grant_of_application_pk
from avustamo.grants.views import own_grant
from avustamo.hearings import selectors, services
from avustamo.hearings.forms import HearingReplyForm, HearingRequestForm
from avustamo.hearings.models import HearingAttachment
from avustamo.hearings.selectors import LIST_STATES
from avustamo.organisations.authority_views import confirm_right_to_act


@login_required
def hearing_create(request, pk: int):
    """The official's hearing request on the grant of application `pk`, on a subject they may decide."""
    application = official_application(request, pk)
    grant = grant_of_application_pk(application.pk)
    if grant is None:
        raise Http404
    subjects = services.subjects_for(request.user, grant)
    if not subjects:
        raise PermissionDenied
    initial = {"reply_by": services.earliest_reply_date(helsinki_today())}
    if request.GET.get("subject") in subjects:
        initial["subject"] = request.GET["subject"]
    form = HearingRequestForm(subjects=subjects, initial=initial)
    status = 200
    if request.method == "POST":
        form = HearingRequestForm(request.POST, request.FILES, subjects=subjects)
        if form.is_valid():
            try:
                hearing = services.hearing_send(grant=grant, **form.cleaned_data, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The hearing request has been sent to the recipient."))
                return redirect("official:hearing", pk=hearing.pk)
        status = 400
    return render(
        request,
        "hearings/hearing_create.html",
        workspace_context(request, application, form=form, grant=grant),
        status=status,
    )


@login_required
def official_hearing(request, pk: int):
    hearing = selectors.hearing(pk)
    if hearing is None:
        raise Http404
    if not request.user.has_perm("hearings.read_hearing_as_official", hearing.grant.decision):
        raise PermissionDenied
    application = official_application(request, hearing.grant.application_id)
    log_application_view(request, application, "hearing")
    return render(
        request, "hearings/official_hearing.html", workspace_context(request, application, hearing=hearing)
    )


@login_required
def official_hearings(request):
    """The hearings awaiting a reply, replied (to decide on) or decided."""
    if not request.user.has_perm("hearings.list_hearings"):
        raise PermissionDenied
    state = request.GET.get("state", "awaiting")
    if state not in LIST_STATES:
        state = "awaiting"
    return render(
        request,
        "hearings/official_hearings.html",
        {
            "state": state,
            "hearings": selectors.hearings_for_official(request.user, state),
            "today": helsinki_today(),
        },
    )


@login_required
def my_hearing(request, pk: int, hearing_pk: int):
    """The recipient's view of a hearing request on its grant, with the reply form while it may be replied."""
    grant = own_grant(request, pk)
    hearing = selectors.hearing(hearing_pk)
    if hearing is None or hearing.grant_id != grant.pk:
        raise Http404
    form = HearingReplyForm()
    status = 200
    if request.method == "POST":
        form = HearingReplyForm(request.POST, request.FILES)
        if form.is_valid():
            back_to = reverse("applications:hearing", args=[pk, hearing.pk])
            refused = confirm_right_to_act(
                request, grant.application.organisation, back_to=back_to, draft_kept=False
            )
            if refused is not None:
                return refused
            try:
                services.hearing_reply(hearing=hearing, **form.cleaned_data, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your reply has been sent. The authority takes it into account."))
                return redirect("applications:hearing", pk=pk, hearing_pk=hearing.pk)
        status = 400
    return render(
        request,
        "hearings/my_hearing.html",
        {"application": grant.application, "grant": grant, "hearing": hearing, "form": form},
        status=status,
    )


@login_required
def hearing_attachment(request, attachment_pk: int):
    """A file of a hearing, for the recipient's members and the officials who read hearings; 404 for others."""
    attachment = get_object_or_404(
        HearingAttachment.objects.select_related("hearing__grant__decision", "hearing__grant__application"),
        pk=attachment_pk,
    )
    grant = attachment.hearing.grant
    if not (
        request.user.has_perm("hearings.reply_to_hearing", grant)
        or request.user.has_perm("hearings.read_hearing_as_official", grant.decision)
    ):
        raise Http404
    return file_download(attachment.file, name=attachment.original_name, kind=attachment.kind)
