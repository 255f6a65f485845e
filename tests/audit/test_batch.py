"""Entries appended in batches (`chain.append_many`, `api.buffered`): the same entries as one
`append` each, in one unbroken chain, in the block's transaction; the acting user of a command."""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from filrouge.audit import api, capture, chain
from filrouge.audit.api import acting_user, buffered, record, system_actor
from filrouge.audit.models import AuditEntry, ChainHead, Kind, chain_key
from filrouge.people.models import Contact, ContactKind
from tests.people.factories import ContactFactory

# What an entry says, whatever its place in the chain and its time.
SAID = [
    "chain",
    "kind",
    "object_type",
    "object_id",
    "person_id",
    "fields",
    "actor_id",
    "actor_label",
    "address",
    "detail",
]


def said(entry, created=None) -> tuple:
    """`created`: a row created for the test, whose id is not compared (two rows, two ids)."""
    values = json.loads(entry.changes)["values"] if entry.changes else None
    stated = [getattr(entry, name) for name in SAID]
    if created is not None and entry.object_id == created.pk:
        stated[SAID.index("object_id")] = "created"
    return (*stated, values)


def problems():
    return chain.verify_all().problems


def written_after(pk) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=pk).order_by("chain", "seq"))


def last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def some_entries(world, n=0):
    """A mix of what the trail holds: changes with values (one withheld), a read with an address,
    an entry of another organisation's chain, by a user and by a command."""
    org, person = world.org_a.pk, world.person.pk
    coach = world.users["coach"]
    record(
        Kind.CREATE,
        organisation_id=org,
        object_type="people.person",
        object_id=person,
        person_id=person,
        changes={"first_name": [None, f"Anaïs {n}"], "date_of_birth": [None, "1988-04-12"]},
        user=coach,
    )
    record(Kind.READ, organisation_id=org, object_type="people.person", person_id=person, address="192.0.2.7")
    with system_actor("retention"):
        record(
            Kind.UPDATE,
            organisation_id=org,
            object_type="pathways.enrolment",
            object_id=world.enrolment.pk,
            person_id=person,
            changes={"phase": ["referral", "intake"]},
            fields=["phase", "referral_reason"],
        )
    record(Kind.CREATE, organisation_id=world.org_b.pk, object_type="people.contact", detail=f"b {n}")
    contact = ContactFactory(organisation=world.org_a, full_name=f"Référente {n}", email="ref@example.org")
    return contact


def test_entries_kept_in_a_buffer_are_those_one_append_each_writes(world):
    before = last_pk()
    first = some_entries(world)
    single = written_after(before)

    before = last_pk()
    with buffered():
        second = some_entries(world)
        assert last_pk() == before  # kept until the block ends
    batched = written_after(before)

    assert [said(entry, second) for entry in batched] == [said(entry, first) for entry in single]
    assert len(batched) == 5
    assert problems() == []


def test_the_buffer_is_appended_every_batch_and_at_the_end(world, monkeypatch):
    monkeypatch.setattr(api, "BUFFER_SIZE", 3)
    before = last_pk()
    with buffered():
        for n in range(7):
            record(Kind.READ, organisation_id=world.org_a.pk, detail=f"read {n}")
        assert len(written_after(before)) == 6  # two batches of three
    entries = written_after(before)
    assert [entry.detail for entry in entries] == [f"read {n}" for n in range(7)]
    assert [entry.seq for entry in entries] == list(range(entries[0].seq, entries[0].seq + 7))
    assert problems() == []


def test_record_returns_the_entry_outside_a_buffer_and_nothing_inside(world):
    assert isinstance(record(Kind.READ, organisation_id=world.org_a.pk), AuditEntry)
    with buffered():
        assert record(Kind.READ, organisation_id=world.org_a.pk) is None


def test_append_many_continues_each_chain_and_the_command_finds_them_intact(world):
    access, change = chain_key(world.org_a.pk, "access"), chain_key(world.org_a.pk, "change")
    heads = dict(ChainHead.objects.filter(key__in=[access, change]).values_list("key", "seq"))
    data = [
        chain.EntryData(
            Kind.READ if n % 3 else Kind.CREATE, world.org_a.pk, detail=str(n), changes={"n": [None, n]}
        )
        for n in range(1200)
    ]
    entries = chain.append_many(data)

    for key in (access, change):
        mine = [entry for entry in entries if entry.chain == key]
        assert [entry.seq for entry in mine] == list(
            range(heads.get(key, 0) + 1, heads.get(key, 0) + 1 + len(mine))
        )
        assert all(later.prev_hash == earlier.hash for earlier, later in zip(mine, mine[1:], strict=False))
        head = ChainHead.objects.get(key=key)
        assert (head.seq, head.hash) == (mine[-1].seq, mine[-1].hash)
    # Each chain in the order given.
    assert [entry.detail for entry in entries if entry.chain == change] == [str(n) for n in range(0, 1200, 3)]
    # A single append follows the batch.
    last_read = [entry for entry in entries if entry.chain == access][-1]
    follower = record(Kind.READ, organisation_id=world.org_a.pk)
    assert (follower.seq, follower.prev_hash) == (last_read.seq + 1, last_read.hash)
    assert problems() == []
    call_command("audit", "verify")  # raises CommandError on a broken chain


def test_append_many_costs_a_few_queries_per_chain_not_per_entry(world, django_assert_max_num_queries):
    record(Kind.READ, organisation_id=world.org_a.pk)  # the chain exists
    data = [chain.EntryData(Kind.READ, world.org_a.pk, detail=str(n)) for n in range(1000)]
    # The head locked and moved on, two INSERTs of 500.
    with django_assert_max_num_queries(4):
        chain.append_many(data)
    assert problems() == []


def test_an_exception_leaving_the_block_drops_its_entries_and_its_writes(world, monkeypatch):
    monkeypatch.setattr(api, "BUFFER_SIZE", 2)
    before, contacts = last_pk(), Contact.objects.count()
    head = ChainHead.objects.get(key=chain_key(world.org_a.pk, "change"))
    with pytest.raises(RuntimeError), buffered():
        for n in range(5):  # two batches appended, one entry kept
            ContactFactory(organisation=world.org_a, full_name=f"Annulée {n}")
        raise RuntimeError("refused")
    assert last_pk() == before
    assert Contact.objects.count() == contacts
    assert ChainHead.objects.get(pk=head.pk).seq == head.seq
    # The chain goes on from where it was.
    with buffered():
        ContactFactory(organisation=world.org_a)
    assert ChainHead.objects.get(pk=head.pk).seq == head.seq + 1
    assert problems() == []


def test_a_rolled_back_transaction_around_the_block_drops_the_entries_appended(world):
    before = last_pk()
    with pytest.raises(RuntimeError), transaction.atomic():
        with buffered():
            some_entries(world)
        assert len(written_after(before)) == 5
        raise RuntimeError("the caller's transaction fails later")
    assert last_pk() == before
    assert problems() == []


def test_a_nested_block_appends_with_the_outer_one(world):
    before = last_pk()
    with buffered():
        with buffered():
            record(Kind.READ, organisation_id=world.org_a.pk, detail="inner")
        assert last_pk() == before
        record(Kind.READ, organisation_id=world.org_a.pk, detail="outer")
    assert [entry.detail for entry in written_after(before)] == ["inner", "outer"]


def test_flush_appends_what_is_kept_so_far(world):
    before = last_pk()
    with buffered():
        record(Kind.READ, organisation_id=world.org_a.pk)
        api.flush()
        assert len(written_after(before)) == 1
    assert len(written_after(before)) == 1
    api.flush()  # outside a block: nothing to do


def test_the_acting_user_is_named_without_an_address(world):
    head = world.users["head_of_service"]
    with acting_user(head):
        entry = record(Kind.CREATE, organisation_id=world.org_a.pk, object_type="imports.importrun")
        contact = ContactFactory(organisation=world.org_a)
    created = AuditEntry.objects.get(kind=Kind.CREATE, object_type="people.contact", object_id=contact.pk)
    for written in (entry, created):
        assert (written.actor_id, written.actor_label, written.address) == (head.pk, "", None)
    with acting_user(None):
        nobody = record(Kind.READ, organisation_id=world.org_a.pk)
    assert (nobody.actor_id, nobody.actor_label) == (None, "import")


def test_the_creation_entry_of_a_row_written_in_bulk_is_the_one_its_save_records(world):
    fields = {"organisation": world.org_a, "partner_name": "CMP Romans", "kind": ContactKind.MEDICAL}
    saved = Contact.objects.create(full_name="Dr Martin", phone="0612345678", **fields)
    by_signal = AuditEntry.objects.get(object_type="people.contact", object_id=saved.pk)

    bulk = Contact(full_name="Dr Martin", phone="0612345678", **fields)
    bulk.search_name = saved.search_name
    Contact.objects.bulk_create([bulk])
    before = last_pk()
    with buffered():
        record(**capture.creation_entry(bulk))
    (by_hand,) = written_after(before)

    assert said(by_hand)[1:3] == said(by_signal)[1:3]
    assert said(by_hand)[4:] == said(by_signal)[4:]
    assert by_hand.object_id == bulk.pk != saved.pk
    assert json.loads(by_hand.changes)["values"]["phone"] == [None, "+33612345678"]


def test_a_row_with_nothing_to_say_has_no_creation_entry(world):
    from filrouge.accounts.models import User

    assert capture.creation_entry(User(email="")) is not None  # is_active, and so on
    assert capture.creation_entry(world.contact) is not None


# --- Two connections at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_batches_and_single_appends_from_two_connections_stay_one_unbroken_chain(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row lock is PostgreSQL's concern")
    from tests.organisations.factories import OrganisationFactory

    monkeypatch.setattr(api, "BUFFER_SIZE", 50)
    organisation = OrganisationFactory()
    start, failures = threading.Barrier(3), []

    def batches(label):
        try:
            start.wait(timeout=10)
            with buffered():
                for n in range(120):
                    record(
                        Kind.CREATE,
                        organisation_id=organisation.pk,
                        detail=f"{label} {n}",
                        changes={"n": [None, n]},
                    )
        except Exception as error:  # reported below: a thread's exception is not the test's
            failures.append(error)
        finally:
            connections.close_all()

    def singles():
        try:
            start.wait(timeout=10)
            for n in range(60):
                record(Kind.CREATE, organisation_id=organisation.pk, detail=f"single {n}")
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=batches, args=(label,)) for label in "ab"]
    threads.append(threading.Thread(target=singles))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    entries = AuditEntry.objects.filter(chain=chain_key(organisation.pk, "change")).order_by("seq")
    assert list(entries.values_list("seq", flat=True)) == list(range(1, 301))
    # Each batch's entries follow each other in the order recorded.
    for label in "ab":
        details = [detail for detail in entries.values_list("detail", flat=True) if detail.startswith(label)]
        assert details == [f"{label} {n}" for n in range(120)]
    assert problems() == []
