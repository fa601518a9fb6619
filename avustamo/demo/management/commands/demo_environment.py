"""The demo's secrets and the two local stand-ins' settings, as an environment file made once under var/."""

import json
import secrets

import asyncssh
from django.conf import settings
from django.core.management.base import BaseCommand
from joserfc import jwk

# The stand-ins' ports beside the service's; the demo's only, never a deployment's.
IDENTIFICATION_PORT_OFFSET = 101
AUTHORIZATIONS_PORT_OFFSET = 102
INVOICE_CIRCULATION_PORT_OFFSET = 103
# The Web API client id DVV gives is eight characters.
AUTHORIZATIONS_CLIENT_ID = "avustamo"
# The issue code of mandates the demo accepts; Samira Ahmed's test mandate in stand_ins/test_persons.json.
AUTHORIZATIONS_ISSUE = "valtionavustus"


class Command(BaseCommand):
    help = (
        "Print the demo's environment: PERSON_KEY_SECRET, our identification keys, and the settings that point the "
        "service at the local identification and e-Authorizations stand-ins and those at the service."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="the port the demo serves on")

    def handle(self, *args, port: int, **options):
        site = f"http://127.0.0.1:{port}"
        identification = f"http://127.0.0.1:{port + IDENTIFICATION_PORT_OFFSET}"
        authorizations = f"http://127.0.0.1:{port + AUTHORIZATIONS_PORT_OFFSET}"
        api_key, oauth_password = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        keys = {
            name: jwk.generate_key("RSA", 2048, parameters={"use": use}, auto_kid=True).as_dict(private=True)
            for name, use in (("SUOMIFI_OIDC_SIGNING_KEY", "sig"), ("SUOMIFI_OIDC_ENCRYPTION_KEY", "enc"))
        }
        clients = {
            "avustamo": {
                "redirect_uris": [f"{site}/auth/suomifi/return/"],
                "jwks_uri": f"{site}/auth/suomifi/jwks.json",
            }
        }
        values = {
            "PERSON_KEY_SECRET": secrets.token_urlsafe(32),
            "SUOMIFI_OIDC_ISSUER": identification,
            "SUOMIFI_OIDC_CLIENT_ID": "avustamo",
            "SUOMIFI_OIDC_TEST_ENVIRONMENT": "true",
            **{name: json.dumps(key, separators=(",", ":")) for name, key in keys.items()},
            "SUOMIFI_AUTHORIZATIONS_URL": authorizations,
            "SUOMIFI_AUTHORIZATIONS_CLIENT_ID": AUTHORIZATIONS_CLIENT_ID,
            "SUOMIFI_AUTHORIZATIONS_API_KEY": api_key,
            "SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD": oauth_password,
            "SUOMIFI_AUTHORIZATIONS_ISSUE": AUTHORIZATIONS_ISSUE,
            "IDENTIFICATION_STAND_IN_CLIENTS": json.dumps(clients, separators=(",", ":")),
            "AUTHORIZATIONS_STAND_IN_CLIENT_ID": AUTHORIZATIONS_CLIENT_ID,
            "AUTHORIZATIONS_STAND_IN_API_KEY": api_key,
            "AUTHORIZATIONS_STAND_IN_OAUTH_PASSWORD": oauth_password,
            "AUTHORIZATIONS_STAND_IN_REDIRECT_URIS": f"{site}/auth/suomifi/authorizations/return/",
        }
        values |= _invoice_circulation(port + INVOICE_CIRCULATION_PORT_OFFSET)
        for name, value in values.items():
            self.stdout.write(f"{name}='{value}'")


def _invoice_circulation(port: int) -> dict[str, str]:
    """The keys of the SFTP connection to the invoice circulation's stand-in, made under var/invoice-circulation/:
    ours (its public half authorised there) and the stand-in's host key, which the service pins."""
    folder = settings.BASE_DIR / "var" / "invoice-circulation"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("client_key", "host_key"):
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(folder / name)
        (folder / name).chmod(0o600)
        key.write_public_key(folder / f"{name}.pub")
    return {
        "INVOICE_CIRCULATION_SFTP_HOST": "127.0.0.1",
        "INVOICE_CIRCULATION_SFTP_PORT": str(port),
        "INVOICE_CIRCULATION_SFTP_USERNAME": "avustamo",
        "INVOICE_CIRCULATION_SFTP_PRIVATE_KEY": str(folder / "client_key"),
        "INVOICE_CIRCULATION_SFTP_HOST_KEY": (folder / "host_key.pub").read_text().strip(),
    }
