from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.accounts.models import ApiToken, User
from avustamo.accounts.tokens import hash_token, new_token
from avustamo.core.audit import audit


@transaction.atomic
def person_sign_up(*, email: str, full_name: str, password: str, preferred_language: str) -> User:
    """Create a person's account. What they may do comes from memberships and invitations, not from here."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, preferred_language=preferred_language
    )
    audit(acting_user=user, action="person.signed_up", target=user)
    return user


@transaction.atomic
def api_token_create(*, name: str, acting_user) -> tuple[ApiToken, str]:
    """Create a token for the acting person; returns it with the token text, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            {
                "name": ValidationError(
                    _("Name the token, e.g. after the system that uses it."), code="required"
                )
            }
        )
    token = new_token()
    api_token = ApiToken.objects.create(
        user=acting_user, name=name[:100], prefix=token[:12], token_hash=hash_token(token)
    )
    audit(acting_user=acting_user, action="api_token.created", target=api_token, name=api_token.name)
    return api_token, token


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken, acting_user) -> ApiToken:
    if api_token.user_id != acting_user.pk:
        raise PermissionDenied
    api_token = ApiToken.objects.select_for_update().get(pk=api_token.pk)
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
        audit(acting_user=acting_user, action="api_token.revoked", target=api_token)
    return api_token


def user_for_api_token(token: str):
    """The active person a token belongs to, or None; records when the token was last used."""
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if api_token is None:
        return None
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
    return api_token.user
