"""Session lifetime rules and ending a user's sessions."""

import math

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

SESSION_STARTED_AT = "filrouge_started_at"
SESSION_LAST_SEEN = "filrouge_last_seen"


def session_expired(session, now: float) -> bool:
    """True when the session was idle too long or has outlived its absolute lifetime."""
    left = time_left(session, now)
    return left is not None and min(left) < 0


def time_left(session, now: float) -> tuple[float, float] | None:
    """Seconds before the session ends for want of activity, and before its absolute end; None
    for a session that did not start with a sign-in (anonymous)."""
    started = session.get(SESSION_STARTED_AT)
    if started is None:
        return None
    last_seen = session.get(SESSION_LAST_SEEN, started)
    return (
        last_seen + settings.SESSION_IDLE_TIMEOUT.total_seconds() - now,
        started + settings.SESSION_ABSOLUTE_LIFETIME.total_seconds() - now,
    )


def status(session, now: float) -> dict:
    """What the page's countdown needs: the seconds left (the sooner of the two ends), and
    whether that end is the absolute one, which no activity pushes back."""
    left = time_left(session, now)
    if left is None:  # no start recorded: no end to count down to (see `session_expired`)
        return {"remaining": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()), "final": False}
    idle, absolute = left
    # Rounded up: a page told 0 while the session still runs would ask again at once.
    return {"remaining": max(0, math.ceil(min(idle, absolute))), "final": absolute <= idle}


def asks_status(request) -> bool:
    """A request of the page's countdown (`accounts:session`), which answers for itself."""
    return request.path_info == reverse("accounts:session")


def is_activity(request) -> bool:
    """Whether the request keeps the session alive. Every request does, except the countdown
    asking how much time is left: only the user's own doing (a page, typing in a form, the "stay
    signed in" button) postpones the end."""
    return not (request.method == "GET" and asks_status(request))


def end_all_sessions(user) -> int:
    """Deletes every session the user holds; returns how many there were."""
    keys = list(user.login_sessions.values_list("session_key", flat=True))
    with transaction.atomic():
        Session.objects.filter(session_key__in=keys).delete()
        user.login_sessions.all().delete()
    return len(keys)


def touch(session) -> None:
    session[SESSION_LAST_SEEN] = timezone.now().timestamp()
