"""Appending to the hash chains, verifying them, purging old access entries, redacting values.

An entry's hash is an HMAC-SHA256, with a key kept outside the database (`filrouge.audit.keys`),
of its fields and the previous entry's hash, not of its sequence number: the order is bound by
`prev_hash`, so a moved entry is reported as out of order rather than as edited. Without the key,
whoever rewrites the table (deletes an entry and re-chains the later ones) cannot make the hashes
match; with it, the heads published outside the database (`filrouge.audit.heads`) still tell.
The stored values of a change are covered through their digest (`changes_digest`, salted so
that a digest reveals nothing once the values are gone): a redacted entry, whose values are
removed, still verifies, and an entry whose values are present must match it.

Entries written before the chains were keyed keep their plain SHA-256 (key id `keys.LEGACY`) and
are verified the old way, but only up to the boundary that the upgrade sealed with the key on
each chain's head (`ChainHead.legacy_*`): an unkeyed entry after it is a forgery, and a rewrite of
the unkeyed part changes the hash that the first keyed entry and the sealed boundary hold.
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
from django.db.models import Max
from django.utils import timezone

from filrouge.audit import heads, keys
from filrouge.audit.models import (
    AuditEntry,
    ChainHead,
    Kind,
    Stream,
    chain_key,
    maintenance,
    stream_of,
)
from filrouge.core import bulk


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def payload(entry: AuditEntry) -> str:
    """What an entry's hash covers (the same text before and after the chains were keyed)."""
    return canonical(
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


def entry_hash(entry: AuditEntry) -> str:
    """The entry's seal with the key it names (`keys.UnknownKey` if this installation lacks it);
    the plain SHA-256 for an entry written before the chains were keyed."""
    if entry.key_id == keys.LEGACY:
        return digest(payload(entry))
    return keys.mac(entry.key_id, payload(entry))


def boundary_text(key: str, seq: int, hash_: str) -> str:
    return f"legacy-boundary {key} {seq} {hash_}"


def legacy_boundary_seal(key: str, seq: int, hash_: str) -> str:
    """Sealed when the chains were keyed: where the unkeyed entries of a chain end."""
    kid, mac = keys.seal(boundary_text(key, seq, hash_))
    return f"{kid}:{mac}"


def legacy_boundary_intact(head: ChainHead) -> bool:
    kid, _, mac = head.legacy_seal.partition(":")
    return keys.matches(kid, boundary_text(head.key, head.legacy_seq, head.legacy_hash), mac)


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


@dataclass(frozen=True)
class EntryData:
    """One entry to append, before its chain gives it a place (`append_many`)."""

    kind: str
    organisation_id: int | None
    actor_id: int | None = None
    actor_label: str = ""
    object_type: str = ""
    object_id: int | None = None
    person_id: int | None = None
    fields: tuple = ()
    changes: dict | None = None
    address: str | None = None
    detail: str = ""

    @property
    def stream(self) -> Stream:
        return stream_of(self.kind)

    @property
    def chain(self) -> str:
        return chain_key(self.organisation_id, self.stream)


def locked_head(key: str, organisation_id: int | None, stream: str) -> ChainHead:
    """The chain's head, locked until the transaction ends (created with the chain's first entry)."""
    head = ChainHead.objects.select_for_update().filter(key=key).first()
    if head is None:  # the chain's first entry
        ChainHead.objects.get_or_create(
            key=key, defaults={"organisation_id": organisation_id, "stream": stream}
        )
        head = ChainHead.objects.select_for_update().get(key=key)
    return head


def sealed(data: EntryData, key: str, seq: int, prev_hash: str) -> AuditEntry:
    """The entry at `seq` of chain `key`, after the entry whose hash is `prev_hash`, sealed."""
    text, changes_digest = seal_changes(data.changes) if data.changes else ("", "")
    entry = AuditEntry(
        chain=key,
        seq=seq,
        organisation_id=data.organisation_id,
        kind=data.kind,
        at=timezone.now(),
        actor_id=data.actor_id,
        actor_label=data.actor_label[:100],
        object_type=data.object_type,
        object_id=data.object_id,
        person_id=data.person_id,
        fields=sorted(data.fields),
        changes=text,
        changes_digest=changes_digest,
        address=clean_address(data.address),
        detail=(data.detail or "")[:200],
        prev_hash=prev_hash,
        key_id=keys.sealing_id(),
    )
    entry.hash = entry_hash(entry)
    return entry


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
    data = EntryData(
        kind,
        organisation_id,
        actor_id=actor_id,
        actor_label=actor_label,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        fields=tuple(fields),
        changes=changes,
        address=address,
        detail=detail,
    )
    return append_entry(data)


def append_entry(data: EntryData) -> AuditEntry:
    """`append` of an `EntryData`."""
    key = data.chain
    with transaction.atomic(savepoint=False):
        head = locked_head(key, data.organisation_id, data.stream)
        entry = sealed(data, key, head.seq + 1, head.hash)
        entry.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(seq=entry.seq, hash=entry.hash)
    return entry


def append_many(entries) -> list[AuditEntry]:
    """Adds the entries (`EntryData`) at the end of their chains, each chain in the order given:
    exactly what one `append` per entry would write, in three queries per chain plus the rows'
    (`insert`). The heads are locked in the order of their keys, so two batches
    touching the same chains cannot wait for each other. Returns the entries, chain by chain."""
    by_chain: dict[str, list[EntryData]] = {}
    for data in entries:
        by_chain.setdefault(data.chain, []).append(data)
    written = []
    with transaction.atomic(savepoint=False):
        for key in sorted(by_chain):
            batch = by_chain[key]
            head = locked_head(key, batch[0].organisation_id, batch[0].stream)
            seq, previous, chained = head.seq, head.hash, []
            for data in batch:
                seq += 1
                entry = sealed(data, key, seq, previous)
                previous = entry.hash
                chained.append(entry)
            insert(chained)
            ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=previous)
            written += chained
    return written


def insert(entries: list[AuditEntry]) -> None:
    """Writes new entries (`core.bulk.insert`: COPY on PostgreSQL); nobody reads their primary
    keys back, so the entries get none."""
    bulk.insert(AuditEntry, entries, ids=False)


# --- Verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    chain: str
    seq: int | None
    # "edited", "deleted", "out_of_order", "anchor", "unkeyed", "legacy", "unknown_key",
    # "rewritten" (against a published head), "redacted", "heads_file"
    what: str
    message: str

    def __str__(self):
        where = f"{self.chain} #{self.seq}" if self.seq is not None else self.chain
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Report:
    chains: int
    entries: int
    problems: list[Problem]
    heads_file: str = ""
    heads_read: int = 0  # published lines compared
    heads_published: int = 0  # lines written by this verification
    publish_error: str = ""  # why they could not be written

    @property
    def ok(self) -> bool:
        return not self.problems


def changes_intact(entry: AuditEntry) -> bool:
    if not entry.changes:
        # Redacted (or never had values): the digest alone stays in the hash.
        return entry.redacted_at is not None or not entry.changes_digest
    return digest(entry.changes) == entry.changes_digest


def seal_problems(head: ChainHead, entry: AuditEntry) -> list[Problem]:
    key, seq = head.key, entry.seq
    if entry.key_id == keys.LEGACY and seq > head.legacy_seq:
        return [
            Problem(
                key,
                seq,
                "unkeyed",
                "sealed the old, unkeyed way after the chain was keyed (re-sealed without the key)",
            )
        ]
    try:
        sealed = entry.hash == entry_hash(entry)
    except keys.UnknownKey:
        return [
            Problem(
                key,
                seq,
                "unknown_key",
                f"sealed with an audit key this installation does not hold (key id {entry.key_id}): "
                "put that key back among the audit keys",
            )
        ]
    if sealed and changes_intact(entry):
        return []
    return [Problem(key, seq, "edited", "edited (its content no longer matches its hash)")]


def verify_chain(head: ChainHead, published: dict[int, set[str]] | None = None) -> tuple[int, list[Problem]]:
    """Reads the chain's entries up to its head, in order; `published` holds the heads published
    for it (seq -> hashes), which the chain must still hold."""
    published = published or {}
    key = head.key
    problems = []
    if head.legacy_seq and not legacy_boundary_intact(head):
        problems.append(
            Problem(
                key,
                head.legacy_seq,
                "legacy",
                "the end of the unkeyed entries was moved (its seal no longer matches)",
            )
        )
    expected_seq, previous = head.anchor_seq + 1, head.anchor_hash
    count, boundary_found = 0, False
    # Up to the head read above: entries appended meanwhile are the next verification's.
    entries = AuditEntry.objects.filter(chain=key, seq__lte=head.seq).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != previous:
            problems.append(link_problem(head, entry, expected_seq))
        elif entry.seq != expected_seq:
            problems.append(
                Problem(key, entry.seq, "deleted", f"entries {expected_seq} to {entry.seq - 1} are missing")
            )
        problems += seal_problems(head, entry)
        if entry.seq == head.legacy_seq and entry.hash == head.legacy_hash:
            boundary_found = True
        hashes = published.get(entry.seq)
        if hashes is not None and hashes != {entry.hash}:
            problems.append(
                Problem(
                    key,
                    entry.seq,
                    "rewritten",
                    "not the entry whose hash was published for this place: the chain was rewritten "
                    "after its head was published",
                )
            )
        expected_seq, previous = entry.seq + 1, entry.hash
    last = expected_seq - 1
    if head.legacy_seq > head.anchor_seq and not boundary_found:
        problems.append(
            Problem(
                key,
                head.legacy_seq,
                "legacy",
                "not the last unkeyed entry sealed when the chain was keyed: the entries written "
                "before the upgrade were rewritten",
            )
        )
    if (last, previous) != (head.seq, head.hash):
        problems.append(
            Problem(
                key, expected_seq, "deleted", f"the last entries are missing (the chain ends at {head.seq})"
            )
        )
    problems += beyond_head(head)
    later = [seq for seq in published if seq > last]
    if later:
        problems.append(
            Problem(
                key,
                max(later),
                "rewritten",
                f"a head was published at #{max(later)}, but the chain now ends at #{last}: entries "
                "were removed after it was published",
            )
        )
    if head.anchor_seq in published and head.anchor_hash not in published[head.anchor_seq]:
        problems.append(
            Problem(
                key,
                head.anchor_seq,
                "rewritten",
                "the purge anchor is not the entry whose hash was published for this place",
            )
        )
    if head.anchor_seq and not purge_recorded(head):
        problems.append(Problem(key, head.anchor_seq, "anchor", "the purge anchor matches no recorded purge"))
    return count, problems


def beyond_head(head: ChainHead) -> list[Problem]:
    """An entry after the chain's head once the head is read again (an append writes both in one
    transaction, so an entry that the head does not reach was added behind the application)."""
    last = AuditEntry.objects.filter(chain=head.key).order_by("-seq").values_list("seq", flat=True).first()
    current = ChainHead.objects.filter(pk=head.pk).values_list("seq", flat=True).first()
    if last is None or current is None or last <= current:
        return []
    return [
        Problem(
            head.key, last, "edited", f"added after the chain's head (#{current}), behind the application"
        )
    ]


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


def unrecorded_redactions() -> list[Problem]:
    """Entries whose values are gone with no redaction of their person recorded: the values were
    removed behind the application (a redaction is itself an entry, sealed with the key)."""
    redactions = (
        AuditEntry.objects.filter(kind=Kind.REDACT)
        .values("organisation_id", "person_id")
        .annotate(latest=Max("at"))
        .order_by()
    )
    recorded = {(row["organisation_id"], row["person_id"]): row["latest"] for row in redactions}
    redacted = (
        AuditEntry.objects.filter(redacted_at__isnull=False)
        .values_list("chain", "seq", "organisation_id", "person_id", "redacted_at")
        .order_by("chain", "seq")
    )
    problems = []
    for chain, seq, organisation_id, person_id, redacted_at in redacted.iterator(chunk_size=2000):
        # The redaction's entry is written after the values are removed, in the same transaction.
        latest = recorded.get((organisation_id, person_id))
        if latest is None or latest < redacted_at:
            problems.append(
                Problem(
                    chain,
                    seq,
                    "redacted",
                    "its values were removed, but no redaction of its person is recorded",
                )
            )
    return problems


def published_problems(published: heads.Published, existing: set[str]) -> list[Problem]:
    where = str(heads.heads_file())
    problems = [
        Problem(where, None, "heads_file", f"line {number} {why}") for number, why in published.damaged
    ]
    for key in sorted(set(published.heads) - existing):
        problems.append(
            Problem(
                key,
                max(published.heads[key]),
                "rewritten",
                "a head was published for this chain, but the chain no longer exists",
            )
        )
    return problems


def verify_all(*, publish: bool = True) -> Report:
    """Verifies every chain against itself, its keys and its published heads; then publishes the
    head of each chain found intact (`publish`)."""
    try:
        published = heads.read_published()
    except OSError as error:
        published = heads.Published(exists=True, damaged=[(0, f"cannot be read: {error.strerror}")])
    by_chain: dict[str, list[Problem]] = {}
    for problem in unrecorded_redactions():
        by_chain.setdefault(problem.chain, []).append(problem)
    chains = entries = 0
    problems, intact = [], []
    now = timezone.now()
    every_head = list(ChainHead.objects.all())
    for head in every_head:
        count, found = verify_chain(head, published.heads.get(head.key))
        found += by_chain.pop(head.key, [])
        chains, entries = chains + 1, entries + count
        problems += found
        ChainHead.objects.filter(pk=head.pk).update(verified_at=now, verified_ok=not found)
        if not found:
            intact.append(heads.Head(head.key, head.seq, head.hash))
    problems += [problem for found in by_chain.values() for problem in found]
    problems += published_problems(published, {head.key for head in every_head})
    written, publish_error = [], ""
    try:
        written = heads.publish(intact) if publish else []
    except OSError as error:
        publish_error = error.strerror or str(error)
    return Report(
        chains,
        entries,
        problems,
        heads_file=str(heads.heads_file()),
        heads_read=published.lines,
        heads_published=len(written),
        publish_error=publish_error,
    )


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
