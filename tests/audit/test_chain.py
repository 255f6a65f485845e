"""The chains: an edited, deleted or re-ordered entry is found and named; the purge and the
redaction keep them verifiable; nothing else changes or deletes an entry."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from filrouge.audit import chain
from filrouge.audit.api import entries_for_person, record, redact_person
from filrouge.audit.models import AppendOnly, AuditEntry, ChainHead, Kind, chain_key
from tests.audit.database import guards_off
from tests.audit.factories import age, reads, tamper


def problems():
    return chain.verify_all().problems


def access_chain(world):
    return chain_key(world.org_a.pk, "access")


def test_an_intact_trail_verifies_and_the_command_says_so(world):
    reads(world)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit trail intact" in out.getvalue()
    assert ChainHead.objects.get(key=access_chain(world)).verified_ok is True


def test_each_chain_links_its_entries_in_order(world):
    first, second, third = reads(world)
    assert [first.seq, second.seq, third.seq] == [first.seq, first.seq + 1, first.seq + 2]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash


def test_an_edited_entry_is_named_and_the_command_fails(world):
    entries = reads(world)
    tamper(entries[1], detail="people:list")
    found = problems()
    assert [(p.chain, p.seq, p.what) for p in found] == [(access_chain(world), entries[1].seq, "edited")]
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stderr=err)
    assert failure.value.returncode == 1
    assert f"{access_chain(world)} #{entries[1].seq}" in err.getvalue()
    assert ChainHead.objects.get(key=access_chain(world)).verified_ok is False


def test_an_entry_given_another_actor_is_found(world):
    entries = reads(world)
    tamper(entries[0], actor=world.users["director"])
    assert [(p.seq, p.what) for p in problems()] == [(entries[0].seq, "edited")]


def test_changed_values_of_a_change_are_found(world):
    person = world.person
    person.first_name = "Renommée"
    person.save()
    entry = AuditEntry.objects.filter(kind=Kind.UPDATE, object_type="people.person").latest("pk")
    tamper(entry, changes=entry.changes.replace("Renommée", "Autrement"))
    assert [(p.seq, p.what) for p in problems()] == [(entry.seq, "edited")]


def test_a_deleted_entry_is_named(world):
    entries = reads(world)
    with chain.maintenance():
        AuditEntry.objects.filter(pk=entries[1].pk).delete()
    found = problems()
    assert [(p.seq, p.what) for p in found] == [(entries[2].seq, "deleted")]
    assert f"entry {entries[1].seq}" in found[0].message


def test_a_deleted_last_entry_is_named(world):
    entries = reads(world)
    with chain.maintenance():
        AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    assert [(p.seq, p.what) for p in problems()] == [(entries[-1].seq, "deleted")]


def test_reordered_entries_are_named(world):
    first, second, third = reads(world)
    # Swapping the places of the first two entries.
    tamper(first, seq=10_000)
    tamper(second, seq=first.seq)
    tamper(first, seq=second.seq)
    found = problems()
    assert (first.seq, "out_of_order") in [(p.seq, p.what) for p in found]
    assert "out of order" in str(found[0]) and found[0].seq == first.seq
    assert all(p.what == "out_of_order" for p in found)


def test_entries_refuse_to_be_changed_or_deleted(world):
    (entry,) = reads(world, 1)
    entry.detail = "autre chose"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.detail == "people:detail"


def test_the_purge_removes_old_access_entries_keeps_the_chain_verifiable_and_records_itself(world, settings):
    settings.AUDIT_ACCESS_RETENTION_DAYS = 365
    old = reads(world, 3)
    age(old, 400)
    recent = reads(world, 2)
    assert problems() == []

    out = StringIO()
    call_command("audit", "purge", "--dry-run", stdout=out)
    assert "3 access entries" in out.getvalue() and AuditEntry.objects.filter(pk=old[0].pk).exists()

    out = StringIO()
    call_command("audit", "purge", stdout=out)
    assert "3 access entries older than 365 days purged" in out.getvalue()
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    purge = AuditEntry.objects.get(kind=Kind.PURGE)
    assert purge.chain == chain_key(world.org_a.pk, "change")
    assert purge.detail == f"{access_chain(world)} {old[-1].seq} {old[-1].hash}"
    assert problems() == []
    # The chain goes on after the purge, and a second purge finds nothing more.
    reads(world, 1)
    assert chain.purge_access() == 0
    assert problems() == []


def test_a_purge_of_a_whole_chain_lets_the_next_entry_follow_the_anchor(world):
    age(reads(world, 2), 400)
    assert chain.purge_access(365) == 2
    (after,) = reads(world, 1)
    assert after.prev_hash == ChainHead.objects.get(key=access_chain(world)).anchor_hash
    assert problems() == []


def test_a_moved_anchor_is_found(world):
    age(reads(world, 3), 400)
    reads(world, 1)
    chain.purge_access(365)
    with guards_off():
        ChainHead.objects.filter(key=access_chain(world)).update(anchor_seq=1)
    assert "anchor" in {p.what for p in problems()}


def test_change_entries_are_not_purged_by_age(world):
    entries = list(AuditEntry.objects.filter(chain=chain_key(world.org_a.pk, "change")))
    age(entries, 4000)
    assert chain.purge_access(365) == 0
    assert AuditEntry.objects.filter(chain=chain_key(world.org_a.pk, "change")).count() >= len(entries)


def test_redaction_removes_the_values_keeps_the_chain_verifiable_and_is_recorded(world):
    person = world.person
    person.phone = "0612345678"
    person.save()
    reads(world, 1)
    changed = entries_for_person(person.pk).filter(kind=Kind.UPDATE).first()
    assert "+33612345678" in changed.changes  # stored in E.164

    count = redact_person(person.pk)

    assert count >= 1
    changed.refresh_from_db()
    assert changed.changes == "" and changed.redacted_at is not None
    assert changed.fields == ["phone"]  # the field names stay
    assert (
        not AuditEntry.objects.filter(person_id=person.pk)
        .exclude(changes="")
        .exclude(kind=Kind.REDACT)
        .exists()
    )
    assert entries_for_person(person.pk).first().kind == Kind.REDACT
    assert problems() == []


def test_entries_for_a_person_are_theirs_only_newest_first(world):
    reads(world, 2)
    record(Kind.READ, organisation_id=world.org_a.pk, person_id=world.person.pk + 1000, object_type="x")
    entries = list(entries_for_person(world.person.pk))
    assert entries and all(e.person_id == world.person.pk for e in entries)
    assert entries == sorted(entries, key=lambda e: (e.at, e.pk), reverse=True)


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_to_one_chain_stay_one_unbroken_chain():
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row lock is PostgreSQL's concern")
    from concurrent.futures import ThreadPoolExecutor

    from tests.organisations.factories import OrganisationFactory

    organisation = OrganisationFactory()

    def write(n):
        try:
            for _ in range(n):
                record(Kind.READ, organisation_id=organisation.pk, detail="concurrent")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, [10] * 4))

    entries = AuditEntry.objects.filter(chain=chain_key(organisation.pk, "access"))
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, 41))
    assert problems() == []


@pytest.mark.parametrize(
    ("given", "kept"),
    [("192.0.2.7", "192.0.2.7"), ("2001:DB8:0:0::1", "2001:db8::1"), ("pas une adresse", None)],
)
def test_addresses_are_kept_as_stored_and_the_entry_still_verifies(world, given, kept):
    entry = record(Kind.READ, organisation_id=world.org_a.pk, address=given)
    entry.refresh_from_db()
    assert entry.address == kept
    assert problems() == []
