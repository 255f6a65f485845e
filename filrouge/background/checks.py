"""The schedule is checked: every task path imports as a task, every cron parses, every time
zone exists, every name is used once.

Registered as a deployment check (`filrouge check --deploy` fails on it) rather than on every
command: a job whose module is not written yet must not stop `migrate`. The worker runs the same
check at start, logs each error and leaves the broken jobs out (`usable_schedule`): the emails
and the other jobs keep going while the schedule is mended."""

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from django.core.checks import Error, register
from django.tasks import Task
from django.utils.module_loading import import_string

from filrouge.background.schedule import SCHEDULE

logger = logging.getLogger(__name__)

TAG = "filrouge_schedule"


def job_problems(periodic, seen_names) -> list[tuple[str, str]]:
    """(check id, message) for each thing wrong with one job."""
    problems = []
    if periodic.name in seen_names:
        problems.append(("filrouge.E101", f"Periodic job name {periodic.name!r} is used twice."))
    try:
        task = import_string(periodic.task)
    except ImportError as error:
        problems.append(
            ("filrouge.E102", f"Periodic job {periodic.name!r}: {periodic.task} does not import ({error}).")
        )
    else:
        if not isinstance(task, Task):
            problems.append(
                ("filrouge.E103", f"Periodic job {periodic.name!r}: {periodic.task} is not a task.")
            )
    if not croniter.is_valid(periodic.cron):
        problems.append(("filrouge.E104", f"Periodic job {periodic.name!r}: bad cron {periodic.cron!r}."))
    try:
        ZoneInfo(periodic.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            ("filrouge.E105", f"Periodic job {periodic.name!r}: unknown time zone {periodic.time_zone!r}.")
        )
    return problems


def schedule_errors(schedule=None) -> list[Error]:
    errors, seen = [], set()
    for periodic in SCHEDULE if schedule is None else schedule:
        errors += [
            Error(message, obj=periodic, id=check_id) for check_id, message in job_problems(periodic, seen)
        ]
        seen.add(periodic.name)
    return errors


def usable_schedule(schedule=None) -> tuple:
    """The jobs without error; each error is logged (no personal data in them)."""
    schedule = SCHEDULE if schedule is None else schedule
    errors = schedule_errors(schedule)
    for error in errors:
        logger.error("%s (%s) This job is left out until it is mended.", error.msg, error.id)
    broken = {id(error.obj) for error in errors}
    return tuple(periodic for periodic in schedule if id(periodic) not in broken)


@register(TAG, deploy=True)
def schedule_check(app_configs, **kwargs):
    return schedule_errors()
