"""The nightly backup, from the worker's schedule (`filrouge.background.schedule`).

One archive a night in `FILROUGE_BACKUP_DIR`, named after the night's date
(`filrouge-nightly-2026-12-06.tar`), and the last `FILROUGE_BACKUP_KEEP` of them kept; 0 turns it
off. A second run the same night keeps the archive already there. A run killed mid-way leaves only
temporary names (`.filrouge-nightly-….tmp…`), removed by the next run; the lock keeps two runs from
working at once (a retry beside a late run). Only the archives this task named are ever removed.
"""

import fcntl
import logging
import os
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.backups import archive

logger = logging.getLogger(__name__)

PREFIX = "filrouge-nightly-"
NIGHTLY = re.compile(rf"^{PREFIX}\d{{4}}-\d{{2}}-\d{{2}}\.tar$")
LEFTOVER = re.compile(rf"^\.{PREFIX}.*\.tmp")
LOCK = ".filrouge-nightly.lock"


def nightly_name(day) -> str:
    return f"{PREFIX}{day:%Y-%m-%d}.tar"


def remove_leftovers(directory: Path) -> int:
    removed = 0
    for entry in directory.iterdir():
        if LEFTOVER.match(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed += 1
    return removed


def prune(directory: Path, keep: int) -> list[str]:
    """Removes the nightly archives older than the last `keep` (their names sort by date)."""
    archives = sorted(entry.name for entry in directory.iterdir() if NIGHTLY.match(entry.name))
    removed = archives[:-keep] if keep else []
    for name in removed:
        (directory / name).unlink()
    return removed


@task
def nightly_backup() -> dict:
    """Writes the night's archive unless it exists, then keeps the last FILROUGE_BACKUP_KEEP."""
    keep = settings.BACKUP_KEEP
    if keep <= 0:
        return {"written": None, "removed": []}
    directory = Path(settings.BACKUP_DIR)
    try:
        archive.writable_directory(directory)
        directory.chmod(0o700)
    except (archive.ArchiveError, OSError) as error:
        raise PermanentFailure(
            f"Nightly backup: {error if isinstance(error, archive.ArchiveError) else error.strerror}; "
            "check FILROUGE_BACKUP_DIR and its permissions."
        ) from None
    descriptor = os.open(directory / LOCK, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TaskFailure(
                "Nightly backup: another run is writing the archive; tried again later."
            ) from None
        leftovers = remove_leftovers(directory)
        target = directory / nightly_name(timezone.localdate())
        written = None
        if not target.exists():
            try:
                summary = archive.write(target)
            except archive.ArchiveError as error:
                raise PermanentFailure(f"Nightly backup: {error}") from None
            except OSError as error:
                raise TaskFailure(f"Nightly backup not written ({error.strerror}).") from None
            written = target.name
            logger.info(
                "Nightly backup %s: %s tables, %s rows, %s files.",
                target.name,
                summary.tables,
                summary.rows,
                summary.files,
            )
        removed = prune(directory, keep)
    finally:
        os.close(descriptor)
    return {"written": written, "removed": removed, "leftovers": leftovers}
