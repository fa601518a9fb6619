from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.accounts.models import ApiToken
from avustamo.accounts.selectors import api_tokens_of
from avustamo.accounts.services import api_token_create, api_token_revoke
from avustamo.core.feedback import perform


@login_required
def api_tokens(request):
    """The person's API tokens; a new token is shown once, right after it is created."""
    created_token = None
    error = ""
    if request.method == "POST":
        try:
            _api_token, created_token = api_token_create(
                name=request.POST.get("name", ""),
                scope=request.POST.get("scope", ApiToken.Scope.READ),
                acting_user=request.user,
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": api_tokens_of(person=request.user),
            "scopes": ApiToken.Scope.choices,
            "token_days": settings.API_TOKEN_DAYS,
            "now": timezone.now(),
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
