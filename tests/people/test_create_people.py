"""`create_people`, the bulk twin of `create_person` (an import): the same rows and the same audit
entries as one `create_person` each, in a few queries."""

import json
from datetime import date
from decimal import Decimal

import pytest

from filrouge.audit import chain
from filrouge.audit.api import acting_user
from filrouge.audit.models import AuditEntry, Kind
from filrouge.people import domain
from filrouge.people.domain import create_people, create_person
from filrouge.people.models import Person

pytestmark = pytest.mark.django_db

# Compared between the two ways; the ids and the timestamps differ.
NOT_COMPARED = {"id", "created_at", "updated_at"}


def identities(n=0):
    """New people as an import hands them over: validated, the first name as typed."""
    return [
        {
            "first_name": "anaïs",
            "birth_name": f"Martin{n}",
            "usual_name": "Lefort",
            "date_of_birth": date(1988, 4, 12),
            "sex": "female",
            "phone": "06 12 34 56 78",
            "email": "anais@example.org",
            "address": "3 rue des Alpes",
            "postal_code": "26000",
            "city": "Valence",
            "preferred_channel": "sms",
        },
        {
            "first_name": "jean-marc",
            "birth_name": f"Roux{n}",
            "date_of_birth": date(1979, 11, 3),
            "postal_code": "26000",
            "city": "Valence",
        },
        {
            "first_name": "noé",
            "birth_name": f"Blanc{n}",
            "date_of_birth": date(2001, 2, 27),
            "phone": "pas de numéro",
            "city": "Nulle-Part",
        },
    ]


def values(person) -> dict:
    return {
        field.attname: getattr(person, field.attname)
        for field in Person._meta.concrete_fields
        if field.attname not in NOT_COMPARED
    }


def entries_after(pk) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=pk).order_by("pk"))


def last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def said(entry, person_ids) -> tuple:
    """What an entry says, the person named by their place in the list."""
    values = json.loads(entry.changes)["values"] if entry.changes else None
    place = person_ids.index(entry.person_id)
    return (
        entry.kind,
        entry.object_type,
        person_ids.index(entry.object_id),
        place,
        entry.fields,
        values,
        entry.actor_id,
        entry.actor_label,
        entry.address,
    )


def one_by_one(world, people, by):
    with acting_user(by):
        return [create_person(Person(organisation=world.org_a, **fields), by=by) for fields in people]


def in_bulk(world, people, by):
    with acting_user(by):
        return create_people([Person(organisation=world.org_a, **fields) for fields in people], by=by)


def test_people_recorded_in_bulk_are_those_recorded_one_by_one_with_the_same_entries(world):
    head = world.users["head_of_service"]
    mark = last_pk()
    single = one_by_one(world, identities(1), head)
    single_entries = entries_after(mark)
    mark = last_pk()
    bulk = in_bulk(world, identities(2), head)
    bulk_entries = entries_after(mark)

    for one, other in zip(single, bulk, strict=True):
        one.refresh_from_db()
        other.refresh_from_db()
        expected = values(one)
        # The names differ by the number the test gave them, and so do the folded names.
        for name in ("birth_name", "search_name", "sort_name"):
            expected[name] = expected[name].replace("1", "2")
        assert values(other) == expected
    assert bulk[0].first_name == "Anaïs" and bulk[1].first_name == "Jean-Marc"
    assert bulk[0].phone == "+33612345678" and bulk[2].phone == "pas de numéro"
    assert bulk[0].created_by == head and bulk[0].version == 1

    single_ids, bulk_ids = [p.pk for p in single], [p.pk for p in bulk]
    expected = [said(entry, single_ids) for entry in single_entries]
    for entry in expected:
        for name in ("birth_name",):
            entry[5][name][1] = entry[5][name][1].replace("1", "2")
    assert [said(entry, bulk_ids) for entry in bulk_entries] == expected
    assert {entry.kind for entry in bulk_entries} == {Kind.CREATE}
    assert (bulk_entries[0].actor_id, bulk_entries[0].address) == (head.pk, None)
    assert chain.verify_all().problems == []


def test_each_commune_is_placed_once_and_a_point_given_is_kept(world, django_assert_max_num_queries):
    people = [Person(organisation=world.org_a, **fields) for fields in identities() * 1]
    people += [
        Person(
            organisation=world.org_a,
            first_name="Lou",
            birth_name=f"Vidal{n}",
            date_of_birth=date(1990, 1, n + 1),
            postal_code="26000",
            city="Valence",
        )
        for n in range(20)
    ]
    placed = Person(
        organisation=world.org_a,
        first_name="Léa",
        birth_name="Pic",
        date_of_birth=date(1995, 5, 5),
        postal_code="26000",
        city="Valence",
        latitude=Decimal("45.00000"),
        longitude=Decimal("5.00000"),
    )
    people.append(placed)
    # Two savepoints (four statements), the lock, one query per commune (two), the rows written
    # (on PostgreSQL, the ids drawn then COPY), the chain's head locked, the entries and the head
    # moved on: nothing per person.
    with django_assert_max_num_queries(12):
        create_people(people, by=None)
    valence = people[0]
    assert all(
        (p.latitude, p.longitude) == (valence.latitude, valence.longitude)
        for p in people[1:-1]
        if p.city == "Valence"
    )
    assert (placed.latitude, placed.longitude) == (Decimal("45.00000"), Decimal("5.00000"))
    reference = Person(
        organisation=world.org_a,
        first_name="Max",
        birth_name="Ref",
        date_of_birth=date(1990, 1, 1),
        postal_code="26000",
        city="Valence",
    )
    reference.save()
    assert (valence.latitude, valence.longitude) == (reference.latitude, reference.longitude)
    assert Person.objects.filter(pk__in=[p.pk for p in people]).count() == len(people)


def test_people_are_written_in_batches_with_one_entry_each(world, monkeypatch):
    monkeypatch.setattr(domain, "BATCH_SIZE", 2)
    mark = last_pk()
    people = create_people(
        [
            Person(
                organisation=world.org_a,
                first_name="Sam",
                birth_name=f"Lis{n}",
                date_of_birth=date(1990, 1, n + 1),
            )
            for n in range(5)
        ],
        by=None,
    )
    assert len({person.pk for person in people}) == 5
    entries = entries_after(mark)
    assert sorted(entry.object_id for entry in entries) == sorted(person.pk for person in people)
    assert all(entry.actor_label == "system" for entry in entries)
    assert chain.verify_all().problems == []


def test_a_failure_after_the_bulk_write_leaves_neither_people_nor_entries(world):
    people_before, entries_before = Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuntimeError), acting_user(world.users["head_of_service"]):
        from django.db import transaction

        with transaction.atomic():
            create_people([Person(organisation=world.org_a, **fields) for fields in identities()], by=None)
            raise RuntimeError("a later row of the import is refused")
    assert (Person.objects.count(), AuditEntry.objects.count()) == (people_before, entries_before)
    assert chain.verify_all().problems == []


def test_save_and_prepare_for_save_fold_the_names_alike(world):
    person = Person(
        organisation=world.org_a,
        first_name="Zoé",
        birth_name="D'Arc",
        usual_name="Muller",
        date_of_birth=date(1990, 1, 1),
    )
    assert person.prepare_for_save(["first_name"]) == ["first_name"]
    folded = (person.search_name, person.sort_name)
    person.search_name = person.sort_name = ""
    person.save()
    assert (person.search_name, person.sort_name) == folded
