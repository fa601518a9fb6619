"""Who must use a second factor, and whether they have one and have used it in this session."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Exists, OuterRef

from avustamo.accounts.models import ApiToken, RoleGrant
from avustamo.core.permissions import granted_roles

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def is_staff_person(user) -> bool:
    """An official (is_staff), a superuser, or anyone granted a staff role; read once per user object."""
    if not (user and user.is_authenticated):
        return False
    if not hasattr(user, "_is_staff_person"):
        _remember_staff_person(user, has_role_grant=bool(granted_roles(user)))
    return user._is_staff_person


def _remember_staff_person(user, *, has_role_grant: bool) -> None:
    user._is_staff_person = user.is_staff or user.is_superuser or has_role_grant


def api_token_by_hash(token_hash: str, *, also: dict | None = None) -> ApiToken | None:
    """The token with its person, and whether the person is staff, in one statement: every API call asks.

    `also`: more annotations over the token's row (`user_id` is the person), read in the same statement: the API
    asks whether the person acts for the application its path names (`api.applicant.TokenAuth`)."""
    api_token = (
        ApiToken.objects.select_related("user")
        .annotate(
            person_has_role_grant=Exists(RoleGrant.objects.filter(person=OuterRef("user_id"))), **(also or {})
        )
        .filter(token_hash=token_hash)
        .first()
    )
    if api_token is not None:
        _remember_staff_person(api_token.user, has_role_grant=api_token.person_has_role_grant)
    return api_token


def has_second_factor(user) -> bool:
    """An authenticator app or a passkey; recovery codes alone are not one."""
    return is_mfa_enabled(user, SECOND_FACTORS)


def session_used_second_factor(request) -> bool:
    """Whether the person signed in to this session with a second factor, or has since confirmed with one."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def api_tokens_of(*, person):
    return ApiToken.objects.filter(user=person).order_by("-created_at")
