from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from avustamo.demo.content import DEMO_TOTP_SECRET
from avustamo.demo.second_factor import current_code


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo official (EMAIL), whose authenticator has the demo secret."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        authenticator = Authenticator.objects.filter(
            user__email__iexact=email.strip(), type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None or decrypt(authenticator.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"{email} has no demo authenticator: only the demo's officials have one.")
        self.stdout.write(current_code())
