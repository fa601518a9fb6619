import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from avustamo.programmes.models import CallStatus
from avustamo.programmes.selectors import programmes_with_agency, public_calls

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
    if not request.user.has_perm("programmes.manage_calls"):
        raise PermissionDenied
    return render(
        request,
        "core/official_home.html",
        {"open_calls": public_calls(status=CallStatus.OPEN), "programmes": programmes_with_agency()},
    )
