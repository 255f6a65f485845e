"""Files encrypted at rest: a streaming authenticated encryption with the keys of `core.crypto`.

A file is a header, then its content cut into segments of 64 KiB, each sealed with AES-256-GCM
(the STREAM construction). The header holds the format's version, the id of the key it was
written with and a random salt and nonce prefix; the file's own key is derived from the
configured key and the salt (HKDF-SHA256), so no two files share a key. Each segment's nonce
binds its position and whether it is the last one, and each segment authenticates the whole
header: a changed byte, a segment moved, dropped or added, a file cut short or lengthened is
refused (`DamagedFile`), never read as another content. Memory stays bounded: a reader holds two
segments at most, whatever the size of the file.

The keys are those of the encrypted fields (`FILROUGE_ENCRYPTION_KEYS` or the key file): the
first one encrypts, any configured one decrypts, and `filrouge keys rotate` writes every file
again with the first one.
"""

import io
import os
import struct
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from filrouge.core import crypto

# A clear file accepted by `documents.validation` (PDF, images, office files) never starts so.
MAGIC = b"\x00FRFILE"
VERSION = 1
KEY_ID_SIZE = 8
SALT_SIZE = 32
PREFIX_SIZE = 7  # nonce: prefix (7) + segment index (4) + last-segment flag (1) = 12 bytes
HEADER = struct.Struct(f">{len(MAGIC)}sB{KEY_ID_SIZE}s{SALT_SIZE}s{PREFIX_SIZE}s")
HEADER_SIZE = HEADER.size
SEGMENT = 64 * 1024
TAG_SIZE = 16
SEALED_SEGMENT = SEGMENT + TAG_SIZE
MAX_SEGMENTS = 2**32


class DamagedFile(crypto.DecryptionError):
    """A file changed, cut short, lengthened or re-ordered since it was written."""


class ClearFile(crypto.DecryptionError):
    """A file stored without encryption (written before it, or put there by hand)."""


# --- Keys --------------------------------------------------------------------------------------


def key_id(key: bytes) -> bytes:
    """Names a key in a header without revealing anything of it."""
    return HKDF(hashes.SHA256(), KEY_ID_SIZE, salt=None, info=b"filrouge file key id").derive(key)


@cache
def keyring(keys: tuple[bytes, ...]) -> dict[bytes, bytes]:
    return {key_id(key): key for key in keys}


def current_key() -> tuple[bytes, bytes]:
    key = crypto.file_keys()[0]
    return key_id(key), key


def key_named(identifier: bytes) -> bytes:
    try:
        return keyring(crypto.file_keys())[identifier]
    except KeyError:
        raise crypto.DecryptionError("No configured key opens this file.") from None


def file_cipher(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(hashes.SHA256(), 32, salt=salt, info=b"filrouge file segments v1").derive(key)
    return AESGCM(derived)


def nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= MAX_SEGMENTS:
        raise ValueError("A file of more than 2**32 segments cannot be encrypted.")
    return prefix + struct.pack(">IB", index, last)


# --- Reading and writing -----------------------------------------------------------------------


def read_full(source, size: int) -> bytes:
    """`size` bytes, fewer only at the end: a stream may give less than asked for at a time."""
    parts, missing = [], size
    while missing:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def key_id_of(head: bytes) -> bytes | None:
    """The id of the key a file was written with, from its first bytes (None: not encrypted)."""
    if len(head) < HEADER_SIZE or not is_encrypted(head):
        return None
    return HEADER.unpack(head[:HEADER_SIZE])[2]


def encrypt(source, target) -> None:
    """Writes `source` (anything with read(n)) encrypted with the current key into `target`."""
    identifier, key = current_key()
    salt, prefix = os.urandom(SALT_SIZE), os.urandom(PREFIX_SIZE)
    header = HEADER.pack(MAGIC, VERSION, identifier, salt, prefix)
    cipher = file_cipher(key, salt)
    target.write(header)
    index, segment = 0, read_full(source, SEGMENT)
    while True:
        following = read_full(source, SEGMENT)  # read ahead: the last segment is sealed as such
        last = not following
        target.write(cipher.encrypt(nonce(prefix, index, last), segment, header))
        if last:
            return
        index, segment = index + 1, following


def clear_size(stored_size: int) -> int:
    """The size of the content of an encrypted file of `stored_size` bytes."""
    sealed = max(stored_size - HEADER_SIZE, 0)
    segments = max(-(-sealed // SEALED_SEGMENT), 1)
    return max(sealed - segments * TAG_SIZE, 0)


def stored_size(handle) -> int:
    position = handle.tell()
    end = handle.seek(0, io.SEEK_END)
    handle.seek(position)
    return end


class Reader(io.RawIOBase):
    """The clear content of an encrypted file, read forward only, each segment authenticated
    before any of its bytes is given out. Closing it closes the file, unless `owns_file` is false."""

    def __init__(self, handle, *, owns_file=True):
        super().__init__()
        self.handle, self.owns_file = handle, owns_file
        header = read_full(handle, HEADER_SIZE)
        if not is_encrypted(header):
            raise ClearFile("The file is not encrypted.")
        if len(header) < HEADER_SIZE:
            raise DamagedFile("The file is cut short in its header.")
        _magic, version, identifier, salt, self.prefix = HEADER.unpack(header)
        if version != VERSION:
            raise DamagedFile(f"Unknown file format version {version}.")
        self.key_id = identifier
        self.header = header
        self.cipher = file_cipher(key_named(identifier), salt)
        self.size = clear_size(stored_size(handle))
        self.index = 0
        self.buffer = memoryview(b"")
        self.following = read_full(handle, SEALED_SEGMENT)
        self.finished = False

    def readable(self) -> bool:
        return True

    def next_segment(self) -> None:
        sealed, self.following = self.following, read_full(self.handle, SEALED_SEGMENT)
        last = not self.following
        if not sealed:
            raise DamagedFile("The file ends before its last segment.")
        try:
            clear = self.cipher.decrypt(nonce(self.prefix, self.index, last), sealed, self.header)
        except InvalidTag:
            raise DamagedFile(f"Segment {self.index} of the file does not authenticate.") from None
        self.index += 1
        self.finished = last
        self.buffer = memoryview(clear)

    def readinto(self, target) -> int:
        while not self.buffer and not self.finished:
            self.next_segment()
        count = min(len(target), len(self.buffer))
        target[:count] = self.buffer[:count]
        self.buffer = self.buffer[count:]
        return count

    def close(self) -> None:
        if not self.closed and self.owns_file:
            self.handle.close()
        super().close()


def authenticate(handle) -> None:
    """Reads a whole encrypted file once (DamagedFile, ClearFile or DecryptionError if it does not
    open), without keeping its content; the handle is left open."""
    reader = Reader(handle, owns_file=False)
    while not reader.finished:
        reader.next_segment()
