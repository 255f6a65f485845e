"""What other apps call to write to, or read from, the audit trail.

- `record(kind, organisation_id=..., ...)`: one entry. The actor and the address default to the
  current actor: the request's user and address (set by `AuditMiddleware`), or the label given
  to `system_actor` by a command, or "system" when there is neither.
- `system_actor(label)`: a command's work is attributed to it (`with system_actor("retention"):`).
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
) -> AuditEntry:
    """Appends one entry. `changes` is {field: [old, new]} (stored encrypted, never for reads);
    `fields` defaults to its keys."""
    actor = current_actor()
    if user is None:
        user = actor.user
    if address is None:
        address = actor.address
    return chain.append(
        Kind(kind),
        organisation_id=organisation_id,
        actor_id=user.pk if user is not None else None,
        actor_label="" if user is not None else actor.label,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        fields=fields if fields is not None else list(changes or ()),
        changes=changes,
        address=address,
        detail=detail,
    )


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
