"""Notes and meeting summaries are encrypted at rest; the search still works, within the rule."""

import html

import pytest
from django.db import connection
from django.urls import reverse

from filrouge.journal.models import Meeting, Note
from filrouge.journal.selectors import readable_notes, search_writings
from tests.journal.factories import MeetingFactory, NoteFactory

pytestmark = pytest.mark.django_db

SECRET = "angoisses"


def raw(table, column, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        return cursor.fetchone()[0]


def columns(table) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def journal(client, world, user, **query) -> str:
    client.force_login(world.users[user])
    response = client.get(reverse("journal:person_journal", args=[world.person.pk]), query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def writings(world):
    psychologist = world.users["psychologist"]
    return {
        "restricted_note": NoteFactory(
            enrolment=world.enrolment,
            author=psychologist,
            restricted=True,
            text=f"Séance : {SECRET} évoquées.",
        ),
        "restricted_meeting": MeetingFactory(
            enrolment=world.enrolment,
            restricted=True,
            created_by=psychologist,
            summary=f"Réunion : {SECRET}.",
        ),
        "team_note": NoteFactory(
            enrolment=world.enrolment, author=world.users["coach"], text="Réunion d'équipe."
        ),
        "meeting": MeetingFactory(
            enrolment=world.enrolment, summary="Entretien de suivi.", others="Sa sœur Élodie"
        ),
    }


def test_no_text_of_a_writing_is_stored_in_clear(world, writings):
    assert "search_text" not in columns("journal_note") | columns("journal_meeting")
    for name in ("restricted_note", "team_note"):
        assert raw("journal_note", "text", writings[name].pk).startswith("enc:")
    for name in ("restricted_meeting", "meeting"):
        assert raw("journal_meeting", "summary", writings[name].pk).startswith("enc:")
    assert Note.objects.get(pk=writings["team_note"].pk).text == "Réunion d'équipe."
    assert Meeting.objects.get(pk=writings["meeting"].pk).summary == "Entretien de suivi."


def test_the_search_ignores_accents_and_case_in_the_encrypted_texts(client, world, writings):
    found = journal(client, world, "coach", q="REUNION")
    assert "Réunion d'équipe." in found and "Entretien de suivi." not in found
    # Who else took part is searched too.
    assert "Entretien de suivi." in journal(client, world, "coach", q="elodie")


@pytest.mark.parametrize("user", ["coach", "head_of_service", "social_worker", "director"])
def test_a_search_never_returns_a_writing_kept_for_another_profession(client, world, writings, user):
    for query in (SECRET, "seance", "reunion"):
        found = journal(client, world, user, q=query)
        assert "angoisses évoquées" not in found and "Réunion : angoisses" not in found, (user, query)


def test_the_profession_finds_its_restricted_writings(client, world, writings):
    found = journal(client, world, "psychologist", q="ANGOÏSSES")
    assert "Séance : angoisses évoquées." in found and "Réunion : angoisses." in found
    assert "Réunion d'équipe." not in found


def test_the_search_runs_only_over_writings_already_readable(world, writings):
    readable = readable_notes(world.users["coach"])
    assert search_writings(readable, SECRET) == []
    assert search_writings(readable, "  ") == [writings["team_note"]]
    assert search_writings(readable_notes(world.users["psychologist"]), SECRET) == [
        writings["restricted_note"]
    ]
