"""Uploaded files: their type is decided by their content, never by their name."""

from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# filetype's names for the kinds the forms use.
DETECTED_KIND = {"jpg": "jpeg"}


def _detected_kind(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    return DETECTED_KIND.get(kind.extension, kind.extension)


def accepted_upload_kind(upload, *, kinds, max_mb: int) -> str:
    """The uploaded file's type as its content shows it; refused when too large or not one of `kinds`."""
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": max_mb}, code="too_large"
        )
    kind = _detected_kind(upload)
    if kind not in kinds:
        raise ValidationError(
            _("The file's content is not an accepted type. Accepted: %(kinds)s.")
            % {"kinds": ", ".join(kind.upper() for kind in kinds)},
            code="unaccepted_type",
        )
    return kind


def accepted_uploads(uploads, *, kinds, max_mb: int, field: str = "attachments") -> list[tuple[object, str]]:
    """Each upload with its type (`accepted_upload_kind`), checked all before any is stored; the first refused is
    refused on `field`, named by its file."""
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, accepted_upload_kind(upload, kinds=kinds, max_mb=max_mb)))
        except ValidationError as error:
            raise ValidationError(
                {
                    field: ValidationError(
                        f"{Path(upload.name or '').name}: {' '.join(error.messages)}", code=error.code
                    )
                }
            ) from error
    return checked
