"""The nightly backup: one archive a night, the last N kept, only its own archives removed."""

import os
import tarfile
from datetime import date

import pytest

from filrouge.background.errors import PermanentFailure
from filrouge.background.schedule import SCHEDULE
from filrouge.backups import archive, tasks

NIGHT = date(2026, 12, 6)


@pytest.fixture
def backups(settings, tmp_path, monkeypatch):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 3
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: NIGHT)
    return settings.BACKUP_DIR


@pytest.fixture
def written(monkeypatch):
    """`archive.write` standing for the real one (test_round_trip.py): a small file, and the names."""
    names = []

    def write(path):
        names.append(path.name)
        path.write_bytes(b"archive")
        return archive.Summary(path, 1, 1, 0, 0)

    monkeypatch.setattr(tasks.archive, "write", write)
    return names


def night(day: int) -> str:
    return tasks.nightly_name(date(2026, 12, day))


def test_the_backup_is_scheduled_at_night_before_the_retention():
    jobs = {periodic.name: periodic for periodic in SCHEDULE}
    assert jobs["backup"].task == "filrouge.backups.tasks.nightly_backup"
    assert jobs["backup"].cron == "30 1 * * *"
    assert jobs["retention"].cron == "30 2 * * *"


def test_it_writes_the_nights_archive_in_an_owner_only_directory(backups, written):
    result = tasks.nightly_backup.call()
    assert result == {"written": "filrouge-nightly-2026-12-06.tar", "removed": [], "leftovers": 0}
    assert (backups / "filrouge-nightly-2026-12-06.tar").exists()
    assert os.stat(backups).st_mode & 0o777 == 0o700


def test_run_twice_in_a_night_it_keeps_the_first_archive(backups, written):
    tasks.nightly_backup.call()
    (backups / night(6)).write_bytes(b"the first one")
    result = tasks.nightly_backup.call()
    assert result["written"] is None
    assert written == [night(6)]
    assert (backups / night(6)).read_bytes() == b"the first one"
    assert sorted(path.name for path in backups.iterdir() if not path.name.startswith(".")) == [night(6)]


def test_it_keeps_the_last_n_and_removes_only_its_own_older_archives(backups, written):
    backups.mkdir()
    for day in (1, 2, 3, 4, 5):
        (backups / night(day)).write_bytes(b"older")
    others = ["before-upgrade.tar", "filrouge-nightly-notes.txt", "filrouge-2026-12-01.tar"]
    for name in others:
        (backups / name).write_bytes(b"the operator's")

    result = tasks.nightly_backup.call()

    assert result["removed"] == [night(1), night(2), night(3)]
    left = sorted(path.name for path in backups.iterdir() if not path.name.startswith("."))
    assert left == sorted([night(4), night(5), night(6), *others])


def test_leftovers_of_a_killed_run_are_removed_and_others_kept(backups, written):
    backups.mkdir()
    leftover_file = backups / f".{night(5)}.1a2b3c4d.tmp"
    leftover_file.write_bytes(b"half an archive")
    leftover_directory = backups / f".{night(5)}.1a2b3c4d.tmp.xyz"
    leftover_directory.mkdir()
    (leftover_directory / "dump").write_bytes(b"half a dump")
    someone_elses = backups / ".before-upgrade.tar.1a2b3c4d.tmp"
    someone_elses.write_bytes(b"a manual backup being written")

    result = tasks.nightly_backup.call()

    assert result["leftovers"] == 2
    assert not leftover_file.exists() and not leftover_directory.exists()
    assert someone_elses.exists()
    assert (backups / night(6)).exists()


def test_keep_zero_turns_the_nightly_backup_off(backups, written, settings):
    settings.BACKUP_KEEP = 0
    assert tasks.nightly_backup.call() == {"written": None, "removed": []}
    assert written == []
    assert not backups.exists()


def test_a_directory_that_cannot_be_made_fails_for_good_with_what_to_check(
    backups, written, settings, tmp_path
):
    (tmp_path / "a-file").write_text("x")
    settings.BACKUP_DIR = tmp_path / "a-file" / "backups"
    with pytest.raises(PermanentFailure, match="check FILROUGE_BACKUP_DIR"):
        tasks.nightly_backup.call()
    assert written == []


def test_a_failed_archive_keeps_every_older_one(backups, monkeypatch):
    backups.mkdir()
    for day in (1, 2, 3, 4):
        (backups / night(day)).write_bytes(b"older")

    def fails(path):
        raise archive.ArchiveError("pg_dump was not found")

    monkeypatch.setattr(tasks.archive, "write", fails)
    with pytest.raises(PermanentFailure, match="Nightly backup: pg_dump was not found"):
        tasks.nightly_backup.call()
    assert sorted(path.name for path in backups.iterdir() if not path.name.startswith(".")) == [
        night(day) for day in (1, 2, 3, 4)
    ]


@pytest.mark.django_db(transaction=True)
def test_the_nightly_archive_is_a_real_backup(backups):
    tasks.nightly_backup.call()
    with tarfile.open(backups / night(6)) as tar:
        assert archive.MANIFEST in tar.getnames()
    assert archive.verify(backups / night(6)).manifest["tables"]["django_migrations"] > 0
    assert [path.name for path in backups.iterdir() if ".tmp" in path.name] == []
