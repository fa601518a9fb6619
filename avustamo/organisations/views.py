from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.core.downloads import file_download
from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.organisations import authority, authority_views, selectors, services
from avustamo.organisations.e_authorizations import authorizations_configured
from avustamo.organisations.forms import (
    InvitationForm,
    NotificationConsentForm,
    OrganisationForm,
    VerificationRefusalForm,
    VerificationRequestForm,
)
from avustamo.organisations.models import (
    Invitation,
    Membership,
    Organisation,
    RepresentationVerification,
)


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
    chosen = request.session.get(authority_views.CHOSEN_TO_REGISTER) or {}
    initial = {"business_id": chosen.get("business_id", ""), "name": chosen.get("name", "")}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(
                acting_user=request.user,
                chosen_in_e_authorizations=chosen.get("business_id", ""),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(authority_views.CHOSEN_TO_REGISTER, None)
            messages.success(
                request,
                _("%(name)s has been registered. You are its administrator.") % {"name": organisation.name},
            )
            if chosen:
                response = authority_views.after_choice(request, organisation, chosen.get("next", ""))
                if response is not None:
                    return response
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/form.html",
        {
            "form": form,
            "organisation": None,
            "e_authorizations": authorizations_configured(),
            "chosen": chosen,
        },
    )


def _detail_page(
    request,
    organisation: Organisation,
    invitation_form: InvitationForm | None = None,
    verification_form: VerificationRequestForm | None = None,
    consent_form: NotificationConsentForm | None = None,
    status=200,
):
    can_manage = request.user.has_perm("organisations.manage_members", organisation)
    is_member = organisation.memberships.filter(person=request.user).exists()
    source = authority.authority_source(organisation)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "authority_source": source,
            "is_member": is_member,
            "identified": hasattr(request.user, "strong_identity"),
            "my_verification": selectors.representation_of(person=request.user, organisation=organisation),
            "my_latest_check": selectors.latest_authority_check(
                person=request.user, organisation=organisation, source=source
            ),
            "verification_form": (verification_form or VerificationRequestForm()) if is_member else None,
            "members": selectors.organisation_members(organisation=organisation),
            "invitations": selectors.pending_invitations(organisation=organisation) if can_manage else [],
            "can_edit": request.user.has_perm("organisations.edit_organisation", organisation),
            "can_manage": can_manage,
            "invitation_form": (invitation_form or InvitationForm()) if can_manage else None,
            "consent": selectors.notification_consent(organisation),
            "consent_form": (consent_form or NotificationConsentForm()) if is_member else None,
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
        if {"iban", "name"} & set(form.changed_data):
            refused = authority_views.confirm_right_to_act(
                request, organisation, back_to=request.get_full_path(), draft_kept=False
            )
            if refused is not None:
                return refused
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


@login_required
def ask_verification(request, pk):
    """A member sends the document that shows their right to act, for an official to verify."""
    organisation = _organisation_for(request, pk, "organisations.ask_verification")
    if request.method != "POST":
        return redirect("organisations:detail", pk=organisation.pk)
    form = VerificationRequestForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            authority.representation_verification_request(
                organisation=organisation,
                explanation=form.cleaned_data["explanation"],
                proof=form.cleaned_data["proof"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. An official verifies your right to act for %(name)s; you will see the answer here."
                )
                % {"name": organisation.name},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return _detail_page(request, organisation, verification_form=form, status=422)


def _verification_for(request, pk: int) -> RepresentationVerification:
    verification = get_object_or_404(
        RepresentationVerification.objects.select_related("person", "organisation", "decided_by"), pk=pk
    )
    if verification.person_id != request.user.pk and not request.user.has_perm(
        "organisations.verify_representation"
    ):
        raise Http404
    return verification


def _verification_to_decide(request, pk: int) -> RepresentationVerification:
    if not request.user.has_perm("organisations.verify_representation"):
        raise PermissionDenied
    return _verification_for(request, pk)


@login_required
def verification_document(request, pk):
    """The document sent for a verification: to the person who sent it and to the officials who verify."""
    verification = _verification_for(request, pk)
    return file_download(verification.proof, name=verification.proof_name, kind=verification.proof_kind)


@login_required
def official_verifications(request):
    if not request.user.has_perm("organisations.verify_representation"):
        raise PermissionDenied
    return render(
        request,
        "organisations/official_verifications.html",
        {
            "pending": selectors.pending_verifications(),
        },
    )


@login_required
@require_POST
def verify_representation(request, pk):
    verification = _verification_to_decide(request, pk)
    perform(
        request,
        lambda: authority.representation_verify(verification=verification, acting_user=request.user),
        _("The right of %(person)s to act for %(organisation)s is verified.")
        % {"person": verification.person.full_name, "organisation": verification.organisation.name},
    )
    return redirect("official:representation_verifications")


@login_required
@require_POST
def refuse_representation(request, pk):
    verification = _verification_to_decide(request, pk)
    form = VerificationRefusalForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    perform(
        request,
        lambda: authority.representation_refuse(
            verification=verification, reason=reason, acting_user=request.user
        ),
        _("The verification was refused; %(person)s sees the reason.")
        % {"person": verification.person.full_name},
    )
    return redirect("official:representation_verifications")


@login_required
@require_POST
def notification_consent(request, pk):
    """A member with the right to act gives (`consents` ticked) or withdraws (`withdraw`) the organisation's
    consent to electronic notification of decisions."""
    organisation = _organisation_for(request, pk, "organisations.answer_for_organisation")
    withdraw = "withdraw" in request.POST
    form = NotificationConsentForm(request.POST)
    if not withdraw and not form.is_valid():
        return _detail_page(request, organisation, consent_form=form, status=422)
    back_to = reverse("organisations:detail", args=[organisation.pk])
    refused = authority_views.confirm_right_to_act(request, organisation, back_to=back_to, draft_kept=False)
    if refused is not None:
        return refused
    try:
        services.notification_consent_set(
            organisation=organisation, consents=not withdraw, acting_user=request.user
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _detail_page(request, organisation, consent_form=form, status=422)
    messages.success(
        request,
        _("The consent to electronic notification has been withdrawn.")
        if withdraw
        else _("The consent to electronic notification has been given."),
    )
    return redirect("organisations:detail", pk=organisation.pk)
