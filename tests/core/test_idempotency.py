"""A form sent twice is saved once (core/idempotency.py): the second submission of a token gets
the first one's answer, sequentially on both databases and at the same moment on PostgreSQL. A
form that saved nothing (errors, a refusal) releases its token."""

import threading
import time
from datetime import timedelta
from uuid import uuid4

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filrouge.core import idempotency
from filrouge.core.models import Submission
from filrouge.journal import domain
from filrouge.journal.models import Note
from tests.conftest import make_world

TODAY = timezone.localdate


def note_data(token=None, **overrides) -> dict:
    data = {
        "written_on": TODAY().isoformat(),
        "text": "Point sur la recherche d'emploi.",
        "confidentiality": "team",
    }
    if token is not None:
        data[idempotency.FIELD] = token
    return data | overrides


def note_url(world) -> str:
    return reverse("journal:note_add", args=[world.enrolment.pk])


def journal_url(world) -> str:
    return reverse("journal:person_journal", args=[world.person.pk])


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_same_form_sent_twice_makes_one_note_and_the_second_gets_the_first_answer(coach_client, world):
    token = str(uuid4())
    first = coach_client.post(note_url(world), note_data(token))
    second = coach_client.post(note_url(world), note_data(token))
    assert Note.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == journal_url(world)
    assert "Ce formulaire avait déjà été envoyé : il n'est enregistré qu'une fois." in said(second)
    # Each answer tells the next page that this form was saved, so the browser drops its draft.
    assert token in second.cookies[idempotency.SAVED_COOKIE].value.split(".")


@pytest.mark.django_db
def test_two_forms_with_their_own_tokens_make_two_notes(coach_client, world):
    coach_client.post(note_url(world), note_data(str(uuid4())))
    response = coach_client.post(note_url(world), note_data(str(uuid4()), text="Une autre note."))
    assert Note.objects.count() == 2
    assert response.cookies[idempotency.SAVED_COOKIE].value.count(".") == 1  # both tokens, in order


@pytest.mark.django_db
def test_a_form_shown_again_with_its_errors_releases_its_token(coach_client, world):
    token = str(uuid4())
    future = (TODAY() + timedelta(days=2)).isoformat()
    response = coach_client.post(note_url(world), note_data(token, written_on=future))
    assert response.status_code == 200
    assert not Submission.objects.exists()
    assert idempotency.SAVED_COOKIE not in response.cookies
    corrected = coach_client.post(note_url(world), note_data(token))
    assert corrected.status_code == 302
    assert Note.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_form_releases_its_token(client, world):
    client.force_login(world.users["other_org_coach"])
    assert client.post(note_url(world), note_data(str(uuid4()))).status_code == 404
    assert not Submission.objects.exists()
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_a_token_belongs_to_the_account_that_sent_it(client, world):
    token = str(uuid4())
    client.force_login(world.users["coach"])
    client.post(note_url(world), note_data(token))
    client.force_login(world.users["social_worker"])
    response = client.post(note_url(world), note_data(token, text="Vue en entretien."))
    assert response.status_code == 302
    assert "Ce formulaire avait déjà été envoyé" not in " ".join(said(response))
    assert Note.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("token", [None, "court", "x" * 65, "pas de jeton !!"])
def test_a_form_without_a_valid_token_is_saved_as_before(coach_client, world, token):
    coach_client.post(note_url(world), note_data(token))
    coach_client.post(note_url(world), note_data(token))
    assert Note.objects.count() == 2
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_signing_in_is_not_counted(client, world):
    from tests.accounts.factories import PASSWORD

    data = {"username": world.users["coach"].email, "password": PASSWORD, idempotency.FIELD: str(uuid4())}
    assert client.post(reverse("accounts:login"), data).status_code == 302
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_submissions_are_forgotten_after_a_day(coach_client, world):
    old = Submission.objects.create(user=world.users["coach"], token=str(uuid4()), location="/")
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    recent = Submission.objects.create(user=world.users["coach"], token=str(uuid4()), location="/")
    coach_client.post(note_url(world), note_data(str(uuid4())))
    assert not Submission.objects.filter(pk=old.pk).exists()
    assert Submission.objects.filter(pk=recent.pk).exists()
    assert Submission.objects.count() == 2  # the recent one and the note's
    assert idempotency.prune(now=timezone.now() + timedelta(days=2)) == 2


# --- At the same moment, on PostgreSQL ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_the_same_moment_makes_one_note(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; the race is PostgreSQL's")
    world = make_world()
    signed_in = Client()
    signed_in.force_login(world.users["coach"])
    write_note = domain.write_note

    def slow_write_note(*args, **kwargs):
        note = write_note(*args, **kwargs)
        time.sleep(0.5)  # the first request holds its transaction open while the second arrives
        return note

    monkeypatch.setattr(domain, "write_note", slow_write_note)
    token = str(uuid4())
    barrier = threading.Barrier(2)
    answers = []

    def send():
        client = Client()
        client.cookies = signed_in.cookies
        try:
            barrier.wait(timeout=10)
            answers.append(client.post(note_url(world), note_data(token)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer["Location"] for answer in answers} == {journal_url(world)}
    assert Note.objects.count() == 1
    assert Submission.objects.get().location == journal_url(world)
