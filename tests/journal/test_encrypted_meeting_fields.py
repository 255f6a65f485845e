"""A meeting's place and its other participants are encrypted at rest like its summary (issue 17):
the database holds ciphertext, every reader (pages, search, audit, export) the text."""

import html
import json

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.journal.models import Meeting
from tests.core.encrypted_fields import clear_in_database, exported, raw, rotate_to_a_new_key, run_steps
from tests.journal.factories import MeetingFactory
from tests.journal.test_meetings import meeting_data

pytestmark = pytest.mark.django_db

PLACE = "Clinique du Parc, service d'addictologie"
OTHERS = "Sa mère, son curateur"
MIGRATION = "journal.migrations.0003_encrypt_meeting_place_and_others"


def page(client, user, name, *args, **query) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_meeting_recorded_through_its_form_stores_its_place_and_participants_encrypted(client, world):
    client.force_login(world.users["coach"])
    url = reverse("journal:meeting_add", args=[world.enrolment.pk])
    response = client.post(url, meeting_data(world, place=PLACE, others=OTHERS))
    assert response.status_code == 302
    meeting = Meeting.objects.latest("pk")
    for field in ("place", "others"):
        held = raw(Meeting, field, meeting.pk)
        assert held.startswith("enc:"), field
        assert "Clinique" not in held and "curateur" not in held
    assert (meeting.place, meeting.others) == (PLACE, OTHERS)

    shown = page(client, world.users["coach"], "journal:meeting_detail", meeting.pk)
    assert PLACE in shown and OTHERS in shown


def test_an_empty_place_stays_empty_and_still_answers_is_it_empty(world):
    meeting = MeetingFactory(enrolment=world.enrolment, place="", others="")
    assert raw(Meeting, "place", meeting.pk) == "" and raw(Meeting, "others", meeting.pk) == ""
    assert Meeting.objects.filter(pk=meeting.pk, place="").exists()


def test_the_journal_search_still_finds_a_meeting_by_its_place(client, world):
    MeetingFactory(enrolment=world.enrolment, place=PLACE, summary="Point d'étape.")
    MeetingFactory(enrolment=world.enrolment, place="Bureau de Valence", summary="Autre entretien.")
    found = page(client, world.users["coach"], "journal:person_journal", world.person.pk, q="ADDICTOLOGIE")
    assert "Point d'étape." in found and "Autre entretien." not in found


def test_the_migration_encrypts_places_and_participants_stored_in_clear_and_reverses(world):
    meeting = MeetingFactory(enrolment=world.enrolment, place="", others="")
    clear_in_database(Meeting, meeting.pk, place=PLACE, others=OTHERS)

    run_steps(MIGRATION)
    assert raw(Meeting, "place", meeting.pk).startswith("enc:")
    assert raw(Meeting, "others", meeting.pk).startswith("enc:")
    meeting.refresh_from_db()
    assert (meeting.place, meeting.others) == (PLACE, OTHERS)

    run_steps(MIGRATION, backwards=True)
    assert (raw(Meeting, "place", meeting.pk), raw(Meeting, "others", meeting.pk)) == (PLACE, OTHERS)


def test_the_audit_trail_keeps_the_old_and_new_place_but_not_for_a_restricted_meeting(world):
    meeting = MeetingFactory(enrolment=world.enrolment, place="Bureau de Valence")
    meeting.place = PLACE
    meeting.save()
    entry = AuditEntry.objects.filter(kind=Kind.UPDATE, object_type="journal.meeting").latest("pk")
    assert json.loads(entry.changes)["values"]["place"] == ["Bureau de Valence", PLACE]

    kept = MeetingFactory(
        enrolment=world.enrolment, restricted=True, created_by=world.users["psychologist"], others=OTHERS
    )
    entry = AuditEntry.objects.filter(
        kind=Kind.CREATE, object_id=kept.pk, object_type="journal.meeting"
    ).get()
    assert "others" in entry.fields and "curateur" not in entry.changes


def test_the_personal_data_export_holds_the_place_and_participants_in_clear(world):
    MeetingFactory(enrolment=world.enrolment, place=PLACE, others=OTHERS)
    data = exported(world.person, world.users["head_of_service"])
    assert PLACE in data and OTHERS in data


def test_key_rotation_re_encrypts_the_place_and_participants(world, settings):
    meeting = MeetingFactory(enrolment=world.enrolment, place=PLACE, others=OTHERS, summary="")
    before = raw(Meeting, "place", meeting.pk), raw(Meeting, "others", meeting.pk)
    report = rotate_to_a_new_key(settings)
    assert "journal.Meeting: 2 re-encrypted" in report
    assert (raw(Meeting, "place", meeting.pk), raw(Meeting, "others", meeting.pk)) != before
    meeting = Meeting.objects.get(pk=meeting.pk)  # with the new key alone
    assert (meeting.place, meeting.others) == (PLACE, OTHERS)
