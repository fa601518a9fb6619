import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from avustamo.core.downloads import file_download

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


def accessibility_statement(request):
    return render(request, "core/accessibility.html")


def stored_pdf(document, filename: str) -> FileResponse:
    """A decision document stored by its task, as a PDF download; 404 until the task has made it."""
    return file_download(document, name=filename, kind="pdf")
