"""What the worker keeps about itself: who is alive (heartbeats), and which slot of which
periodic job was enqueued (once, whatever the number of workers)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per worker process; `last_seen_at` moves every few seconds while it lives, even
    during a long task. A worker silent for a minute is dead: its running task is reclaimed."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker_id}@{self.hostname}:{self.pid}"


class ScheduledRun(models.Model):
    """A periodic job's slot, enqueued. The unique pair is the lock: the worker that inserts it
    enqueues the task in the same transaction; any other one gets an IntegrityError and moves on."""

    name = models.CharField(max_length=60)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="background_run_once_per_slot")]
        indexes = [models.Index(fields=["name", "-slot"], name="background_latest_slot")]

    def __str__(self):
        return f"{self.name} @ {self.slot.isoformat()}"
