from django.core.management.base import BaseCommand, CommandError

from avustamo.accounts.models import User
from avustamo.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for the person with EMAIL and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, email: str, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active person has the email address {email}.")
        _api_token, token = api_token_create(name=name, acting_user=user)
        self.stdout.write(token)
