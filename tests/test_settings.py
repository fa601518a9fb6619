"""Outside DEBUG the settings fail closed: no default secret and no allowed host unless the environment gives them."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import os
import django
from django.core.exceptions import ImproperlyConfigured
os.environ["DJANGO_SETTINGS_MODULE"] = "avustamo.settings"
django.setup()
from django.conf import settings
try:
    secret = repr(settings.SECRET_KEY)
except ImproperlyConfigured:
    secret = "refused"
print(secret, settings.ALLOWED_HOSTS, settings.DEBUG)
"""


def _python(code: str, *, without=(), **environment) -> subprocess.CompletedProcess:
    """`code` run by a fresh interpreter, as a server would start: this process's environment, less `without`, plus
    `environment`."""
    env = {key: value for key, value in os.environ.items() if key not in without} | environment
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def _settings_with(**environment) -> str:
    result = _python(PROBE, without={"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}, **environment)
    result.check_returncode()
    return result.stdout.strip()


def test_production_settings_have_no_default_secret_or_host():
    assert _settings_with() == "refused [] False"


def test_production_settings_take_secret_and_hosts_from_the_environment():
    assert (
        _settings_with(SECRET_KEY="s3cret", ALLOWED_HOSTS="avustamo.example")
        == "'s3cret' ['avustamo.example'] False"
    )


def test_a_prepare_threshold_that_is_not_a_number_is_refused_by_name():
    """A mistyped DATABASE_PREPARE_THRESHOLD stops the start with the setting's name, not a bare ValueError."""
    result = _python(
        "import avustamo.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        DATABASE_PREPARE_THRESHOLD="of",
    )
    assert result.returncode != 0
    assert (
        "DATABASE_PREPARE_THRESHOLD must be a whole number of runs (0 or more) or off, not 'of'"
        in result.stderr
    )


def test_the_prepare_threshold_reaches_psycopg():
    probe = (
        "import avustamo.settings as s; o = s.DATABASES['default']['OPTIONS'];"
        " print(o['server_side_binding'], o['prepare_threshold'])"
    )
    for value, expected in (("off", "True None"), ("0", "True 0"), (None, "True 5")):
        threshold = {} if value is None else {"DATABASE_PREPARE_THRESHOLD": value}
        result = _python(
            probe,
            without={"DATABASE_PREPARE_THRESHOLD"},
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
            **threshold,
        )
        result.check_returncode()
        assert result.stdout.strip() == expected, value
