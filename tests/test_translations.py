"""Every text of the interface is translated into Finnish and Swedish, and the catalogues compile."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalogue_is_complete(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as source:
        catalogue = read_po(source, locale=language)
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            not all(message.string if isinstance(message.string, tuple) else [message.string])
            or message.fuzzy
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "Kirjaudu sisään"), ("sv", "Logga in"), ("en", "Sign in")],
)
def test_compiled_catalogue_is_in_use(language, expected):
    with translation.override(language):
        assert translation.gettext("Sign in") == expected
