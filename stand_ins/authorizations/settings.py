"""Settings of the e-Authorizations stand-in: no database, no sessions, nothing shared with the service."""

import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "stand_ins.authorizations.urls"
INSTALLED_APPS = []
DATABASES = {}
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
USE_TZ = True
TIME_ZONE = "Europe/Helsinki"
USE_I18N = False

CLIENT_ID = os.environ["AUTHORIZATIONS_STAND_IN_CLIENT_ID"]
API_KEY = os.environ["AUTHORIZATIONS_STAND_IN_API_KEY"]
OAUTH_PASSWORD = os.environ["AUTHORIZATIONS_STAND_IN_OAUTH_PASSWORD"]
REDIRECT_URIS = [
    uri.strip()
    for uri in os.environ.get(
        "AUTHORIZATIONS_STAND_IN_REDIRECT_URIS", "http://127.0.0.1:*,http://localhost:*"
    ).split(",")
    if uri.strip()
]
SESSION_SECONDS = int(os.environ.get("AUTHORIZATIONS_STAND_IN_SESSION_SECONDS", "600"))
CONTROL_TOKEN = os.environ.get("AUTHORIZATIONS_STAND_IN_CONTROL_TOKEN", "")
# The real API refuses time stamps more than five minutes off its clock.
CLOCK_SKEW_SECONDS = 300
TEST_PERSONS = HERE.parent / "test_persons.json"

# The development server logs every address it serves, and the registration's address holds the identity code.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"identity_codes": {"()": "stand_ins.authorizations.logs.HideIdentityCodes"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["identity_codes"]}},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
