"""Backup and restore of a whole installation: its database and its stored files in one archive.

The archive is a gzipped tar: the database (PostgreSQL's `pg_dump` custom format, or a copy of the SQLite file made
with SQLite's online backup), every file of the default storage (the local MEDIA_ROOT or the S3 bucket) under
`files/`, and `manifest.json`: when and by which version it was made, the migrations applied to the database, and
the size and SHA-256 of the database and of each file. A restore checks every checksum before it changes anything,
writes the files and then the database, and refuses a target that already holds data unless told to replace it.
docs/reliability.md, "Backup and restore", says how to run both.
"""

import datetime
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from avustamo.core.models import AuditEntry

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; nothing was changed, and the message says why."""


@dataclass
class BackupSummary:
    path: Path
    database_vendor: str
    database_bytes: int
    files: int
    file_bytes: int
    archive_bytes: int
    seconds: float


@dataclass
class RestoreSummary:
    made_at: str
    version: str
    database_vendor: str
    files: int
    file_bytes: int
    seconds: float
    migrations_to_apply: list[str] = field(default_factory=list)


def backup_create(
    output: Path, *, using: str = "default", storage: Storage = default_storage
) -> BackupSummary:
    """Write the archive of the database `using` and of `storage` to `output` (a directory gets a dated name).

    The database is copied first and the files after it, so every file the copied database names is in the
    archive; a file added meanwhile may be in it too, named by no row. The archive appears under its name only
    when complete."""
    started = time.monotonic()
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"backups are made of PostgreSQL and SQLite databases, not {vendor}")
    made_at = datetime.datetime.now(datetime.UTC)
    if output.is_dir():
        output = output / f"avustamo-backup-{made_at:%Y%m%dT%H%M%SZ}.tar.gz"
    partial = output.with_name(f".{output.name}.partial")
    manifest = {
        "format": ARCHIVE_FORMAT,
        "made_at": made_at.isoformat(timespec="seconds"),
        "avustamo_version": _version(),
        "django_version": django.get_version(),
        "migrations": _applied_migrations(connection),
    }
    try:
        with tempfile.TemporaryDirectory(prefix="avustamo-backup-") as work:
            dump = Path(work) / DATABASE_MEMBER[vendor]
            if vendor == "postgresql":
                _pg_dump(connection, dump)
            else:
                _sqlite_copy(connection.settings_dict["NAME"], dump)
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                manifest["database"] = {"vendor": vendor, **_add(archive, dump.name, dump.open("rb"))}
                manifest["files"] = []
                for name in _stored_names(storage):
                    try:
                        source = storage.open(name, "rb")
                    except FileNotFoundError:  # removed since listed: a deleted attachment, a temporary name
                        continue
                    manifest["files"].append({"name": name, **_add(archive, FILES + name, source)})
                _add(archive, MANIFEST, io.BytesIO(json.dumps(manifest, indent=1).encode()))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(
        path=output,
        database_vendor=vendor,
        database_bytes=manifest["database"]["size"],
        files=len(manifest["files"]),
        file_bytes=sum(entry["size"] for entry in manifest["files"]),
        archive_bytes=output.stat().st_size,
        seconds=time.monotonic() - started,
    )


def backup_restore(
    archive_path: Path, *, using: str = "default", storage: Storage = default_storage, replace: bool = False
) -> RestoreSummary:
    """Restore the archive into the database `using` and into `storage`.

    Refused, with nothing changed, when the archive is damaged (a checksum, a size or a member differs from its
    manifest), was made of another kind of database or by a version with migrations this code lacks, or when the
    target holds data and `replace` is not given."""
    started = time.monotonic()
    connection = connections[using]
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 (closed by the block below)
    except (tarfile.TarError, OSError) as error:
        raise BackupError(
            f"{archive_path} cannot be read as a backup ({error}); nothing was restored"
        ) from None
    with archive:
        try:
            manifest = _manifest(archive)
            _refuse_unless_restorable(archive, manifest, connection, storage, replace=replace)
        except BackupError as refusal:
            raise BackupError(f"{refusal}; nothing was restored") from None
        vendor = manifest["database"]["vendor"]
        for entry in manifest["files"]:
            _restore_file(storage, entry["name"], archive.extractfile(FILES + entry["name"]), entry["size"])
        with tempfile.TemporaryDirectory(prefix="avustamo-restore-") as work:
            dump = Path(work) / DATABASE_MEMBER[vendor]
            with archive.extractfile(dump.name) as source, dump.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            connection.close()
            if vendor == "postgresql":
                _pg_restore(connection, dump)
            else:
                _sqlite_copy(dump, connection.settings_dict["NAME"])
    connection.close()
    return RestoreSummary(
        made_at=manifest["made_at"],
        version=manifest["avustamo_version"],
        database_vendor=vendor,
        files=len(manifest["files"]),
        file_bytes=sum(entry["size"] for entry in manifest["files"]),
        seconds=time.monotonic() - started,
        migrations_to_apply=_migrations_missing_from(manifest["migrations"]),
    )


def _refuse_unless_restorable(archive, manifest, connection, storage, *, replace: bool) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"the backup is of a {vendor} database and this installation uses {connection.vendor}"
        )
    unknown = _migrations_unknown_to_this_code(manifest["migrations"])
    if unknown:
        raise BackupError(
            "the backup was made by a newer version: this code lacks its migrations " + ", ".join(unknown[:5])
        )
    _check_members(archive, manifest)
    if not replace:
        held = _data_held(connection, storage)
        if held:
            raise BackupError(f"the target already holds data ({held}); give --replace to overwrite it")


# --- The database ----------------------------------------------------------------------------------------------


def _sqlite_copy(source: Path | str, target: Path | str) -> None:
    """SQLite's online backup: a consistent copy even while the service writes, and it replaces all of `target`."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _pg_dump(connection, dump: Path) -> None:
    _run_postgresql_tool(
        connection, "pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"]
    )


def _pg_restore(connection, dump: Path) -> None:
    """One transaction: a restore that fails leaves the database as it was. `--clean` drops what the backup
    recreates, so a database that was migrated before the restore takes it too."""
    _run_postgresql_tool(
        connection,
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", str(dump)],
    )


def _run_postgresql_tool(connection, tool: str, arguments: list[str]) -> None:
    executable = _postgresql_tool(tool)
    server_major = _server_major(connection)
    client = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True).stdout
    client_major = int(re.search(r"(\d+)(?:\.\d+)?", client).group(1))
    if client_major < server_major:
        raise BackupError(
            f"{executable} is of PostgreSQL {client_major} and the server of {server_major}: set "
            f"POSTGRESQL_BIN_DIR to the directory of version {server_major}'s tools"
        )
    database = connection.settings_dict
    environment = {
        **os.environ,
        "PGHOST": str(database["HOST"] or ""),
        "PGPORT": str(database["PORT"] or ""),
        "PGUSER": str(database["USER"] or ""),
    }
    if database["PASSWORD"]:
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    if "sslmode" in database["OPTIONS"]:
        environment["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    command = [executable, f"--dbname={database['NAME']}", *arguments]
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{tool} failed and changed nothing: {result.stderr.strip()[-2000:]}")


def _postgresql_tool(tool: str) -> str:
    directory = settings.POSTGRESQL_BIN_DIR
    found = str(Path(directory) / tool) if directory else shutil.which(tool)
    if not found or not Path(found).exists():
        raise BackupError(
            f"{tool} was not found: install PostgreSQL's client tools or set POSTGRESQL_BIN_DIR"
        )
    return found


def _server_major(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _applied_migrations(connection) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _code_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _migrations_unknown_to_this_code(applied: dict[str, list[str]]) -> list[str]:
    known = _code_migrations()
    return [f"{app}.{name}" for app, names in applied.items() for name in names if (app, name) not in known]


def _migrations_missing_from(applied: dict[str, list[str]]) -> list[str]:
    done = {(app, name) for app, names in applied.items() for name in names}
    return sorted(f"{app}.{name}" for app, name in _code_migrations() - done)


def _data_held(connection, storage: Storage) -> str:
    """What of an installation's data the target holds already: '' for a fresh one (not migrated, or migrated
    only: migrations enter reference data but no person and no audited act)."""
    tables = connection.introspection.table_names()
    held = [
        f"rows of {model._meta.label}"
        for model in (get_user_model(), AuditEntry)
        if model._meta.db_table in tables and model.objects.using(connection.alias).exists()
    ]
    if next(_stored_names(storage), None) is not None:
        held.append("stored files")
    return ", ".join(held)


# --- The files and the archive ---------------------------------------------------------------------------------


def _stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file of the storage, walked through the storage API (a local directory or a bucket alike)."""
    try:
        subdirectories, files = storage.listdir(directory)
    except FileNotFoundError:  # a fresh installation's MEDIA_ROOT, made with its first file
        return
    for name in sorted(files):
        yield f"{directory}{name}"
    for subdirectory in sorted(subdirectories):
        yield from _stored_names(storage, f"{directory}{subdirectory}/")


def _add(archive: tarfile.TarFile, name: str, source) -> dict:
    """Add `source` (closed afterwards) to the archive as `name`; its size and SHA-256."""
    digest = hashlib.sha256()
    with source, tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as spooled:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            spooled.write(chunk)
        size = spooled.tell()
        spooled.seek(0)
        member = tarfile.TarInfo(name)
        member.size = size
        member.mtime = int(time.time())
        archive.addfile(member, spooled)
    return {"size": size, "sha256": digest.hexdigest()}


def _manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except KeyError:
        raise BackupError("this is not an Avustamo backup: it has no manifest.json") from None
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _check_members(archive: tarfile.TarFile, manifest: dict) -> None:
    """Every member the manifest names, of its size and checksum, and nothing else."""
    expected = {FILES + entry["name"]: entry for entry in manifest["files"]}
    expected[DATABASE_MEMBER[manifest["database"]["vendor"]]] = manifest["database"]
    seen = set()
    for member in archive:
        if member.name == MANIFEST:
            continue
        entry = expected.get(member.name)
        if entry is None or not member.isfile():
            raise BackupError(f"the archive holds {member.name}, which its manifest does not name")
        digest = hashlib.sha256()
        with archive.extractfile(member) as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
        if member.size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"{member.name} is damaged: its checksum differs from the manifest's")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"the archive lacks {', '.join(missing[:5])}")


def _restore_file(storage: Storage, name: str, source, size: int) -> None:
    if storage.exists(name):
        storage.delete(name)
    with source:
        saved = storage.save(name, File(source, name=name))
    if saved != name or storage.size(saved) != size:
        raise BackupError(f"{name} could not be restored under its own name (stored as {saved})")


def _version() -> str:
    return importlib.metadata.version("avustamo")
