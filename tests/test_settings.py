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
