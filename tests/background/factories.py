from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def failed_task(
    organisation_id, *, task_path="tests.background.sample_tasks.fails", exception=None, attempts=5
):
    """A task of the organisation that failed for good, as the worker leaves it."""
    exception = exception or ValueError("Camille Martin, 06 12 34 56 78")
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"organisation_id": organisation_id}},
        task_path=task_path,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[f"w{n}" for n in range(attempts)],
    )
    task.set_failed(exception)
    return task
