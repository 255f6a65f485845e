import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from filrouge.journal import domain
from filrouge.journal.models import Attendance, Meeting, MeetingKind, Note
from filrouge.pathways.models import Enrolment
from tests.journal.factories import MeetingFactory, NoteFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def meeting_data(world, **overrides):
    data = {
        "starts_at": local(timezone.now() - timedelta(hours=2)),
        "duration_minutes": "45",
        "kind": MeetingKind.PHONE,
        "place": "",
        "staff": [world.users["coach"].pk],
        "others": "la personne, sa sœur",
        "attendance": Attendance.PRESENT,
        "summary": "Réunion de préparation à l'entretien d'embauche.",
        "confidentiality": "team",
    }
    return data | overrides


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


def new_meeting(world, **fields) -> Meeting:
    starts_at = fields.pop("starts_at", timezone.now() - timedelta(days=1))
    # A past meeting says whether the person came (see test_a_past_meeting_requires_its_attendance).
    fields.setdefault("attendance", Attendance.PRESENT if starts_at <= timezone.now() else "")
    meeting = Meeting(
        kind=fields.pop("kind", MeetingKind.OFFICE),
        duration_minutes=fields.pop("duration_minutes", 60),
        starts_at=starts_at,
        **fields,
    )
    return domain.record_meeting(meeting, enrolment=world.enrolment, by=world.users["coach"])


def refreshed(world) -> Enrolment:
    return Enrolment.objects.get(pk=world.enrolment.pk)


# --- Rules -------------------------------------------------------------------------------------


def test_a_meeting_of_25_hours_is_refused_with_a_clear_message(coach_client, world):
    response = coach_client.post(
        reverse("journal:meeting_add", args=[world.enrolment.pk]),
        meeting_data(world, duration_minutes="1500"),
    )
    assert response.status_code == 200
    assert "Un entretien dure de 5 minutes à 12 heures" in text(response)
    assert not Meeting.objects.exists()
    with pytest.raises(ValidationError) as refused:
        new_meeting(world, duration_minutes=25 * 60)
    assert "duration_minutes" in refused.value.message_dict
    assert not Meeting.objects.exists()


def test_a_meeting_of_five_minutes_to_twelve_hours_is_accepted(world):
    assert new_meeting(world, duration_minutes=5).pk
    assert new_meeting(world, duration_minutes=720).pk


def test_attendance_cannot_be_recorded_for_a_meeting_to_come(coach_client, world):
    response = coach_client.post(
        reverse("journal:meeting_add", args=[world.enrolment.pk]),
        meeting_data(world, starts_at=local(timezone.now() + timedelta(days=2))),
    )
    assert "Impossible de noter la présence à un rendez-vous à venir" in text(response)
    assert not Meeting.objects.exists()


def test_a_meeting_to_come_may_be_cancelled(world):
    meeting = new_meeting(
        world, starts_at=timezone.now() + timedelta(days=2), attendance=Attendance.CANCELLED
    )
    assert meeting.is_cancelled
    assert refreshed(world).next_appointment_at is None


def test_a_date_more_than_a_year_away_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        new_meeting(world, starts_at=timezone.now() - timedelta(days=400))
    assert "plus d'un an" in str(refused.value.message_dict["starts_at"])


def test_recording_a_meeting_plans_the_next_appointment_and_refreshes_the_caseload_dates(coach_client, world):
    next_at = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    response = coach_client.post(
        reverse("journal:meeting_add", args=[world.enrolment.pk]),
        meeting_data(world, next_starts_at=local(next_at), next_kind=MeetingKind.VIDEO),
    )
    assert response["Location"] == reverse("journal:person_journal", args=[world.person.pk])
    held, planned = Meeting.objects.order_by("starts_at")
    assert (held.attendance, held.created_by, held.organisation) == (
        "present",
        world.users["coach"],
        world.org_a,
    )
    assert list(held.staff.all()) == [world.users["coach"]]
    assert (planned.kind, planned.attendance, planned.starts_at) == (MeetingKind.VIDEO, "", next_at)
    enrolment = refreshed(world)
    assert enrolment.last_contact_on == timezone.localdate(held.starts_at)
    assert enrolment.next_appointment_at == next_at


def test_a_next_appointment_in_the_past_is_refused_and_nothing_is_kept(coach_client, world):
    response = coach_client.post(
        reverse("journal:meeting_add", args=[world.enrolment.pk]),
        meeting_data(world, next_starts_at=local(timezone.now() - timedelta(days=1))),
    )
    assert "Le prochain rendez-vous doit être à venir" in text(response)
    assert not Meeting.objects.exists()


def test_last_contact_follows_the_latest_attended_meeting_even_after_a_correction(world):
    older = new_meeting(world, starts_at=timezone.now() - timedelta(days=10), attendance=Attendance.PRESENT)
    latest = new_meeting(world, starts_at=timezone.now() - timedelta(days=3), attendance=Attendance.PRESENT)
    assert refreshed(world).last_contact_on == timezone.localdate(latest.starts_at)
    latest.attendance = Attendance.ABSENT
    domain.update_meeting(latest, by=world.users["coach"])
    assert refreshed(world).last_contact_on == timezone.localdate(older.starts_at)


def test_a_missed_meeting_does_not_count_as_a_contact(world):
    before = refreshed(world).last_contact_on
    new_meeting(world, attendance=Attendance.ABSENT)
    assert refreshed(world).last_contact_on == before


def test_the_next_appointment_is_the_earliest_meeting_to_come_that_is_not_cancelled(world):
    soon = new_meeting(world, starts_at=timezone.now() + timedelta(days=2), attendance=Attendance.CANCELLED)
    later = new_meeting(world, starts_at=timezone.now() + timedelta(days=5))
    assert refreshed(world).next_appointment_at == later.starts_at
    soon.attendance = ""
    domain.update_meeting(soon, by=world.users["coach"])
    assert refreshed(world).next_appointment_at == soon.starts_at


def test_the_database_refuses_an_impossible_duration_or_an_unnamed_restriction(world):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        MeetingFactory(enrolment=world.enrolment, duration_minutes=1000)
    with transaction.atomic(), pytest.raises(IntegrityError):
        NoteFactory(enrolment=world.enrolment, author=world.users["coach"], confidentiality="profession")


# --- Pages -------------------------------------------------------------------------------------


def test_editing_a_meeting_records_its_summary_and_moves_its_version_on(coach_client, world):
    meeting = MeetingFactory(enrolment=world.enrolment, attendance="")
    data = meeting_data(world, starts_at=local(meeting.starts_at), summary="Bilan du stage.", version=1)
    response = coach_client.post(reverse("journal:meeting_edit", args=[meeting.pk]), data)
    assert response["Location"] == reverse("journal:meeting_detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert (meeting.summary, meeting.version, meeting.attendance) == ("Bilan du stage.", 2, "present")
    assert refreshed(world).last_contact_on == timezone.localdate(meeting.starts_at)


def test_editing_a_meeting_changed_meanwhile_shows_both_versions(coach_client, world):
    meeting = MeetingFactory(enrolment=world.enrolment, summary="Premier jet.")
    Meeting.objects.filter(pk=meeting.pk).update(summary="Version de la collègue.", version=2)
    data = meeting_data(world, starts_at=local(meeting.starts_at), summary="Ma version.", version=1)
    response = coach_client.post(reverse("journal:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "Version de la collègue." in text(response) and "modifié par quelqu'un d'autre" in text(response)
    meeting.refresh_from_db()
    assert meeting.summary == "Version de la collègue."


def test_the_journal_lists_upcoming_meetings_first_then_the_history(coach_client, world):
    MeetingFactory(enrolment=world.enrolment, summary="Entretien passé.")
    MeetingFactory(
        enrolment=world.enrolment,
        attendance="",
        starts_at=timezone.now() + timedelta(days=3),
        summary="À venir.",
    )
    NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Une note.")
    page = text(coach_client.get(reverse("journal:person_journal", args=[world.person.pk])))
    assert page.index("Rendez-vous à venir") < page.index("À venir.") < page.index("Historique")
    assert page.index("Historique") < page.index("Une note.") < page.index("Entretien passé.")


def test_the_search_ignores_accents_and_case_and_filters_by_kind(coach_client, world):
    MeetingFactory(enrolment=world.enrolment, summary="Réunion avec l'employeur.")
    NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Reunion de synthèse.")
    NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Autre chose.")
    url = reverse("journal:person_journal", args=[world.person.pk])
    found = text(coach_client.get(url, {"q": "REUNION"}))
    assert "Réunion avec l'employeur." in found and "Reunion de synthèse." in found
    assert "Autre chose." not in found
    notes_only = text(coach_client.get(url, {"q": "réunion", "type": "notes"}))
    assert "Reunion de synthèse." in notes_only and "Réunion avec l'employeur." not in notes_only


def test_the_live_search_answers_with_the_list_only(coach_client, world):
    NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Une note.")
    response = coach_client.get(
        reverse("journal:person_journal", args=[world.person.pk]),
        {"q": "note"},
        headers={"HX-Request": "true"},
    )
    assert "Une note." in text(response) and "<html" not in text(response)


def test_an_empty_journal_says_so(coach_client, world):
    page = text(coach_client.get(reverse("journal:person_journal", args=[world.person.pk])))
    assert "Aucun entretien, aucune note ni aucun suivi dans l'emploi pour le moment." in page


def test_the_journal_page_makes_a_bounded_number_of_queries(
    coach_client, world, django_assert_max_num_queries
):
    for number in range(30):
        meeting = MeetingFactory(
            enrolment=world.enrolment, starts_at=timezone.now() - timedelta(days=number + 1)
        )
        meeting.staff.add(world.users["coach"], world.users["psychologist"])
        NoteFactory(enrolment=world.enrolment, author=world.users["coach"])
        NoteFactory(enrolment=world.enrolment, author=world.users["psychologist"], restricted=True)
    # +3: the audit trail's read entry; +1: follow-along; +2: the writings kept for another profession
    with django_assert_max_num_queries(22):
        response = coach_client.get(reverse("journal:person_journal", args=[world.person.pk]))
    assert response.status_code == 200


def test_a_note_is_written_then_corrected_by_its_author(coach_client, world):
    url = reverse("journal:note_add", args=[world.enrolment.pk])
    day = timezone.localdate().isoformat()
    response = coach_client.post(url, {"written_on": day, "text": "Premier jet.", "confidentiality": "team"})
    note = Note.objects.get()
    assert response["Location"] == reverse("journal:person_journal", args=[world.person.pk])
    assert (note.author, note.organisation, note.restricted_to) == (world.users["coach"], world.org_a, "")
    edit = reverse("journal:note_edit", args=[note.pk])
    data = {"written_on": day, "text": "Texte corrigé.", "confidentiality": "team", "version": 1}
    assert coach_client.post(edit, data)["Location"] == reverse("journal:note_detail", args=[note.pk])
    note.refresh_from_db()
    assert (note.text, note.version) == ("Texte corrigé.", 2)


def test_a_note_cannot_be_dated_in_the_future(coach_client, world):
    response = coach_client.post(
        reverse("journal:note_add", args=[world.enrolment.pk]),
        {
            "written_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "text": "Plus tard.",
            "confidentiality": "team",
        },
    )
    assert "Une note ne peut pas être datée dans le futur." in text(response)
    assert not Note.objects.exists()


def test_another_member_of_the_team_cannot_correct_a_note(client, world):
    note = NoteFactory(enrolment=world.enrolment, author=world.users["coach"])
    client.force_login(world.users["social_worker"])
    assert client.get(reverse("journal:note_detail", args=[note.pk])).status_code == 200
    assert client.get(reverse("journal:note_edit", args=[note.pk])).status_code == 404
    with pytest.raises(ValidationError):
        domain.update_note(note, by=world.users["social_worker"])


def test_the_note_page_offers_the_correction_to_whoever_may_correct_it(client, world):
    note = NoteFactory(enrolment=world.enrolment, author=world.users["coach"])
    edit = reverse("journal:note_edit", args=[note.pk])
    client.force_login(world.users["coach"])
    assert edit in text(client.get(reverse("journal:note_detail", args=[note.pk])))
    client.force_login(world.users["social_worker"])  # reads it, cannot correct it
    assert edit not in text(client.get(reverse("journal:note_detail", args=[note.pk])))
    # The author who left the service no longer reaches it at all.
    world.users["coach"].memberships.all().delete()
    client.force_login(world.users["coach"])
    assert client.get(reverse("journal:note_detail", args=[note.pk])).status_code == 404
