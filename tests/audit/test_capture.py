"""Changes to personal data: who, which fields, the old and new values; never a password hash, nor
the text of a writing kept for a profession."""

import json

import pytest
from django.urls import reverse

from filrouge.audit import capture
from filrouge.audit.api import system_actor
from filrouge.audit.models import AuditEntry, Kind
from filrouge.people.models import PersonContact
from tests.journal.factories import NoteFactory


def last(kind, object_type, **lookup):
    return AuditEntry.objects.filter(kind=kind, object_type=object_type, **lookup).latest("pk")


def values(entry) -> dict:
    return json.loads(entry.changes)["values"] if entry.changes else {}


def test_an_edit_through_the_record_page_records_the_old_and_new_values_by_whom_and_from_where(client, world):
    url = reverse("people:edit", args=[world.person.pk])
    client.force_login(world.users["coach"])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["date_of_birth"] = world.person.date_of_birth.isoformat()
    old_city = world.person.city

    assert client.post(url, data | {"city": "Romans-sur-Isère"}).status_code == 302

    entry = last(Kind.UPDATE, "people.person", object_id=world.person.pk)
    assert entry.actor == world.users["coach"]
    assert entry.address == "127.0.0.1"
    assert entry.person_id == world.person.pk
    assert entry.organisation_id == world.org_a.pk
    # The version counter and the search columns are not news; the home placed at its new commune is.
    assert entry.fields == ["city", "latitude", "longitude"]
    assert values(entry)["city"] == [old_city, "Romans-sur-Isère"]


def test_a_creation_records_the_new_values_and_the_person_reached_through_the_pathway(world):
    note = NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Rendez-vous pris.")
    entry = last(Kind.CREATE, "journal.note", object_id=note.pk)
    assert entry.person_id == world.person.pk
    assert values(entry)["text"] == [None, "Rendez-vous pris."]
    assert "search_text" not in entry.fields


def test_the_text_of_a_writing_kept_for_a_profession_is_named_but_not_kept(world):
    note = NoteFactory(enrolment=world.enrolment, author=world.users["psychologist"], restricted=True)
    entry = last(Kind.CREATE, "journal.note", object_id=note.pk)
    assert "text" in entry.fields
    assert "text" not in values(entry)
    assert "angoisses" not in entry.changes


def test_a_deletion_records_the_old_values_and_the_person(world):
    link_pk = world.contact_link.pk
    PersonContact.objects.filter(pk=link_pk).delete()
    entry = last(Kind.DELETE, "people.personcontact", object_id=link_pk)
    assert entry.person_id == world.person.pk
    assert values(entry)["relation"] == [world.contact_link.relation, None]


def test_a_password_change_is_recorded_without_the_hash(world):
    user = world.users["coach"]
    user.set_password("Un-autre-mot-de-passe-77")
    user.save()
    entry = last(Kind.UPDATE, "accounts.user", object_id=user.pk)
    assert entry.fields == ["password"]
    assert entry.changes == ""
    assert entry.person_id is None and entry.organisation_id == world.org_a.pk


def test_a_save_that_changes_nothing_worth_saying_records_nothing(world):
    before = AuditEntry.objects.count()
    world.person.save()  # same values: only the version and timestamps could move
    user = world.users["coach"]
    user.save(update_fields=["last_login"])
    assert AuditEntry.objects.count() == before


def test_outside_a_request_changes_are_the_systems_or_the_named_commands(world):
    world.person.city = "Die"
    world.person.save()
    assert last(Kind.UPDATE, "people.person").actor_label == "system"
    with system_actor("retention"):
        world.person.city = "Crest"
        world.person.save()
    entry = last(Kind.UPDATE, "people.person")
    assert entry.actor is None and entry.actor_label == "retention"


def test_every_model_holding_personal_data_is_followed():
    followed = {spec.label for spec in capture.tracked_models().values()}
    assert {
        "people.person",
        "people.personcontact",
        "people.contact",
        "pathways.enrolment",
        "pathways.entrysituation",
        "pathways.phasechange",
        "pathways.suspension",
        "pathways.renewal",
        "profiles.profile",
        "profiles.experience",
        "profiles.training",
        "profiles.targetjob",
        "profiles.barrier",
        "plans.actionplan",
        "plans.planobjective",
        "plans.planaction",
        "journal.meeting",
        "journal.note",
        "workshops.registration",
        "documents.attachment",
        "accounts.user",
        "organisations.membership",
    } <= followed


@pytest.mark.django_db
def test_a_model_that_does_not_exist_is_skipped():
    capture.track("nowhere.Missing", person="person")
    assert "nowhere.missing" not in {spec.label for spec in capture.tracked_models().values()}
