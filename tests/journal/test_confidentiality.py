"""Who reads what: team writings for the case's team, restricted ones for the profession only."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from filrouge.journal import domain
from filrouge.journal.agenda_sources import meeting_entries
from filrouge.journal.models import Confidentiality, Meeting, Note
from filrouge.journal.selectors import printable_writings, readable_meetings, readable_notes
from filrouge.organisations.models import Role
from tests.accounts.factories import staff
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.journal.writings import NOT_THE_PROFESSION, SECRET, psychologist_writings

pytestmark = pytest.mark.django_db

A1_TEAM = ["coach", "psychologist", "social_worker", "educator", "head_of_service", "director"]
OUTSIDERS = ["other_service_coach", "other_org_coach", "org_admin", "funder_viewer", "other_org_admin"]


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def writings(world):
    return psychologist_writings(world) | {
        "team_note": NoteFactory(
            enrolment=world.enrolment, author=world.users["coach"], text="Point d'équipe."
        ),
    }


def login(client, world, name):
    client.force_login(world.users[name])
    return client


def test_the_psychologist_of_the_service_reads_a_psychologists_restricted_writings(client, world, writings):
    login(client, world, "psychologist")
    page = text(client.get(reverse("journal:person_journal", args=[world.person.pk])))
    assert writings["note"].text in page
    assert SECRET in page
    assert "Réservée aux psychologues du service" in page
    found = text(client.get(reverse("journal:person_journal", args=[world.person.pk]), {"q": "ANGOISSES"}))
    assert writings["note"].text in found and "Point d'équipe" not in found
    assert client.get(reverse("journal:note_detail", args=[writings["note"].pk])).status_code == 200
    assert client.get(reverse("journal:meeting_detail", args=[writings["meeting"].pk])).status_code == 200
    timeline = text(client.get(reverse("people:timeline", args=[world.person.pk])))
    assert writings["note"].text[:30] in timeline and SECRET in timeline


@pytest.mark.parametrize("name", NOT_THE_PROFESSION)
def test_the_rest_of_the_team_never_sees_a_restricted_writing(client, world, writings, name):
    login(client, world, name)
    url = reverse("journal:person_journal", args=[world.person.pk])
    page = text(client.get(url))
    assert SECRET not in page and writings["note"].text not in page
    assert "Point d'équipe." in page  # the team's note is there
    found = text(client.get(url, {"q": SECRET}))
    assert writings["note"].text not in found and "au travail" not in found
    assert "Rien dans l'historique ne correspond" in found
    assert client.get(reverse("journal:note_detail", args=[writings["note"].pk])).status_code == 404
    assert client.get(reverse("journal:meeting_detail", args=[writings["meeting"].pk])).status_code == 404
    assert client.get(reverse("journal:meeting_edit", args=[writings["meeting"].pk])).status_code == 404
    timeline = text(client.get(reverse("people:timeline", args=[world.person.pk])))
    assert SECRET not in timeline and writings["note"].text[:20] not in timeline


@pytest.mark.parametrize("name", A1_TEAM)
def test_team_notes_are_read_by_every_case_role_of_the_service(client, world, writings, name):
    login(client, world, name)
    assert "Point d'équipe." in text(client.get(reverse("journal:person_journal", args=[world.person.pk])))
    assert client.get(reverse("journal:note_detail", args=[writings["team_note"].pk])).status_code == 200


@pytest.mark.parametrize("name", OUTSIDERS)
def test_nobody_outside_the_service_reads_any_writing(world, writings, name):
    user = world.users[name]
    assert not readable_notes(user).exists()
    assert not readable_meetings(user).exists()


def test_selectors_apply_the_rule_for_exports(world, writings):
    enrolments = [world.enrolment]
    assert set(readable_notes(world.users["psychologist"], enrolments)) == {
        writings["note"],
        writings["team_note"],
    }
    assert set(readable_notes(world.users["director"], enrolments)) == {writings["team_note"]}
    assert set(readable_meetings(world.users["psychologist"], enrolments)) == {writings["meeting"]}
    assert not readable_meetings(world.users["head_of_service"], enrolments).exists()


def test_the_timeline_leaves_out_a_restricted_meeting_for_other_professions(client, world, writings):
    login(client, world, "coach")
    timeline = text(client.get(reverse("people:timeline", args=[world.person.pk])))
    assert "Entretien : Individuel au bureau" not in timeline
    assert SECRET not in timeline

    login(client, world, "psychologist")
    timeline = text(client.get(reverse("people:timeline", args=[world.person.pk])))
    assert "Entretien : Individuel au bureau" in timeline


def test_a_writing_kept_for_ones_profession_names_the_authors_role_in_the_service(world):
    note = domain.write_note(
        world.enrolment, world.users["coach"], "Pour les job coachs.", Confidentiality.PROFESSION
    )
    assert note.restricted_to == "coach"
    assert note in readable_notes(world.users["coach"])
    assert note not in readable_notes(world.users["psychologist"])


def test_a_director_cannot_keep_a_writing_for_a_profession_they_do_not_hold(world):
    with pytest.raises(ValidationError) as refused:
        domain.write_note(world.enrolment, world.users["director"], "Note.", Confidentiality.PROFESSION)
    assert "Vous n'avez pas de rôle dans ce service" in str(refused.value.message_dict["confidentiality"])
    assert not Note.objects.exists()


def test_the_refusal_shows_on_the_form_and_keeps_nothing(client, world):
    login(client, world, "director")
    response = client.post(
        reverse("journal:note_add", args=[world.enrolment.pk]),
        {
            "written_on": timezone.localdate().isoformat(),
            "text": "Réservée ?",
            "confidentiality": "profession",
        },
    )
    assert response.status_code == 200
    assert "Vous n'avez pas de rôle dans ce service" in text(response)
    assert not Note.objects.exists()


def test_a_psychologist_of_another_service_does_not_read_restricted_writings_here(world, writings):
    elsewhere = staff(Role.PSYCHOLOGIST, world.a2, email="psy@a2.example")
    assert not readable_notes(elsewhere).exists()


def test_the_agenda_of_the_lead_coach_leaves_out_a_restricted_meeting_they_do_not_attend(world, writings):
    coach = world.users["coach"]
    start, end = timezone.now() - timedelta(days=7), timezone.now() + timedelta(days=7)
    assert list(meeting_entries(coach, start, end)) == []
    writings["meeting"].staff.add(coach)
    assert [e.uid for e in meeting_entries(coach, start, end)] == [
        f"meeting-{writings['meeting'].pk}@filrouge"
    ]


def test_documents_use_only_writings_not_kept_for_a_profession(world, writings):
    assert not printable_writings(Meeting.objects.all()).exists()  # the psychologist's only
    team = MeetingFactory(enrolment=world.enrolment)
    shared = MeetingFactory(enrolment=world.enrolment, confidentiality=Confidentiality.SHARED)
    assert set(printable_writings(Meeting.objects.all())) == {team, shared}
    assert set(printable_writings(Note.objects.all())) == {writings["team_note"]}
    # Whoever prints: even the psychologist, who reads it, does not print it.
    assert writings["meeting"] in readable_meetings(world.users["psychologist"])
    assert writings["meeting"] not in printable_writings(readable_meetings(world.users["psychologist"]))
