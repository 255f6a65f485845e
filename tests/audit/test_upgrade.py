"""Chains written before the audit was keyed still verify after the upgrade (migration 0002), and
someone rewriting them, or passing forged entries off as written before it, is found."""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from filrouge.audit import chain, heads, keys
from filrouge.audit.models import AuditEntry, ChainHead, Kind
from tests.audit.database import guards_off
from tests.audit.factories import rechain, unkeyed
from tests.organisations.factories import OrganisationFactory

BEFORE = [("audit", "0001_initial")]
AFTER = [("audit", "0003_append_only_trigger")]


class Undo(Exception):
    pass


@contextmanager
def undone():
    """What the block does to the database is rolled back once it has been checked."""
    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def write_unkeyed_chain(executor, organisation, count):
    """A chain as the code before the upgrade wrote it, with the models of that time."""
    old = executor.loader.project_state(BEFORE).apps
    Entry, Head = old.get_model("audit", "AuditEntry"), old.get_model("audit", "ChainHead")
    key = f"org-{organisation.pk}/access"
    head = Head.objects.create(key=key, organisation_id=organisation.pk, stream="access")
    previous = ""
    for seq in range(1, count + 1):
        entry = Entry(
            chain=key,
            seq=seq,
            organisation_id=organisation.pk,
            kind="read",
            at=timezone.now(),
            object_type="people.person",
            object_id=seq,
            person_id=seq,
            fields=[],
            detail="people:detail",
            prev_hash=previous,
        )
        entry.hash = unkeyed(entry)
        entry.save()
        previous = entry.hash
    Head.objects.filter(pk=head.pk).update(seq=count, hash=previous)
    return key, previous


def problems():
    return {(p.seq, p.what) for p in chain.verify_all(publish=False).problems}


@pytest.mark.django_db(transaction=True)
def test_unkeyed_chains_still_verify_after_the_upgrade_and_rewriting_them_is_found():
    organisation = OrganisationFactory()
    executor = migrate(BEFORE)
    try:
        key, last_hash = write_unkeyed_chain(executor, organisation, 5)
    finally:
        migrate(AFTER)

    head = ChainHead.objects.get(key=key)
    assert (head.legacy_seq, head.legacy_hash) == (5, last_hash) and head.legacy_seal
    assert set(AuditEntry.objects.filter(chain=key).values_list("key_id", flat=True)) == {keys.LEGACY}
    assert heads.read_published().heads[key] == {5: {last_hash}}  # published at the upgrade
    assert chain.verify_all().ok

    # Without the key: one entry deleted, the later ones renumbered and re-hashed the old way.
    with undone():
        rechain(key, 2, unkeyed)
        assert problems() == {(5, "legacy"), (5, "rewritten")}
        # ... and the sealed end of the unkeyed entries moved along: its seal no longer holds.
        with guards_off():
            ChainHead.objects.filter(key=key).update(
                legacy_seq=4, legacy_hash=ChainHead.objects.get(key=key).hash
            )
        assert problems() == {(4, "legacy"), (5, "rewritten")}

    # The chain goes on, keyed.
    keyed = [
        chain.append(Kind.READ, organisation_id=organisation.pk, detail="people:detail") for _ in range(2)
    ]
    assert [e.key_id for e in keyed] == [keys.sealing_id()] * 2 and keyed[0].prev_hash == last_hash
    assert chain.verify_all().ok

    # Keyed entries passed off as written before the upgrade.
    with undone():
        rechain(key, 2, unkeyed, key_id=keys.LEGACY)
        assert problems() == {(6, "unkeyed"), (5, "legacy"), (5, "rewritten"), (7, "rewritten")}
