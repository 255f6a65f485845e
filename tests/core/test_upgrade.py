"""`filrouge upgrade`: migrate, collect the static files, reload the referentials when their files
changed; in that order, saying what it did, safe to run twice, stopping at the first failure."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from filrouge.core.management.commands import upgrade
from filrouge.referentials import loading
from filrouge.referentials.models import Commune, ReferentialsLoad, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def static_root(settings, tmp_path):
    # The test settings collect nowhere (STATIC_ROOT None); here a throwaway directory.
    settings.STATIC_ROOT = tmp_path / "static"
    return settings.STATIC_ROOT


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of the shipped referential files, read instead of them."""
    copy = tmp_path / "data"
    shutil.copytree(loading.DATA, copy)
    monkeypatch.setattr(loading, "DATA", copy)
    return copy


@pytest.fixture
def no_reload(monkeypatch):
    """A reload would fail: a run that passes did not reload."""

    def refused(*args, **kwargs):
        raise AssertionError("the referentials were reloaded")

    monkeypatch.setattr(loading, "load_rome", refused)


def run() -> list[str]:
    out = StringIO()
    call_command("upgrade", stdout=out)
    return out.getvalue().splitlines()


def test_first_run_reloads_the_referentials_loaded_by_the_migrations_then_a_second_run_changes_nothing(
    static_root, monkeypatch
):
    # The test database is migrated: the data migrations loaded the referentials, recording no load.
    assert Commune.objects.exists() and Theme.objects.exists()
    assert ReferentialsLoad.last_checksum() is None

    lines = run()

    assert lines[:2] == ["No migration to apply.", "Static files collected."]
    assert lines[2].startswith("ROME: ")  # the `referentials` command's own line
    assert lines[3:] == ["Referentials reloaded (no earlier load recorded).", "Upgrade done."]
    assert ReferentialsLoad.last_checksum() == loading.data_checksum()
    assert any(static_root.rglob("*.css"))

    def refused(*args, **kwargs):
        raise AssertionError("the referentials were reloaded")

    monkeypatch.setattr(loading, "load_rome", refused)
    assert run() == [
        "No migration to apply.",
        "Static files collected.",
        "Referentials unchanged.",
        "Upgrade done.",
    ]


def test_unchanged_files_are_not_reloaded(data_copy, no_reload):
    ReferentialsLoad.record(loading.data_checksum())

    assert "Referentials unchanged." in run()


def test_a_changed_file_is_reloaded(data_copy):
    ReferentialsLoad.record(loading.data_checksum())
    themes = data_copy / "themes.csv"
    themes.write_text(
        themes.read_text(encoding="utf-8").replace("Choisir un métier\n", "Choisir un métier (révisé)\n"),
        encoding="utf-8",
    )

    assert "Referentials reloaded (their files changed)." in run()
    assert Theme.objects.get(code="choisir_un_metier").label == "Choisir un métier (révisé)"
    assert ReferentialsLoad.last_checksum() == loading.data_checksum()


@pytest.mark.parametrize(
    "change",
    [
        lambda data: (data / "themes.csv").rename(data / "themes2.csv"),  # a file renamed
        lambda data: (data / "notes.txt").write_text(""),  # a file added, even empty
        lambda data: (data / "actions.csv").unlink(),  # a file removed
    ],
    ids=["renamed", "added", "removed"],
)
def test_the_checksum_covers_names_and_the_set_of_files(data_copy, change):
    before = loading.data_checksum()
    change(data_copy)
    assert loading.data_checksum() != before


def test_a_failing_migrate_stops_before_the_static_files(monkeypatch):
    calls = []

    def fake_call_command(name, *args, **kwargs):
        calls.append(name)
        if name == "migrate":
            raise RuntimeError("relation already exists\nDETAIL: Key (email)=(someone@example.org)")

    monkeypatch.setattr(upgrade, "call_command", fake_call_command)
    out = StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("upgrade", stdout=out)

    assert calls == ["migrate"]
    assert out.getvalue() == ""
    message = str(failure.value)
    assert "'migrate' failed (RuntimeError: relation already exists)" in message
    assert "later steps were not run" in message
    assert "someone@example.org" not in message  # only the first line: a detail may quote values
    assert ReferentialsLoad.last_checksum() is None


def test_a_failing_collectstatic_stops_before_the_referentials(settings, no_reload):
    settings.STATIC_ROOT = None  # Django refuses to collect without it
    out = StringIO()

    with pytest.raises(CommandError, match="'collectstatic' failed \\(ImproperlyConfigured"):
        call_command("upgrade", stdout=out)

    assert out.getvalue().splitlines() == ["No migration to apply."]
    assert ReferentialsLoad.last_checksum() is None


def test_a_failing_reload_is_reported_and_records_no_load(data_copy):
    (data_copy / "themes.csv").unlink()

    with pytest.raises(CommandError, match="'referentials' failed \\(FileNotFoundError"):
        run()

    assert ReferentialsLoad.last_checksum() is None


def test_the_exit_status_is_not_zero_when_a_step_fails(monkeypatch, settings):
    settings.STATIC_ROOT = None
    command = upgrade.Command(stdout=StringIO(), stderr=StringIO())

    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["filrouge", "upgrade"])

    assert exit_.value.code == 1


def test_the_migrations_applied_are_counted(monkeypatch):
    monkeypatch.setattr(upgrade, "pending_migrations", lambda: 3)
    monkeypatch.setattr(upgrade, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(upgrade, "referentials_change", lambda: None)

    assert run()[0] == "3 migrations applied."


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="unapplies a migration in the test's transaction"
)
def test_a_pending_migration_is_applied_and_counted():
    executor = MigrationExecutor(connection)
    executor.migrate([("referentials", "0005_situation_kind_and_label_corrections")])
    assert upgrade.pending_migrations() == 1

    lines = run()

    assert lines[0] == "1 migration applied."
    assert upgrade.pending_migrations() == 0
    assert ReferentialsLoad.last_checksum() == loading.data_checksum()
