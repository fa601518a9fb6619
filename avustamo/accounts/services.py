import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.accounts.models import ApiToken, User
from avustamo.accounts.selectors import api_token_by_hash, has_second_factor, is_staff_person
from avustamo.accounts.tokens import hash_token, new_token
from avustamo.core.audit import audit


class RevocationReason:
    """Why a token stopped working; stored in `ApiToken.revoked_because` and shown in refusals."""

    BY_OWNER = "owner"
    PASSWORD_CHANGED = "password"
    LEFT_ORGANISATION = "left_organisation"
    ACCOUNT_CLOSED = "account_closed"


@transaction.atomic
def person_sign_up(*, email: str, full_name: str, password: str, preferred_language: str) -> User:
    """Create a person's account. What they may do comes from memberships and invitations, not from here."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, preferred_language=preferred_language
    )
    audit(acting_user=user, action="person.signed_up", target=user)
    return user


@transaction.atomic
def person_password_set(*, person: User, password: str) -> User:
    """A new password (reset by an emailed link, or changed): every API token of the person stops working,
    since whoever knew the old password may have made one."""
    person.set_password(password)
    person.save(update_fields=["password"])
    audit(acting_user=person, action="person.password_set", target=person)
    api_tokens_revoke_all(person=person, reason=RevocationReason.PASSWORD_CHANGED, acting_user=person)
    return person


@transaction.atomic
def api_token_create(*, name: str, scope: str = ApiToken.Scope.READ, acting_user) -> tuple[ApiToken, str]:
    """Create a token for the acting person; returns it with the token text, which is never stored.

    An official's token reaches the officials' tools, so an official needs a second factor first.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            {
                "name": ValidationError(
                    _("Name the token, e.g. after the system that uses it."), code="required"
                )
            }
        )
    if scope not in ApiToken.Scope.values:
        raise ValidationError(
            {"scope": ValidationError(_("Choose what the token may do."), code="invalid_scope")}
        )
    if is_staff_person(acting_user) and not has_second_factor(acting_user):
        raise ValidationError(
            _("Officials need a second factor before creating an API token. Set one up first."),
            code="second_factor_required",
        )
    token = new_token()
    api_token = ApiToken.objects.create(
        user=acting_user,
        name=name[:100],
        scope=scope,
        prefix=token[:12],
        token_hash=hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit(
        acting_user=acting_user,
        action="api_token.created",
        target=api_token,
        name=api_token.name,
        scope=scope,
        expires_at=api_token.expires_at.isoformat(),
    )
    return api_token, token


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken, acting_user) -> ApiToken:
    if api_token.user_id != acting_user.pk:
        raise PermissionDenied
    api_token = ApiToken.objects.select_for_update().get(pk=api_token.pk)
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.revoked_because = RevocationReason.BY_OWNER
        api_token.save(update_fields=["revoked_at", "revoked_because"])
        audit(acting_user=acting_user, action="api_token.revoked", target=api_token)
    return api_token


@transaction.atomic
def api_tokens_revoke_all(*, person: User, reason: str, acting_user) -> int:
    """Revoke every working token of `person`; returns how many. Called by the services that end what the
    tokens rest on (the password, a membership, the account)."""
    revoked = 0
    for api_token in ApiToken.objects.select_for_update().filter(user=person, revoked_at__isnull=True):
        api_token.revoked_at = timezone.now()
        api_token.revoked_because = reason
        api_token.save(update_fields=["revoked_at", "revoked_because"])
        audit(acting_user=acting_user, action="api_token.revoked", target=api_token, reason=reason)
        revoked += 1
    return revoked


@transaction.atomic
def person_deactivate(*, person: User, acting_user) -> User:
    """Close an account: the person can no longer sign in, and their tokens stop working."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        audit(acting_user=acting_user, action="person.deactivated", target=person)
    api_tokens_revoke_all(person=person, reason=RevocationReason.ACCOUNT_CLOSED, acting_user=acting_user)
    return person


# How stale `ApiToken.last_used_at` may be: a system that calls the API many times a second would otherwise write
# the token's row on every call, and every call of its requests would wait on that row's lock.
TOKEN_USE_RECORDED_EVERY = datetime.timedelta(minutes=1)


def _note_token_use(api_token: ApiToken) -> None:
    """Record that the token was used, at most once a minute: the WHERE clause makes concurrent calls agree
    without a lock, and a token used within the minute costs no write at all."""
    now = timezone.now()
    if api_token.last_used_at is not None and api_token.last_used_at > now - TOKEN_USE_RECORDED_EVERY:
        return
    ApiToken.objects.filter(pk=api_token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_USE_RECORDED_EVERY)
    ).update(last_used_at=now)


class TokenRefused(Exception):
    """A token that does not open the API, with the message that says why (in the request's language).
    `forbidden`: the token is valid but may not do this."""

    def __init__(self, message: str, *, forbidden: bool = False):
        super().__init__(message)
        self.forbidden = forbidden


def api_token_in_use(token: str, *, writing: bool = False, also: dict | None = None) -> ApiToken:
    """The token, with its active person as `user`; records when the token was last used (to the minute).
    `also`: annotations read with the token (`accounts.selectors.api_token_by_hash`).

    Raises TokenRefused with a clear message for an unknown, revoked or expired token, for a read-only token
    used to write, and for an official's token when the official has no second factor.
    """
    api_token = api_token_by_hash(hash_token(token), also=also)
    if api_token is None or not api_token.user.is_active:
        raise TokenRefused(_("The token is not valid."))
    if api_token.revoked_at is not None:
        raise TokenRefused(
            _("The token was revoked on %(moment)s. Create a new one on the API tokens page.")
            % {"moment": f"{timezone.localtime(api_token.revoked_at):%Y-%m-%d %H:%M}"}
        )
    if api_token.expires_at <= timezone.now():
        raise TokenRefused(
            _("The token expired on %(moment)s. Create a new one on the API tokens page.")
            % {"moment": f"{timezone.localtime(api_token.expires_at):%Y-%m-%d %H:%M}"}
        )
    if is_staff_person(api_token.user) and not has_second_factor(api_token.user):
        raise TokenRefused(
            _("An official's token works only while the official has a second factor."), forbidden=True
        )
    _note_token_use(api_token)
    if writing and not api_token.allows_writing:
        raise TokenRefused(
            _("This token may only read. Create a token with the right to read and write."), forbidden=True
        )
    return api_token
