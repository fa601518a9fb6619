"""Signing in with Suomi.fi e-Identification: to the provider, back, and on to the person's account.

The personal identity code lives only inside `identification_return`: it becomes the keyed `person_key`, and where
the deployment uses Suomi.fi e-Authorizations it opens the person's Web API session. It is never stored, logged or
shown (docs/identity.md).
"""

import datetime
import logging

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from avustamo.accounts import suomifi
from avustamo.accounts.identities import (
    Identification,
    identified_account,
    identified_person_sign_up,
    identity_link,
    identity_sign_in,
    person_key,
)
from avustamo.core.forms import add_service_errors
from avustamo.core.translation import address_in_language
from avustamo.organisations import e_authorizations
from avustamo.organisations.authority_views import (
    forget_web_api_session,
    remember_web_api_session,
    safe_next,
)
from avustamo.portal.forms import IdentifiedSignUpForm

logger = logging.getLogger(__name__)

NEXT_PAGE = "identification_next"
LANGUAGE = "identification_language"
PENDING_SIGN_UP = "identification_pending_sign_up"
# One of AUTHENTICATION_BACKENDS: a session signed in with any other is anonymous from its next request on.
LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
# A first identification is turned into an account within this time, or the person identifies again.
SIGN_UP_WITHIN = datetime.timedelta(minutes=30)


def _return_uri(request) -> str:
    return request.build_absolute_uri(reverse("identification:return"))


@require_POST
def identification_start(request):
    """Off to Suomi.fi e-Identification; the person comes back to `identification_return`."""
    if not suomifi.identification_configured():
        raise Http404
    request.session[NEXT_PAGE] = safe_next(request, request.POST.get("next"))
    request.session[LANGUAGE] = request.LANGUAGE_CODE
    try:
        url = suomifi.start_identification(
            request.session, redirect_uri=_return_uri(request), language=request.LANGUAGE_CODE
        )
    except suomifi.IdentificationFailed as failure:
        return _failed(request, failure)
    return redirect(url)


def _failed(request, failure: suomifi.IdentificationFailed):
    return render(
        request,
        "portal/identification_failed.html",
        {"message": failure.message, "next": request.session.get(NEXT_PAGE, "")},
        status=502 if failure.code in ("provider_unreachable", "provider_timeout") else 400,
    )


def identification_return(request):
    """Back from the provider: recognise the person, open their e-Authorizations session, and sign them in.

    Its address is registered with the provider, so it has no language prefix: the page speaks the language the
    person started in."""
    if not suomifi.identification_configured():
        raise Http404
    with translation.override(request.session.get(LANGUAGE) or request.LANGUAGE_CODE):
        return _identification_return(request)


@sensitive_variables("identified")
def _identification_return(request):
    try:
        identified = suomifi.complete_identification(
            request.session, params=request.GET, redirect_uri=_return_uri(request)
        )
    except suomifi.IdentificationFailed as failure:
        return _failed(request, failure)
    identification = Identification(
        person_key=person_key(identified.national_identification_number),
        given_name=identified.given_name,
        family_name=identified.family_name,
        birth_date=identified.birth_date,
        level_of_assurance=identified.acr,
        identified_at=identified.identified_at,
    )
    web_api_session = _open_web_api_session(request, identified.national_identification_number)
    del identified
    next_url = request.session.pop(NEXT_PAGE, "")

    if request.user.is_authenticated:
        try:
            identity_link(identification=identification, acting_user=request.user)
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
            return redirect(next_url or "core:home")
        messages.success(request, _("You have identified yourself with Suomi.fi e-Identification."))
    else:
        account = identified_account(identification)
        if account is None:
            request.session[PENDING_SIGN_UP] = {**identification.as_session_value(), "next": next_url}
            _keep_web_api_session(request, web_api_session, identification)
            return redirect("core:identified_sign_up")
        person = identity_sign_in(identification=identification)
        login(request, person, backend=LOGIN_BACKEND)
        _keep_web_api_session(request, web_api_session, identification)
        return redirect(
            address_in_language(next_url or reverse("organisations:mine"), person.preferred_language)
        )
    _keep_web_api_session(request, web_api_session, identification)
    return redirect(next_url or "organisations:mine")


@sensitive_variables("national_identification_number")
def _open_web_api_session(request, national_identification_number: str):
    """The person's e-Authorizations session, for choosing whom they act for; None when not in use or down
    (identification still succeeds, and the person is told that acting for an organisation must wait)."""
    if not e_authorizations.authorizations_configured():
        return None
    try:
        return e_authorizations.register_session(
            national_identification_number=national_identification_number
        )
    except e_authorizations.AuthorizationServiceError as error:
        logger.warning("Suomi.fi e-Authorizations session could not be opened: %s", error.code)
        messages.warning(request, error.message)
        return None


def _keep_web_api_session(request, web_api_session, identification: Identification) -> None:
    if web_api_session is None:
        forget_web_api_session(request)
    else:
        remember_web_api_session(request, web_api_session, person_key=identification.person_key)


def identified_sign_up(request):
    """A person identified for the first time gives the email address the service writes to."""
    pending = request.session.get(PENDING_SIGN_UP)
    if pending is None or request.user.is_authenticated:
        return redirect("core:home")
    identification = Identification.from_session_value(pending)
    if timezone.now() - identification.identified_at > SIGN_UP_WITHIN:
        request.session.pop(PENDING_SIGN_UP, None)
        messages.error(request, _("The identification is too old. Please identify yourself again."))
        return redirect("account_login")
    form = IdentifiedSignUpForm(request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = identified_person_sign_up(
                    identification=identification,
                    email=form.cleaned_data["email"],
                    preferred_language=form.cleaned_data["preferred_language"],
                )
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            request.session.pop(PENDING_SIGN_UP, None)
            login(request, user, backend=LOGIN_BACKEND)
            EmailAddress.objects.get_primary(user).send_confirmation(request, signup=True)
            messages.success(
                request,
                _(
                    "Welcome! Your account has been created. We sent a link to %(email)s: follow it to confirm "
                    "the address."
                )
                % {"email": user.email},
            )
            return redirect(pending.get("next") or "organisations:mine")
    return render(
        request,
        "portal/identified_sign_up.html",
        {"form": form, "full_name": identification.full_name},
        status=422 if form.errors else 200,
    )
