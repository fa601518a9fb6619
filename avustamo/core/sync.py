"""Idempotent loading of reference data and published history: a second run changes nothing."""

from typing import Literal

from django.db import models

Outcome = Literal["created", "updated", "unchanged"]


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, Outcome]:
    """Create the row, or update only the fields whose value differs; never write an unchanged row."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed)
    return instance, "updated"
