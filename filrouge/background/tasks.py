"""The worker's own housekeeping, run nightly from the schedule."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from filrouge.background.models import ScheduledRun, WorkerHeartbeat

SUCCESSFUL_KEPT = timedelta(days=30)
# A failed task stays on the administration page until it is run again, or this old.
FAILED_KEPT = timedelta(days=90)
RUNS_KEPT = timedelta(days=90)
HEARTBEATS_KEPT = timedelta(days=7)


@task
def prune_finished_tasks() -> dict:
    now = timezone.now()
    successful, _ = DBTaskResult.objects.successful().filter(finished_at__lt=now - SUCCESSFUL_KEPT).delete()
    failed, _ = DBTaskResult.objects.failed().filter(finished_at__lt=now - FAILED_KEPT).delete()
    runs, _ = ScheduledRun.objects.filter(slot__lt=now - RUNS_KEPT).delete()
    # Long-gone workers (their tasks were reclaimed within the minute).
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - HEARTBEATS_KEPT).delete()
    return {"successful": successful, "failed": failed, "scheduled_runs": runs}
