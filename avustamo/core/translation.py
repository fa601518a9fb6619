"""Fields stored once per language (`title_fi`, `title_sv`, `title_en`) and read in the active language."""

from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGE_CODES = ("fi", "sv", "en")
FALLBACK_ORDER = {"fi": ("fi", "sv", "en"), "sv": ("sv", "fi", "en"), "en": ("en", "fi", "sv")}


def language_code(language: str | None = None) -> str:
    code = (language or get_language() or "fi").split("-")[0]
    return code if code in LANGUAGE_CODES else "fi"


def language_asked(accept_language: str) -> str | None:
    """The first of our languages an Accept-Language header names, by its weights; None when it names none."""
    for language, _weight in parse_accept_lang_header(accept_language or ""):
        code = language.split("-")[0]
        if code in LANGUAGE_CODES:
            return code
    return None


def address_in_language(url: str, language: str) -> str:
    """The same page in `language`: pages take their language from the path (/sv/..., /en/..., Finnish bare)."""
    return translate_url(url, language_code(language))


class Translated:
    """Descriptor giving the value in the active language, falling back to the other languages when empty."""

    def __init__(self, base_name: str):
        self.base_name = base_name

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return self.in_language(instance, language_code())

    def in_language(self, instance, language: str) -> str:
        return getattr(instance, f"{self.base_name}_{self.source_language(instance, language)}", "")

    def source_language(self, instance, language: str | None = None) -> str:
        """The language the shown value is actually written in, for the `lang` attribute of the page."""
        for code in FALLBACK_ORDER[language_code(language)]:
            if getattr(instance, f"{self.base_name}_{code}", ""):
                return code
        return language_code(language)
