"""The worker around django_tasks_db's: a heartbeat, the periodic jobs, and the tasks of dead
workers put back in the queue.

A thread of its own (with its own database connection) writes the heartbeat every
`HEARTBEAT_SECONDS`, also while the main thread runs a long task; at most every
`TICK_SECONDS` it enqueues the periodic jobs' due slots (`scheduler`) and reclaims the tasks
left running by a worker silent for `DEAD_AFTER`. The main thread is the library's loop,
unchanged: it claims a task with `select_for_update(skip_locked=True)`, so no two workers run
the same one, and on SIGTERM it finishes the task in hand, then exits.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from filrouge.background import checks, retries, scheduler
from filrouge.background.errors import WorkerLost
from filrouge.background.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
TICK_SECONDS = 30
DEAD_AFTER = timedelta(seconds=60)


def beat(worker_id: str, started_at, now=None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "last_seen_at": now},
        create_defaults={
            "hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started_at, "last_seen_at": now,
        },
    )  # fmt: skip


def reclaim_dead_workers_tasks(now=None) -> int:
    """Puts back in the queue the tasks left running by workers silent for `DEAD_AFTER`; a task
    that already used its attempts is marked failed (`WorkerLost`) instead. Tasks of workers
    that never wrote a heartbeat (a bare `db_worker`) are left alone: nothing says they died."""
    now = now or timezone.now()
    dead = set(
        WorkerHeartbeat.objects.filter(last_seen_at__lt=now - DEAD_AFTER).values_list("worker_id", flat=True)
    )
    if not dead:
        return 0
    reclaimed = 0
    for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids"):
        if not worker_ids or worker_ids[-1] not in dead:
            continue
        with transaction.atomic():
            # Locked and read again: a live worker may have finished it meanwhile.
            task = (
                DBTaskResult.objects.select_for_update()
                .filter(id=task_id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if task is None or task.worker_ids[-1:] != worker_ids[-1:]:
                continue
            if len(task.worker_ids) >= retries.MAX_ATTEMPTS:
                task.set_failed(WorkerLost())
            else:
                retries.put_back(task, now)
            reclaimed += 1
    if reclaimed:
        logger.warning("%s task(s) of stopped workers put back in the queue or failed.", reclaimed)
    return reclaimed


def tick(now=None, schedule=None) -> None:
    """One round of the housekeeping: periodic jobs due, dead workers' tasks."""
    scheduler.enqueue_due(now, schedule=schedule)
    reclaim_dead_workers_tasks(now)


class FilrougeWorker(Worker):
    def __init__(self, *, until_idle: bool = False, **kwargs):
        super().__init__(batch=kwargs.pop("batch", False) or until_idle, **kwargs)
        self.until_idle = until_idle
        self.schedule = checks.usable_schedule()  # read once: a broken job is logged once
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = None

    def run(self) -> None:
        beat(self.worker_id, self.started_at)
        if self.until_idle:
            # The due slots first, so the loop below runs them too. No heartbeat thread: a run
            # from cron is short and kept from overlapping the next one by `flock`
            # (docs/operations.md, "Hosts that only have cron").
            tick(schedule=self.schedule)
        else:
            self._thread = threading.Thread(target=self.housekeeping, name="filrouge-heartbeat", daemon=True)
            self._thread.start()
        try:
            super().run()
        finally:
            self._stop.set()
            if self._thread is not None:
                self._thread.join(timeout=HEARTBEAT_SECONDS * 2)

    def housekeeping(self) -> None:
        last_tick = None
        try:
            while not self._stop.is_set():
                try:
                    close_old_connections()
                    beat(self.worker_id, self.started_at)
                    now = timezone.now()
                    if last_tick is None or (now - last_tick).total_seconds() >= TICK_SECONDS:
                        last_tick = now
                        tick(now, self.schedule)
                except DatabaseError:
                    # The database is away for a moment: the next beat tries again.
                    logger.exception("The worker's heartbeat or schedule failed.")
                self._stop.wait(HEARTBEAT_SECONDS)
        finally:
            connection.close()  # this thread's own connection
