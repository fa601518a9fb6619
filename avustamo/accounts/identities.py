"""Strongly identified persons: recognising them again and linking each to one account.

The personal identity code never reaches the database, the logs or a page: it is turned into `person_key`, a
keyed hash, as soon as the identification arrives, and only the key is kept (docs/identity.md).
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from avustamo.accounts.models import StrongIdentity, User
from avustamo.core.audit import audit


def person_key(national_identification_number: str) -> str:
    """The keyed hash that recognises the same person again; useless without PERSON_KEY_SECRET."""
    if not settings.PERSON_KEY_SECRET:
        raise ImproperlyConfigured("PERSON_KEY_SECRET is not set, so strong identification cannot be used.")
    return hmac.new(
        settings.PERSON_KEY_SECRET.encode(),
        national_identification_number.strip().upper().encode(),
        hashlib.sha256,
    ).hexdigest()


@dataclass(frozen=True)
class Identification:
    """What the service keeps of one identification: no identity code, only its key."""

    person_key: str
    given_name: str
    family_name: str
    birth_date: datetime.date | None
    level_of_assurance: str
    identified_at: datetime.datetime

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def as_session_value(self) -> dict:
        return {
            "person_key": self.person_key,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "level_of_assurance": self.level_of_assurance,
            "identified_at": self.identified_at.isoformat(),
        }

    @classmethod
    def from_session_value(cls, value: dict) -> "Identification":
        return cls(
            person_key=value["person_key"],
            given_name=value["given_name"],
            family_name=value["family_name"],
            birth_date=datetime.date.fromisoformat(value["birth_date"]) if value["birth_date"] else None,
            level_of_assurance=value["level_of_assurance"],
            identified_at=datetime.datetime.fromisoformat(value["identified_at"]),
        )


def identified_account(identification: Identification) -> User | None:
    """The active account the identified person is linked to, if any."""
    identity = (
        StrongIdentity.objects.select_related("user")
        .filter(person_key=identification.person_key, user__is_active=True)
        .first()
    )
    return identity.user if identity else None


def _record(identity: StrongIdentity, identification: Identification) -> None:
    identity.given_name = identification.given_name
    identity.family_name = identification.family_name
    identity.birth_date = identification.birth_date
    identity.last_identified_at = identification.identified_at
    identity.level_of_assurance = identification.level_of_assurance
    identity.save()


@transaction.atomic
def identity_link(*, identification: Identification, acting_user: User) -> StrongIdentity:
    """Link the identification to the signed-in person's account, or record a new identification of the person
    already linked to it. One person, one account: each side may be linked only once."""
    linked = StrongIdentity.objects.select_for_update().filter(person_key=identification.person_key).first()
    if linked is not None and linked.user_id != acting_user.pk:
        raise ValidationError(
            _(
                "You have already been identified with another account of this service. Sign out and sign in "
                "with Suomi.fi identification to use that account."
            ),
            code="identity_linked_elsewhere",
        )
    own = StrongIdentity.objects.select_for_update().filter(user=acting_user).first()
    if own is not None and own.person_key != identification.person_key:
        raise ValidationError(
            _("This account belongs to another person. Sign out and identify yourself again."),
            code="account_of_another_person",
        )
    if own is not None:
        _record(own, identification)
        audit(acting_user=acting_user, action="identity.identified", target=acting_user)
        return own
    identity = StrongIdentity.objects.create(
        user=acting_user,
        person_key=identification.person_key,
        given_name=identification.given_name,
        family_name=identification.family_name,
        birth_date=identification.birth_date,
        first_identified_at=identification.identified_at,
        last_identified_at=identification.identified_at,
        level_of_assurance=identification.level_of_assurance,
    )
    audit(
        acting_user=acting_user,
        action="identity.linked",
        target=acting_user,
        level_of_assurance=identification.level_of_assurance,
    )
    return identity


@transaction.atomic
def identity_sign_in(*, identification: Identification) -> User:
    """The account of a person who identified themselves; the identification is recorded on it."""
    identity = (
        StrongIdentity.objects.select_for_update()
        .select_related("user")
        .filter(person_key=identification.person_key, user__is_active=True)
        .get()
    )
    _record(identity, identification)
    audit(acting_user=identity.user, action="identity.identified", target=identity.user)
    return identity.user


@transaction.atomic
def identified_person_sign_up(*, identification: Identification, email: str, preferred_language: str) -> User:
    """An account for a person who identified themselves for the first time. It has no password: they sign in
    by identifying themselves."""
    email = User.objects.normalize_email(email).lower()
    if StrongIdentity.objects.filter(person_key=identification.person_key).exists():
        raise ValidationError(
            _("You already have an account in this service."), code="identity_linked_elsewhere"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": ValidationError(
                    _(
                        "This address is already used by an account. If it is yours, sign in with it first and "
                        "then identify yourself: the identification is linked to it."
                    ),
                    code="email_in_use",
                )
            }
        )
    user = User.objects.create_user(
        email=email, password=None, full_name=identification.full_name, preferred_language=preferred_language
    )
    # Verified by the link the page sends, like any new address.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    audit(acting_user=user, action="person.signed_up", target=user, by="strong_identification")
    identity_link(identification=identification, acting_user=user)
    return user
