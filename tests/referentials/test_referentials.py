from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from filrouge.referentials.models import ActionKind, JobTitle, Objective, Situation, Theme, ThemeKind
from tests.accounts.factories import staff
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_national_referentials_are_loaded_by_the_migrations():
    assert JobTitle.objects.count() > 11000
    assert Theme.objects.filter(kind=ThemeKind.PERSONAL).count() == 10
    assert Situation.objects.national().count() == 88
    assert Objective.objects.national().count() == 58
    assert ActionKind.objects.national().count() == 134
    # Every barrier sits under a personal theme.
    assert not Situation.objects.exclude(theme__kind=ThemeKind.PERSONAL).exists()


def test_a_search_ignores_accents_and_case_and_puts_titles_starting_with_the_text_first():
    labels = [t.label for t in JobTitle.objects.search("BOULANG")[:3]]
    assert labels[0] == "Boulanger / Boulangère"
    assert all("boulang" in t.search_label for t in JobTitle.objects.search("boulang"))
    assert JobTitle.objects.search("pâtissière").filter(label__icontains="patissi").exists() is False
    assert JobTitle.objects.search("patissiere").exists()
    assert JobTitle.objects.search("  ").count() == 0


def test_reloading_changes_nothing_and_keeps_a_services_own_items():
    service = ServiceFactory()
    theme = Theme.objects.get(code="sante")
    local = Situation.objects.create(
        theme=theme, label="Suivi au CMP à organiser", organisation=service.organisation, service=service
    )
    before = Situation.objects.count()
    call_command("referentials", stdout=StringIO())
    assert Situation.objects.count() == before
    assert Situation.objects.for_service(service).filter(pk=local.pk).exists()
    assert not Situation.objects.for_service(ServiceFactory()).filter(pk=local.pk).exists()


def test_a_local_item_needs_its_service_and_a_national_one_its_code():
    theme = Theme.objects.get(code="sante")
    with pytest.raises(IntegrityError):
        Situation.objects.create(theme=theme, label="Sans propriétaire ni code")


def test_the_search_view_returns_options_for_the_select(client):
    service = ServiceFactory()
    client.force_login(staff("coach", service))
    response = client.get(reverse("referentials:job_titles"), {"q": "boulang"})
    assert response.status_code == 200
    assert 'value="' in response.content.decode()
    assert "Boulanger / Boulangère (D1102)" in response.content.decode()
    short = client.get(reverse("referentials:job_titles"), {"q": "b"})
    assert "Tapez au moins 2 lettres" in short.content.decode()
    none = client.get(reverse("referentials:job_titles"), {"q": "zzzzzz"})
    assert "Aucun intitulé ne correspond" in none.content.decode()


def test_a_head_of_service_adds_archives_and_restores_the_services_own_items(client, world):
    client.force_login(world.users["head_of_service"])
    url = reverse("referentials:service_items", args=[world.a1.pk])
    theme = Theme.objects.get(code="sante")
    assert (
        client.post(url, {"kind": "freins", "theme": theme.pk, "label": "Suivi CMP à organiser"}).status_code
        == 302
    )
    item = Situation.objects.get(service=world.a1)
    assert item.organisation == world.org_a and item.code is None
    client.post(reverse("referentials:service_item_archive", args=[world.a1.pk, "freins", item.pk]))
    assert not Situation.objects.for_service(world.a1).filter(pk=item.pk).exists()
    client.post(reverse("referentials:service_item_restore", args=[world.a1.pk, "freins", item.pk]))
    assert Situation.objects.for_service(world.a1).filter(pk=item.pk).exists()


def test_a_barrier_must_sit_under_a_personal_theme(client, world):
    client.force_login(world.users["head_of_service"])
    professional = Theme.objects.get(code="trouver_un_emploi")
    response = client.post(
        reverse("referentials:service_items", args=[world.a1.pk]),
        {"kind": "freins", "theme": professional.pk, "label": "X"},
    )
    assert "dix thématiques" in response.content.decode()
    assert not Situation.objects.filter(service=world.a1).exists()


def test_national_items_can_never_be_archived(client, world):
    client.force_login(world.users["head_of_service"])
    national = Situation.objects.national().first()
    url = reverse("referentials:service_item_archive", args=[world.a1.pk, "freins", national.pk])
    assert client.post(url).status_code == 404
    national.refresh_from_db()
    assert national.archived_at is None
