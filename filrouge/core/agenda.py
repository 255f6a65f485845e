"""A staff member's appointments, from every domain: meetings, workshop sessions...

Each domain registers a source: a function `(owner, start, end, viewer) -> entries` giving the
owner's entries between two aware datetimes, in a few queries whatever their number, and only
those the viewer may see (a head of service reading a coach's week sees nothing of a service or
a confidential meeting the policy keeps from them). The week page and the iCalendar feed read
the same sources; the feed is the owner's own. An entry carries no health information: a time,
a place, a kind and the person's first name at most in the feed (`title`); the week page, inside
the app, shows the full name (`full_title`) and the entry's warnings.
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
    # Inside filrouge only (the week page), never in the feed: the title with the person's full
    # name, and what is still to do or to check ("présence à noter", a clash).
    full_title: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.full_title or self.title


def source(name: str):
    def register(function):
        SOURCES[name] = function
        return function

    return register


def entries(owner, start: datetime, end: datetime, viewer=None) -> list[Entry]:
    """The owner's entries as `viewer` may see them (the owner themself when not given)."""
    viewer = owner if viewer is None else viewer
    found = [entry for function in SOURCES.values() for entry in function(owner, start, end, viewer)]
    return sorted(found, key=lambda e: (e.starts_at, e.title))
