from tests.background.factories import failed_task
from tests.matrix import ADMINS, Row


def failed_task_of_a(world):
    return {"pk": failed_task(world.org_a.pk).pk}


ROWS = [
    # The organisation's failed tasks: its administrators; the retry, those of its own organisation.
    Row("background:failed_tasks", "GET", ADMINS, denied=403),
    Row("background:retry_task", "GET", frozenset({"org_admin"}), kwargs=failed_task_of_a),
    Row("background:retry_task", "POST", frozenset({"org_admin"}), kwargs=failed_task_of_a, ok=302),
]
