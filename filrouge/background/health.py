"""Whether a worker lives, for /healthz and the page of background tasks."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from filrouge.background.models import WorkerHeartbeat

# Longer than any pause of a live worker (it beats every 10 s, even during a task).
SILENT_AFTER = timedelta(minutes=10)


def last_seen():
    """The latest heartbeat of any worker, or None (one small query)."""
    return WorkerHeartbeat.objects.aggregate(latest=Max("last_seen_at"))["latest"]


def is_alive(seen, now=None) -> bool:
    return seen is not None and (now or timezone.now()) - seen < SILENT_AFTER
