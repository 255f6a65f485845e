"""The data protection officer's pages: their organisation's trail only, searchable, read-only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.audit.api import record
from filrouge.audit.models import AuditEntry, Kind
from filrouge.organisations.models import Role
from tests.accounts.factories import staff
from tests.audit.factories import reads
from tests.pathways.factories import enrol


@pytest.fixture
def dpo_client(client, world):
    client.force_login(world.users["dpo"])
    return client


@pytest.fixture
def other_dpo(world):
    return staff(Role.DPO, organisation=world.org_b, email="dpo@b.example")


def shown(response) -> list[AuditEntry]:
    return list(response.context["page"].object_list)


def test_the_officer_sees_their_organisations_entries_newest_first_and_no_other(dpo_client, world):
    mine = reads(world, 2)
    theirs = record(Kind.READ, organisation_id=world.org_b.pk, user=world.users["other_org_coach"])

    response = dpo_client.get(reverse("audit:home"))

    assert response.status_code == 200
    entries = shown(response)
    assert {e.pk for e in mine} <= {e.pk for e in entries}
    assert theirs.pk not in {e.pk for e in entries}
    assert all(e.organisation_id == world.org_a.pk for e in entries)
    assert entries == sorted(entries, key=lambda e: (e.at, e.pk), reverse=True)
    assert world.person.full_name in response.content.decode()  # the person is named, for the officer


def test_an_officer_of_another_organisation_sees_none_of_them(client, world, other_dpo):
    reads(world, 2)
    client.force_login(other_dpo)
    assert all(e.organisation_id == world.org_b.pk for e in shown(client.get(reverse("audit:home"))))
    entry = AuditEntry.objects.filter(organisation=world.org_a).first()
    assert client.get(reverse("audit:entry", args=[entry.pk])).status_code == 404
    assert client.get(reverse("audit:account", args=[world.users["coach"].pk])).status_code == 404
    assert client.get(reverse("audit:person", args=[world.person.pk])).status_code == 404


@pytest.mark.parametrize("subject", ["coach", "director", "org_admin", "head_of_service", "other_org_admin"])
def test_other_roles_are_refused(client, world, subject):
    client.force_login(world.users[subject])
    assert client.get(reverse("audit:home")).status_code == 403
    assert client.get(reverse("audit:person", args=[world.person.pk])).status_code == 403


def test_who_accessed_this_persons_record(dpo_client, world):
    other = enrol(world.a1).person
    coach_reads = reads(world, 2)
    record(Kind.READ, organisation_id=world.org_a.pk, person_id=other.pk, user=world.users["coach"])

    response = dpo_client.get(reverse("audit:person", args=[world.person.pk]))

    entries = shown(response)
    assert {e.pk for e in coach_reads} <= {e.pk for e in entries}
    assert {e.person_id for e in entries} == {world.person.pk}
    assert world.person.full_name in response.content.decode()


def test_what_did_this_user_access(dpo_client, world):
    coach_reads = reads(world, 2)
    reads(world, 1, user=world.users["psychologist"])
    entries = shown(dpo_client.get(reverse("audit:account", args=[world.users["coach"].pk])))
    assert {e.pk for e in coach_reads} <= {e.pk for e in entries}
    assert {e.actor_id for e in entries} == {world.users["coach"].pk}


def test_searching_by_name_kind_and_dates(dpo_client, world):
    (read,) = reads(world, 1)
    response = dpo_client.get(reverse("audit:home"), {"q": world.person.first_name, "kind": "read"})
    assert [e.pk for e in shown(response)] == [read.pk]
    assert [p.pk for p in response.context["people"]] == [world.person.pk]

    today = timezone.localdate()
    between = {"start": (today - timedelta(days=1)).isoformat(), "end": today.isoformat()}
    assert read.pk in {e.pk for e in shown(dpo_client.get(reverse("audit:home"), between))}
    past = {"start": (today - timedelta(days=9)).isoformat(), "end": (today - timedelta(days=8)).isoformat()}
    assert shown(dpo_client.get(reverse("audit:home"), past)) == []


def test_an_end_before_the_start_is_a_form_error_and_shows_nothing(dpo_client, world):
    reads(world, 1)
    today = timezone.localdate()
    response = dpo_client.get(
        reverse("audit:home"), {"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert shown(response) == []
    assert "La date de fin doit être le jour de début ou après." in response.content.decode()


def test_a_bad_date_or_account_is_a_form_error_not_a_crash(dpo_client, world):
    response = dpo_client.get(reverse("audit:home"), {"start": "hier", "account": "999999999"})
    assert response.status_code == 200
    assert {"start", "account"} <= set(response.context["form"].errors)


def test_an_entry_shows_the_old_and_new_values_of_a_change(dpo_client, world):
    world.person.city = "Montélimar"
    world.person.save()
    entry = AuditEntry.objects.filter(kind=Kind.UPDATE, object_type="people.person").latest("pk")

    page = dpo_client.get(reverse("audit:entry", args=[entry.pk])).content.decode()

    assert "Montélimar" in page and "Commune" in page


def test_an_empty_trail_says_so(dpo_client, world):
    response = dpo_client.get(reverse("audit:home"), {"kind": "purge"})
    assert "Aucune entrée ne correspond à ces critères." in response.content.decode()


def test_the_officers_own_reading_of_a_persons_trail_is_recorded(dpo_client, world):
    dpo_client.get(reverse("audit:person", args=[world.person.pk]))
    entry = AuditEntry.objects.filter(kind=Kind.READ).latest("pk")
    assert (entry.actor, entry.person_id, entry.detail) == (
        world.users["dpo"],
        world.person.pk,
        "audit:person",
    )


def test_the_pages_offer_no_way_to_change_or_delete_an_entry(dpo_client, world):
    (read,) = reads(world, 1)
    for url in (reverse("audit:home"), reverse("audit:entry", args=[read.pk])):
        main = dpo_client.get(url).content.decode().split("<main", 1)[1]
        assert 'method="post"' not in main
        assert dpo_client.post(url).status_code == 405
    assert AuditEntry.objects.filter(pk=read.pk).exists()


def test_commands_and_tasks_are_named_in_french_on_the_officers_page(dpo_client, world):
    from filrouge.audit.api import system_actor

    with system_actor("retention"):
        record(Kind.ANONYMISE, organisation_id=world.org_a.pk, object_type="people.person", object_id=1)
    page = dpo_client.get(reverse("audit:home"), {"kind": Kind.ANONYMISE}).content.decode()
    assert "Durée de conservation (tâche planifiée)" in page


def test_the_fields_changed_are_named_in_french_even_the_technical_ones(dpo_client, world):
    record(
        Kind.UPDATE,
        organisation_id=world.org_a.pk,
        object_type="workshops.registration",
        object_id=1,
        changes={"registered_by": [1, 2], "enrolment": [1, 2]},
    )
    page = dpo_client.get(reverse("audit:home"), {"kind": Kind.UPDATE}).content.decode()
    assert "Inscrit·e par" in page and "Parcours" in page
    assert "registered_by" not in page
