"""The database's part of a backup: a consistent copy with the row counts of that same copy, and
its restore into an empty database.

SQLite: the `sqlite3` backup API (a consistent copy even with WAL and writers at work), counted
from the copy. PostgreSQL: `pg_dump --format=custom` on a snapshot exported by a read-only
transaction that counts the rows too, so the counts are those of the dump; `pg_restore` into the
DATABASE_URL's database, run as the tables' owner (like `migrate`). The password goes through
PGPASSWORD, never on the command line.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

SQLITE, POSTGRESQL = "sqlite", "postgresql"
DUMP_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
CLIENT_MISSING = (
    "{program} was not found: install the PostgreSQL client tools of the server's major version "
    "(Debian: apt install postgresql-client) or put them on the PATH."
)


class DatabaseError(Exception):
    """A dump or a restore that did not happen; the message holds no personal data."""


def model_tables(connection) -> list[str]:
    """Every table Django's models own (their many-to-many tables and django_* ones included)
    that exists in this database, and the migrations' record."""
    tables = {MigrationRecorder.Migration._meta.db_table}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return sorted(tables & existing)


def count_rows(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (our own table names)
        counts[table] = cursor.fetchone()[0]
    return counts


def latest_migrations(cursor) -> dict[str, str]:
    """The latest applied migration of each app (their names start with their order)."""
    cursor.execute(f"SELECT app, name FROM {MigrationRecorder.Migration._meta.db_table}")  # noqa: S608
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def unknown_migrations(migrations: dict[str, str]) -> list[str]:
    """The migrations an archive names that this code does not have on disk."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [f"{app}.{name}" for app, name in sorted(migrations.items()) if (app, name) not in known]


def require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise DatabaseError(CLIENT_MISSING.format(program=program))
    return path


def client_environment(settings_dict) -> dict:
    """The connection's password and TLS options as libpq's environment variables."""
    _, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    return os.environ | (env or {})


def connection_args(settings_dict) -> list[str]:
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{option}={settings_dict[key]}")
    return args


def run(args, settings_dict, what: str) -> None:
    result = subprocess.run(  # noqa: S603 (the PostgreSQL tools, no shell)
        args, env=client_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        # The tools' messages name objects and SQL, never rows; the last lines say why.
        detail = " ".join(result.stderr.strip().splitlines()[-3:])[:500]
        raise DatabaseError(f"{what} failed (exit {result.returncode}): {detail}")


# --- Backup ------------------------------------------------------------------------------------


def dump(alias: str, target: Path) -> tuple[str, dict[str, int], dict[str, str]]:
    """Writes the database to `target`; returns its vendor, its row counts per table and the
    latest migrations, all of that same copy."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        require("pg_dump")
        return POSTGRESQL, *dump_postgresql(connection, target)
    if connection.vendor == "sqlite":
        return SQLITE, *dump_sqlite(connection, target)
    raise DatabaseError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def dump_sqlite(connection, target: Path):
    tables = model_tables(connection)
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # Through Django's own connection: the same database, file or in memory.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        counts = count_rows(cursor, tables, connection.ops.quote_name)
        migrations = latest_migrations(cursor)
    finally:
        copy.close()
    return counts, migrations


def dump_postgresql(connection, target: Path):
    if connection.in_atomic_block:
        raise DatabaseError("A backup runs outside any transaction (its snapshot is its own).")
    tables = model_tables(connection)
    connection.ensure_connection()
    raw = connection.connection
    autocommit = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            # The snapshot pg_dump reads is the one these counts read.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = count_rows(cursor, tables, connection.ops.quote_name)
            migrations = latest_migrations(cursor)
            settings_dict = connection.settings_dict
            run(
                [
                    require("pg_dump"),
                    *connection_args(settings_dict),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={settings_dict['NAME']}",
                ],
                settings_dict,
                "pg_dump",
            )
        raw.rollback()
    finally:
        raw.autocommit = autocommit
    return counts, migrations


# --- Restore -----------------------------------------------------------------------------------


def sqlite_path(connection) -> Path | None:
    return None if connection.is_in_memory_db() else Path(connection.settings_dict["NAME"])


def existing_tables(alias: str) -> list[str]:
    """The tables already in the target database (a restore goes into an empty one only). A
    SQLite file that does not exist yet is empty, and is not created by looking."""
    connection = connections[alias]
    path = sqlite_path(connection) if connection.vendor == "sqlite" else None
    if path is not None:
        if not path.exists():
            return []
        reading = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = reading.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            ).fetchall()
        finally:
            reading.close()
        return sorted(name for (name,) in rows if not name.startswith("sqlite_"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
            )
            return sorted(name for (name,) in cursor.fetchall())
        return sorted(connection.introspection.table_names(cursor))


def load(alias: str, vendor: str, source: Path) -> None:
    """Restores the dump `source` into the (empty) target database."""
    connection = connections[alias]
    if connection.vendor != vendor:
        raise DatabaseError(
            f"This archive holds a {vendor} database, but DATABASE_URL names a {connection.vendor} one: "
            "restore it into the same kind of database."
        )
    if vendor == POSTGRESQL:
        load_postgresql(connection, source)
    else:
        load_sqlite(connection, source)


def load_sqlite(connection, source: Path) -> None:
    path = sqlite_path(connection)
    if path is None:
        raise DatabaseError("The target SQLite database is in memory: name a file in DATABASE_URL.")
    connection.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    origin, target = sqlite3.connect(source), sqlite3.connect(path)
    try:
        origin.backup(target)
    except sqlite3.Error as error:
        if created:
            path.unlink(missing_ok=True)
        raise DatabaseError(f"The SQLite restore failed ({error}).") from None
    finally:
        origin.close()
        target.close()
    path.chmod(0o600)


def load_postgresql(connection, source: Path) -> None:
    settings_dict = connection.settings_dict
    program = require("pg_restore")
    connection.close()
    run(
        [
            program,
            *connection_args(settings_dict),
            f"--dbname={settings_dict['NAME']}",
            # All or nothing: a failure leaves the database as empty as it was.
            "--single-transaction",
            "--exit-on-error",
            # The objects belong to whoever restores (the tables' owner of this server, whatever
            # its name was on the old one); the application's role gets its privileges afterwards
            # from `filrouge audit grants`, not from the old server's grants.
            "--no-owner",
            "--no-acl",
            # Django writes no comments; an extension's comment would need its owner.
            "--no-comments",
            str(source),
        ],
        settings_dict,
        "pg_restore",
    )
