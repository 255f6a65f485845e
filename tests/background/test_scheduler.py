"""Each periodic job's slot is enqueued once, in its own time zone; after an outage only the
latest slot missed runs; a fresh database does not fire the night's jobs in the morning."""

import threading
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from filrouge.background import scheduler
from filrouge.background.checks import schedule_errors
from filrouge.background.models import ScheduledRun
from filrouge.background.schedule import Periodic

EVERY_5 = Periodic("often", "*/5 * * * *", "tests.background.sample_tasks.noop")
NIGHTLY = Periodic("nightly", "30 2 * * *", "tests.background.sample_tasks.noop")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_slot_is_read_in_the_jobs_time_zone_paris_and_reunion():
    at_730 = "30 7 * * *"
    paris = Periodic("p", at_730, "x", time_zone="Europe/Paris")
    reunion = Periodic("r", at_730, "x", time_zone="Indian/Reunion")
    now = utc(2026, 3, 30, 5, 0)  # 07:00 in Paris (summer time), 09:00 in Réunion
    assert scheduler.latest_slot(paris, now) == utc(2026, 3, 29, 5, 30)  # yesterday, 07:30 in summer time
    assert scheduler.latest_slot(reunion, now) == utc(2026, 3, 30, 3, 30)  # today, UTC+4 all year
    assert scheduler.next_slot(paris, now) == utc(2026, 3, 30, 5, 30)
    # In winter, Paris is UTC+1: the same 07:30 is an hour later in UTC.
    assert scheduler.latest_slot(paris, utc(2026, 1, 15, 7, 0)) == utc(2026, 1, 15, 6, 30)
    # The day daylight saving starts (29 March 2026) 07:30 is 05:30 UTC already.
    assert scheduler.latest_slot(paris, utc(2026, 3, 29, 6, 0)) == utc(2026, 3, 29, 5, 30)


def test_a_slot_exactly_now_is_due():
    assert scheduler.latest_slot(EVERY_5, utc(2026, 5, 4, 10, 5)) == utc(2026, 5, 4, 10, 5)
    assert scheduler.latest_slot(EVERY_5, utc(2026, 5, 4, 10, 4, 59, 999)) == utc(2026, 5, 4, 10, 0)


@pytest.mark.django_db
def test_each_slot_is_enqueued_once(queue):
    now = utc(2026, 5, 4, 10, 7)
    first = scheduler.enqueue_due(now, schedule=[EVERY_5])
    assert [(run.name, run.slot) for run in first] == [("often", utc(2026, 5, 4, 10, 5))]
    assert scheduler.enqueue_due(now + timedelta(seconds=30), schedule=[EVERY_5]) == []
    run = ScheduledRun.objects.get()
    assert DBTaskResult.objects.get().pk.hex == run.task_result_id.replace("-", "")
    # The next slot, when it comes.
    assert len(scheduler.enqueue_due(utc(2026, 5, 4, 10, 10), schedule=[EVERY_5])) == 1
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_after_an_outage_only_the_latest_missed_slot_runs(queue):
    ScheduledRun.objects.create(
        name="nightly", slot=utc(2026, 5, 1, 0, 30), enqueued_at=utc(2026, 5, 1, 0, 30)
    )
    now = utc(2026, 5, 4, 12, 0)  # three nights missed
    enqueued = scheduler.enqueue_due(now, schedule=[NIGHTLY])
    assert [run.slot for run in enqueued] == [utc(2026, 5, 4, 0, 30)]  # 02:30 in Paris, today
    assert DBTaskResult.objects.count() == 1
    assert scheduler.enqueue_due(now + timedelta(hours=1), schedule=[NIGHTLY]) == []


@pytest.mark.django_db
def test_a_slot_older_than_the_last_run_is_never_run_again(queue):
    ScheduledRun.objects.create(name="often", slot=utc(2026, 5, 4, 10, 5), enqueued_at=utc(2026, 5, 4, 10, 5))
    assert scheduler.enqueue_due(utc(2026, 5, 4, 10, 3), schedule=[EVERY_5]) == []  # a clock set back
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_on_a_fresh_database_the_nights_jobs_wait_for_their_next_slot(queue):
    morning = utc(2026, 5, 4, 8, 0)
    assert scheduler.enqueue_due(morning, schedule=[NIGHTLY]) == []
    assert [run.name for run in scheduler.enqueue_due(morning, schedule=[EVERY_5])] == ["often"]
    # Started just after the slot (within FIRST_RUN_GRACE), a nightly job runs.
    just_after = utc(2026, 5, 5, 0, 30) + scheduler.FIRST_RUN_GRACE - timedelta(seconds=1)
    assert [run.name for run in scheduler.enqueue_due(just_after, schedule=[NIGHTLY])] == ["nightly"]


@pytest.mark.django_db
def test_without_the_queue_the_task_runs_at_once_and_the_slot_is_recorded():
    from tests.background import sample_tasks

    scheduler.enqueue_due(utc(2026, 5, 4, 10, 7), schedule=[EVERY_5])
    assert sample_tasks.RUNS == ["noop"]
    assert ScheduledRun.objects.get().task_result_id


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_the_same_moment_enqueue_the_slot_once(queue, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the unique slot is PostgreSQL's concern")
    now = utc(2026, 5, 4, 10, 7)
    start, inserted = threading.Barrier(2), threading.Barrier(2)
    create = ScheduledRun.objects.create

    def create_then_wait(**fields):
        # Both threads looked and found no run; the first to insert holds the row until it
        # commits, the second blocks on the unique index, then fails.
        run = create(**fields)
        with suppress(threading.BrokenBarrierError):
            inserted.wait(timeout=3)
        return run

    monkeypatch.setattr(ScheduledRun.objects, "create", create_then_wait)
    results, errors = [None, None], []

    def tick(index):
        try:
            start.wait(timeout=10)
            results[index] = scheduler.enqueue_due(now, schedule=[EVERY_5])
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(len(result) for result in results) == [0, 1]
    assert ScheduledRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_the_schedule_check_names_what_is_broken():
    broken = [
        Periodic("a", "*/5 * * * *", "tests.background.sample_tasks.noop"),
        Periodic("a", "61 * * * *", "tests.background.sample_tasks.nothing_here"),
        Periodic("b", "0 3 * * *", "tests.background.sample_tasks.note", time_zone="Europe/Atlantis"),
    ]
    ids = sorted(error.id for error in schedule_errors(broken))
    assert ids == ["filrouge.E101", "filrouge.E102", "filrouge.E103", "filrouge.E104", "filrouge.E105"]
    assert schedule_errors(broken[:1]) == []
