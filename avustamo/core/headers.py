"""Response headers: the content security policy with the sign-in providers of the moment, and no caching of
personal data."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
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
    """`Cache-Control: no-store` (Django's never-cache headers) on every answer that holds personal data or sets
    the session cookie, so that neither a proxy nor the browser of a shared computer keeps it; public pages and
    static files stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A session cookie is one visitor's: a shared cache must not hand it to the next. (The CSRF cookie that a
        # public page's language form sets is left to the rule of shared caches not to store a Set-Cookie answer,
        # or no public page could be cached; docs/reliability.md.)
        if settings.SESSION_COOKIE_NAME in response.cookies or holds_personal_data(request):
            add_never_cache_headers(response)
        return response


def sign_in_origins() -> list[str]:
    """The origins of the configured identification providers: Suomi.fi e-Identification, e-Authorizations and
    the ministry's single sign-on, where our sign-in forms are redirected."""
    addresses = (
        settings.SUOMIFI_OIDC_ISSUER,
        settings.SUOMIFI_AUTHORIZATIONS_URL,
        settings.STAFF_SSO_SERVER_URL,
    )
    return sorted(
        {
            f"{address.scheme}://{address.netloc}"
            for address in map(urlsplit, addresses)
            if address.scheme and address.netloc
        }
    )


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), whose form-action also lets the sign-in forms go on to
    the identification providers configured now (read on each response, so a changed setting counts at once)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origins = sign_in_origins()
        if origins and not report_only:
            parts.update = {**(parts.update or {}), "form-action": origins}
        return parts
