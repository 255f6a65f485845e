import pytest
from django_tasks_db.management.commands import db_worker

from tests.background import sample_tasks

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings, monkeypatch, request):
    """The real queue in the database (the test settings run tasks at once).

    Inside a test's transaction the library's loop would close the connection (it checks for
    stale connections between tasks, and a connection in a transaction looks stale): there the
    check is left out. Tests with real transactions keep it."""
    settings.TASKS = QUEUE
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return settings


@pytest.fixture(autouse=True)
def _runs_forgotten():
    sample_tasks.RUNS.clear()
    yield
    sample_tasks.RUNS.clear()
