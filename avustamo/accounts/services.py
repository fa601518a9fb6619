from django.db import transaction

from avustamo.accounts.models import User
from avustamo.core.audit import audit


@transaction.atomic
def person_sign_up(*, email: str, full_name: str, password: str, preferred_language: str) -> User:
    """Create a person's account. What they may do comes from memberships and invitations, not from here."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, preferred_language=preferred_language
    )
    audit(acting_user=user, action="person.signed_up", target=user)
    return user
