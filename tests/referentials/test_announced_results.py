"""The job-title and commune pickers say how many results a search found in their own live region
(`results_status`), which stays in the page while htmx fills the list; a service's own situation
is a barrier or a resource."""

import pytest
from django import forms
from django.urls import reverse

from filrouge.referentials.forms import CommuneWidget, JobTitleField
from filrouge.referentials.models import Situation, SituationKind, Theme
from tests.core.announced import assert_oob_region, assert_page_region

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


class Place(forms.Form):
    job = JobTitleField(label="Métier")
    city = forms.CharField(label="Commune", widget=CommuneWidget)


def test_each_picker_writes_its_own_empty_region_and_names_it_in_its_search():
    page = str(Place())
    assert assert_page_region(page, "id_job_status") == ""
    assert assert_page_region(page, "id_city_status") == ""
    assert reverse("referentials:job_titles") + "?status=id_job_status" in page
    assert reverse("referentials:communes") + "?status=id_city_status" in page
    assert 'aria-describedby="id_city_status"' in page


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


def test_a_job_title_search_updates_the_pickers_region_with_the_count(coach_client):
    url = reverse("referentials:job_titles")
    found = coach_client.get(url, {"q": "aide soignante", "status": "id_job_status"}, headers=HTMX)
    text = assert_oob_region(found.content.decode(), "id_job_status")
    count = len(found.context["titles"])
    assert count >= 1 and text == (
        f"{count} intitulés trouvés : choisissez" if count > 1 else "1 intitulé trouvé : choisissez"
    )
    none = coach_client.get(url, {"q": "zzzzzz", "status": "id_job_status"}, headers=HTMX)
    assert assert_oob_region(none.content.decode(), "id_job_status") == "Aucun intitulé ne correspond"
    short = coach_client.get(url, {"q": "a", "status": "id_job_status"}, headers=HTMX)
    assert assert_oob_region(short.content.decode(), "id_job_status") == ""


def test_a_commune_search_updates_the_pickers_region_with_the_count(coach_client):
    url = reverse("referentials:communes")
    one = coach_client.get(url, {"q": "romans sur", "status": "id_city_status"}, headers=HTMX)
    count = len(one.context["communes"])
    text = assert_oob_region(one.content.decode(), "id_city_status")
    assert text == (
        f"{count} communes trouvées : choisissez" if count > 1 else "1 commune trouvée : choisissez"
    )
    none = coach_client.get(url, {"q": "zzzzzz", "status": "id_city_status"}, headers=HTMX)
    assert assert_oob_region(none.content.decode(), "id_city_status") == "Aucune commune ne correspond"


@pytest.mark.parametrize("status", ["", 'x"><script>', "1abc", "a b"])
def test_a_region_name_that_is_no_element_id_is_ignored(coach_client, status):
    response = coach_client.get(
        reverse("referentials:communes"), {"q": "romans", "status": status}, headers=HTMX
    )
    assert response.status_code == 200
    assert "hx-swap-oob" not in response.content.decode() and "<script" not in response.content.decode()


def test_a_picker_search_outside_htmx_writes_no_region(coach_client):
    response = coach_client.get(reverse("referentials:job_titles"), {"q": "aide", "status": "id_job_status"})
    assert 'id="id_job_status"' not in response.content.decode()


def test_the_pickers_searches_are_refused_to_whoever_works_no_case(client, world):
    client.force_login(world.users["dpo"])
    for name in ("referentials:job_titles", "referentials:communes"):
        assert client.get(reverse(name), {"q": "ro", "status": "s"}, headers=HTMX).status_code == 403


def own_situation(client, world, **extra):
    client.force_login(world.users["head_of_service"])
    data = {
        "kind": "freins",
        "theme": Theme.objects.get(code="sante").pk,
        "label": "Carte vitale à jour",
        **extra,
    }
    return client.post(reverse("referentials:service_items", args=[world.a1.pk]), data)


def test_a_service_adds_its_own_resource(client, world):
    assert own_situation(client, world, situation_kind=SituationKind.RESOURCE).status_code == 302
    item = Situation.objects.get(service=world.a1)
    assert item.is_resource
    page = client.get(reverse("referentials:service_items", args=[world.a1.pk])).content.decode()
    assert "Carte vitale à jour" in page and ">ressource</span>" in page


def test_a_service_situation_is_a_barrier_unless_said_otherwise(client, world):
    assert own_situation(client, world).status_code == 302
    assert Situation.objects.get(service=world.a1).kind == SituationKind.BARRIER


def test_an_unknown_situation_kind_is_refused_and_the_values_kept(client, world):
    response = own_situation(client, world, situation_kind="both")
    assert response.status_code == 200 and not Situation.objects.filter(service=world.a1).exists()
    page = response.content.decode()
    assert "Carte vitale à jour" in page and "situation_kind" in response.context["form"].errors


def test_the_situation_kind_is_not_given_to_objectives(client, world):
    client.force_login(world.users["head_of_service"])
    data = {
        "kind": "objectifs",
        "theme": Theme.objects.get(code="sante").pk,
        "label": "Suivi",
        "situation_kind": "resource",
    }
    assert client.post(reverse("referentials:service_items", args=[world.a1.pk]), data).status_code == 302
    assert not Situation.objects.filter(service=world.a1).exists()
