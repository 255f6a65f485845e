"""A copy of the database's rows, taken once and put back before each browser test.

The browser tests need the whole demo, which takes seconds to build (audit chain, PDFs); the live
server's database is emptied after each test. Copying the rows back is a fraction of that.
PostgreSQL copies each table with COPY; SQLite (in memory) uses its backup API.
"""

import sqlite3

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction


def take() -> object:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:")
        connection.connection.backup(copy)
        return copy
    quote = connection.ops.quote_name
    copied = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
            with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                copied[table] = b"".join(bytes(block) for block in copy)
    return copied


def restore(copied: object) -> None:
    """Puts the copied rows back in place of whatever the tables hold (the last flush left some)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copied.backup(connection.connection)
    else:
        _restore_postgresql(copied)
    # Content types were made anew by the flush, with other ids: the cache must not keep them.
    ContentType.objects.clear_cache()


def _restore_postgresql(copied: dict[str, bytes]) -> None:
    """Foreign keys are deferred: they are checked at commit, once every row is back."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), list(copied)):
            cursor.execute(statement)
        for table, rows in copied.items():
            if rows:
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(rows)
        for statement in connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        ):
            cursor.execute(statement)
