from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from avustamo.accounts.models import ApiToken, User
from avustamo.accounts.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create a personal API token for the person with EMAIL and print it (it is shown only once); it expires "
        "after API_TOKEN_DAYS days."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="what the token is for")
        parser.add_argument(
            "--write", action="store_true", help="may also write (by default the token only reads)"
        )

    def handle(self, *args, email: str, name: str, write: bool, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active person has the email address {email}.")
        scope = ApiToken.Scope.READ_WRITE if write else ApiToken.Scope.READ
        try:
            _api_token, token = api_token_create(name=name, scope=scope, acting_user=user)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from refusal
        self.stdout.write(token)
