"""Two coaches take the same pathway without lead coach at the same moment: one lead coach, one
refusal, one change in its history (PostgreSQL: real concurrent transactions)."""

import threading
from contextlib import suppress

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from filrouge.organisations.models import Role
from filrouge.pathways import domain
from filrouge.pathways.models import LeadCoachChange
from tests.accounts.factories import staff
from tests.concurrency import at_once
from tests.pathways.factories import enrol

REFUSAL = "Ce parcours a déjà un job coach référent."


@pytest.mark.django_db(transaction=True)
def test_two_coaches_taking_the_same_pathway_at_the_same_moment_make_one_lead_coach(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row lock is PostgreSQL's concern")
    enrolment = enrol(world.a1)
    coaches = [world.users["coach"], staff(Role.COACH, world.a1, email="collegue@a.example")]
    clients = []
    for coach in coaches:
        client = Client()
        client.force_login(coach)
        clients.append(client)

    # Both requests find the pathway without lead coach (the view's look-up), then each one, once
    # it has checked the locked row, waits a little for the other to have checked too. Without
    # the lock both see no lead coach and both take it; with it, the second one reads the row
    # only once the first has committed, so the first stops waiting after the timeout.
    checked = threading.Barrier(2)
    reassign = domain.reassign

    def check_then_wait(*args, **kwargs):
        with suppress(threading.BrokenBarrierError):  # the other one is waiting for the lock
            checked.wait(timeout=3)
        return reassign(*args, **kwargs)

    monkeypatch.setattr(domain, "reassign", check_then_wait)
    url = reverse("pathways:take_lead", args=[enrolment.pk])
    responses = at_once(*(lambda client=client: client.post(url) for client in clients))

    said = [[str(m) for m in get_messages(response.wsgi_request)] for response in responses]
    assert [r.status_code for r in responses] == [302, 302]
    refused = [i for i, messages in enumerate(said) if REFUSAL in messages]
    assert len(refused) == 1, said
    winner = coaches[1 - refused[0]]
    enrolment.refresh_from_db()
    assert enrolment.primary_coach == winner
    change = LeadCoachChange.objects.get(enrolment=enrolment)
    assert (change.coach, change.previous_coach, change.taken) == (winner, None, True)
