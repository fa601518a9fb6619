import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from avustamo.accounts.models import StaffRole
from avustamo.core.permissions import staff_roles
from avustamo.decisions.selectors import decisions_waiting_for
from avustamo.programmes.models import CallStatus
from avustamo.programmes.selectors import programmes_with_agency, public_calls
from avustamo.reviews.selectors import applications_presented_by, assignments_for_reviewer

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request):
    """200 when the database answers a real query, 503 otherwise; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def set_language(request):
    """Django's language switch, with `next` resolved in the language of its own URL.

    /i18n/setlang/ is outside i18n_patterns, so Django's view runs in the default language, Finnish, whose
    URLs have no prefix: `/sv/...` and `/en/...` did not resolve there, and switching from Swedish or English
    back to Finnish returned to the same Swedish or English page.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    page_language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(page_language or settings.LANGUAGE_CODE):
        return django_set_language(request)


def home(request):
    return render(
        request,
        "core/home.html",
        {
            "open_calls": public_calls(status=CallStatus.OPEN)[:6],
            "upcoming_calls": public_calls(status=CallStatus.UPCOMING)[:3],
        },
    )


def accessibility_statement(request):
    return render(request, "core/accessibility.html")


@login_required
def official_home(request):
    user = request.user
    if not user.has_perm("core.use_official_pages"):
        raise PermissionDenied
    closed = public_calls(status=CallStatus.CLOSED).filter(history_grants_awarded__isnull=True)
    return render(
        request,
        "core/official_home.html",
        {
            "roles": [StaffRole(code).label for code in sorted(staff_roles(user))],
            "role_codes": staff_roles(user),
            "manages_calls": user.has_perm("programmes.manage_calls"),
            "open_calls": public_calls(status=CallStatus.OPEN),
            "handled_calls": [
                call for call in closed[:40] if user.has_perm("reviews.view_handling_list", call)
            ],
            "programmes": programmes_with_agency(),
            "presented_applications": applications_presented_by(user),
            "review_count": assignments_for_reviewer(user).filter(submitted_at__isnull=True).count(),
            "signing_count": decisions_waiting_for(user).count(),
        },
    )
