"""What `filrouge backup` and `filrouge restore` refuse, each with a clear message and nothing
written to the target."""

import hashlib
import io
import json
import os
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from filrouge.backups import archive, database
from tests.backups import copies


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """A real archive of the test database as migrated (its referentials), with two files."""
    directory = tmp_path_factory.mktemp("small")
    files = directory / "uploads"
    (files / "1").mkdir(parents=True)
    (files / "1" / "a").write_bytes(b"first file")
    (files / "1" / "b").write_bytes(b"second file")
    path = directory / "small.tar"
    with django_db_blocker.unblock():
        archive.write(path, files_root=files)
    return path


def rewritten(source: Path, target: Path, change=None, *, drop=(), data=None) -> Path:
    """A copy of the archive `source` with its manifest changed by `change(manifest)`, members
    left out, or a member's content replaced (`data`: name -> bytes)."""
    data = data or {}
    with tarfile.open(source) as origin, tarfile.open(target, "w") as copy:
        for member in origin.getmembers():
            if member.name in drop:
                continue
            content = origin.extractfile(member).read()
            if member.name == archive.MANIFEST and change:
                manifest = json.loads(content)
                change(manifest)
                content = json.dumps(manifest).encode()
            content = data.get(member.name, content)
            member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    return target


def restore_in_place(path: Path) -> str:
    """Restores into the test database (never empty): the archive's own refusals come first."""
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    return str(refused.value)


def assert_nothing_restored(private_media: Path):
    assert not private_media.exists() or not any(private_media.iterdir())


# --- Restore ---------------------------------------------------------------------------------


def test_the_small_archive_restores_into_an_empty_target(small_archive, tmp_path):
    """The archive the refusals below damage is a good one."""
    env = copies.environment(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    if connection.vendor == "postgresql":
        pytest.skip("a PostgreSQL archive restores into PostgreSQL (test_round_trip.py)")
    result = copies.filrouge("restore", str(small_archive), env=env)
    assert result.returncode == 0, result.stderr
    assert "Files: 2 (21 bytes), as in the manifest." in result.stdout
    assert (tmp_path / "uploads" / "1" / "b").read_bytes() == b"second file"


@pytest.mark.django_db
def test_a_database_with_tables_is_refused(small_archive, private_media):
    message = restore_in_place(small_archive)
    assert "The target database is not empty" in message
    assert "Nothing was restored" in message
    assert_nothing_restored(private_media)


def test_a_files_directory_with_files_is_refused(small_archive, tmp_path):
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "there").write_bytes(b"x")
    target = tmp_path / "restored.sqlite3"
    result = copies.filrouge(
        "restore", str(small_archive), env=copies.environment(tmp_path, f"sqlite:///{target}")
    )
    assert result.returncode == 1
    assert f"The files directory {tmp_path / 'uploads'} is not empty" in result.stderr
    assert not target.exists()
    assert [path.name for path in (tmp_path / "uploads").iterdir()] == ["there"]


@pytest.mark.django_db
def test_a_member_changed_by_one_byte_is_refused_by_its_checksum(small_archive, tmp_path, private_media):
    with tarfile.open(small_archive) as tar:
        member = tar.getmember("files/1/b")
    content = bytearray(small_archive.read_bytes())
    content[member.offset_data + 3] ^= 0x01
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(content))
    message = restore_in_place(damaged)
    assert "is damaged: files/1/b does not match its checksum" in message
    assert_nothing_restored(private_media)


@pytest.mark.django_db
def test_a_damaged_database_dump_is_refused(small_archive, tmp_path, private_media):
    with tarfile.open(small_archive) as tar:
        dump = next(name for name in tar.getnames() if name.startswith("database."))
        member = tar.getmember(dump)
    content = bytearray(small_archive.read_bytes())
    content[member.offset_data + member.size // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(content))
    assert f"{dump} does not match its checksum" in restore_in_place(damaged)
    assert_nothing_restored(private_media)


@pytest.mark.django_db
@pytest.mark.parametrize("cut_in", ["database", "manifest"])
def test_a_truncated_archive_is_refused(small_archive, tmp_path, private_media, cut_in):
    with tarfile.open(small_archive) as tar:
        member = next(member for member in tar.getmembers() if member.name.startswith(cut_in))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(small_archive.read_bytes()[: member.offset_data + member.size // 2])
    message = restore_in_place(truncated)
    assert f"The archive {truncated} is damaged" in message
    assert "use another backup" in message
    assert_nothing_restored(private_media)


@pytest.mark.django_db
def test_a_file_that_is_not_a_tar_is_refused(tmp_path, private_media):
    other = tmp_path / "notes.tar"
    other.write_bytes(b"not an archive at all" * 100)
    assert "is damaged" in restore_in_place(other)


@pytest.mark.django_db
def test_a_missing_member_is_refused(small_archive, tmp_path, private_media):
    missing = rewritten(small_archive, tmp_path / "missing.tar", drop={"files/1/a"})
    assert "is damaged: files/1/a is missing" in restore_in_place(missing)
    assert_nothing_restored(private_media)


@pytest.mark.django_db
def test_a_member_outside_the_manifest_is_refused(small_archive, tmp_path, private_media):
    def unlisted(manifest):
        del manifest["members"]["files/1/a"]

    assert "files/1/a is not in its manifest" in restore_in_place(
        rewritten(small_archive, tmp_path / "extra.tar", unlisted)
    )


@pytest.mark.django_db
def test_an_archive_naming_a_migration_this_code_lacks_is_refused(small_archive, tmp_path, private_media):
    def newer(manifest):
        manifest["migrations"]["people"] = "9999_from_the_future"

    message = restore_in_place(rewritten(small_archive, tmp_path / "newer.tar", newer))
    assert "This archive comes from a newer filrouge" in message
    assert "people.9999_from_the_future" in message
    assert "install filrouge" in message.lower()
    assert_nothing_restored(private_media)


@pytest.mark.django_db
def test_an_archive_of_a_higher_version_is_refused(small_archive, tmp_path, private_media):
    def newer(manifest):
        manifest["filrouge_version"] = "999.0.0"

    message = restore_in_place(rewritten(small_archive, tmp_path / "newer.tar", newer))
    assert "it was written by filrouge 999.0.0" in message
    assert "Install filrouge 999.0.0 first" in message
    assert_nothing_restored(private_media)


def test_an_older_archive_restores_and_says_to_upgrade(small_archive, tmp_path):
    """An archive from before the latest migration of an app: restored, then `filrouge upgrade`."""
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite copy below stands for any older archive")
    with tarfile.open(small_archive) as tar:
        dump = tar.extractfile("database.sqlite3").read()
        manifest = json.loads(tar.extractfile(archive.MANIFEST).read())
    copy = tmp_path / "older.sqlite3"
    copy.write_bytes(dump)
    app = "people"
    with sqlite3.connect(copy) as older:
        # As if the latest migration of the people app had not been applied yet.
        older.execute(
            "DELETE FROM django_migrations WHERE app = ? AND name = ?", [app, manifest["migrations"][app]]
        )
        remaining = older.execute("SELECT max(name) FROM django_migrations WHERE app = ?", [app]).fetchone()[
            0
        ]
    older.close()
    content = copy.read_bytes()

    def older_manifest(manifest):
        manifest["migrations"][app] = remaining
        manifest["tables"]["django_migrations"] -= 1
        manifest["members"]["database.sqlite3"] = {
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
        }

    older_archive = rewritten(
        small_archive, tmp_path / "older.tar", older_manifest, data={"database.sqlite3": content}
    )
    result = copies.filrouge(
        "restore", str(older_archive), env=copies.environment(tmp_path, f"sqlite:///{tmp_path / 'r.sqlite3'}")
    )
    assert result.returncode == 0, result.stderr
    assert "older filrouge (1 migration to apply): run `filrouge upgrade`" in result.stdout


@pytest.mark.django_db
def test_restoring_a_postgresql_archive_without_pg_restore_says_what_to_install(
    small_archive, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(database.DatabaseError) as refused:
        database.require("pg_restore")
    assert "pg_restore was not found" in str(refused.value)
    assert "apt install postgresql-client" in str(refused.value)


def test_restoring_without_pg_restore_says_what_to_install_and_restores_nothing(
    small_archive, tmp_path, empty_target
):
    if connection.vendor != "postgresql":
        pytest.skip("a SQLite archive needs no client program")
    env = copies.environment(tmp_path, empty_target, PATH=str(tmp_path / "empty"))
    result = copies.filrouge("restore", str(small_archive), env=env)
    assert result.returncode == 1
    assert "pg_restore was not found" in result.stderr
    assert "apt install postgresql-client" in result.stderr
    assert not (tmp_path / "uploads").exists()


# --- Backup ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_backup_without_pg_dump_says_what_to_install_and_writes_nothing(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite needs no client program")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(CommandError, match="pg_dump was not found.*apt install postgresql-client"):
        call_command("backup", str(tmp_path / "out" / "b.tar"))
    assert not any((tmp_path / "out").iterdir())


@pytest.mark.django_db
def test_a_backup_into_a_path_that_cannot_be_a_directory_is_refused(tmp_path):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(CommandError, match="The backup directory .* cannot be created"):
        call_command("backup", str(tmp_path / "a-file" / "b.tar"))


@pytest.mark.django_db
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_a_backup_into_a_read_only_directory_is_refused(tmp_path):
    (tmp_path / "read-only").mkdir(mode=0o500)
    with pytest.raises(CommandError, match="is not a writable directory: nothing was written"):
        call_command("backup", str(tmp_path / "read-only" / "b.tar"))
    assert not any((tmp_path / "read-only").iterdir())


def test_an_existing_archive_is_never_overwritten(small_archive):
    before = small_archive.read_bytes()
    with pytest.raises(archive.ArchiveError, match="already exists"):
        archive.write(small_archive)
    assert small_archive.read_bytes() == before


# --- The keys ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_keys_are_never_in_the_archive(tmp_path, settings):
    """Installed as a local installation lays them out: key files beside the files directory."""
    var = tmp_path / "var"
    settings.PRIVATE_MEDIA_ROOT = var / "uploads"
    (var / "uploads" / "1").mkdir(parents=True)
    (var / "uploads" / "1" / "f").write_bytes(b"stored file")
    secrets_on_disk = {
        var / "encryption_keys": ",".join(settings.ENCRYPTION_KEYS).encode(),
        var / "audit_keys": ",".join(settings.AUDIT_KEYS).encode(),
        var / "secret_key": settings.SECRET_KEY.encode(),
    }
    for path, content in secrets_on_disk.items():
        path.write_bytes(content)
    settings.ENCRYPTION_KEY_FILE, settings.AUDIT_KEY_FILE = var / "encryption_keys", var / "audit_keys"

    path = var / "backups" / "b.tar"
    call_command("backup", str(path))

    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert set(names) == {
        database.DUMP_NAMES[database.POSTGRESQL if connection.vendor == "postgresql" else database.SQLITE],
        "files/1/f",
        "manifest.json",
    }
    content = path.read_bytes()
    for key in [*settings.ENCRYPTION_KEYS, *settings.AUDIT_KEYS, settings.SECRET_KEY]:
        assert key.encode() not in content
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
