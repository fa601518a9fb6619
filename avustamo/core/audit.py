from django.db import models

from avustamo.core.models import AuditEntry


def audit(*, acting_user, action: str, target: models.Model, **details) -> AuditEntry:
    """Record one state change; call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        details=_json_safe(details),
    )


def _json_safe(value):
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
