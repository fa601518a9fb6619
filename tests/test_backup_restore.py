"""Backup and restore (issue 15 §2): `manage.py backup` writes the database and every stored file into one archive,
and `manage.py restore`, run by a fresh installation of its own (another process, another database, another media
directory), brings back every row and every file's bytes; a damaged archive or a target that holds data is refused
with nothing changed. The suite's database decides which kind is tested: SQLite by default, PostgreSQL when
DATABASE_URL names one (a database of the test's own is then created beside the suite's and dropped after). The
files are in local directories, or in buckets of moto's S3 server (tests/s3_stand_in.py)."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from avustamo.core.backup import MANIFEST
from tests.factories import ReportFactory, UserFactory
from tests.s3_stand_in import new_bucket

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
# A few facts of each kind, compared field by field besides the row counts.
FIELDS = {
    "applications_application": "id, register_number, status, answers, requested_amount, submitted_at",
    "decisions_decision": "id, status, amount, document, purpose",
    "reports_reportattachment": "id, report_id, file, original_name, size",
    "core_auditentry": "id, action, target_id, occurred_at, details",
}


@dataclass
class FileStore:
    """Where an installation keeps its files: the environment another installation is given to use it, and
    every file in it by its stored name."""

    environment: dict[str, str]
    files: Callable[[], dict[str, bytes]]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(media):
    """An installation's data with files: a submitted application with its receipt, a published decision with its
    documents, a grant and a sent final report with its attachment."""
    report = ReportFactory.sent()
    assert len(_files(media)) >= 3
    return report


@pytest.fixture(params=["local", "s3"])
def file_stores(request, media, tmp_path) -> tuple[FileStore, FileStore]:
    """The suite's file store and a fresh one of the same kind: local directories, or buckets of moto's S3."""
    if request.param == "local":
        restored = tmp_path / "restored-media"
        return (
            FileStore({"MEDIA_ROOT": str(media)}, lambda: _files(media)),
            FileStore({"MEDIA_ROOT": str(restored)}, lambda: _files(restored)),
        )
    source = request.getfixturevalue("bucket")
    target = new_bucket(request.getfixturevalue("moto_s3"))
    return FileStore(source.environment, source.stored_files), FileStore(
        target.environment, target.stored_files
    )


def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def _snapshot(cursor) -> dict:
    """The row count of every model's table and the rows of FIELDS, read with any DB-API cursor."""
    counts = {}
    for table in _tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    # The restored database is at the code's migrations: nothing for `manage.py migrate` to do.
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    rows = {"django_migrations": [tuple(row) for row in cursor.fetchall()]}
    for table, columns in FIELDS.items():
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")
        rows[table] = [tuple(row) for row in cursor.fetchall()]
    return {"counts": counts, "rows": rows}


def _files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def _server_url() -> str:
    server = connection.settings_dict
    return f"postgres://{server['USER']}:{server['PASSWORD'] or ''}@{server['HOST']}:{server['PORT'] or 5432}"


def _url(name: str) -> str:
    """The address of a database of the suite's kind: a file for SQLite, one of the suite's server's otherwise."""
    return f"sqlite:///{name}" if connection.vendor == "sqlite" else f"{_server_url()}/{name}"


def _snapshot_of(database_url: str) -> dict:
    """The snapshot read with the driver itself, alike for the suite's database and the restored one."""
    if database_url.startswith("sqlite:///"):
        opened = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    else:
        opened = psycopg.connect(database_url.replace("postgres://", "postgresql://", 1))
    with closing(opened), closing(opened.cursor()) as cursor:
        return _snapshot(cursor)


@contextmanager
def _fresh_database(tmp_path):
    """The address of a database no installation has used yet."""
    if connection.vendor == "sqlite":
        yield _url(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    administration = f"{_server_url()}/postgres".replace("postgres://", "postgresql://", 1)
    with psycopg.connect(administration, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(name)
    finally:
        with psycopg.connect(administration, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*arguments, database_url: str, file_store: FileStore) -> subprocess.CompletedProcess:
    """`manage.py` of another installation: the production settings, its own database and file store."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FILE_STORAGE_S3_", "DJANGO_SETTINGS_MODULE"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "avustamo.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "restore-test-only",
        **file_store.environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _backup(tmp_path) -> Path:
    output = io.StringIO()
    call_command("backup", output=tmp_path, stdout=output)
    (archive,) = tmp_path.glob("avustamo-backup-*.tar.gz")
    assert str(archive) in output.getvalue()
    return archive


def test_a_fresh_installation_restores_every_row_and_every_file(file_stores, tmp_path):
    stored, fresh = file_stores
    ReportFactory.sent()  # as the `installation` fixture, in either file store
    before = _snapshot_of(_url(connection.settings_dict["NAME"]))
    files_before = stored.files()
    assert len(files_before) >= 3
    archive = _backup(tmp_path)

    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile(MANIFEST))
    assert manifest["database"]["vendor"] == connection.vendor
    assert {entry["name"] for entry in manifest["files"]} == set(files_before)
    recorded = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    assert (
        recorded
        == set(MigrationRecorder(connection).applied_migrations())
        == set(MigrationLoader(None).disk_migrations)
    )

    with _fresh_database(tmp_path) as database_url:
        restore = _manage("restore", "--input", str(archive), database_url=database_url, file_store=fresh)
        assert restore.returncode == 0, restore.stderr
        assert f"{len(files_before)} files" in restore.stdout and "every checksum checked" in restore.stdout
        after = _snapshot_of(database_url)

    assert after == before
    assert before["counts"]["reports_reportattachment"] == 1 and before["counts"]["decisions_decision"] == 1
    assert fresh.files() == files_before


def test_a_target_that_holds_data_is_refused_unless_replaced(installation, media, tmp_path):
    archive = _backup(tmp_path)
    UserFactory(email="later@example.org")
    receipt = next(path for path in media.rglob("*") if path.is_file() and "receipts" in path.parts)
    receipt_bytes = receipt.read_bytes()
    receipt.unlink()
    with connection.cursor() as cursor:
        before = _snapshot(cursor)

    with pytest.raises(CommandError, match=r"already holds data .*give --replace.*nothing was restored"):
        call_command("restore", input=archive)
    with connection.cursor() as cursor:
        assert _snapshot(cursor) == before
    assert not receipt.exists()

    call_command("restore", input=archive, replace=True, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user WHERE email = 'later@example.org'")
        assert cursor.fetchone()[0] == 0
    assert receipt.read_bytes() == receipt_bytes


def _a_pdf_altered(members: dict, manifest: dict) -> str:
    name = next(name for name in members if name.startswith("files/") and name.endswith(".pdf"))
    members[name] = members[name].replace(b"%PDF", b"%PDX", 1)
    return rf"{name} is damaged: its checksum differs"


def _a_file_lost(members: dict, manifest: dict) -> str:
    name = next(name for name in members if name.startswith("files/"))
    del members[name]
    return rf"the archive lacks {name}"


def _a_file_added(members: dict, manifest: dict) -> str:
    members["files/added.pdf"] = b"%PDF-1.4 added"
    return r"the archive holds files/added.pdf, which its manifest does not name"


def _made_by_a_newer_version(members: dict, manifest: dict) -> str:
    manifest["migrations"]["applications"].append("9999_of_a_newer_version")
    return r"made by a newer version: this code lacks its migrations applications.9999_of_a_newer_version"


def _of_the_other_kind_of_database(members: dict, manifest: dict) -> str:
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    manifest["database"]["vendor"] = other
    return rf"the backup is of a {other} database and this installation uses {connection.vendor}"


def _without_its_manifest(members: dict, manifest: dict) -> str:
    manifest.clear()
    return r"this is not an Avustamo backup: it has no manifest.json"


@pytest.mark.parametrize(
    "damage",
    [
        _a_pdf_altered,
        _a_file_lost,
        _a_file_added,
        _made_by_a_newer_version,
        _of_the_other_kind_of_database,
        _without_its_manifest,
    ],
)
def test_an_archive_that_cannot_be_restored_is_refused_and_nothing_changes(
    installation, media, tmp_path, damage
):
    archive = _backup(tmp_path)
    with tarfile.open(archive) as original:
        members = {member.name: original.extractfile(member).read() for member in original}
    manifest = json.loads(members.pop(MANIFEST))
    reason = damage(members, manifest)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as copy:
        for name, content in [
            *members.items(),
            *([(MANIFEST, json.dumps(manifest).encode())] if manifest else []),
        ]:
            member = tarfile.TarInfo(name)
            member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    UserFactory(email="later@example.org")
    with connection.cursor() as cursor:
        before = _snapshot(cursor)
    files_before = _files(media)

    with pytest.raises(CommandError, match=rf"{reason}.*; nothing was restored"):
        call_command("restore", input=damaged, replace=True)
    with connection.cursor() as cursor:
        assert _snapshot(cursor) == before
    assert _files(media) == files_before


def test_a_file_that_is_no_archive_is_refused(media, tmp_path):
    not_an_archive = tmp_path / "backup.tar.gz"
    not_an_archive.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match=r"cannot be read as a backup .*; nothing was restored"):
        call_command("restore", input=not_an_archive, replace=True)
    assert not media.exists()


def test_a_file_removed_while_the_backup_runs_is_left_out(installation, media, tmp_path, monkeypatch):
    listdir = FileSystemStorage.listdir

    def listdir_naming_a_file_removed_meanwhile(storage, path):
        directories, files = listdir(storage, path)
        return directories, [*files, "removed-meanwhile.pdf"] if path == "" else files

    monkeypatch.setattr(FileSystemStorage, "listdir", listdir_naming_a_file_removed_meanwhile)
    archive = _backup(tmp_path)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile(MANIFEST))
    assert {entry["name"] for entry in manifest["files"]} == set(_files(media))
