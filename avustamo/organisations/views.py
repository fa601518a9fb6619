from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.organisations import selectors, services
from avustamo.organisations.forms import InvitationForm, OrganisationForm
from avustamo.organisations.models import Invitation, Membership, Organisation


def _organisation_for(request, pk: int, permission: str) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("home_municipality"), pk=pk)
    if not request.user.has_perm(permission, organisation):
        # Someone else's organisation is not found, rather than forbidden: its existence is nobody else's business.
        raise Http404
    return organisation


@login_required
def my_organisations(request):
    return render(
        request,
        "organisations/mine.html",
        {"memberships": selectors.memberships_for_person(person=request.user)},
    )


@login_required
def register_organisation(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been registered. You are its administrator.") % {"name": organisation.name},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


def _detail_page(
    request, organisation: Organisation, invitation_form: InvitationForm | None = None, status=200
):
    can_manage = request.user.has_perm("organisations.manage_members", organisation)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation=organisation),
            "invitations": selectors.pending_invitations(organisation=organisation) if can_manage else [],
            "can_edit": request.user.has_perm("organisations.edit_organisation", organisation),
            "can_manage": can_manage,
            "invitation_form": (invitation_form or InvitationForm()) if can_manage else None,
        },
        status=status,
    )


@login_required
def organisation_detail(request, pk):
    return _detail_page(request, _organisation_for(request, pk, "organisations.read_organisation"))


@login_required
def edit_organisation(request, pk):
    organisation = _organisation_for(request, pk, "organisations.read_organisation")
    if not request.user.has_perm("organisations.edit_organisation", organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's details have been saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def invite(request, pk):
    organisation = _organisation_for(request, pk, "organisations.read_organisation")
    if not request.user.has_perm("organisations.manage_members", organisation):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return _detail_page(request, organisation, invitation_form=form, status=422)


def _managed(request, pk, queryset, item_pk):
    """The organisation and one of its invitations or memberships, for an administrator's button."""
    organisation = _organisation_for(request, pk, "organisations.read_organisation")
    item = get_object_or_404(queryset, pk=item_pk, organisation=organisation)
    if not request.user.has_perm("organisations.manage_members", organisation):
        raise PermissionDenied
    return organisation, item


@login_required
@require_POST
def revoke_invitation(request, pk, invitation_pk):
    organisation, invitation = _managed(request, pk, Invitation.objects.all(), invitation_pk)
    perform(
        request,
        lambda: services.invitation_revoke(invitation=invitation, acting_user=request.user),
        _("The invitation to %(email)s has been revoked.") % {"email": invitation.email},
    )
    return redirect("organisations:detail", pk=organisation.pk)


@login_required
@require_POST
def remove_member(request, pk, membership_pk):
    organisation, membership = _managed(
        request, pk, Membership.objects.select_related("person"), membership_pk
    )
    perform(
        request,
        lambda: services.membership_remove(membership=membership, acting_user=request.user),
        _("%(person)s no longer acts for the organisation.") % {"person": membership.person},
    )
    return redirect("organisations:detail", pk=organisation.pk)


@login_required
@require_POST
def change_role(request, pk, membership_pk):
    organisation, membership = _managed(
        request, pk, Membership.objects.select_related("person"), membership_pk
    )
    perform(
        request,
        lambda: services.membership_change_role(
            membership=membership, role=request.POST.get("role", ""), acting_user=request.user
        ),
        lambda changed: (
            _("%(person)s is now the organisation's %(role)s.")
            % {"person": changed.person, "role": changed.get_role_display()}
        ),
    )
    return redirect("organisations:detail", pk=organisation.pk)


def invitation(request, token):
    """The link in an invitation email: shows whom it is from and lets the invited person accept it."""
    found = services.invitation_for_token(token)
    if found is None:
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership = services.invitation_accept(token=token, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You now act for %(name)s.") % {"name": membership.organisation.name})
            return redirect("organisations:detail", pk=membership.organisation_id)
    return render(request, "organisations/invitation.html", {"invitation": found, "token": token})


@login_required
def official_list(request):
    if not request.user.has_perm("organisations.list_all_organisations"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "organisations/official_list.html",
        {"organisations": selectors.organisations_for_officials(query=query), "query": query},
    )
