"""One way to sign someone in and ask a page as them, for the permission matrices."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.http import HttpRequest

from avustamo.accounts.selectors import is_staff_person
from avustamo.core.confirmation import CONFIRMATION_FIELD

LOGIN = "login"  # a redirect to the sign-in page


def give_second_factor(user) -> Authenticator:
    """The person's authenticator app, set up with a random secret if they have none."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return authenticator or TOTP.activate(user, generate_totp_secret()).instance


def sign_in(client, user) -> None:
    """Sign `user` in as the sign-in page does: with the password and, for a staff person, with the code of their
    authenticator app (set up here if they have none), so that the session has completed the second factor."""
    client.force_login(user)
    if not is_staff_person(user):
        return
    authenticator = give_second_factor(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()


def assert_access(client, user, method: str, path: str, want, data: dict | None = None) -> None:
    if user.is_authenticated:
        sign_in(client, user)
    # Who may act has confirmed the action where it asks first (core.confirmation): the matrix tests the action.
    response = (
        client.get(path)
        if method == "GET"
        else client.post(path, {CONFIRMATION_FIELD: "yes", **(data or {})})
    )
    if want == LOGIN:
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
    else:
        assert response.status_code == want, f"{method} {path}"
