from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from filrouge.background.models import ScheduledRun, WorkerHeartbeat
from filrouge.background.tasks import prune_finished_tasks
from tests.background import sample_tasks
from tests.background.factories import failed_task

pytestmark = pytest.mark.django_db


def test_tasks_failed_lists_every_organisations_failed_tasks_without_data(world):
    failed_task(world.org_a.pk)
    failed_task(world.org_b.pk, exception=sample_tasks.ProviderDown("provider 503"))
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("tasks", "failed", stdout=out, stderr=err)
    assert exited.value.code == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert any(f"organisation={world.org_a.pk}" in line and line.endswith("ValueError") for line in lines)
    assert any(line.endswith("ProviderDown : provider 503") for line in lines)
    assert "Camille" not in out.getvalue()


def test_tasks_failed_exits_zero_when_there_is_none():
    out, err = StringIO(), StringIO()
    call_command("tasks", "failed", stdout=out, stderr=err)
    assert out.getvalue() == "" and "0 failed" in err.getvalue()


def aged(task, days):
    DBTaskResult.objects.filter(pk=task.pk).update(finished_at=timezone.now() - timedelta(days=days))


def test_prune_keeps_recent_results_and_failed_ones_for_90_days(world):
    now = timezone.now()
    old_success, recent_success = (
        DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
                                    run_after=now, status="SUCCESSFUL", finished_at=now)
        for _ in range(2)
    )  # fmt: skip
    aged(old_success, 31)
    aged(recent_success, 29)
    failed_60, failed_91 = failed_task(world.org_a.pk), failed_task(world.org_a.pk)
    aged(failed_60, 60)
    aged(failed_91, 91)
    ScheduledRun.objects.create(name="often", slot=now - timedelta(days=91), enqueued_at=now)
    kept_run = ScheduledRun.objects.create(name="often", slot=now - timedelta(days=10), enqueued_at=now)
    WorkerHeartbeat.objects.create(
        worker_id="gone", hostname="h", pid=1, started_at=now, last_seen_at=now - timedelta(days=8)
    )

    assert prune_finished_tasks.call() == {"successful": 1, "failed": 1, "scheduled_runs": 1}
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent_success.pk, failed_60.pk}
    assert list(ScheduledRun.objects.all()) == [kept_run]
    assert not WorkerHeartbeat.objects.exists()
