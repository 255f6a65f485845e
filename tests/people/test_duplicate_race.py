"""The same person recorded twice at the same moment: one record, one warning (issue 17)."""

import html
import threading
from contextlib import suppress
from datetime import date

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from filrouge.organisations.models import Role
from filrouge.people import domain
from filrouge.people.models import Person
from tests.accounts.factories import staff
from tests.people.factories import PersonFactory
from tests.people.test_views import new_person_data

BORN = date(1985, 6, 1)  # as in new_person_data
WARNING = "existe déjà"
CONFIRM = 'name="not_a_duplicate"'


def same_person(world):
    return Person.objects.filter(organisation=world.org_a, date_of_birth=BORN)


@pytest.mark.django_db
def test_the_check_finds_the_same_identity_in_the_organisation_only(world):
    existing = PersonFactory(
        organisation=world.org_a, first_name="Hélène", birth_name="Dupré", date_of_birth=BORN
    )
    again = Person(organisation=world.org_a, first_name="HELENE", birth_name="dupre", date_of_birth=BORN)
    with pytest.raises(domain.PossibleDuplicate) as raised:
        domain.create_person(again, by=world.users["coach"])
    assert raised.value.matches == [existing]
    assert again.pk is None and same_person(world).count() == 1

    elsewhere = Person(organisation=world.org_b, first_name="Hélène", birth_name="Dupré", date_of_birth=BORN)
    assert domain.create_person(elsewhere, by=world.users["other_org_coach"]).pk is not None

    homonym = domain.create_person(again, by=world.users["coach"], homonym_confirmed=True)
    assert homonym.created_by == world.users["coach"]
    assert same_person(world).count() == 2


@pytest.mark.django_db
def test_recorded_twice_in_a_row_the_second_gets_the_warning_then_a_confirmed_homonym_is_created(
    client, world
):
    client.force_login(world.users["coach"])
    assert client.post(reverse("people:create"), new_person_data(world)).status_code == 302
    second = client.post(reverse("people:create"), new_person_data(world))
    body = html.unescape(second.content.decode())
    assert second.status_code == 200 and WARNING in body and CONFIRM in body
    assert same_person(world).count() == 1
    confirmed = client.post(reverse("people:create"), new_person_data(world) | {"not_a_duplicate": "1"})
    assert confirmed.status_code == 302
    assert same_person(world).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_coaches_recording_the_same_person_at_the_same_moment_make_one_record_and_one_warning(
    world, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the lock is PostgreSQL's concern")
    colleague = staff(Role.COACH, world.a1, email="coach2@a.example")
    clients = []
    for user in (world.users["coach"], colleague):
        client = Client()
        client.force_login(user)
        clients.append((client, new_person_data(world, **{"start-primary_coach": user.pk})))

    # Both requests start together; then each one, once it has looked for the same identity,
    # waits a little for the other to have looked too. Without the lock both find no one and
    # both insert; with it, the second one cannot look before the first has committed, so the
    # first stops waiting after the timeout.
    start, checked = threading.Barrier(2), threading.Barrier(2)
    look = Person.same_identity

    def look_then_wait(person):
        found = look(person)
        with suppress(threading.BrokenBarrierError):  # the other one is waiting for the lock
            checked.wait(timeout=3)
        return found

    monkeypatch.setattr(Person, "same_identity", look_then_wait)
    responses = [None, None]

    def create(index):
        client, data = clients[index]
        try:
            start.wait(timeout=10)
            responses[index] = client.post(reverse("people:create"), data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.status_code for r in responses) == [200, 302]
    assert same_person(world).count() == 1
    loser = next(i for i, r in enumerate(responses) if r.status_code == 200)
    body = html.unescape(responses[loser].content.decode())
    assert WARNING in body and CONFIRM in body

    # The warning keeps the homonym confirmation: a different person born the same day is recorded.
    client, data = clients[loser]
    assert client.post(reverse("people:create"), data | {"not_a_duplicate": "1"}).status_code == 302
    assert same_person(world).count() == 2
