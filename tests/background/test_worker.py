"""`filrouge worker`: the periodic jobs, the queue run until idle, retries with backoff, the
tasks of a dead worker reclaimed, and two workers never running the same task."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from filrouge.background import checks, retries, scheduler, worker
from filrouge.background.models import ScheduledRun, WorkerHeartbeat
from filrouge.background.schedule import Periodic
from tests.background import sample_tasks

pytestmark = pytest.mark.django_db

EVERY_5 = Periodic("often", "*/5 * * * *", "tests.background.sample_tasks.noop")


@pytest.fixture
def test_schedule(monkeypatch):
    monkeypatch.setattr(scheduler, "SCHEDULE", (EVERY_5,))
    monkeypatch.setattr(checks, "SCHEDULE", (EVERY_5,))


def run_until_idle(worker_id="test-worker"):
    call_command("worker", until_idle=True, verbosity=0, worker_id=worker_id)


def test_until_idle_runs_the_due_slots_and_the_ready_tasks_then_exits(queue, test_schedule):
    sample_tasks.numbered.enqueue(1)
    later = sample_tasks.numbered.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(2)
    run_until_idle()
    assert sorted(sample_tasks.RUNS) == ["noop", "numbered-1"]
    assert ScheduledRun.objects.get().name == "often"
    assert DBTaskResult.objects.get(pk=later.id).status == "READY"  # not due yet
    assert WorkerHeartbeat.objects.get().worker_id == "test-worker"


def test_a_broken_job_is_logged_and_left_out_the_others_run(queue, monkeypatch, caplog):
    broken = Periodic("bad", "not a cron", "tests.background.sample_tasks.noop")
    missing = Periodic("missing", "*/5 * * * *", "tests.background.sample_tasks.not_written_yet")
    monkeypatch.setattr(checks, "SCHEDULE", (broken, EVERY_5, missing))
    sample_tasks.numbered.enqueue(1)
    with caplog.at_level("ERROR", logger="filrouge.background.checks"):
        run_until_idle()
    assert sorted(sample_tasks.RUNS) == ["noop", "numbered-1"]
    assert list(ScheduledRun.objects.values_list("name", flat=True)) == ["often"]
    assert "bad cron" in caplog.text and "not_written_yet does not import" in caplog.text


def attempt(result_id):
    """Makes the task due now, and lets one worker run it."""
    DBTaskResult.objects.filter(pk=result_id).update(run_after=timezone.now() - timedelta(seconds=1))
    run_until_idle()
    return DBTaskResult.objects.get(pk=result_id)


def test_a_failed_task_is_tried_again_later_five_times_in_all(queue, test_schedule):
    result = sample_tasks.fails.enqueue(organisation_id=1)
    delays = []
    for expected_attempts in range(1, 5):
        before = timezone.now()
        task = attempt(result.id)
        assert task.status == "READY" and len(task.worker_ids) == expected_attempts
        assert task.exception_class_path == "" and task.traceback == ""
        delays.append(task.run_after - before)
    for delay, backoff in zip(delays, retries.BACKOFF, strict=True):
        assert backoff <= delay < backoff + timedelta(minutes=1)
    task = attempt(result.id)
    assert task.status == "FAILED" and len(task.worker_ids) == 5
    assert task.exception_class_path == "builtins.ValueError"
    assert attempt(result.id).status == "FAILED"  # no sixth run


def test_a_permanent_failure_is_not_tried_again(queue, test_schedule):
    result = sample_tasks.fails_for_good.enqueue()
    task = attempt(result.id)
    assert task.status == "FAILED" and len(task.worker_ids) == 1
    assert task.exception_class_path.endswith("NumberRefused")


@pytest.mark.parametrize("failing", [sample_tasks.mail_fails, sample_tasks.fails_for_a_reason])
def test_a_mail_server_or_a_provider_down_is_tried_again(queue, test_schedule, failing):
    result = failing.enqueue()
    task = attempt(result.id)
    assert task.status == "READY" and task.run_after > timezone.now()


def running_task(worker_id, attempts=1):
    result = sample_tasks.numbered.enqueue(7)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now(),
        worker_ids=[f"earlier-{n}" for n in range(attempts - 1)] + [worker_id],
    )
    return result.id


def heartbeat(worker_id, seconds_ago):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="h", pid=1, started_at=now - timedelta(hours=1),
        last_seen_at=now - timedelta(seconds=seconds_ago),
    )  # fmt: skip


def test_the_task_of_a_dead_worker_goes_back_to_the_queue_a_live_ones_stays(queue, test_schedule):
    heartbeat("dead", seconds_ago=120)
    heartbeat("alive", seconds_ago=5)
    orphan, busy = running_task("dead"), running_task("alive")
    unknown = running_task("no-heartbeat")
    assert worker.reclaim_dead_workers_tasks() == 1
    assert DBTaskResult.objects.get(pk=orphan).status == "READY"
    assert DBTaskResult.objects.get(pk=busy).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=unknown).status == "RUNNING"
    run_until_idle()
    assert [run for run in sample_tasks.RUNS if run.startswith("numbered")] == ["numbered-7"]


def test_a_task_that_lost_its_worker_five_times_fails(queue):
    heartbeat("dead", seconds_ago=120)
    task_id = running_task("dead", attempts=5)
    worker.reclaim_dead_workers_tasks()
    task = DBTaskResult.objects.get(pk=task_id)
    assert task.status == "FAILED" and task.exception_class_path == "filrouge.background.errors.WorkerLost"


def test_the_heartbeat_moves_forward(queue):
    started = timezone.now() - timedelta(minutes=5)
    worker.beat("w", started, now=started)
    worker.beat("w", started, now=started + timedelta(seconds=10))
    beat = WorkerHeartbeat.objects.get()
    assert beat.started_at == started and beat.last_seen_at == started + timedelta(seconds=10)


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_task(queue, test_schedule):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; skip_locked is PostgreSQL's")
    for number in range(40):
        sample_tasks.numbered.enqueue(number)
    errors = []

    def work(worker_id):
        try:
            worker.FilrougeWorker(
                until_idle=True, queue_names=["*"], interval=0, backend_name="default", startup_delay=False,
                max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
            ).run()  # fmt: skip
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbered = [run for run in sample_tasks.RUNS if run.startswith("numbered")]
    assert sorted(numbered) == sorted(f"numbered-{n}" for n in range(40))  # each once
    assert set(
        DBTaskResult.objects.filter(task_path__endswith="numbered").values_list("status", flat=True)
    ) == {"SUCCESSFUL"}
    assert ScheduledRun.objects.count() == 1
