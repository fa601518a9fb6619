"""Settings for Avustamo, read from the environment (and an optional `.env`).

SQLite under `var/` is the default database; `DATABASE_URL` selects PostgreSQL. Outside DEBUG the
settings fail closed: there is no default SECRET_KEY and no allowed host unless the environment gives them.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-only-for-debug")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    # Fail closed: without a SECRET_KEY Django refuses to sign anything (sessions, reset links), and without
    # ALLOWED_HOSTS it serves no host; commands that need neither (migrate, makemigrations) still run.
    SECRET_KEY = env("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "ninja",
    "avustamo.core",
    "avustamo.accounts",
    "avustamo.reference",
    "avustamo.organisations",
    "avustamo.programmes",
    "avustamo.applications",
    "avustamo.reviews",
    "avustamo.decisions",
    "avustamo.register",
    "avustamo.grants",
    "avustamo.hearings",
    "avustamo.payments",
    "avustamo.reports",
    "avustamo.review_requests",
    "avustamo.portal",
    "avustamo.api",
    "avustamo.demo",
    # After our apps, so that our templates of the account pages come first.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "avustamo.core.middleware.JsonErrorsUnderApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "avustamo.core.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "avustamo.accounts.middleware.StaffSessionLimitsMiddleware",
    "avustamo.accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "avustamo.urls"
WSGI_APPLICATION = "avustamo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "avustamo.portal.context_processors.strong_identification",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'avustamo.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are applicants' documents: never served as static files, only through views that check rights.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Avustamo <noreply@avustamo.example>")

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The shared cache holds the sign-in throttles: every app server must see the same counts, so production uses
# Redis (`CACHE_URL=redis://127.0.0.1:6379/1`) or the database cache (`dbcache://avustamo_cache`, the default,
# whose table `manage.py createcachetable` makes); a per-process cache (`locmemcache://`) is for one process only.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://avustamo_cache")}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Password accounts (django-allauth): the email address is the login, and a new address is verified by an emailed
# link before it can be used. Signup and password reset answer the same whether or not an address has an account.
ACCOUNT_ADAPTER = "avustamo.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "avustamo.accounts.forms.PersonDetailsForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Avustamo: "
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
# Failed password sign-ins lock one account (whatever the address) and one client address (whatever the
# account) for the window: a lock ends by itself when its oldest failure is older than the window.
SIGN_IN_FAILURES_PER_ACCOUNT = env.int("SIGN_IN_FAILURES_PER_ACCOUNT", default=5)
SIGN_IN_FAILURES_PER_ADDRESS = env.int("SIGN_IN_FAILURES_PER_ADDRESS", default=20)
SIGN_IN_LOCK_MINUTES = env.int("SIGN_IN_LOCK_MINUTES", default=15)
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{SIGN_IN_FAILURES_PER_ADDRESS}/{SIGN_IN_LOCK_MINUTES}m/ip,"
        f"{SIGN_IN_FAILURES_PER_ACCOUNT}/{SIGN_IN_LOCK_MINUTES}m/key"
    ),
}
# Behind a reverse proxy the client's address is the last one it appends to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Officials' second factor (allauth.mfa): an authenticator app (TOTP) or a passkey (WebAuthn), with recovery
# codes. Every staff person must have one and must have used it in the session (accounts.middleware).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Avustamo"
# A code typed in the last seconds of its 30-second step arrives in the next one: one step of tolerance, as RFC
# 6238 recommends for the delay, and each code is still accepted only once.
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Staff sessions end after this long without a request, and this long after signing in, whatever happens.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=10)

# Personal API tokens expire after this many days.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)

# Optional single sign-on for officials through the ministry's own OpenID provider; off unless all three are
# set. It signs in existing staff accounts by their verified email address and never creates accounts.
SOCIALACCOUNT_ADAPTER = "avustamo.accounts.adapters.OfficialSingleSignOnAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
STAFF_SSO_SERVER_URL = env("STAFF_SSO_SERVER_URL", default="")
STAFF_SSO_CLIENT_ID = env("STAFF_SSO_CLIENT_ID", default="")
STAFF_SSO_CLIENT_SECRET = env("STAFF_SSO_CLIENT_SECRET", default="")
STAFF_SSO_NAME = env("STAFF_SSO_NAME", default="")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "ministry",
                "name": STAFF_SSO_NAME or "ministry",
                "client_id": STAFF_SSO_CLIENT_ID,
                "secret": STAFF_SSO_CLIENT_SECRET,
                "settings": {"server_url": STAFF_SSO_SERVER_URL, "oauth_pkce_enabled": True},
            }
        ]
        if STAFF_SSO_SERVER_URL and STAFF_SSO_CLIENT_ID and STAFF_SSO_CLIENT_SECRET
        else [],
    }
}

# Invitations to act for an organisation expire after this many days.
ORGANISATION_INVITATION_DAYS = env.int("ORGANISATION_INVITATION_DAYS", default=14)
# Appeals against decisions on requests for review (Act on Court Proceedings in Administrative Matters 808/2019).
# The court fee of an administrative court (tuomioistuinmaksulaki 1455/2015, section 2), printed in the appeal
# instructions: check it each year against the Act in force and set it here [unverified figure].
ADMINISTRATIVE_COURT_FEE = env.int("ADMINISTRATIVE_COURT_FEE", default=270)
ADMINISTRATIVE_COURT_FEE_SOURCE = env(
    "ADMINISTRATIVE_COURT_FEE_SOURCE", default="tuomioistuinmaksulaki 1455/2015, 2 §"
)
# The competent administrative court by the region code of the recipient's home municipality: overrides
# `review_requests.courts.COURT_OF_REGION` region by region, e.g. {"01": "helsinki"}.
APPEAL_COURT_OF_REGION = env.dict("APPEAL_COURT_OF_REGION", default={})
# Base address used in links sent by email.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # PDF rendering reports every font subset and stylesheet at INFO; only its warnings matter.
    "loggers": {name: {"level": "WARNING"} for name in ("fontTools", "weasyprint")},
}

# Strong identification and the right to act for an organisation (docs/identity.md).
# The key of the hash that recognises a strongly identified person again without storing their identity code.
# Kept apart from SECRET_KEY because changing it makes every stored identity unrecognisable.
PERSON_KEY_SECRET = env("PERSON_KEY_SECRET", default="")
# How long an answer about a person's right to act for an organisation is relied on before it is asked again.
AUTHORITY_CHECK_VALID_MINUTES = env.int("AUTHORITY_CHECK_VALID_MINUTES", default=15)

# Suomi.fi e-Authorizations (Suomi.fi-valtuudet) Web API: the right to act for an organisation. Off unless the
# address and the three credentials DVV issues (Web API client id, API key, OAuth password) are all set.
# SUOMIFI_AUTHORIZATIONS_ISSUE is the issue code of the mandates this service accepts.
SUOMIFI_AUTHORIZATIONS_URL = env("SUOMIFI_AUTHORIZATIONS_URL", default="")
SUOMIFI_AUTHORIZATIONS_CLIENT_ID = env("SUOMIFI_AUTHORIZATIONS_CLIENT_ID", default="")
SUOMIFI_AUTHORIZATIONS_API_KEY = env("SUOMIFI_AUTHORIZATIONS_API_KEY", default="")
SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD = env("SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD", default="")
SUOMIFI_AUTHORIZATIONS_ISSUE = env("SUOMIFI_AUTHORIZATIONS_ISSUE", default="")
SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS = env.float("SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS", default=10.0)
# The registration's address holds the personal identity code, and urllib3 logs every address it opens at DEBUG.
LOGGING["loggers"]["urllib3.connectionpool"] = {"level": "INFO"}

# Strong identification through Suomi.fi e-Identification's OpenID Connect interface (avustamo/accounts/suomifi.py).
# Off unless the provider, our client id and our two private RSA keys (JWK JSON or PEM) are all given; the public
# halves are published at our jwks_uri. SUOMIFI_OIDC_ISSUER is the provider's issuer or its discovery address.
SUOMIFI_OIDC_ISSUER = env("SUOMIFI_OIDC_ISSUER", default="")
SUOMIFI_OIDC_CLIENT_ID = env("SUOMIFI_OIDC_CLIENT_ID", default="")
SUOMIFI_OIDC_SIGNING_KEY = env("SUOMIFI_OIDC_SIGNING_KEY", default="")
SUOMIFI_OIDC_ENCRYPTION_KEY = env("SUOMIFI_OIDC_ENCRYPTION_KEY", default="")
# The lowest level of assurance accepted: substantial or high.
SUOMIFI_OIDC_ACR = env("SUOMIFI_OIDC_ACR", default="substantial")
SUOMIFI_OIDC_SCOPE = env("SUOMIFI_OIDC_SCOPE", default="openid")
# Seconds to wait for each answer of the provider (discovery, keys, token, userinfo).
SUOMIFI_OIDC_TIMEOUT_SECONDS = env.float("SUOMIFI_OIDC_TIMEOUT_SECONDS", default=10)
# A test environment's identification (the demo's local stand-in, Suomi.fi's test environment): the button says so.
SUOMIFI_OIDC_TEST_ENVIRONMENT = env.bool("SUOMIFI_OIDC_TEST_ENVIRONMENT", default=False)
