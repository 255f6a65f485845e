"""Appending to the hash chains, verifying them, purging old access entries, redacting values.

An entry's hash covers its fields and the previous entry's hash, not its sequence number: the
order is bound by `prev_hash`, so a moved entry is reported as out of order rather than as
edited. The stored values of a change are covered through their digest (`changes_digest`,
salted so that a digest reveals nothing once the values are gone): a redacted entry, whose
values are removed, still verifies, and an entry whose values are present must match it.
"""

import hashlib
import ipaddress
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from filrouge.audit.models import (
    AuditEntry,
    ChainHead,
    Kind,
    Stream,
    chain_key,
    maintenance,
    stream_of,
)


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    return digest(
        canonical(
            {
                "chain": entry.chain,
                "prev": entry.prev_hash,
                "organisation": entry.organisation_id,
                "kind": entry.kind,
                "at": entry.at.astimezone(UTC).isoformat(),
                "actor": entry.actor_id,
                "actor_label": entry.actor_label,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "person_id": entry.person_id,
                "fields": list(entry.fields),
                "changes": entry.changes_digest,
                "address": entry.address,
                "detail": entry.detail,
            }
        )
    )


def clean_address(address: str | None) -> str | None:
    """The address as the database gives it back (IPv6 compressed), or nothing if it is not one."""
    if not address:
        return None
    try:
        ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    # Written as the field stores it, so that the hash reads the same value back.
    return AuditEntry._meta.get_field("address").to_python(address.strip())


def seal_changes(values: dict) -> tuple[str, str]:
    """The stored text of the changes and its digest; a random salt keeps the digest of a short
    value (a date of birth) from being guessed once the values are redacted."""
    text = canonical({"salt": secrets.token_hex(16), "values": values})
    return text, digest(text)


def append(
    kind: str,
    *,
    organisation_id: int | None,
    actor_id: int | None = None,
    actor_label: str = "",
    object_type: str = "",
    object_id: int | None = None,
    person_id: int | None = None,
    fields=(),
    changes: dict | None = None,
    address: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Adds one entry at the end of its chain, in three queries. Appends to one chain are
    serialised by the lock on its head row, which gives the latest committed head once the lock is
    granted (on SQLite, IMMEDIATE transactions serialise every writer already). Inside a
    request's transaction the chain stays locked until it commits."""
    stream = stream_of(kind)
    key = chain_key(organisation_id, stream)
    text, changes_digest = seal_changes(changes) if changes else ("", "")
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(key=key).first()
        if head is None:  # the chain's first entry
            ChainHead.objects.get_or_create(
                key=key, defaults={"organisation_id": organisation_id, "stream": stream}
            )
            head = ChainHead.objects.select_for_update().get(key=key)
        entry = AuditEntry(
            chain=key,
            seq=head.seq + 1,
            organisation_id=organisation_id,
            kind=kind,
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label[:100],
            object_type=object_type,
            object_id=object_id,
            person_id=person_id,
            fields=sorted(fields),
            changes=text,
            changes_digest=changes_digest,
            address=clean_address(address),
            detail=(detail or "")[:200],
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(seq=entry.seq, hash=entry.hash)
    return entry


# --- Verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    chain: str
    seq: int | None
    what: str  # "edited", "deleted", "out_of_order", "anchor"
    message: str

    def __str__(self):
        where = f"{self.chain} #{self.seq}" if self.seq is not None else self.chain
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Report:
    chains: int
    entries: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def changes_intact(entry: AuditEntry) -> bool:
    if not entry.changes:
        # Redacted (or never had values): the digest alone stays in the hash.
        return entry.redacted_at is not None or not entry.changes_digest
    return digest(entry.changes) == entry.changes_digest


def verify_chain(head: ChainHead) -> tuple[int, list[Problem]]:
    problems = []
    expected_seq, previous = head.anchor_seq + 1, head.anchor_hash
    count = 0
    entries = AuditEntry.objects.filter(chain=head.key).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != previous:
            problems.append(link_problem(head, entry, expected_seq))
        elif entry.seq != expected_seq:
            problems.append(
                Problem(
                    head.key, entry.seq, "deleted", f"entries {expected_seq} to {entry.seq - 1} are missing"
                )
            )
        if entry.hash != entry_hash(entry) or not changes_intact(entry):
            problems.append(
                Problem(head.key, entry.seq, "edited", "edited (its content no longer matches its hash)")
            )
        expected_seq, previous = entry.seq + 1, entry.hash
    if (expected_seq - 1, previous) != (head.seq, head.hash):
        problems.append(
            Problem(
                head.key,
                expected_seq,
                "deleted",
                f"the last entries are missing (the chain ends at {head.seq})",
            )
        )
    if head.anchor_seq and not purge_recorded(head):
        problems.append(
            Problem(head.key, head.anchor_seq, "anchor", "the purge anchor matches no recorded purge")
        )
    return count, problems


def link_problem(head: ChainHead, entry: AuditEntry, expected_seq: int) -> Problem:
    """An entry that does not follow the previous one: moved (the entry it follows is elsewhere in
    the chain, or it is the chain's first one) or following an entry that is gone."""
    key = head.key
    first = entry.prev_hash == head.anchor_hash
    elsewhere = (
        first or AuditEntry.objects.filter(chain=key, hash=entry.prev_hash).exclude(pk=entry.pk).exists()
    )
    if elsewhere:
        return Problem(
            key,
            entry.seq,
            "out_of_order",
            "out of order (re-ordered: it does not follow the entry before it)",
        )
    if entry.seq <= expected_seq + 1:
        missing = f"entry {entry.seq - 1}"
    else:
        missing = f"entries {expected_seq} to {entry.seq - 1}"
    return Problem(key, entry.seq, "deleted", f"the entry before it was deleted or replaced ({missing})")


def purge_recorded(head: ChainHead) -> bool:
    """The anchor of a purged access chain is the one recorded by the last purge, in the change
    stream of the same organisation (which is never purged)."""
    last = (
        AuditEntry.objects.filter(
            chain=chain_key(head.organisation_id, Stream.CHANGE), kind=Kind.PURGE, object_type="audit.chain"
        )
        .filter(detail__startswith=f"{head.key} ")
        .order_by("-seq")
        .first()
    )
    return last is not None and last.detail == anchor_detail(head.key, head.anchor_seq, head.anchor_hash)


def anchor_detail(key: str, seq: int, hash_: str) -> str:
    return f"{key} {seq} {hash_}"


def verify_all() -> Report:
    chains = entries = 0
    problems = []
    now = timezone.now()
    for head in ChainHead.objects.all():
        count, found = verify_chain(head)
        chains, entries = chains + 1, entries + count
        problems += found
        ChainHead.objects.filter(pk=head.pk).update(verified_at=now, verified_ok=not found)
    return Report(chains, entries, problems)


# --- Purge of old access entries --------------------------------------------------------------


def purge_access(days: int | None = None, *, dry_run: bool = False) -> int:
    """Removes the access entries older than the retention period, chain by chain, each as a
    prefix of its chain; the anchor it leaves is recorded in the change stream."""
    days = settings.AUDIT_ACCESS_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    removed = 0
    for key in ChainHead.objects.filter(stream=Stream.ACCESS).values_list("key", flat=True):
        with transaction.atomic():
            head = ChainHead.objects.select_for_update().get(key=key)
            old = AuditEntry.objects.filter(chain=key, at__lt=cutoff)
            last = old.order_by("-seq").only("seq", "hash").first()
            if last is None:
                continue
            prefix = AuditEntry.objects.filter(chain=key, seq__lte=last.seq)
            count = prefix.count()
            removed += count
            if dry_run:
                continue
            with maintenance():
                prefix.delete()
            ChainHead.objects.filter(pk=head.pk).update(anchor_seq=last.seq, anchor_hash=last.hash)
            append(
                Kind.PURGE,
                organisation_id=head.organisation_id,
                actor_label="audit purge",
                object_type="audit.chain",
                object_id=last.seq,
                detail=anchor_detail(key, last.seq, last.hash),
            )
    return removed


# --- Redaction of a person's values -----------------------------------------------------------


def redact_person(person_id: int, *, actor_id=None, actor_label="") -> int:
    """Removes the stored old and new values of every entry about the person; the entries, their
    field names and their digests stay, so the chains still verify."""
    with transaction.atomic():
        entries = AuditEntry.objects.filter(person_id=person_id, redacted_at__isnull=True).exclude(changes="")
        organisations = set(entries.values_list("organisation_id", flat=True))
        with maintenance():
            count = entries.update(changes="", redacted_at=timezone.now())
        for organisation_id in sorted(organisations, key=lambda pk: pk or 0):
            append(
                Kind.REDACT,
                organisation_id=organisation_id,
                actor_id=actor_id,
                actor_label=actor_label,
                object_type="people.person",
                object_id=person_id,
                person_id=person_id,
            )
    return count
