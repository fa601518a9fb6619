"""Uploaded files: their type is decided by their content, never by their name.

The kind detected from the content also gives the stored file's extension (`stored_name`) and, when the file is
downloaded, its name and Content-Type (`core.downloads`), so a PDF sent as `x.html` is kept and served as a PDF.
Office documents (docx, xlsx, odt, ods) are zip archives: they are refused when they would unpack into more than
`MAX_UNPACKED_MB`, more than `MAX_MEMBERS` files or more than `MAX_PACKING_RATIO` times their own size (a zip
bomb), found by unpacking them as a reader would, not by trusting the sizes they declare.
"""

import zipfile
from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# filetype's names for the kinds the forms use.
DETECTED_KIND = {"jpg": "jpeg"}
FILETYPE_EXTENSION = {kind: extension for extension, kind in DETECTED_KIND.items()}
ZIP_KINDS = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "zip"}
MAX_UNPACKED_MB = 250
MAX_MEMBERS = 5000
# Text-heavy office documents pack 5–30 times; a spreadsheet of repeated cells up to a few dozen.
MAX_PACKING_RATIO = 100
UNPACK_CHUNK = 1024 * 1024


def content_type(kind: str) -> str:
    """The media type of a kind `accepted_upload_kind` returns."""
    detected = filetype.get_type(ext=FILETYPE_EXTENSION.get(kind, kind))
    return detected.mime if detected else "application/octet-stream"


def stored_name(upload_name: str, kind: str) -> str:
    """A safe file name for storage: the upload's own name without its extension, then the detected kind's."""
    return f"{get_valid_filename(Path(upload_name or '').stem)[:80] or 'file'}.{kind}"


def _refuse_zip_bomb(upload) -> None:
    limit = min(MAX_UNPACKED_MB * 1024 * 1024, max(upload.size, 1) * MAX_PACKING_RATIO)
    unpacked = 0
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ValidationError(
                    _("The document holds more than %(limit)s files inside it.") % {"limit": MAX_MEMBERS},
                    code="too_many_members",
                )
            for member in members:
                with archive.open(member) as unpacking:
                    while chunk := unpacking.read(UNPACK_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise ValidationError(
                                _(
                                    "The document unpacks to more than %(limit)s MB or more than %(ratio)s "
                                    "times its size; it cannot be accepted."
                                )
                                % {"limit": MAX_UNPACKED_MB, "ratio": MAX_PACKING_RATIO},
                                code="unpacks_too_large",
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        raise ValidationError(_("The document is damaged and cannot be read."), code="damaged") from error
    finally:
        upload.seek(0)


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
    if kind in ZIP_KINDS:
        _refuse_zip_bomb(upload)
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
