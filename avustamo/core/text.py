"""Text no database can hold: U+0000, lone surrogates (U+D800–U+DFFF), and more characters than a column takes.

PostgreSQL refuses U+0000 in text; a lone surrogate is not a character at all, so it cannot be encoded as UTF-8:
SQLite keeps one inside JSON (as the escape `\\ud800`) and every page that later shows it fails. PostgreSQL refuses
text longer than its column, SQLite stores it. Requests carrying NUL or a surrogate are refused by
`core.middleware`; this guard refuses all three in every model of the service before the row is written, whatever
called `save()`, so a service called with such text refuses it like any other invalid input, on both databases.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def unstorable_path(value, path: str = "") -> str | None:
    """Where in `value` (text, or JSON made of dicts and lists) a NUL or lone surrogate is, as `a.b.0`; None if
    nowhere."""
    if isinstance(value, str):
        return path if UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, entry in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if UNSTORABLE.search(str(key)):
                return inner
            found = unstorable_path(entry, inner)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, entry in enumerate(value):
            found = unstorable_path(entry, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def refuse_unstorable(instance, update_fields=None) -> None:
    """A ValidationError naming the field when any text of `instance` holds NUL or a lone surrogate, or is longer
    than its column. Runs before every save; call it for rows written with bulk_create, which skips pre_save."""
    for field in type(instance)._meta.concrete_fields:
        if not isinstance(field, TEXT_FIELDS) or (update_fields and field.name not in update_fields):
            continue
        value = getattr(instance, field.attname)
        if (
            isinstance(field, models.CharField)
            and isinstance(value, str)
            and len(value) > (field.max_length or len(value))
        ):
            raise ValidationError(
                _("%(field)s is longer than %(limit)s characters.")
                % {"field": str(field.verbose_name).capitalize(), "limit": field.max_length},
                code="too_long",
            )
        if unstorable_path(value) is not None:
            raise ValidationError(
                _(
                    "%(field)s contains a character that cannot be stored (U+0000 or a lone surrogate "
                    "U+D800–U+DFFF); remove it and try again."
                )
                % {"field": str(field.verbose_name).capitalize()},
                code="unstorable_character",
            )


def refuse_unstorable_text(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """pre_save of every model of the service (`CoreConfig.ready`); fixtures loaded raw are trusted."""
    if not raw:
        refuse_unstorable(instance, update_fields)
