"""Attached files on disk: encrypted, and under their final name only once their row is saved.

An upload is written encrypted (`core.filecrypto`) under a temporary name, its final name plus
".part", in the same directory, and moved to its final name (os.replace, atomic) when the
transaction that saved its row commits. A rollback, or a worker killed before the commit,
leaves only the temporary file: the end of the request removes it after a rollback, and
`filrouge files sweep` removes what a dead worker left. Whoever sees a row reads its final file
or, within the transaction that wrote it (or when a worker died between the commit and the
move), its temporary one: a row is visible only to its own transaction or once committed.
"""

import os
import re
import secrets
import shutil
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from filrouge.core import crypto, filecrypto

PART = ".part"
# What the sweep recognises: `<organisation>/<random id>`, and its temporary names (an upload's,
# `<id>.part`, and a rewrite's, `<id>.<random>.part`). Nothing else under the root is touched.
STORED = re.compile(r"\d+/[0-9a-f]{32}")
TEMPORARY = re.compile(r"(\d+/[0-9a-f]{32})(\.[0-9a-f]{8})?\.part")
# A file younger than this may belong to a request still running: the sweep leaves it.
SWEEP_AGE = 3600

# Uploads of this thread whose transaction has not committed yet: final path -> the callback
# that moves the file on commit. Django has no hook for a rollback: a file whose callback was
# dropped (its transaction or savepoint rolled back) has no row any more. A callback still
# queued belongs to a transaction that is still open (a caller's, or a test's).
_pending = threading.local()


def pending() -> dict:
    if not hasattr(_pending, "files"):
        _pending.files = {}
    return _pending.files


def temporary_path(final: Path) -> Path:
    return final.with_name(final.name + PART)


# --- Writing -----------------------------------------------------------------------------------


def write_new(path: Path, fill) -> None:
    """A new file (owner-only) filled by `fill(target)` and on disk before this returns; removed
    if anything fails on the way."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as target:
            fill(target)
            target.flush()
            os.fsync(target.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def replace(path: Path, fill) -> None:
    """Writes `path` anew, atomically: readers see the old content or the new one, never a mix."""
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}{PART}")
    write_new(temporary, fill)
    os.replace(temporary, path)


def write(final: Path, content) -> None:
    """Stores `content` encrypted under the temporary name of `final`; moved there on commit."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if hasattr(content, "seek"):
        content.seek(0)
    write_new(temporary_path(final), lambda target: filecrypto.encrypt(content, target))
    key = str(final)

    def publish():
        pending().pop(key, None)
        settle(final)

    pending()[key] = publish
    transaction.on_commit(publish)  # at once outside a transaction


def settle(final: Path) -> None:
    """Moves a saved document's file from its temporary name to its final one."""
    # Missing: moved already (by the sweep), or removed with its document before the commit.
    with suppress(FileNotFoundError):
        os.replace(temporary_path(final), final)


def discard_rolled_back(**kwargs) -> None:
    """Removes the temporary files of uploads whose transaction rolled back (connected to
    `request_finished`: the request's transaction has ended by then)."""
    files = pending()
    if not files:
        return
    # The connection's queue of on_commit callbacks (what Django's own captureOnCommitCallbacks reads).
    queued = {func for _savepoints, func, _robust in transaction.get_connection().run_on_commit}
    for key, publish in list(files.items()):
        if publish not in queued:
            try:
                temporary_path(Path(key)).unlink(missing_ok=True)
            except OSError:
                continue  # left for the next request, or the sweep: the response must not fail for it
            del files[key]


def remove(final: Path) -> None:
    """Removes a document's file, under its final name or its temporary one."""
    pending().pop(str(final), None)
    final.unlink(missing_ok=True)
    temporary_path(final).unlink(missing_ok=True)


# --- Reading -----------------------------------------------------------------------------------


def open_stored(final: Path):
    """The stored (encrypted) file of a row, final or still temporary (FileNotFoundError if none)."""
    try:
        return open(final, "rb")
    except FileNotFoundError:
        pass
    try:
        return open(temporary_path(final), "rb")
    except FileNotFoundError:
        return open(final, "rb")  # moved in the meantime


def open_clear(final: Path) -> filecrypto.Reader:
    """The one way to read an attached file: its clear content, once the whole file has been
    authenticated, so that a damaged file is refused before a byte of it is given out
    (`crypto.DecryptionError`: `filecrypto.DamagedFile`, `filecrypto.ClearFile`, or no key)."""
    handle = open_stored(final)
    try:
        filecrypto.authenticate(handle)
        handle.seek(0)
        return filecrypto.Reader(handle)
    except BaseException:
        handle.close()
        raise


# --- Rewriting (migration, rotation) -----------------------------------------------------------


def rewritten(final: Path, rewrite) -> str:
    """`rewrite(handle)` on the stored file, which says what it did; "missing" without a file."""
    try:
        with open(final, "rb") as handle:
            return rewrite(final, handle)
    except FileNotFoundError:
        return "missing"


def rotate(final: Path) -> str:
    """Writes a file again with the current key. Says what happened: "current" (nothing to do),
    "rotated", "encrypted" (it was found in clear), "failed" (no key opens it, or it is damaged:
    left as it is) or "missing"."""
    if not final.exists():
        settle(final)  # a saved document whose worker died before moving its file
    return rewritten(final, rotate_open)


def rotate_open(final: Path, handle) -> str:
    head = filecrypto.read_full(handle, filecrypto.HEADER_SIZE)
    identifier = filecrypto.key_id_of(head)
    if identifier is not None and identifier == filecrypto.current_key()[0]:
        return "current"
    handle.seek(0)
    clear = not filecrypto.is_encrypted(head)
    try:
        source = handle if clear else filecrypto.Reader(handle, owns_file=False)
        replace(final, lambda target: filecrypto.encrypt(source, target))
    except crypto.DecryptionError:
        return "failed"
    return "encrypted" if clear else "rotated"


def encrypt_clear(final: Path) -> str:
    """For the migration: a file stored in clear is encrypted; "already" if it is not in clear."""

    def encrypt(final, handle):
        if filecrypto.is_encrypted(filecrypto.read_full(handle, len(filecrypto.MAGIC))):
            return "already"
        handle.seek(0)
        replace(final, lambda target: filecrypto.encrypt(handle, target))
        return "encrypted"

    return rewritten(final, encrypt)


def decrypt_to_clear(final: Path) -> str:
    """For reversing the migration: the clear content back in place."""

    def decrypt(final, handle):
        if not filecrypto.is_encrypted(filecrypto.read_full(handle, len(filecrypto.MAGIC))):
            return "clear"
        handle.seek(0)
        reader = filecrypto.Reader(handle, owns_file=False)
        replace(final, lambda target: shutil.copyfileobj(reader, target, filecrypto.SEGMENT))
        return "decrypted"

    return rewritten(final, decrypt)


# --- Sweep -------------------------------------------------------------------------------------


@dataclass
class Sweep:
    """What a sweep removed (or would remove), by stored name: random ids, never a person's data."""

    temporary: list[str] = field(default_factory=list)  # written, never saved (rolled back, killed)
    orphans: list[str] = field(default_factory=list)  # a final name no row names any more
    recovered: list[str] = field(default_factory=list)  # saved, moved to their final name
    others: int = 0  # files not named like attachments: left alone


def sweep(root: Path, saved: set[str], *, dry_run: bool = False, age: float = SWEEP_AGE) -> Sweep:
    """Removes, under `root`, the temporary files and the files no row names (`saved`: the
    names rows give), older than `age` seconds; a temporary file of a saved row whose final one
    is missing (a worker died between the commit and the move) is moved into place instead."""
    report = Sweep()
    if not root.exists():
        return report
    cutoff = time.time() - age
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        try:
            if path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue  # removed meanwhile
        if match := TEMPORARY.fullmatch(name):
            final = root / match[1]
            if match[2] is None and match[1] in saved and not final.exists():
                report.recovered.append(name)
                if not dry_run:
                    settle(final)
                continue
            report.temporary.append(name)
        elif STORED.fullmatch(name):
            if name in saved:
                continue
            report.orphans.append(name)
        else:
            report.others += 1
            continue
        if not dry_run:
            path.unlink(missing_ok=True)
    return report
