"""How django-allauth fits Avustamo: its emails go through our outbox, signup and new passwords through our
services, and the ministry's single sign-on opens existing staff accounts only."""

import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from avustamo.accounts.models import User
from avustamo.accounts.selectors import is_staff_person
from avustamo.accounts.services import person_password_set, person_sign_up
from avustamo.core.tasks import queue_email
from avustamo.core.translation import address_in_language

# Emails whose body holds a single-use link or code: the outbox blanks them once they have gone.
EMAILS_WITH_SECRETS = ("email_confirmation", "password_reset_key", "login_code", "unknown_account")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "too_many_login_attempts": _(
            "Too many failed sign-ins to this account or from your network address. Signing in is locked for "
            "%(minutes)s minutes from the last failures; try again later, or reset your password."
        ),
        "email_password_mismatch": _(
            "The email address or the password is wrong. Note that the password is case-sensitive."
        ),
        "account_inactive": _("This account has been closed."),
    }

    def post_login(self, request, user, **kwargs):
        """Signing in takes the person to their own language, wherever they were going."""
        response = super().post_login(request, user, **kwargs)
        if response.status_code == 302 and user.preferred_language:
            response["Location"] = address_in_language(response["Location"], user.preferred_language)
        return response

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            return ValidationError(
                self.error_messages[code] % {"minutes": settings.SIGN_IN_LOCK_MINUTES}, code=code
            )
        return super().validation_error(code, *args)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email in the recipient's language and put it in the outbox (ADR 0006), to be sent
        after the transaction commits; never sent from the request."""
        person = User.objects.filter(email__iexact=email).first()
        language = (
            person.preferred_language if person else translation.get_language() or settings.LANGUAGE_CODE
        )
        with translation.override(language):
            message = self.render_mail(
                template_prefix,
                email,
                {"email": email, "request": self.request, "person": person, **context},
            )
        digest = hashlib.sha256(f"{message.subject}\n{message.body}".encode()).hexdigest()[:32]
        queue_email(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{digest}",
            template="accounts/email/prepared",
            context={"subject": message.subject, "body": message.body},
            recipient=email,
            language=language,
            holds_secret=any(name in template_prefix for name in EMAILS_WITH_SECRETS),
        )

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        return person_sign_up(
            email=data["email"],
            full_name=data["full_name"],
            password=data["password1"],
            preferred_language=data["preferred_language"],
        )

    def set_password(self, user, password: str) -> None:
        person_password_set(person=user, password=password)


# The provider id of the ministry's OpenID provider in SOCIALACCOUNT_PROVIDERS (settings.py).
STAFF_SSO_PROVIDER = "ministry"


class OfficialSingleSignOnAdapter(DefaultSocialAccountAdapter):
    """The ministry's OpenID provider signs in officials who already have an account here, matched by an email
    address both sides have verified. It never creates an account, nor signs in anyone who is not staff. Other
    providers, if any, keep allauth's behaviour."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        if sociallogin.account.provider != STAFF_SSO_PROVIDER:
            return super().is_open_for_signup(request, sociallogin)
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.account.provider != STAFF_SSO_PROVIDER:
            return super().pre_social_login(request, sociallogin)
        person = sociallogin.user if sociallogin.is_existing else self._staff_person_by_email(sociallogin)
        if person is None or not person.is_active or not is_staff_person(person):
            messages.error(
                request,
                _(
                    "Single sign-on is for officials who already have an account here with the same verified "
                    "email address. Sign in with your password, or ask an administrator."
                ),
            )
            raise ImmediateHttpResponse(redirect("account_login"))
        if not sociallogin.is_existing:
            sociallogin.connect(request, person)

    @staticmethod
    def _staff_person_by_email(sociallogin) -> User | None:
        verified = [address.email for address in sociallogin.email_addresses if address.verified]
        for email in verified:
            address = (
                EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
            )
            if address is not None:
                return address.user
        return None
