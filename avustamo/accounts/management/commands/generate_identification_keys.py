import json

from django.core.management.base import BaseCommand
from joserfc import jwk


class Command(BaseCommand):
    help = (
        "Print a new private signing key and a new private encryption key for Suomi.fi identification, as "
        "SUOMIFI_OIDC_SIGNING_KEY=... and SUOMIFI_OIDC_ENCRYPTION_KEY=... lines for the environment or a .env file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=3072, help="RSA key size in bits (at least 2048)")

    def handle(self, *args, size: int, **options):
        for name, use in (("SUOMIFI_OIDC_SIGNING_KEY", "sig"), ("SUOMIFI_OIDC_ENCRYPTION_KEY", "enc")):
            key = jwk.generate_key("RSA", max(size, 2048), parameters={"use": use}, auto_kid=True)
            self.stdout.write(f"{name}='{json.dumps(key.as_dict(private=True), separators=(',', ':'))}'")
