"""PostgreSQL guards the audit tables itself (migration 0003), and the application can run with a
role that may only add and read entries (`filrouge audit grants`): a raw query does not get past
either. The purge and the redaction still work where they should."""

import re
import secrets
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from filrouge.audit import chain
from filrouge.audit.api import record, redact_person
from filrouge.audit.models import AuditEntry, ChainHead, Kind, chain_key, declare_maintenance, maintenance
from filrouge.core import crypto
from tests.audit.factories import age, reads


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("triggers and roles are PostgreSQL's; on SQLite the application's own refusal applies")


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused(sql, params=(), match="append-only"):
    with pytest.raises(DatabaseError, match=match):
        raw(sql, params)


def truncate_refused(table, match="append-only"):
    """TRUNCATE waits for no deferred check: the foreign keys of the rows the test wrote are
    checked first."""
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table} CASCADE")


# --- The trigger ---------------------------------------------------------------------------------


def test_a_raw_update_delete_or_truncate_of_entries_is_refused(world):
    (entry,) = reads(world, 1)
    refused("UPDATE audit_auditentry SET detail = 'autre' WHERE id = %s", [entry.pk])
    refused("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["0" * 64, entry.pk])
    refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    truncate_refused("audit_auditentry")
    entry.refresh_from_db()
    assert entry.detail == "people:detail" and chain.verify_all().ok


def test_declaring_the_maintenance_allows_a_redaction_or_a_purge_never_an_edit(world):
    person = world.person
    person.phone = "0612345678"
    person.save()
    changed = AuditEntry.objects.filter(kind=Kind.UPDATE, person_id=person.pk).latest("pk")
    with transaction.atomic():
        declare_maintenance(True)
        refused("UPDATE audit_auditentry SET detail = 'autre' WHERE id = %s", [changed.pk])
        refused(
            "UPDATE audit_auditentry SET changes = '', redacted_at = now(), seq = seq + 100 WHERE id = %s",
            [changed.pk],
        )
        raw("UPDATE audit_auditentry SET changes = '', redacted_at = now() WHERE id = %s", [changed.pk])
        refused("UPDATE audit_auditentry SET redacted_at = now() WHERE id = %s", [changed.pk])  # once only
        raw("DELETE FROM audit_auditentry WHERE id = %s", [changed.pk])


def test_the_purge_and_the_redaction_still_work_and_the_trail_verifies(world):
    person = world.person
    person.phone = "0612345678"
    person.save()
    age(reads(world, 3), 400)
    reads(world, 1)

    assert chain.purge_access(365) == 3
    assert redact_person(person.pk) >= 1
    assert not AuditEntry.objects.filter(person_id=person.pk, kind=Kind.UPDATE).exclude(changes="").exists()
    assert chain.verify_all().ok


def test_a_key_rotation_re_encrypts_the_stored_values_of_entries(world, settings):
    person = world.person
    person.phone = "0612345678"
    person.save()
    new = "bm91dmVsbGUtY2xlLWZpbHJvdWdlLTAwMDAwMDAwMDA="
    settings.ENCRYPTION_KEYS = [new, *settings.ENCRYPTION_KEYS]

    counts = crypto.rewrite(AuditEntry, [AuditEntry._meta.get_field("changes")], crypto.rotated)

    assert counts["rotated"] >= 1 and counts["failed"] == 0
    changed = AuditEntry.objects.filter(kind=Kind.UPDATE, person_id=person.pk).latest("pk")
    assert "+33612345678" in changed.changes  # stored in E.164
    assert chain.verify_all().ok


def test_a_chain_head_only_moves_forward(world):
    entries = reads(world, 2)
    key = chain_key(world.org_a.pk, "access")
    refused("UPDATE audit_chainhead SET seq = seq - 1 WHERE key = %s", [key], match="only move forward")
    refused("UPDATE audit_chainhead SET hash = %s WHERE key = %s", ["0" * 64, key], match="only move forward")
    refused("UPDATE audit_chainhead SET anchor_seq = 1 WHERE key = %s", [key], match="only move forward")
    refused("UPDATE audit_chainhead SET legacy_seq = 1 WHERE key = %s", [key], match="only move forward")
    refused("DELETE FROM audit_chainhead WHERE key = %s", [key], match="only move forward")
    truncate_refused("audit_chainhead", match="only move forward")
    assert ChainHead.objects.get(key=key).seq == entries[-1].seq
    assert chain.verify_all().ok


# --- The application's role ----------------------------------------------------------------------


@pytest.fixture
def app_role():
    """A role made with the statements `filrouge audit grants` prints (rolled back with the test)."""
    name = f"filrouge_app_{secrets.token_hex(4)}"
    out = StringIO()
    call_command("audit", "grants", "--role", name, stdout=out)
    statements = [s.strip() for s in re.sub(r"--[^\n]*", "", out.getvalue()).split(";") if s.strip()]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" NOLOGIN')
        for statement in statements:
            cursor.execute(statement)
    return name


@contextmanager
def as_role(name):
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def test_the_applications_role_adds_and_reads_entries_but_cannot_change_or_remove_them(world, app_role):
    person = world.person
    person.phone = "0612345678"
    person.save()
    (entry,) = reads(world, 1)
    aged = reads(world, 2)
    age(aged, 400)
    with as_role(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role

        added = record(Kind.READ, organisation_id=world.org_a.pk, detail="people:detail")
        first_of_b = record(Kind.READ, organisation_id=world.org_b.pk, detail="people:detail")
        assert AuditEntry.objects.filter(pk__in=[added.pk, first_of_b.pk]).count() == 2

        denied = "permission denied"
        refused("UPDATE audit_auditentry SET detail = 'autre' WHERE id = %s", [entry.pk], match=denied)
        refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk], match=denied)
        truncate_refused("audit_auditentry", match=denied)
        refused("UPDATE audit_chainhead SET anchor_seq = 1", match=denied)
        with transaction.atomic():
            declare_maintenance(True)  # the declaration grants nothing
            refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk], match=denied)
        with pytest.raises(DatabaseError, match=denied), maintenance():
            AuditEntry.objects.filter(pk=entry.pk).delete()

        # Anonymisation and erasure remove stored values: that much the role may do.
        assert redact_person(person.pk) >= 1

        # The purge is the owner's: the command says so.
        with pytest.raises(CommandError, match="as the role that owns the tables"):
            call_command("audit", "purge", stdout=StringIO())
        assert AuditEntry.objects.filter(pk__in=[e.pk for e in aged]).count() == 2

        assert chain.verify_all().ok
