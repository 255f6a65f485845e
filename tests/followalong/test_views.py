from datetime import timedelta

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.organisations.models import Role
from filrouge.pathways.domain import today
from tests.accounts.factories import staff
from tests.followalong.factories import SupportContactFactory, phone_call
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db
TODAY = today()


@pytest.fixture
def coach(world):
    return world.users["coach"]


@pytest.fixture
def job(world):
    """A job of the world's person that began 60 days ago."""
    return PlacementFactory(enrolment=world.enrolment)


def data(**fields):
    values = {
        "party": Party.PERSON,
        "kind": SupportKind.FACE_TO_FACE,
        "place": SupportPlace.WORKPLACE,
        "contacted_on": (TODAY - timedelta(days=1)).isoformat(),
        "notes": "Tout se passe bien avec l'équipe.",
    }
    return values | fields


def test_the_placement_page_shows_retention_the_monthly_contact_and_the_contacts(client, coach, job):
    SupportContactFactory(
        placement=job, by=coach, contacted_on=TODAY - timedelta(days=20), notes="Rencontre A"
    )
    phone_call(placement=job, by=coach, contacted_on=TODAY - timedelta(days=2), notes="Appel B")
    client.force_login(coach)
    response = client.get(reverse("placements:detail", args=[job.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Maintien dans l'emploi" in page
    assert [str(m.label) for m in response.context["followalong"]["milestones"]] == [
        "13 semaines",
        "6 mois",
        "12 mois",
    ]
    assert "À venir" in page  # 13 weeks not reached after 60 days
    last = TODAY - timedelta(days=20)
    assert response.context["followalong"]["monthly"].next_due_on == last + timedelta(days=30)
    assert "Dernier contact en face à face le" in page
    assert page.index("Appel B") < page.index("Rencontre A")  # newest first
    assert reverse("followalong:add", args=[job.pk]) in page


def test_a_late_monthly_contact_is_a_warning(client, coach, job):
    client.force_login(coach)
    page = client.get(reverse("placements:detail", args=[job.pk])).content.decode()
    assert "Contact mensuel en retard" in page
    assert "Aucun contact de suivi pour l'instant." in page


def test_recording_a_contact_returns_to_the_placement(client, coach, job):
    client.force_login(coach)
    response = client.post(reverse("followalong:add", args=[job.pk]), data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("placements:detail", args=[job.pk]) + "#suivi"
    contact = SupportContact.objects.get()
    assert (contact.placement, contact.by, contact.party) == (job, coach, Party.PERSON)
    assert "est enregistré" in response.content.decode()
    assert AuditEntry.objects.filter(
        kind="create", object_type="followalong.supportcontact", person_id=job.enrolment.person_id
    ).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"place": SupportPlace.REMOTE}, "choisissez le lieu"),
        ({"place": ""}, "choisissez le lieu"),
        ({"contacted_on": (TODAY + timedelta(days=1)).isoformat()}, "futur"),
        ({"contacted_on": (TODAY - timedelta(days=90)).isoformat()}, "précéder le début"),
        ({"contacted_on": "31/02/2026"}, "Saisissez une date valide"),
        ({"kind": "pirate"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_refused_contact_shows_the_form_again_with_the_reason(client, coach, job, fields, message):
    client.force_login(coach)
    response = client.post(reverse("followalong:add", args=[job.pk]), data(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportContact.objects.exists()


def test_a_call_is_recorded_at_a_distance_whatever_the_place(client, coach, job):
    client.force_login(coach)
    client.post(
        reverse("followalong:add", args=[job.pk]), data(kind=SupportKind.PHONE, place=SupportPlace.OFFICE)
    )
    assert SupportContact.objects.get().place == SupportPlace.REMOTE


def test_only_its_author_corrects_a_contact(client, world, coach, job):
    contact = SupportContactFactory(placement=job, by=coach)
    url = reverse("followalong:edit", args=[contact.pk])
    colleague = world.users["educator"]
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    page = client.get(reverse("placements:detail", args=[job.pk])).content.decode()
    assert url not in page
    client.force_login(coach)
    assert url in client.get(reverse("placements:detail", args=[job.pk])).content.decode()
    response = client.post(url, data(kind=SupportKind.VIDEO, notes="Corrigé : en visio."))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.kind, contact.place, contact.notes) == (
        SupportKind.VIDEO,
        SupportPlace.REMOTE,
        "Corrigé : en visio.",
    )


def test_a_correction_breaking_a_rule_is_refused(client, coach, job):
    contact = SupportContactFactory(placement=job, by=coach)
    client.force_login(coach)
    response = client.post(reverse("followalong:edit", args=[contact.pk]), data(place=SupportPlace.REMOTE))
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.place == SupportPlace.WORKPLACE


def test_the_list_of_contacts_is_paginated(client, coach, job):
    for days in range(30):
        phone_call(placement=job, by=coach, contacted_on=TODAY - timedelta(days=days))
    client.force_login(coach)
    response = client.get(reverse("followalong:list", args=[job.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    assert "30 contacts" in response.content.decode()
    panel = client.get(reverse("placements:detail", args=[job.pk])).context["followalong"]
    assert len(panel["contacts"]) == 10 and panel["more"]


def test_a_coach_of_another_service_reaches_no_follow_along(client, world, job):
    contact = SupportContactFactory(placement=job, by=world.users["coach"])
    client.force_login(world.users["other_service_coach"])
    for url in (
        reverse("followalong:list", args=[job.pk]),
        reverse("followalong:add", args=[job.pk]),
        reverse("followalong:edit", args=[contact.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("followalong:add", args=[job.pk]), data()).status_code == 404
    assert not SupportContact.objects.exclude(pk=contact.pk).exists()


def test_the_timeline_shows_contacts_of_the_pathways_the_user_sees(client, world, job):
    SupportContactFactory(placement=job, by=world.users["coach"], notes="Visite au magasin")
    # The same person followed in A2 too: A2's coach sees the person, not A1's follow-along.
    other = world.users["other_service_coach"]
    enrol(world.a2, coach=other, person=world.person)
    url = reverse("people:timeline", args=[world.person.pk])
    client.force_login(world.users["coach"])
    page = client.get(url, {"type": "follow_along"}).content.decode()
    assert "Suivi dans l&#x27;emploi : rencontre en face à face avec la personne" in page
    assert "Visite au magasin" in page
    client.force_login(other)
    response = client.get(url)
    assert response.status_code == 200
    assert "Visite au magasin" not in response.content.decode()


def test_reading_the_add_page_is_recorded(client, coach, job):
    client.force_login(coach)
    client.get(reverse("followalong:add", args=[job.pk]))
    assert AuditEntry.objects.filter(kind="read", person_id=job.enrolment.person_id, actor=coach).exists()


def test_a_coach_in_the_service_sees_the_panel_of_another_coachs_person(client, world, job):
    colleague = staff(Role.COACH, world.a1)
    client.force_login(colleague)
    response = client.get(reverse("placements:detail", args=[job.pk]))
    assert response.status_code == 200
    assert response.context["followalong"]["can_add"] is True
