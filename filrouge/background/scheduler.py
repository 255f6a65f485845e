"""Enqueues each periodic job of `schedule.SCHEDULE` once per slot, whatever the number of workers.

A slot is a time the job's cron names, read in the job's time zone (so "7:30" stays 7:30 in
Paris across daylight saving, and is 7:30 in Réunion too). At each tick, for each job, only the
latest slot that is due counts:

- it is enqueued if no later-or-equal slot of the job was: after an outage the job runs once,
  for the latest slot missed, never once per slot missed (no storm);
- a slot older than the last one enqueued never runs again (a clock set back, a late worker);
- a job that never ran (a fresh database, a job just added to the schedule) runs at once only
  if its latest slot is at most `FIRST_RUN_GRACE` old: a first start at 10:00 does not fire the
  night's jobs, which wait for their next slot.

The slot's row (unique name and slot) and the task are written in one transaction: the worker
that inserts the row enqueues the task; another one gets an IntegrityError and moves on.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from filrouge.background.models import ScheduledRun
from filrouge.background.schedule import SCHEDULE, Periodic

logger = logging.getLogger(__name__)

FIRST_RUN_GRACE = timedelta(minutes=10)


def latest_slot(periodic: Periodic, now: datetime) -> datetime:
    """The latest time <= now that the job's cron names, in its time zone (returned aware)."""
    local = now.astimezone(ZoneInfo(periodic.time_zone))
    # croniter's get_prev is strictly before its start: start one second after now, whole seconds.
    start = local.replace(microsecond=0) + timedelta(seconds=1)
    return croniter(periodic.cron, start).get_prev(datetime)


def next_slot(periodic: Periodic, now: datetime) -> datetime:
    """The first time > now that the job's cron names, in its time zone."""
    local = now.astimezone(ZoneInfo(periodic.time_zone))
    return croniter(periodic.cron, local).get_next(datetime)


@dataclass(frozen=True)
class Enqueued:
    name: str
    slot: datetime
    task_result_id: str


def enqueue_due(now: datetime | None = None, schedule=None) -> list[Enqueued]:
    """Enqueues the due slot of each job that needs it; returns what this call enqueued."""
    now = now or timezone.now()
    enqueued = []
    for periodic in SCHEDULE if schedule is None else schedule:
        slot = latest_slot(periodic, now)
        last = (
            ScheduledRun.objects.filter(name=periodic.name)
            .order_by("-slot")
            .values_list("slot", flat=True)
            .first()
        )
        if last is not None and last >= slot:
            continue
        if last is None and now - slot > FIRST_RUN_GRACE:
            continue
        result = enqueue_slot(periodic, slot, now)
        if result is not None:
            enqueued.append(result)
    return enqueued


def enqueue_slot(periodic: Periodic, slot: datetime, now: datetime) -> Enqueued | None:
    """Inserts the slot and enqueues its task, in one transaction; None when another worker did."""
    task = import_string(periodic.task)
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(name=periodic.name, slot=slot, enqueued_at=now)
            result = task.enqueue()
            run.task_result_id = str(result.id)
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        return None  # another worker inserted this slot first: it enqueued the task
    logger.info("Periodic job %s enqueued for slot %s.", periodic.name, slot.isoformat())
    return Enqueued(periodic.name, slot, run.task_result_id)
