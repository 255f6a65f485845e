"""The person's timeline: everything that happened, newest first, from every domain.

Each domain registers a provider: a function that takes the person, the enrolments the user
may see and the user (for what is confidential within them), and yields `Event`s with one query or a few, whatever the number of rows (the
page must not make one query per event). Later domains (meetings, actions, placements,
documents) add their own providers.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.functional import Promise


@dataclass(frozen=True)
class Event:
    on: date
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    at: datetime | None = None  # when it was recorded, to order events of one day
    service: str = ""


@dataclass(frozen=True)
class Provider:
    kind: str
    label: Promise | str
    events: Callable[..., Iterable[Event]]


PROVIDERS: dict[str, Provider] = {}


def provider(kind: str, label):
    """Registers a function `(person, enrolments, user) -> events` under a kind users can filter on."""

    def register(function):
        PROVIDERS[kind] = Provider(kind, label, function)
        return function

    return register


def kinds() -> list[tuple[str, str]]:
    return [(p.kind, p.label) for p in PROVIDERS.values()]


def timeline(person, enrolments, user, only: Iterable[str] = ()) -> list[Event]:
    """Every event of the person within `enrolments` (already scoped to `user`), newest first."""
    wanted = set(only) or set(PROVIDERS)
    events = [
        event
        for kind, p in PROVIDERS.items()
        if kind in wanted
        for event in p.events(person, enrolments, user)
    ]
    return sorted(events, key=lambda e: (e.on, e.at.timestamp() if e.at else 0.0), reverse=True)
