"""The confidentiality choice names who will read; colleagues who may not read a restricted
writing know it exists (day, service, profession), never its content, kind or author."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge import policy
from filrouge.journal.models import Confidentiality
from filrouge.journal.selectors import confidentiality_choices, readers_text, withheld_writings
from tests.journal.factories import NoteFactory
from tests.journal.writings import NOT_THE_PROFESSION, SECRET, psychologist_writings

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def writings(world):
    return psychologist_writings(world, starts_at=timezone.now() - timezone.timedelta(days=3))


def test_the_readers_are_the_policys_rule_read_the_other_way(world, writings):
    for confidentiality, restricted_to in [("team", ""), ("shared", ""), ("profession", "psychologist")]:
        readers = set(policy.writing_readers(world.a1, confidentiality, restricted_to))
        note = NoteFactory(
            enrolment=world.enrolment,
            author=world.users["psychologist"],
            confidentiality=confidentiality,
            restricted_to=restricted_to,
        )
        may_read = {
            user
            for user in world.users.values()
            if policy.scoped_writings(user, type(note).objects.filter(pk=note.pk)).exists()
        }
        assert readers == may_read, confidentiality


def test_the_choice_names_the_profession_and_its_members_and_counts_the_team(world):
    choices = dict(confidentiality_choices(world.users["psychologist"], world.a1))
    team = policy.writing_readers(world.a1, "team").count()
    assert choices[Confidentiality.TEAM] == (
        f"Équipe — toute l'équipe du service et la direction ({team} personnes)"
    )
    psychologist = world.users["psychologist"].full_name
    assert choices[Confidentiality.PROFESSION] == (
        f"Réservée à ma profession — Les psychologues du service : {psychologist}"
    )
    assert choices[Confidentiality.SHARED].endswith("et la personne accompagnée")
    director = dict(confidentiality_choices(world.users["director"], world.a1))
    assert "vous n'avez pas de rôle dans ce service" in director[Confidentiality.PROFESSION]


def test_a_long_list_of_readers_ends_with_how_many_more():
    assert readers_text([f"Personne {n}" for n in range(10)]).endswith("Personne 7 et 2 autres")
    assert readers_text(["Awa Diallo"]) == "Awa Diallo"


def test_the_note_form_shows_who_will_read(client, world):
    client.force_login(world.users["coach"])
    page = text(client.get(reverse("journal:note_add", args=[world.enrolment.pk])))
    assert f"Les job coachs du service : {world.users['coach'].full_name}" in page
    assert "toute l'équipe du service et la direction" in page


@pytest.mark.parametrize("name", NOT_THE_PROFESSION)
def test_colleagues_see_that_a_restricted_writing_exists_never_what_it_says(client, world, writings, name):
    client.force_login(world.users[name])
    psychologist = world.users["psychologist"].full_name
    for url in (
        reverse("journal:person_journal", args=[world.person.pk]),
        reverse("people:timeline", args=[world.person.pk]),
    ):
        page = text(client.get(url))
        assert page.count("Réservée aux psychologues du service") >= 2, url  # the note and the meeting
        assert SECRET not in page and writings["note"].text[:20] not in page, url
        assert "Individuel au bureau" not in page, url  # not even its kind
        assert psychologist not in page, url  # nor its author
        day = writings["note"].written_on
        assert f'datetime="{day:%Y-%m-%d}"' in page, url


def test_the_profession_reads_its_writings_and_is_not_told_they_are_withheld(client, world, writings):
    assert withheld_writings(world.users["psychologist"], [world.enrolment]) == []
    client.force_login(world.users["psychologist"])
    page = text(client.get(reverse("journal:person_journal", args=[world.person.pk])))
    assert "Écrits réservés à une autre profession" not in page
    assert SECRET in page


def test_no_one_outside_the_service_learns_of_a_restricted_writing(world, writings):
    for name in ["other_service_coach", "other_org_coach", "funder_viewer", "org_admin"]:
        assert withheld_writings(world.users[name], [world.enrolment]) == [], name
