"""`filrouge backup` of the demo, then `filrouge restore` elsewhere: every row, every file and the
report's figures found again, and the audit trail still verifies (the issue's "done when")."""

import pytest
from django.core.management import call_command

from filrouge.seed.demo import seed_demo
from tests.backups import copies


@pytest.mark.django_db(transaction=True)
def test_the_demo_restored_elsewhere_holds_the_same_rows_files_and_figures(tmp_path, empty_target, capsys):
    seed_demo()
    original = copies.snapshot()
    assert original["files"], "the demo stores attached files"
    assert original["tables"]["audit_auditentry"] > 0
    cells = [
        cell
        for tables in original["figures"].values()
        for rows in tables.values()
        for row in rows
        for cell in row
    ]
    assert any(cell[:1].isdigit() and cell != "0" for cell in cells), "the report counts something"

    path = tmp_path / "backups" / "demo.tar"
    call_command("backup", str(path))
    assert "Backup written" in capsys.readouterr().out

    elsewhere = tmp_path / "elsewhere"
    env = copies.environment(elsewhere, empty_target)
    restored = copies.filrouge("restore", str(path), env=env)
    assert restored.returncode == 0, restored.stderr
    rows = sum(original["tables"].values())
    assert f"{len(original['tables']):,} tables, {rows:,} rows, as in the manifest" in restored.stdout
    assert f"Files: {len(original['files']):,} (" in restored.stdout
    assert "filrouge upgrade" not in restored.stdout  # same version: nothing to migrate

    verified = copies.filrouge("audit", "verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Audit trail intact" in verified.stdout

    copy = copies.snapshot_of_copy(env)
    assert copy["tables"] == original["tables"]
    assert copy["files"] == original["files"]
    assert copy["figures"] == original["figures"]
