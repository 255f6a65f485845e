"""The keys that seal the audit trail (HMAC-SHA256), kept outside the database.

Someone holding the database's credentials can rewrite rows, but not compute a keyed hash: an
entry they delete, insert or alter, and the later entries they re-chain, no longer match.

Keys come from `FILROUGE_AUDIT_KEYS` (comma-separated) or, without it, from the audit key file
`FILROUGE_AUDIT_KEY_FILE` (one key per line), which a local installation creates on first use.
The first key seals new entries; every key verifies. Each entry records the id of the key that
sealed it (a digest of the key, which reveals nothing of it), so a rotation (`filrouge audit
rotate-key`) never rewrites history: the old keys stay, after the new one, for as long as the
entries they sealed are kept. Entries written before the chains were keyed carry `LEGACY`.
"""

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

# The key id of the entries sealed before this change: a plain SHA-256, verified the old way.
LEGACY = "legacy-sha256"
KEY_FILE_HEADER = (
    "# filrouge audit keys: the first line seals the audit trail, every line verifies it.\n"
    "# Keep every key as long as the entries it sealed (and a copy apart from the database).\n"
)
MIN_KEY_BYTES = 32


class UnknownKey(Exception):
    """An entry or a published head sealed with a key this installation does not hold."""


def generate() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode()


def decode(key: str, position: int) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except ValueError:
        raw = b""
    if len(raw) < MIN_KEY_BYTES:
        # Where the key stands, never the key.
        raise ImproperlyConfigured(
            f"Audit key number {position} is not a valid key (at least {MIN_KEY_BYTES} random bytes, "
            "url-safe base64; `filrouge audit rotate-key` makes one)."
        )
    return raw


def key_id(raw: bytes) -> str:
    return "k" + hashlib.sha256(b"filrouge audit key id\0" + raw).hexdigest()[:15]


def key_file() -> Path:
    return Path(settings.AUDIT_KEY_FILE)


def read_key_file(path: Path) -> list[str]:
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]


def write_key_file(path: Path, keys: list[str], *, replace: bool) -> None:
    """The key file, readable by its owner only, written aside then moved or linked into place:
    no process ever reads half a file, and two processes creating it at once agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit_keys-")  # mode 0600
    try:
        with os.fdopen(handle, "w") as file:
            file.write(KEY_FILE_HEADER + "".join(f"{key}\n" for key in keys))
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            with suppress(FileExistsError):  # another process made it first: its key is the one
                os.link(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


def load_keys() -> list[str]:
    """The configured keys, the sealing one first. ImproperlyConfigured when there is none."""
    if settings.AUDIT_KEYS:
        return list(settings.AUDIT_KEYS)
    path = key_file()
    if not path.exists():
        if not settings.AUDIT_KEY_FILE_CREATE:
            raise ImproperlyConfigured(
                f"No audit key: set FILROUGE_AUDIT_KEYS or create the audit key file {path} "
                "(`filrouge audit rotate-key` makes one)."
            )
        write_key_file(path, [generate()], replace=False)
    try:
        keys = read_key_file(path)
    except OSError as error:
        raise ImproperlyConfigured(f"The audit key file {path} cannot be read: {error.strerror}.") from None
    if not keys:
        raise ImproperlyConfigured(f"The audit key file {path} holds no key.")
    return keys


@dataclass(frozen=True)
class Keyring:
    sealing: str  # the id of the key that seals new entries
    macs: dict[str, hmac.HMAC]  # key id -> an HMAC primed with that key, copied for each message

    def mac(self, kid: str, text: str) -> str:
        try:
            primed = self.macs[kid]
        except KeyError:
            raise UnknownKey(kid) from None
        mac = primed.copy()
        mac.update(text.encode())
        return mac.hexdigest()


@cache
def keyring() -> Keyring:
    raws = [decode(key, position) for position, key in enumerate(load_keys(), start=1)]
    macs = {key_id(raw): hmac.new(raw, digestmod=hashlib.sha256) for raw in raws}
    return Keyring(sealing=key_id(raws[0]), macs=macs)


def reset() -> None:
    """Read the keys again (after a rotation, or in tests that change them)."""
    keyring.cache_clear()


@receiver(setting_changed)
def keys_setting_changed(*, setting, **kwargs):
    if setting.startswith("AUDIT_KEY"):
        reset()


def sealing_id() -> str:
    return keyring().sealing


def mac(kid: str, text: str) -> str:
    """The HMAC-SHA256 of `text` with the key `kid` (UnknownKey if it is not configured)."""
    return keyring().mac(kid, text)


def seal(text: str) -> tuple[str, str]:
    """The sealing key's id and its HMAC of `text`."""
    ring = keyring()
    return ring.sealing, ring.mac(ring.sealing, text)


def matches(kid: str, text: str, expected: str) -> bool:
    """Whether `expected` is the HMAC of `text` with key `kid` (False for an unknown key)."""
    try:
        return hmac.compare_digest(mac(kid, text), expected)
    except UnknownKey:
        return False
