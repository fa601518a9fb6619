"""Choosing whom you act for in Suomi.fi e-Authorizations, and asking it again before each act.

The Web API session is registered when the person identifies themselves (`portal.identification`), the only
moment the service holds their identity code; it is kept in their session with the access token of their choice.
"""

import dataclasses
import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from avustamo.accounts.models import StrongIdentity
from avustamo.organisations import authority, e_authorizations
from avustamo.organisations.models import AuthorityCheck, AuthoritySource, Organisation

WEB_API_SESSION = "e_authorizations_session"
ACCESS_TOKEN = "e_authorizations_token"
NEXT_PAGE = "e_authorizations_next"
CHOSEN_TO_REGISTER = "e_authorizations_to_register"
LANGUAGE = "e_authorizations_language"
# The Business IDs chosen at the last selection: the Web API answers only about what was chosen.
CHOSEN = "e_authorizations_chosen"


def safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _web_api_session(request) -> e_authorizations.WebApiSession | None:
    """The Web API session opened when the signed-in person identified themselves; never another person's (a
    browser session outlives a sign-in: someone may identify, give up, and another sign in with a password)."""
    stored = request.session.get(WEB_API_SESSION)
    if not stored:
        return None
    identity = (
        StrongIdentity.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    )
    if identity is None or identity.person_key != stored["person_key"]:
        forget_web_api_session(request)
        return None
    return e_authorizations.WebApiSession(**stored["session"])


def forget_web_api_session(request) -> None:
    for key in (WEB_API_SESSION, ACCESS_TOKEN, CHOSEN):
        request.session.pop(key, None)


def remember_web_api_session(
    request, web_api_session: e_authorizations.WebApiSession, *, person_key: str
) -> None:
    request.session[WEB_API_SESSION] = {
        "session": dataclasses.asdict(web_api_session),
        "person_key": person_key,
    }
    request.session.pop(ACCESS_TOKEN, None)
    request.session.pop(CHOSEN, None)


def _act_for_page(next_url: str) -> str:
    return reverse("organisations:act_for") + ("?" + urlencode({"next": next_url}) if next_url else "")


@login_required
def act_for(request):
    """GET: what choosing an organisation means. POST: on to the e-Authorizations selection."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    configured = e_authorizations.authorizations_configured()
    web_api_session = _web_api_session(request)
    if request.method == "POST" and configured and web_api_session is not None:
        request.session[NEXT_PAGE] = next_url
        request.session[LANGUAGE] = request.LANGUAGE_CODE
        # A new state for each selection, so an answer to an earlier one is not taken for this one.
        web_api_session = dataclasses.replace(web_api_session, state=secrets.token_urlsafe(32))
        request.session[WEB_API_SESSION] = {
            **request.session[WEB_API_SESSION],
            "session": dataclasses.asdict(web_api_session),
        }
        return redirect(
            e_authorizations.selection_url(
                web_api_session=web_api_session,
                redirect_uri=request.build_absolute_uri(reverse("identification:authorizations_return")),
                language=request.LANGUAGE_CODE,
            )
        )
    return render(
        request,
        "organisations/act_for.html",
        {
            "configured": configured,
            "identified_now": web_api_session is not None,
            "next": next_url,
            "this_page": _act_for_page(next_url),
        },
    )


@login_required
def act_for_return(request):
    """Back from the e-Authorizations selection: the chosen organisation and the person's right to act for it.

    Its address is registered with the service, so it has no language prefix: the person's language is kept."""
    with translation.override(request.session.pop(LANGUAGE, None) or request.LANGUAGE_CODE):
        return _act_for_return(request)


def _act_for_return(request):
    next_url = request.session.pop(NEXT_PAGE, "")
    web_api_session = _web_api_session(request)
    if web_api_session is None:
        messages.error(request, _("Identify yourself again, then choose the organisation."))
        return redirect(_act_for_page(next_url))
    try:
        request.session[ACCESS_TOKEN] = e_authorizations.complete_selection(
            web_api_session=web_api_session,
            params=request.GET,
            redirect_uri=request.build_absolute_uri(reverse("identification:authorizations_return")),
        )
        chosen = e_authorizations.organisation_roles(
            web_api_session=web_api_session, access_token=request.session[ACCESS_TOKEN]
        )
    except e_authorizations.AuthorizationServiceError as error:
        if error.code == "session_expired":
            forget_web_api_session(request)
        messages.error(request, error.message)
        return redirect(_act_for_page(next_url))
    request.session[CHOSEN] = [organisation_roles.business_id for organisation_roles in chosen]
    if not chosen:
        messages.error(request, _("Suomi.fi e-Authorizations did not name an organisation you may act for."))
        return redirect(_act_for_page(next_url))
    for organisation_roles in chosen:
        organisation = Organisation.objects.filter(business_id=organisation_roles.business_id).first()
        if organisation is None:
            return _register_chosen(request, organisation_roles, web_api_session, next_url)
        response = after_choice(request, organisation, next_url)
        if response is not None:
            return response
    return redirect(next_url or "organisations:mine")


def _register_chosen(request, organisation_roles, web_api_session, next_url: str):
    """An organisation not yet in the service is registered by a person e-Authorizations lets act for it."""
    try:
        answer = authority.ask_e_authorizations(
            web_api_session=web_api_session,
            access_token=request.session[ACCESS_TOKEN],
            business_id=organisation_roles.business_id,
        )
    except e_authorizations.AuthorizationServiceError as error:
        messages.error(request, error.message)
        return redirect(_act_for_page(next_url))
    if not answer.allowed:
        messages.error(
            request,
            _("Suomi.fi e-Authorizations did not give you the right to act for %(name)s in this matter.")
            % {"name": organisation_roles.name},
        )
        return redirect(_act_for_page(next_url))
    request.session[CHOSEN_TO_REGISTER] = {
        "business_id": organisation_roles.business_id,
        "name": organisation_roles.name,
        "next": next_url,
    }
    messages.info(
        request,
        _("%(name)s is not yet registered in the service. Fill in its details.")
        % {"name": organisation_roles.name},
    )
    return redirect("organisations:register")


def after_choice(request, organisation: Organisation, next_url: str):
    try:
        check = refresh_authority(request, organisation)
    except e_authorizations.AuthorizationServiceError as error:
        messages.error(request, error.message)
        return redirect(next_url or "organisations:mine")
    if check is not None and check.allowed:
        authority.membership_from_authority(check=check)
        messages.success(
            request,
            _("Suomi.fi e-Authorizations: you may act for %(name)s (%(basis)s).")
            % {"name": organisation.name, "basis": check.basis},
        )
        if not next_url:
            return redirect("organisations:detail", pk=organisation.pk)
    elif check is not None:
        messages.error(
            request,
            _("Suomi.fi e-Authorizations did not give you the right to act for %(name)s in this matter.")
            % {"name": organisation.name},
        )
    return None


def refresh_authority(request, organisation: Organisation) -> AuthorityCheck | None:
    """Ask e-Authorizations now whether the person may act for the organisation, and store the answer, allowing or
    not; None when the person has no Web API session, or chose another organisation there (they must identify or
    choose it first: an answer about an organisation not chosen would be a refusal that says nothing)."""
    web_api_session = _web_api_session(request)
    access_token = request.session.get(ACCESS_TOKEN)
    if web_api_session is None or not access_token:
        return None
    if organisation.business_id not in request.session.get(CHOSEN, []):
        return None
    try:
        answer = authority.ask_e_authorizations(
            web_api_session=web_api_session, access_token=access_token, business_id=organisation.business_id
        )
    except e_authorizations.AuthorizationServiceError as error:
        if error.code == "session_expired":
            forget_web_api_session(request)
        raise
    return authority.authority_check_record(person=request.user, organisation=organisation, answer=answer)


def confirm_right_to_act(request, organisation: Organisation, *, back_to: str, draft_kept: bool = True):
    """Before an act in the organisation's name: ask e-Authorizations again where it answers for the organisation.

    Returns a response to send instead (to identification or to the selection, with a message) or None to go on to
    the service, which refuses with its own message if the right is missing. `draft_kept`: whether what the person
    wrote was saved before this (an application or a report is; a short form is not, and the message says so).
    """
    if authority.authority_source(organisation) != AuthoritySource.E_AUTHORIZATIONS:
        return None
    try:
        check = refresh_authority(request, organisation)
    except e_authorizations.AuthorizationServiceError as error:
        messages.error(request, error.message)
        if error.code == "session_expired":
            return redirect(_act_for_page(back_to))
        return redirect(back_to)
    if check is None and not authority.has_current_check(person=request.user, organisation=organisation):
        message = (
            _(
                "Confirm your right to act for %(name)s in Suomi.fi e-Authorizations. What you have written "
                "is kept."
            )
            if draft_kept
            else _(
                "Confirm your right to act for %(name)s in Suomi.fi e-Authorizations, then fill in the form "
                "again."
            )
        )
        messages.info(request, message % {"name": organisation.name})
        return redirect(_act_for_page(back_to))
    return None
