"""The backup archive: one tar file holding the database's dump, the attached files and a manifest.

    database.sqlite3 | database.pgdump   the database (SQLite's own copy, or pg_dump's custom format)
    files/<path>                          the tree of PRIVATE_MEDIA_ROOT, as it is on disk
    manifest.json                         written last: versions, counts, each member's sha256 and size

The tar is not compressed: pg_dump's custom format is compressed already and the attached files are
encrypted (incompressible), so gzip would cost time for little; an uncompressed tar is also read
by any tool (`tar tvf`). The encryption keys, the audit keys and the secret key are never in it.

An archive is written under a temporary name in its own directory, then renamed: a crash never
leaves a half archive under a good one's name. It is readable by its owner only.
"""

import hashlib
import io
import json
import os
import re
import secrets
import stat
import tarfile
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from filrouge.backups import database

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
TEMPORARY = ".tmp"
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """A backup or a restore refused or failed; the message says what to do, with no personal data."""


def filrouge_version() -> str:
    try:
        return metadata.version("filrouge")
    except metadata.PackageNotFoundError:
        return "0"


def version_key(version: str) -> tuple[int, ...]:
    """ "1.10.2" -> (1, 10, 2): the leading digits of each part, so "2.0rc1" reads (2, 0)."""
    return tuple(int(re.match(r"\d*", part).group() or 0) for part in version.split("."))


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: int
    rows: int
    files: int
    bytes: int


# --- Writing -----------------------------------------------------------------------------------


def temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMPORARY}")


def writable_directory(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise ArchiveError(
            f"The backup directory {directory} cannot be created ({error.strerror})."
        ) from None
    if not directory.is_dir() or not os.access(directory, os.W_OK | os.X_OK):
        raise ArchiveError(
            f"The backup directory {directory} is not a writable directory: nothing was written."
        )


class Hashing(io.RawIOBase):
    """A file read once, exactly `size` bytes, hashed on the way into the tar."""

    def __init__(self, file, size: int):
        self.file, self.left, self.sha256 = file, size, hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.file.read(min(len(buffer), self.left))
        self.left -= len(data)
        self.sha256.update(data)
        buffer[: len(data)] = data
        return len(data)


def add_file(tar: tarfile.TarFile, source: Path, name: str, members: dict) -> int | None:
    """Adds `source` as `name` with its checksum; None when it vanished meanwhile (the sweep)."""
    try:
        file = source.open("rb")
    except FileNotFoundError:
        return None
    with file:
        size = os.fstat(file.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(os.fstat(file.fileno()).st_mtime)
        # The open file keeps what it held even if the path is replaced meanwhile (files are only
        # ever replaced whole, by a rename), so `size` bytes are there to read.
        reader = Hashing(file, size)
        tar.addfile(info, reader)
        members[name] = {"sha256": reader.sha256.hexdigest(), "size": size}
        return size


def add_files(tar: tarfile.TarFile, root: Path, members: dict) -> tuple[int, int]:
    count = total = 0
    if not root.is_dir():
        return count, total
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            source = Path(directory, name)
            if not stat.S_ISREG(source.lstat().st_mode):
                continue  # only regular files are ever stored there
            relative = source.relative_to(root).as_posix()
            size = add_file(tar, source, f"{FILES}/{relative}", members)
            if size is not None:
                count, total = count + 1, total + size
    return count, total


def write(path: Path, *, alias: str = DEFAULT_DB_ALIAS, files_root: Path | None = None) -> Summary:
    """Writes the archive `path`: the database first, then the files. In that order, a file
    saved meanwhile is in the archive with no row to name it (harmless, the sweep removes it), and
    never a row whose file is missing."""
    path = Path(path).absolute()
    files_root = Path(settings.PRIVATE_MEDIA_ROOT if files_root is None else files_root)
    if path.exists():
        raise ArchiveError(f"{path} already exists: choose another name (an archive is never overwritten).")
    writable_directory(path.parent)
    temporary = temporary_name(path)
    members: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=temporary.name + ".") as work:
            dump_path = Path(work) / "dump"
            try:
                vendor, counts, migrations = database.dump(alias, dump_path)
            except database.DatabaseError as error:
                raise ArchiveError(str(error)) from None
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as target:
                with tarfile.open(fileobj=target, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    dump_name = database.DUMP_NAMES[vendor]
                    add_file(tar, dump_path, dump_name, members)
                    dump_path.unlink()
                    count, total = add_files(tar, files_root, members)
                    manifest = {
                        "format": FORMAT,
                        "filrouge_version": filrouge_version(),
                        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "database": {"vendor": vendor, "member": dump_name},
                        "migrations": migrations,
                        "tables": counts,
                        "files": {"count": count, "bytes": total},
                        "members": members,
                    }
                    content = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mode, info.mtime = len(content), 0o600, int(datetime.now(UTC).timestamp())
                    tar.addfile(info, io.BytesIO(content))
                target.flush()
                os.fsync(target.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directory(path.parent)
    return Summary(path, len(counts), sum(counts.values()), count, total)


def sync_directory(directory: Path) -> None:
    with suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --- Reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    path: Path
    manifest: dict

    @property
    def vendor(self) -> str:
        return self.manifest["database"]["vendor"]

    @property
    def dump_member(self) -> str:
        return self.manifest["database"]["member"]

    @property
    def file_members(self) -> list[str]:
        return sorted(name for name in self.manifest["members"] if name.startswith(f"{FILES}/"))


REQUIRED = {
    "format": int,
    "filrouge_version": str,
    "created_at": str,
    "database": dict,
    "migrations": dict,
    "tables": dict,
    "files": dict,
    "members": dict,
}


def damaged(path: Path, why: str) -> ArchiveError:
    return ArchiveError(f"The archive {path} is damaged: {why}. Nothing was restored; use another backup.")


def safe_member_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def read_manifest(path: Path, tar: tarfile.TarFile, names: dict) -> dict:
    if MANIFEST not in names:
        raise damaged(path, "it has no manifest (truncated, or not a filrouge backup)")
    try:
        manifest = json.loads(tar.extractfile(names[MANIFEST]).read())
    except (ValueError, tarfile.TarError, OSError):
        raise damaged(path, "its manifest cannot be read") from None
    if not isinstance(manifest, dict) or any(
        not isinstance(manifest.get(key), kind) for key, kind in REQUIRED.items()
    ):
        raise damaged(path, "its manifest is incomplete")
    return manifest


def check_versions(manifest: dict) -> None:
    if manifest["format"] > FORMAT:
        raise ArchiveError(
            f"This archive has format {manifest['format']}, newer than this filrouge reads ({FORMAT}): "
            f"install filrouge {manifest['filrouge_version']} or later first, then restore it."
        )
    unknown = database.unknown_migrations(manifest["migrations"])
    newer = version_key(manifest["filrouge_version"]) > version_key(filrouge_version())
    if unknown or newer:
        because = (
            f"it names migrations this version does not have ({', '.join(unknown[:5])})"
            if unknown
            else f"it was written by filrouge {manifest['filrouge_version']}"
        )
        raise ArchiveError(
            f"This archive comes from a newer filrouge than this one ({filrouge_version()}): {because}. "
            f"Install filrouge {manifest['filrouge_version']} first, then restore it. Nothing was restored."
        )


def verify(path: Path) -> Verified:
    """Reads the whole archive and checks it against its manifest, before anything is written:
    the tar readable, the manifest complete, every member present with its size and checksum,
    nothing else in it, and a version this code can restore."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path} is not a file.")
    try:
        with tarfile.open(path, mode="r:") as tar:
            names = {}
            for member in tar.getmembers():
                if not member.isfile() or not safe_member_name(member.name) or member.name in names:
                    raise damaged(path, f"it holds an unexpected entry ({member.name!r})")
                names[member.name] = member
            manifest = read_manifest(path, tar, names)
            members = manifest["members"]
            for name, expected in sorted(members.items()):
                member = names.get(name)
                if member is None:
                    raise damaged(path, f"{name} is missing")
                if member.size != expected.get("size") or checksum(tar, member) != expected.get("sha256"):
                    raise damaged(path, f"{name} does not match its checksum")
            extra = sorted(set(names) - set(members) - {MANIFEST})
            if extra:
                raise damaged(path, f"{extra[0]} is not in its manifest")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise damaged(path, f"it cannot be read as a tar file ({type(error).__name__})") from None
    database_part = manifest["database"]
    if database_part.get("vendor") not in database.DUMP_NAMES or database_part.get("member") not in members:
        raise damaged(path, "its manifest names no database")
    check_versions(manifest)
    return Verified(path, manifest)


def checksum(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    while chunk := source.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def extracted_dump(verified: Verified):
    """The database member as a file of a private temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="filrouge-restore-") as work:
        target = Path(work) / verified.dump_member
        with tarfile.open(verified.path, mode="r:") as tar, target.open("wb") as out:
            copy(
                tar.extractfile(verified.dump_member), out, verified.manifest["members"][verified.dump_member]
            )
        yield target


def copy(source, target, expected: dict) -> None:
    """Copies a member, checking its checksum again (the archive could change since `verify`)."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    if digest.hexdigest() != expected["sha256"]:
        raise ArchiveError("The archive changed while it was being restored: restore it again.")


def restore_files(verified: Verified, root: Path) -> tuple[int, int]:
    """Writes the archive's files under `root` (which is empty), owner-only."""
    count = total = 0
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(verified.path, mode="r:") as tar:
        for name in verified.file_members:
            expected = verified.manifest["members"][name]
            target = root.joinpath(*PurePosixPath(name).parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                copy(tar.extractfile(name), out, expected)
            count, total = count + 1, total + expected["size"]
    return count, total
