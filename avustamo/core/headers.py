"""Response headers that keep personal data out of shared and browser caches."""

from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language_from_path

# Pages under these paths are staff work, an applicant's own affairs or signing in (after the language prefix).
PERSONAL_PATH_PREFIXES = (
    "/official/",
    "/admin/",
    "/applications/",
    "/organisations/",
    "/accounts/",
    "/auth/",
    "/api/v1/applications",
    "/api/v1/me",
)


def _without_language_prefix(path: str) -> str:
    language = get_language_from_path(path)
    return path[len(language) + 1 :] if language else path


def holds_personal_data(request) -> bool:
    """True when the answer may name or concern a person: a signed-in user's request (their name is on every
    page), an API call with a personal token, or a staff, applicant or sign-in address."""
    if "Authorization" in request.headers:
        return True
    if request.path.startswith(PERSONAL_PATH_PREFIXES) or _without_language_prefix(request.path).startswith(
        PERSONAL_PATH_PREFIXES
    ):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


class NoStoreForPersonalPagesMiddleware:
    """`Cache-Control: no-store` (Django's never-cache headers) on every answer that holds personal data, so that
    neither a proxy nor the browser of a shared computer keeps it; public pages and static files stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if holds_personal_data(request):
            add_never_cache_headers(response)
        return response
