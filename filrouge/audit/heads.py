"""Each chain's head published outside the database, so that a rewrite is found even by someone
holding the audit key.

A published head is one line, signed with the audit key (HMAC-SHA256 of everything before
" sig="):

    filrouge-audit-head chain=org-1/access seq=1234 hash=<64 hex> at=2026-05-01T02:00:00Z key=<key id> sig=<64 hex>

Each line goes to the logger `filrouge.audit.heads` (which production sends to the system log,
`FILROUGE_AUDIT_SYSLOG`) and is appended to the heads file (`FILROUGE_AUDIT_HEADS_FILE`), kept
apart from the database and its directory. `filrouge audit publish` writes them (daily, from the
scheduler) and so does every `filrouge audit verify`, for the chains found intact; verification
reads the file back and reports a chain that no longer holds a published (seq, hash), and a line
that is not what was written. The lines carry no personal data.
"""

import logging
import os
import re
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from filrouge.audit import keys

logger = logging.getLogger("filrouge.audit.heads")

TAG = "filrouge-audit-head"
LINE = re.compile(
    rf"^(?P<body>{TAG} chain=(?P<chain>[a-z0-9/-]+) seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{{64}}) "
    r"at=(?P<at>\S+) key=(?P<key>[a-z0-9-]+)) sig=(?P<sig>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Head:
    chain: str
    seq: int
    hash: str


@dataclass
class Published:
    """What the heads file says: chain -> seq -> the hashes published for it, and the lines that
    are not what was written (line number, why)."""

    exists: bool = False
    lines: int = 0
    heads: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    damaged: list[tuple[int, str]] = field(default_factory=list)


def heads_file() -> Path:
    return Path(settings.AUDIT_HEADS_FILE)


def line_for(head: Head, at) -> str:
    body = (
        f"{TAG} chain={head.chain} seq={head.seq} hash={head.hash} "
        f"at={at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ} key={keys.sealing_id()}"
    )
    return f"{body} sig={keys.mac(keys.sealing_id(), body)}"


def publish(heads) -> list[str]:
    """Signs and publishes the heads (a chain without entries has none to publish)."""
    now = timezone.now()
    lines = [line_for(head, now) for head in heads if head.seq]
    if not lines:
        return []
    path = heads_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write in append mode: lines of two processes publishing at once never mix.
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(handle, "".join(f"{line}\n" for line in lines).encode())
        os.fsync(handle)
    finally:
        os.close(handle)
    for line in lines:
        logger.info(line)
    return lines


def read_published() -> Published:
    path = heads_file()
    published = Published()
    if not path.exists():
        return published
    published.exists = True
    with path.open(encoding="utf-8", errors="replace") as file:
        for number, line in enumerate(file, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            published.lines += 1
            match = LINE.match(line)
            if match is None:
                published.damaged.append((number, "is not a published head (the file was edited)"))
                continue
            kid = match["key"]
            if kid not in keys.keyring().macs:
                published.damaged.append(
                    (number, f"is signed with a key this installation does not hold (key id {kid})")
                )
                continue
            if not keys.matches(kid, match["body"], match["sig"]):
                published.damaged.append((number, "does not match its signature (the line was altered)"))
                continue
            chain = published.heads.setdefault(match["chain"], {})
            chain.setdefault(int(match["seq"]), set()).add(match["hash"])
    return published
