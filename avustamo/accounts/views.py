from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.accounts.forms import SignInForm, SignUpForm
from avustamo.accounts.services import api_token_create, api_token_revoke, person_sign_up
from avustamo.core.feedback import perform


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def sign_up(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "core:home")
    initial = {"email": request.GET.get("email", ""), "preferred_language": request.LANGUAGE_CODE}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = person_sign_up(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect(next_url or "organisations:mine")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@login_required
def api_tokens(request):
    """The person's API tokens; a new token is shown once, right after it is created."""
    created_token = None
    error = ""
    if request.method == "POST":
        try:
            _api_token, created_token = api_token_create(
                name=request.POST.get("name", ""), acting_user=request.user
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": request.user.api_tokens.all(),
            "created_token": created_token,
            "error": error,
        },
        status=422 if error else 200,
    )


@login_required
@require_POST
def revoke_api_token(request, pk):
    api_token = get_object_or_404(request.user.api_tokens, pk=pk)
    perform(
        request,
        lambda: api_token_revoke(api_token=api_token, acting_user=request.user),
        _("The token %(name)s has been revoked.") % {"name": api_token.name},
    )
    return redirect("accounts:api_tokens")
