"""core.bulk.insert writes what bulk_create writes: the rows, their ids, the fields' conversions."""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from filrouge.audit.models import AuditEntry
from filrouge.core import bulk
from filrouge.employers.models import EmployerContact
from filrouge.pathways.models import Enrolment, EntrySituation, PhaseChange
from filrouge.people.models import Person
from tests.core.test_crypto import raw
from tests.employers.factories import EmployerContactFactory
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_new_rows_get_their_ids_in_order_and_read_back_as_written(world):
    people = [
        PersonFactory.build(organisation=world.org_a, birth_name=f"Nom{n}", phone="+33639981234")
        for n in range(3)
    ]
    for person in people:
        person.prepare_for_save()

    bulk.insert(Person, people)

    assert all(person.pk is not None and not person._state.adding for person in people)
    assert [p.pk for p in people] == sorted(p.pk for p in people)
    for person in people:
        stored = Person.objects.get(pk=person.pk)
        assert (stored.birth_name, stored.phone, stored.date_of_birth) == (
            person.birth_name,
            "+33639981234",
            person.date_of_birth,
        )
        assert stored.created_at is not None and stored.created_at == person.created_at
    assert Person.objects.create(organisation=world.org_a, first_name="Après", birth_name="Eux",
                                 date_of_birth=date(1990, 1, 1)).pk > people[-1].pk  # fmt: skip


def test_a_related_row_saved_after_it_was_assigned_gives_its_id(world):
    enrolment = Enrolment(
        organisation=world.org_a,
        service=world.a1,
        person=PersonFactory(organisation=world.org_a),
        referral_date=date(2026, 1, 5),
    )
    situation = EntrySituation(organisation=world.org_a, enrolment=enrolment)
    change = PhaseChange(
        organisation=world.org_a, enrolment=enrolment, phase="referral", changed_on=date(2026, 1, 5)
    )

    bulk.insert(Enrolment, [enrolment])
    bulk.insert(EntrySituation, [situation])
    bulk.insert(PhaseChange, [change])

    assert EntrySituation.objects.get(pk=situation.pk).enrolment_id == enrolment.pk
    assert PhaseChange.objects.get(pk=change.pk).enrolment_id == enrolment.pk


def test_an_encrypted_field_is_stored_encrypted(world):
    saved = EmployerContactFactory()
    contact = EmployerContactFactory.build(
        company=saved.company, coach=saved.coach, notes="Rappeler la gérante lundi"
    )

    bulk.insert(EmployerContact, [contact])

    assert EmployerContact.objects.get(pk=contact.pk).notes == "Rappeler la gérante lundi"
    assert "gérante" not in raw(EmployerContact, "notes", contact.pk)


def test_rows_written_without_ids_are_written_all_the_same(world):
    before = AuditEntry.objects.count()
    entry = AuditEntry(
        chain="test",
        seq=1,
        at=timezone.now(),
        organisation_id=world.org_a.pk,
        kind="create",
        fields=["a"],
        prev_hash="",
        hash="x",
    )

    bulk.insert(AuditEntry, [entry], ids=False)

    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.get(chain="test").fields == ["a"]
    assert entry.pk is None or connection.vendor != "postgresql"


def test_nothing_to_write_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert(Person, []) == []
