from urllib.parse import quote

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """The attached files of a test go to a fresh directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "uploads"
    return settings.PRIVATE_MEDIA_ROOT


def database_url(name: str) -> str:
    """The URL of database `name` on the test database's PostgreSQL server, as that connection logs in."""
    settings_dict = connection.settings_dict
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    login = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host, port = settings_dict.get("HOST") or "", settings_dict.get("PORT") or ""
    return f"postgres://{login}{host}{':' if port else ''}{port}/{name}"


@pytest.fixture
def empty_target(tmp_path, django_db_blocker):
    """An empty database of the test database's kind, apart from it, as a DATABASE_URL: a new SQLite
    file, or a new PostgreSQL database named after the test database (dropped afterwards)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
