"""What other apps call to write to, or read from, the audit trail.

- `record(kind, organisation_id=..., ...)`: one entry. The actor and the address default to the
  current actor: the request's user and address (set by `AuditMiddleware`), or the label given
  to `system_actor` by a command, or "system" when there is neither.
- `system_actor(label)`: a command's work is attributed to it (`with system_actor("retention"):`).
- `acting_user(user)`: a command's or task's work is attributed to a user, as if they had typed it
  (an import confirmed by a head of service), with no address.
- `buffered()`: inside it, `record` keeps the entries and appends them in batches
  (`chain.append_many`), in the block's transaction: for writes of thousands of records.
- `entries_for_person(person_id)`: the entries about a person, newest first (their data export).
- `redact_person(person_id)`: removes the stored values of every entry about the person
  (anonymisation, erasure); the chains still verify.

Changes to the models holding personal data are recorded by `filrouge.audit.capture`; reads of
the pages showing a person's record by the middleware (`filrouge.audit.reads` says which).
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction

from filrouge.audit import chain
from filrouge.audit.models import AuditEntry, Kind
from filrouge.core import addresses

SYSTEM = "system"


@dataclass
class Actor:
    """Who acts now: a request (its user is read when an entry is written, so a login made during
    the request counts), or a named system actor."""

    request: object = None
    label: str = SYSTEM
    # Entries written once the response is ready, outside the view's transaction.
    pending: list[Callable[[], None]] = field(default_factory=list)

    @property
    def user(self):
        user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None

    @property
    def address(self) -> str | None:
        return client_address(self.request) if self.request is not None else None


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


def client_address(request) -> str | None:
    return chain.clean_address(addresses.client_address(request)) if request is not None else None


def current_actor() -> Actor:
    return _actor.get() or Actor()


@contextmanager
def acting(actor: Actor):
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


@contextmanager
def system_actor(label: str):
    """Attributes what happens inside to a command or task (`label`), not to a person."""
    with acting(Actor(label=label)):
        yield


@dataclass
class UserActor(Actor):
    """A user acting outside a request (a command, a task): their entries name them, with no
    address; `label` says what ran (it is written only when there is no user)."""

    acting_user: object = None

    @property
    def user(self):
        return self.acting_user

    @property
    def address(self) -> str | None:
        return None


@contextmanager
def acting_user(user, label: str = "import"):
    """Attributes what happens inside to `user`, as if they had done it on a page."""
    with acting(UserActor(label=label, acting_user=user)) as actor:
        yield actor


# Entries kept by `buffered()` before they are appended; None outside it. A context variable, so
# each thread (and each task) has its own.
_buffer: ContextVar[list | None] = ContextVar("audit_buffer", default=None)
BUFFER_SIZE = 500


def flush() -> None:
    """Appends the entries kept so far (nothing outside `buffered()`)."""
    pending = _buffer.get()
    if pending:
        chain.append_many(pending)
        pending.clear()


@contextmanager
def buffered():
    """Inside the block, `record` keeps its entries and appends them every `BUFFER_SIZE` entries
    and at the block's end, in one transaction with the block's writes (the caller's, or a
    savepoint of it): three queries per chain and batch instead of three per entry, the chain's
    head locked from the first batch until the transaction ends. A block nested in another
    changes nothing. An exception leaving the block drops the entries not yet appended, and its
    transaction rolls back the writes and the entries appended already.

    Inside the block, `record` returns None; code that reads the trail must `flush()` first.
    An exception caught *inside* the block after a write it rolled back (a savepoint) would leave
    that write's entry kept: let refusals leave the block, as an import's all-or-nothing does."""
    if _buffer.get() is not None:
        yield
        return
    token = _buffer.set([])
    try:
        with transaction.atomic():
            yield
            flush()
    finally:
        _buffer.reset(token)


def record(
    kind,
    *,
    organisation_id,
    object_type="",
    object_id=None,
    person_id=None,
    changes=None,
    user=None,
    address=None,
    detail="",
    fields=None,
) -> AuditEntry | None:
    """Appends one entry (kept for a batch inside `buffered()`, and then None is returned).
    `changes` is {field: [old, new]} (stored encrypted, never for reads); `fields` defaults to
    its keys. The actor is read now, not when a batch is appended."""
    actor = current_actor()
    if user is None:
        user = actor.user
    if address is None:
        address = actor.address
    data = chain.EntryData(
        Kind(kind),
        organisation_id,
        actor_id=user.pk if user is not None else None,
        actor_label="" if user is not None else actor.label,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        fields=tuple(fields if fields is not None else (changes or ())),
        changes=changes,
        address=address,
        detail=detail,
    )
    pending = _buffer.get()
    if pending is None:
        return chain.append_entry(data)
    pending.append(data)
    if len(pending) >= BUFFER_SIZE:
        flush()
    return None


def record_after_response(**entry) -> None:
    """Like `record`, but during a request waits until the response is ready, so that the entry
    stays even if the view's transaction is rolled back (a failed login, a refused access)."""
    actor = _actor.get()
    if actor is None or actor.request is None:
        record(**entry)
        return
    user, address = entry.pop("user", None) or actor.user, entry.pop("address", None) or actor.address
    actor.pending.append(lambda: record(user=user, address=address, **entry))


def entries_for_person(person_id):
    """Every entry about the person, newest first: who read, changed or exported their record."""
    return AuditEntry.objects.filter(person_id=person_id).select_related("actor").order_by("-at", "-pk")


def redact_person(person_id) -> int:
    """Removes the old and new values stored about the person (anonymisation, erasure); returns
    how many entries lost their values. The redaction itself is recorded."""
    actor = current_actor()
    user = actor.user
    return chain.redact_person(
        person_id, actor_id=user.pk if user else None, actor_label="" if user else actor.label
    )
