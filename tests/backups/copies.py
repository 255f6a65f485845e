"""What a restored copy must hold again, read the same way from the original (in the test's
process) and from the copy (`python -m tests.backups.copies`, in a process pointed at it):
the rows per table, every file's checksum, and the activity report's figures."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def snapshot() -> dict:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.utils import translation

    from filrouge.backups import database

    connection = connections[DEFAULT_DB_ALIAS]
    tables = database.model_tables(connection)
    with connection.cursor() as cursor:
        counts = database.count_rows(cursor, tables, connection.ops.quote_name)
    with translation.override("fr"):
        figures = report_figures()
    return {"tables": counts, "files": file_checksums(Path(settings.PRIVATE_MEDIA_ROOT)), "figures": figures}


def file_checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def report_figures() -> dict:
    """Every cell of the activity report of the current year, per service and per organisation."""
    from filrouge.organisations.models import Organisation
    from filrouge.outcomes import measures, periods
    from filrouge.pathways.domain import today
    from filrouge.reports import activity

    period = periods.year(today().year)
    figures = {}
    for organisation in Organisation.objects.order_by("pk"):
        services = list(organisation.services.order_by("pk"))
        scopes = [(f"service {service.pk}", [service]) for service in services]
        scopes.append((f"organisation {organisation.pk}", services))
        for key, chosen in scopes:
            report = activity.build(
                measures.summary(measures.Scope.of(chosen, period)),
                period=period,
                scope_label=key,
                services=[service.name for service in chosen],
                hide=False,
            )
            figures[key] = {
                table.key: [[cell.text for cell in row] for row in table.rows] for table in report.tables
            }
    return figures


def environment(tmp: Path, database_url: str, **more) -> dict:
    """The environment of a `filrouge` process working on the restored copy under `tmp`, with the
    test run's keys (the keys are never in the archive: they come with the installation)."""
    return (
        os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "filrouge.settings",
            "DATABASE_URL": database_url,
            "FILROUGE_VAR_DIR": str(tmp / "var"),
            "FILROUGE_PRIVATE_MEDIA_ROOT": str(tmp / "uploads"),
            "FILROUGE_AUDIT_HEADS_FILE": str(tmp / "heads.log"),
            "FILROUGE_ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
            "FILROUGE_AUDIT_KEYS": ",".join(settings.AUDIT_KEYS),
            "FILROUGE_CREATE_KEY_FILE": "false",
        }
        | more
    )


def filrouge(*args, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "filrouge", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def snapshot_of_copy(env: dict) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.backups.copies"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(snapshot()))
