"""The files sweep from the worker's schedule: what `filrouge files sweep` does, through the same
`documents.domain.sweep_files`, once for the installation."""

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus

from filrouge.background.errors import TaskFailure
from filrouge.background.schedule import SCHEDULE
from filrouge.documents import domain, tasks
from tests.documents.test_files import age, on_disk, saved, sweep

pytestmark = pytest.mark.django_db


def test_the_sweep_is_on_the_schedule():
    assert {p.name: p.task for p in SCHEDULE}["files_sweep"] == "filrouge.documents.tasks.sweep_files"


def test_the_task_removes_what_the_command_would_and_keeps_the_rest(world, private_media):
    kept = saved(world.person).file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        erased = saved(world.person).file.name  # its row is gone, its file stayed
        raise RuntimeError("rolled back after the move")
    stranger = "notes-de-l-administrateur.txt"
    (private_media / stranger).write_text("not an attached file")
    young = f"{kept.split('/')[0]}/{'a' * 32}"
    (private_media / young).write_bytes(b"an orphan written a minute ago")
    age(private_media, kept, erased, stranger)

    assert f"  {erased}" in sweep("--dry-run")  # the command sees it too
    result = tasks.sweep_files.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"temporary": 0, "orphans": 1, "recovered": 0, "others": 1}
    assert on_disk(private_media) == {kept, young, stranger}
    # The command, after it, finds nothing left.
    assert "0 file(s) no document names removed" in sweep()


def test_the_task_on_an_installation_with_no_files_yet_does_nothing(private_media):
    assert not private_media.exists()
    assert tasks.sweep_files.call() == {"temporary": 0, "orphans": 0, "recovered": 0, "others": 0}


def test_a_directory_that_cannot_be_read_fails_with_what_to_check(monkeypatch):
    def unreadable(**options):
        raise PermissionError(13, "Permission denied", "/srv/filrouge/uploads/12/" + "b" * 32)

    monkeypatch.setattr(tasks, "sweep", unreadable)
    with pytest.raises(TaskFailure) as failure:
        tasks.sweep_files.call()
    message = str(failure.value)
    assert "Permission denied" in message and "FILROUGE_PRIVATE_MEDIA_ROOT" in message
    assert "b" * 32 not in message  # no file name in the message


def test_the_task_and_the_command_share_one_function():
    assert tasks.sweep is domain.sweep_files
