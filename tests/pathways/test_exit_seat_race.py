"""The exit frees the person's workshop places while someone else registers, unregisters or
promotes on the same session: places are never more than the capacity, no one waits while a
place is free, no one is promoted twice, and an ended pathway keeps no place to come
(PostgreSQL: real concurrent transactions)."""

import threading
from contextlib import suppress

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from filrouge.pathways import closing
from filrouge.pathways.domain import today
from filrouge.workshops import domain as workshops
from filrouge.workshops.models import Registration, RegistrationStatus
from tests.concurrency import at_once
from tests.pathways.factories import enrol
from tests.workshops.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

REGISTERED, WAITING, CANCELLED = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row locks are PostgreSQL's concern")


def place(session, enrolment, status=REGISTERED) -> Registration:
    return RegistrationFactory(session=session, enrolment=enrolment, status=status)


def status(registration) -> str:
    registration.refresh_from_db()
    return registration.status


def exit_of(enrolment, coach):
    return lambda: closing.close(enrolment, on=today(), outcome="moved", by=coach, choices={})


def test_the_exit_frees_a_place_while_someone_else_registers_the_last_comer_gets_it(world, monkeypatch):
    coach = world.users["coach"]
    leaving, newcomer = enrol(world.a1, coach=coach), enrol(world.a1, coach=coach)
    session = SessionFactory(service=world.a1, capacity=1)
    freed = place(session, leaving)

    # The exit, once it has freed the place, and the registration, once it has counted the
    # places, wait a little for each other; then the registration waits for the exit to end.
    # Without the session's lock the registration counts the place still taken, the exit finds
    # no one waiting: a place stays free while the newcomer waits. With it, the one that comes
    # second waits for the lock and counts again, so the two waits end by their timeout.
    counted, exit_done = threading.Barrier(2), threading.Event()
    count = workshops.registered_count
    registering = threading.local()

    def count_then_wait(a_session):
        found = count(a_session)
        with suppress(threading.BrokenBarrierError):
            counted.wait(timeout=3)
        if getattr(registering, "now", False):
            exit_done.wait(timeout=3)
        return found

    monkeypatch.setattr(workshops, "registered_count", count_then_wait)

    def leave():
        try:
            return exit_of(leaving, coach)()
        finally:
            exit_done.set()

    def register():
        registering.now = True
        return workshops.register(session, newcomer, coach)

    left, registered = at_once(leave, register)

    assert not isinstance(left, Exception) and not isinstance(registered, Exception), (left, registered)
    assert status(freed) == CANCELLED
    assert status(registered) == REGISTERED
    assert workshops.registered_count(session) == session.capacity


def test_the_exit_frees_a_place_while_a_colleague_frees_another_each_waiting_person_is_promoted_once(
    world, monkeypatch
):
    coach = world.users["coach"]
    leaving, staying, first, second = (enrol(world.a1, coach=coach) for _ in range(4))
    session = SessionFactory(service=world.a1, capacity=2)
    freed_by_exit, freed_by_colleague = place(session, leaving), place(session, staying)
    waiting = [place(session, first, WAITING), place(session, second, WAITING)]

    # Each one, once it has freed its place, waits a little for the other before promoting;
    # the one that promotes first then waits for the other to have looked at the waiting list.
    # Without any lock both count one free place and both give it to the first waiting:
    # promoted twice, the second still waiting before a free place. Two locks prevent it: the
    # session's, and within one organisation the audit chain's head, which the first write (the
    # freeing) takes until the commit; removing the session's alone does not make this fail.
    freed, looked = threading.Barrier(2), threading.Barrier(2)
    promote = workshops.promote

    def free_then_wait(a_session):
        try:
            freed.wait(timeout=3)
        except threading.BrokenBarrierError:  # the other one holds the lock, or is done
            return promote(a_session)
        promoted = promote(a_session)
        with suppress(threading.BrokenBarrierError):
            looked.wait(timeout=3)
        return promoted

    monkeypatch.setattr(workshops, "promote", free_then_wait)
    colleague = world.users["head_of_service"]
    left, promoted = at_once(
        exit_of(leaving, coach), lambda: workshops.cancel_registration(freed_by_colleague, colleague)
    )

    assert not isinstance(left, Exception) and not isinstance(promoted, Exception), (left, promoted)
    assert (status(freed_by_exit), status(freed_by_colleague)) == (CANCELLED, CANCELLED)
    assert [status(registration) for registration in waiting] == [REGISTERED, REGISTERED]
    assert workshops.registered_count(session) == session.capacity


def test_the_exit_while_a_colleague_registers_the_same_person_leaves_no_place_to_come(world, monkeypatch):
    coach = world.users["coach"]
    leaving = enrol(world.a1, coach=coach)
    session = SessionFactory(service=world.a1, capacity=8)

    # The exit, once it has listed the person's places, and the registration, once it holds the
    # session, wait a little for each other. Without the pathway's lock the exit finds no place
    # to free and the registration still reads a current pathway: an ended pathway keeps a
    # place (taken from someone else). With it, the one that comes second waits for the first
    # to commit: the registration is refused, or the exit lists the new place and frees it.
    listed = threading.Barrier(2)
    open_items, lock_session = closing.open_items, workshops.locked

    def list_then_wait(*args):
        items = open_items(*args)
        with suppress(threading.BrokenBarrierError):
            listed.wait(timeout=3)
        return items

    def lock_then_wait(a_session):
        locked = lock_session(a_session)
        with suppress(threading.BrokenBarrierError):
            listed.wait(timeout=3)
        return locked

    monkeypatch.setattr(closing, "open_items", list_then_wait)
    monkeypatch.setattr(workshops, "locked", lock_then_wait)
    left, registered = at_once(
        exit_of(leaving, coach), lambda: workshops.register(session, leaving, world.users["educator"])
    )

    assert not isinstance(left, Exception), left
    leaving.refresh_from_db()
    assert not leaving.is_current
    if isinstance(registered, ValidationError):
        assert "Ce parcours est terminé" in " ".join(registered.messages)
    else:
        assert status(registered) == CANCELLED
    assert not Registration.objects.filter(enrolment=leaving, status__in=(REGISTERED, WAITING)).exists()
