import pytest
from django.urls import reverse

from filrouge.privacy import domain
from tests.privacy.factories import rich_record

pytestmark = pytest.mark.django_db


def rights_page(client, user, person) -> str:
    client.force_login(user)
    response = client.get(reverse("privacy:person_rights", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_team_reads_the_rights_and_only_heads_and_directors_see_the_actions(world, client):
    record = rich_record(world)
    export = reverse("privacy:export_zip", args=[record.person.pk])
    anonymise = reverse("privacy:anonymise", args=[record.person.pk])
    coach_page = rights_page(client, world.users["coach"], record.person)
    assert "Accès et portabilité" in coach_page
    assert export not in coach_page and anonymise not in coach_page
    for name in ("head_of_service", "director"):
        page = rights_page(client, world.users[name], record.person)
        assert export in page and anonymise in page, name
        assert "a commencé" in page  # why it cannot be erased


def test_the_record_has_the_tab(world, client):
    client.force_login(world.users["coach"])
    page = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert reverse("privacy:person_rights", args=[world.person.pk]) in page
    assert "Données personnelles" in page


def test_an_anonymised_record_offers_no_export_and_says_when(world, client):
    record = rich_record(world)
    domain.anonymise(record.person, world.users["director"])
    page = rights_page(client, world.users["director"], record.person)
    assert "a été anonymisé le" in page
    assert reverse("privacy:export_zip", args=[record.person.pk]) not in page
    assert reverse("privacy:anonymise", args=[record.person.pk]) not in page


def test_a_pathway_under_way_is_explained_instead_of_the_anonymisation(world, client):
    page = rights_page(client, world.users["head_of_service"], world.person)
    assert "encore en cours" in page
    assert reverse("privacy:anonymise", args=[world.person.pk]) not in page
