"""A failed task of the database queue is tried again later, up to `MAX_ATTEMPTS` runs in all,
unless it failed for good (`errors.PermanentFailure`). Between runs: 1 min, 5 min, 25 min, 2 h.

The attempts are the task's `worker_ids` (one per run, added by the worker when it claims it).
"""

import logging
from datetime import timedelta

from django.dispatch import receiver
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone
from django.utils.module_loading import import_string

from filrouge.background.errors import PermanentFailure

logger = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1


def is_permanent(exception_class_path: str) -> bool:
    try:
        exception_class = import_string(exception_class_path)
    except ImportError:
        return False  # an exception we cannot name now: trying again costs little
    return isinstance(exception_class, type) and issubclass(exception_class, PermanentFailure)


def put_back(db_result, run_after) -> None:
    """Back in the queue, error cleared (the page of failed tasks shows only what stays failed)."""
    db_result.status = TaskResultStatus.READY
    db_result.run_after = run_after
    db_result.started_at = None
    db_result.finished_at = None
    db_result.exception_class_path = ""
    db_result.traceback = ""
    db_result.return_value = None
    db_result.save(
        update_fields=[
            "status", "run_after", "started_at", "finished_at", "exception_class_path", "traceback", "return_value",
        ]
    )  # fmt: skip


@receiver(task_finished, dispatch_uid="filrouge.background.retries")
def retry_failed(sender, task_result, **kwargs):
    db_result = getattr(task_result, "db_result", None)  # only the database backend can retry
    if db_result is None or task_result.status != TaskResultStatus.FAILED:
        return
    if is_permanent(db_result.exception_class_path):
        return
    attempts = len(db_result.worker_ids)
    if attempts >= MAX_ATTEMPTS:
        logger.warning("Task %s failed for good after %s attempts.", db_result.id, attempts)
        return
    delay = BACKOFF[max(attempts, 1) - 1]
    put_back(db_result, timezone.now() + delay)
    logger.info("Task %s failed (attempt %s): tried again in %s.", db_result.id, attempts, delay)
