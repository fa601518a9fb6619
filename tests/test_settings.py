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


def _settings_with(**environment) -> str:
    env = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
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
    env = os.environ | {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "DATABASE_PREPARE_THRESHOLD": "of",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import avustamo.settings"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
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
        env = os.environ | {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
        env.pop("DATABASE_PREPARE_THRESHOLD", None)
        if value is not None:
            env["DATABASE_PREPARE_THRESHOLD"] = value
        result = subprocess.run(
            [sys.executable, "-c", probe],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == expected, value
