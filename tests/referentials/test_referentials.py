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
    assert all("patissi" not in t.label.casefold() for t in JobTitle.objects.search("pâtissière"))
    assert JobTitle.objects.search("patissiere")
    assert JobTitle.objects.search("  ") == []


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


def own_barrier(service, label="Suivi CMP"):
    return Situation.objects.create(
        theme=Theme.objects.get(code="sante"), label=label, organisation=service.organisation, service=service
    )


@pytest.mark.parametrize("kind", ["", "a b", "foo", "FREINS"])
def test_an_unknown_tab_shows_the_barriers_with_working_buttons(client, world, kind):
    item = own_barrier(world.a1)
    client.force_login(world.users["head_of_service"])
    # The service's own items come after the national ones: on the last page.
    response = client.get(
        reverse("referentials:service_items", args=[world.a1.pk]), {"type": kind, "page": 99}
    )
    assert response.status_code == 200
    assert response.context["kind"] == "freins"
    archive = reverse("referentials:service_item_archive", args=[world.a1.pk, "freins", item.pk])
    assert archive in response.content.decode()
    assert client.post(archive).status_code == 302
    item.refresh_from_db()
    assert item.archived_at is not None


def test_each_known_tab_lists_its_own_kind(client, world):
    objective = Objective.objects.create(
        theme=Theme.objects.get(code="sante"),
        label="Objectif d'A1",
        organisation=world.org_a,
        service=world.a1,
    )
    client.force_login(world.users["head_of_service"])
    page = client.get(
        reverse("referentials:service_items", args=[world.a1.pk]), {"type": "objectifs", "page": 99}
    )
    assert page.context["kind"] == "objectifs"
    assert (
        reverse("referentials:service_item_archive", args=[world.a1.pk, "objectifs", objective.pk])
        in page.content.decode()
    )


@pytest.mark.parametrize(
    ("tab", "kept"), [("objectifs", "objectifs"), ("actions", "actions"), ("x y", "freins")]
)
def test_adding_an_item_comes_back_to_the_same_tab(client, world, tab, kept):
    client.force_login(world.users["head_of_service"])
    url = reverse("referentials:service_items", args=[world.a1.pk])
    theme = Theme.objects.get(code="sante")
    response = client.post(
        f"{url}?type={tab}", {"kind": "objectifs", "theme": theme.pk, "label": "Se soigner"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?type={kept}"
    assert Objective.objects.filter(service=world.a1, label="Se soigner").exists()


def test_the_add_form_starts_on_the_kind_of_the_tab(client, world):
    client.force_login(world.users["head_of_service"])
    response = client.get(reverse("referentials:service_items", args=[world.a1.pk]), {"type": "actions"})
    assert response.context["form"]["kind"].value() == "actions"


def test_another_services_own_item_can_never_be_archived_or_restored(client, world):
    elsewhere = own_barrier(world.a2, label="Propre à A2")
    client.force_login(world.users["head_of_service"])
    for name in ("referentials:service_item_archive", "referentials:service_item_restore"):
        # Through the user's own service, and through the other one, which they do not manage.
        for service in (world.a1, world.a2):
            assert client.post(reverse(name, args=[service.pk, "freins", elsewhere.pk])).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.archived_at is None


def test_an_unknown_kind_in_an_archive_url_is_not_found(client, world):
    item = own_barrier(world.a1)
    client.force_login(world.users["head_of_service"])
    url = reverse("referentials:service_item_archive", args=[world.a1.pk, "inconnu", item.pk])
    assert client.post(url).status_code == 404
    assert (
        client.get(
            reverse("referentials:service_item_archive", args=[world.a1.pk, "freins", item.pk])
        ).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.archived_at is None
