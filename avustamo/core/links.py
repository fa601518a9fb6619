from django.conf import settings
from django.urls import reverse
from django.utils import translation


def site_url(view_name: str, *, language: str | None = None, **kwargs) -> str:
    """An absolute address for emails and documents, in the recipient's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return settings.SITE_URL.rstrip("/") + reverse(view_name, kwargs=kwargs)
