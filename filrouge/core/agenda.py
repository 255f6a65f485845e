"""A staff member's appointments, from every domain: meetings, workshop sessions...

Each domain registers a source: a function `(user, start, end) -> entries` giving the user's
entries between two aware datetimes, in a few queries whatever their number. The week page and
the iCalendar feed read the same sources. An entry carries no health information: a time, a
place, a kind and the person's first name at most.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

SOURCES: dict[str, Callable[..., Iterable["Entry"]]] = {}


@dataclass(frozen=True)
class Entry:
    uid: str  # stable across feeds: "<kind>-<pk>@filrouge"
    starts_at: datetime
    ends_at: datetime
    title: str  # e.g. "Entretien — Camille", "Atelier CV"
    place: str = ""
    url: str = ""  # the page in filrouge, for the week view (never put in the feed)
    cancelled: bool = False


def source(name: str):
    def register(function):
        SOURCES[name] = function
        return function

    return register


def entries(user, start: datetime, end: datetime) -> list[Entry]:
    found = [entry for function in SOURCES.values() for entry in function(user, start, end)]
    return sorted(found, key=lambda e: (e.starts_at, e.title))
