"""Session lifetime rules and ending a user's sessions."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

SESSION_STARTED_AT = "filrouge_started_at"
SESSION_LAST_SEEN = "filrouge_last_seen"


def session_expired(session, now: float) -> bool:
    """True when the session was idle too long or has outlived its absolute lifetime."""
    started = session.get(SESSION_STARTED_AT)
    last_seen = session.get(SESSION_LAST_SEEN, started)
    if started is None:
        return False
    if now - started > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds():
        return True
    return now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()


def end_all_sessions(user) -> int:
    """Deletes every session the user holds; returns how many there were."""
    keys = list(user.login_sessions.values_list("session_key", flat=True))
    with transaction.atomic():
        Session.objects.filter(session_key__in=keys).delete()
        user.login_sessions.all().delete()
    return len(keys)


def touch(session) -> None:
    session[SESSION_LAST_SEEN] = timezone.now().timestamp()
