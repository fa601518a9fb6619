"""Settings for the test suite: the real settings, with tasks run at once and fast password hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain http: the https protections are turned off by name.
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("PERSON_KEY_SECRET", "test-suite-only-person-key")

from avustamo.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# One process per test worker (and the live server's thread inside it): a per-process cache is shared enough.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared-cache memory, so that tests with several threads lock as in production.
    # TEST_SQLITE_NAME lets two test runs work side by side in one checkout.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / os.environ.get("TEST_SQLITE_NAME", "test.sqlite3"))}  # noqa: F405
