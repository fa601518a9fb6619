"""Settings of the identification stand-in: a process of its own, never the service's settings.

Everything it needs from outside comes from the environment (see `README.md`): the registered clients, the issuer
address and an optional delay.
"""

import json
import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A fresh secret per process: the stand-in signs nothing with it and keeps no sessions.
SECRET_KEY = secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ROOT_URLCONF = "stand_ins.identification.urls"
INSTALLED_APPS = []
# No sessions and no CSRF middleware: the test page carries the validated authorization request in the form it
# posts, and the stand-in is only ever served to this machine.
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES = {}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": False,
    }
]
USE_I18N = False
USE_TZ = True
TIME_ZONE = "Europe/Helsinki"
LANGUAGE_CODE = "fi"

# client_id → {"redirect_uris": [...], "jwks_uri": "..." or "jwks": {...}, and optionally
# "id_token_encrypted_response_alg"/"_enc", "userinfo_encrypted_response_alg"/"_enc"}.
IDENTIFICATION_STAND_IN_CLIENTS = json.loads(os.environ.get("IDENTIFICATION_STAND_IN_CLIENTS") or "{}")
# The issuer identifier; __main__ sets it from the port unless the environment gives one.
IDENTIFICATION_STAND_IN_ISSUER = os.environ.get("IDENTIFICATION_STAND_IN_ISSUER", "http://127.0.0.1:8001")
# Seconds the token and userinfo endpoints wait before answering, to show a client's timeout; also settable
# while running with POST /control/delay.
IDENTIFICATION_STAND_IN_DELAY_SECONDS = float(os.environ.get("IDENTIFICATION_STAND_IN_DELAY_SECONDS") or 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
