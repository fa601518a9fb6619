"""Files that appear under their name only when whole.

A worker killed while writing a PDF (or a disk that fills up) must not leave half a document where the service
and the recipient's email look for it. Every generated document is stored through `save_whole` (or
`save_whole_to`, for a model's file field), which goes through Django's storage API and so works with any backend:

- on the local file system (`FileSystemStorage`), the content is first saved under a temporary name in the same
  directory (`.partial-…`) and then hard-linked to its final name, which the file system does in one step and
  which, like Django's own save, never overwrites a file already there; the temporary name is then removed. A
  failure while writing removes the temporary file; a process killed while writing leaves only a `.partial-`
  file, which `remove_partial_files` (run by `manage.py resume_stalled_tasks`) clears once it is old;
- other storages (S3 and its kin) upload a whole object that appears only when the upload completes, so their
  own `save` is already all or nothing.
"""

import datetime
import os
import posixpath
import uuid

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models.fields.files import FieldFile

PARTIAL_PREFIX = ".partial-"


def save_whole(storage: Storage, name: str, content: bytes | File, *, max_length: int | None = None) -> str:
    """Save `content` as `name` (or the free name the storage picks, as `Storage.save` does) so that nothing is
    ever found under that name before the content is complete. Returns the name saved."""
    if isinstance(content, bytes):
        content = ContentFile(content)
    if not isinstance(storage, FileSystemStorage):
        return storage.save(name, content, max_length=max_length)
    name = storage.get_available_name(name, max_length=max_length)
    partial = posixpath.join(posixpath.dirname(name), f"{PARTIAL_PREFIX}{uuid.uuid4().hex}")
    try:
        partial = storage.save(partial, content)
        while True:
            try:
                os.link(storage.path(partial), storage.path(name))
                return name
            except FileExistsError:  # taken since get_available_name: pick again, as Storage.save does
                free = storage.get_available_name(name, max_length=max_length)
                # A storage set to overwrite (`allow_overwrite`) offers the same name: replace it in one step.
                if free == name:
                    os.replace(storage.path(partial), storage.path(name))
                    return name
                name = free
    finally:
        storage.delete(partial)


def save_whole_to(field_file: FieldFile, name: str, content: bytes) -> None:
    """`field_file.save(name, ContentFile(content), save=False)` through `save_whole`: the model's file field
    names the stored file (after its `upload_to`), and the caller saves the model."""
    field = field_file.field
    field_file.name = save_whole(
        field_file.storage,
        field.generate_filename(field_file.instance, name),
        content,
        max_length=field.max_length,
    )
    setattr(field_file.instance, field.attname, field_file.name)


def remove_partial_files(storage: Storage, *, older_than: datetime.timedelta) -> int:
    """Remove the temporary files of writes that a killed process never finished; a storage without such files
    (anything but the local file system) has none. Returns how many were removed."""
    if not isinstance(storage, FileSystemStorage) or not os.path.isdir(storage.location):
        return 0
    cutoff = (datetime.datetime.now(datetime.UTC) - older_than).timestamp()
    removed = 0
    for directory, _subdirectories, files in os.walk(storage.location):
        for file_name in files:
            path = os.path.join(directory, file_name)
            if file_name.startswith(PARTIAL_PREFIX) and os.path.getmtime(path) < cutoff:
                os.remove(path)
                removed += 1
    return removed
