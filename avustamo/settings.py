"""Settings for Avustamo, read from the environment (and an optional `.env`).

SQLite under `var/` is the default database; `DATABASE_URL` selects PostgreSQL. Outside DEBUG the
settings fail closed: there is no default SECRET_KEY and no allowed host unless the environment gives them.
"""

import datetime
import warnings
from pathlib import Path

import csp.constants
import environ
from django.core.exceptions import ImproperlyConfigured
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
    "avustamo.treasury",
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
    # Before the middleware that set cookies, so that it sees them (static files, served above, stay cacheable).
    "avustamo.core.headers.NoStoreForPersonalPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "avustamo.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "avustamo.core.middleware.RefuseUnstorableTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "avustamo.core.headers.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "avustamo.core.middleware.FormAddressPageMiddleware",
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

# Field groups, labels, error lists, inputs and selects written in Python, as Django's templates write them
# (avustamo/core/form_rendering.py).
FORM_RENDERER = "avustamo.core.form_rendering.FormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'avustamo.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection kept between requests (and between the task worker's polls, which close old connections each time)
# saves PostgreSQL a new backend process per request, about as much CPU as Django's own work on a short request
# (docs/performance.md). The health check finds a connection the database dropped, e.g. after a restart, before
# a request uses it. CONN_MAX_AGE=0 opens one per request as Django's default does.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the statement's text, so that PostgreSQL keeps a statement run again on the same
    # connection prepared (psycopg prepares it on its `prepare_threshold`th run) and does not plan it again:
    # planning the joins of a save's statements cost PostgreSQL more than running them (docs/performance.md).
    # Behind a pooler in transaction mode that cannot keep prepared statements, set DATABASE_PREPARE_THRESHOLD=off.
    prepare_threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    if prepare_threshold != "off" and not prepare_threshold.isdecimal():
        raise ImproperlyConfigured(
            f"DATABASE_PREPARE_THRESHOLD must be a whole number of runs (0 or more) or off, not {prepare_threshold!r}"
        )
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=None if prepare_threshold == "off" else int(prepare_threshold),
    )
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
# Stored files (attachments, proofs, decision PDFs, receipts) are applicants' documents: never served as static
# files, only streamed through views that check rights. They live in the directory MEDIA_ROOT unless
# FILE_STORAGE_S3_BUCKET is set, then in a private bucket of an S3-compatible object store (AWS, Ceph RGW, MinIO...)
# that every app server and task worker reaches (docs/reliability.md, "Files every server reaches"):
# - FILE_STORAGE_S3_BUCKET: the bucket, made beforehand, with no public access;
# - FILE_STORAGE_S3_ENDPOINT_URL: the store's address, e.g. https://s3.example.fi (empty: AWS's own);
# - FILE_STORAGE_S3_REGION: the bucket's region, e.g. eu-north-1 (empty: the store's default);
# - FILE_STORAGE_S3_ACCESS_KEY_ID and FILE_STORAGE_S3_SECRET_ACCESS_KEY: the service's credentials (empty: boto3's
#   own chain: AWS_* variables, ~/.aws, the machine's role);
# - FILE_STORAGE_S3_PREFIX: a folder of keys in the bucket, when several installations share it (empty: none);
# - FILE_STORAGE_S3_SERVER_SIDE_ENCRYPTION: AES256 or aws:kms to have the store encrypt each object at rest (empty:
#   the bucket's default; not every S3-compatible store accepts the header).
# Every object is private, a name in use is never overwritten (a new name is chosen), and no URL to an object is
# ever made (core.object_storage.PrivateS3Storage refuses): a signed link would let its holder skip the checks.
FILE_STORAGE_S3_BUCKET = env("FILE_STORAGE_S3_BUCKET", default="")
FILE_STORAGE_S3_SERVER_SIDE_ENCRYPTION = env("FILE_STORAGE_S3_SERVER_SIDE_ENCRYPTION", default="")
STORAGES = {
    "default": {
        "BACKEND": "avustamo.core.object_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": FILE_STORAGE_S3_BUCKET,
            "endpoint_url": env("FILE_STORAGE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("FILE_STORAGE_S3_REGION", default="") or None,
            "access_key": env("FILE_STORAGE_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("FILE_STORAGE_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("FILE_STORAGE_S3_PREFIX", default=""),
            "default_acl": "private",
            "file_overwrite": False,
            "object_parameters": (
                {"ServerSideEncryption": FILE_STORAGE_S3_SERVER_SIDE_ENCRYPTION}
                if FILE_STORAGE_S3_SERVER_SIDE_ENCRYPTION
                else {}
            ),
            # A download is read into memory up to this size, then into a temporary file.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
    if FILE_STORAGE_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
# `manage.py backup` and `restore` run PostgreSQL's pg_dump and pg_restore from this directory (empty: from PATH);
# they must be of the server's major version or newer, e.g. /usr/lib/postgresql/15/bin.
POSTGRESQL_BIN_DIR = env("POSTGRESQL_BIN_DIR", default="")
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
# Work that shows no progress for this long is taken as stalled (its worker killed) and resumed by
# `manage.py resume_stalled_tasks` or a button: longer than any single step of a task (one PDF, one email).
TASK_STALLED_AFTER = datetime.timedelta(seconds=env.int("TASK_STALLED_AFTER_SECONDS", default=300))

# The shared cache holds the sign-in throttles: every app server must see the same counts, so production uses
# Redis (`CACHE_URL=redis://127.0.0.1:6379/1`) or the database cache (`dbcache://avustamo_cache`, the default,
# whose table `manage.py createcachetable` makes); a per-process cache (`locmemcache://`) is for one process only.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://avustamo_cache")}

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
# asyncssh logs each connection it opens at INFO; the scheduled exchange says what it did itself.
LOGGING["loggers"]["asyncssh"] = {"level": "WARNING"}

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

# Security settings (docs/reliability.md, "Security settings"). Outside DEBUG every protection is on unless the
# environment turns it off by name, as the runs on plain http on this machine do (the demo, the tests, the benches);
# `manage.py check --deploy --fail-level WARNING` passes with the defaults and reports each one turned off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer's health probe may come over plain http from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading asks browsers to hard-code https for the whole domain, a promise hard to take back that only the
# domain's owner can make (hstspreload.org): a choice, off by default, and Django's reminder of it silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Only a proxy that is trusted and sets this header itself (e.g. `X-Forwarded-Proto`) may say a request came over
# https; anyone else could send it. gunicorn trusts its own `forwarded_allow_ips` (127.0.0.1) the same way.
TRUSTED_PROXY_PROTO_HEADER = env("TRUSTED_PROXY_PROTO_HEADER", default="")
if TRUSTED_PROXY_PROTO_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + TRUSTED_PROXY_PROTO_HEADER.upper().replace("-", "_"), "https")

# The content security policy (django-csp): our pages run only our own scripts and styles, from files, never inline.
# Forms post to this site; avustamo.core.headers adds to form-action the identification providers configured above,
# to which the sign-in and the choice of the organisation one acts for go on (browsers check those redirects too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
        "form-action": [csp.constants.SELF],
    }
}

# asyncssh 2.24 still names DSA keys, which cryptography deprecates, on import; the service uses ed25519 keys.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="asyncssh")

# The State's invoice circulation (Handi) receives the payments of agencies that pay through it as XML invoice
# messages over SFTP, and leaves its confirmations there (docs/payments.md). The server's host key is pinned: its
# public key line, as `ssh-keyscan` prints it without the host name. Unset HOST: nothing can be sent.
INVOICE_CIRCULATION = {
    "HOST": env("INVOICE_CIRCULATION_SFTP_HOST", default=""),
    "PORT": env.int("INVOICE_CIRCULATION_SFTP_PORT", default=22),
    "USERNAME": env("INVOICE_CIRCULATION_SFTP_USERNAME", default=""),
    "PRIVATE_KEY": env("INVOICE_CIRCULATION_SFTP_PRIVATE_KEY", default=""),
    "HOST_KEY": env("INVOICE_CIRCULATION_SFTP_HOST_KEY", default=""),
    "OUTGOING_DIR": env("INVOICE_CIRCULATION_OUTGOING_DIR", default="to_handi"),
    "INCOMING_DIR": env("INVOICE_CIRCULATION_INCOMING_DIR", default="from_handi"),
    "TIMEOUT_SECONDS": env.float("INVOICE_CIRCULATION_TIMEOUT_SECONDS", default=30.0),
}
# The reconciliation page counts a delivered payment as late once it has waited this many days for its answer.
PAYMENT_CONFIRMATION_LATE_DAYS = env.int("PAYMENT_CONFIRMATION_LATE_DAYS", default=5)
