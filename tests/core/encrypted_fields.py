"""What the tests of each app's encrypted fields share: the value as stored, the data step of a
migration, a rotation to a new key."""

import importlib
import json
from io import StringIO

from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection, migrations

from filrouge.core import crypto
from filrouge.privacy.export import export_data
from tests.core.test_crypto import raw

__all__ = ["clear_in_database", "exported", "migration_steps", "raw", "rotate_to_a_new_key", "run_steps"]


def clear_in_database(model, pk, **values) -> None:
    """Writes `values` as plain text, past the fields, as a version before encryption left them."""
    columns = ", ".join(f"{model._meta.get_field(name).column} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET {columns} WHERE id = %s",  # noqa: S608 (names from _meta)
            [*values.values(), pk],
        )


def migration_steps(module: str) -> list[migrations.RunPython]:
    """The data steps of a migration (`app.migrations.NNNN_name`), to run forwards and backwards."""
    operations = importlib.import_module(f"filrouge.{module}").Migration.operations
    return [op for op in operations if isinstance(op, migrations.RunPython)]


def run_steps(module: str, *, backwards=False) -> None:
    for step in migration_steps(module):
        (step.reverse_code if backwards else step.code)(apps, None)


def rotate_to_a_new_key(settings) -> str:
    """Puts a new key first, runs `filrouge keys rotate`, then keeps the new key alone: what was
    not re-encrypted no longer opens. Returns the command's report."""
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), crypto.load_keys()[0]]
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]
    return out.getvalue()


def exported(person, user) -> str:
    """The person's data export as its JSON text."""
    return json.dumps(export_data(person, user), ensure_ascii=False)
