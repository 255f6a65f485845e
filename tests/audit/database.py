"""What the test suite does to the audit tables that the application never does.

PostgreSQL guards the audit tables with triggers (filrouge/audit/migrations/0003): emptying them
between tests, or playing an insider who edits them, needs what their owner could do.
"""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from filrouge.audit.models import MAINTENANCE_SETTING


@contextmanager
def flushes_as_maintenance():
    """The suite empties every table between transactional tests (TRUNCATE), and the browser
    tests' snapshot does too: each flush declares the audit maintenance, in its own transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        return [f"SELECT set_config('{MAINTENANCE_SETTING}', 'on', true)", *statements]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@contextmanager
def guards_off():
    """What a superuser of the database can do on PostgreSQL: run with every trigger off, here
    for the length of the block (in a transaction of its own). No guard to pass on SQLite."""
    with transaction.atomic():
        replica(True)
        yield
        replica(False)


def replica(on: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('session_replication_role', %s, true)", ["replica" if on else "origin"]
            )
