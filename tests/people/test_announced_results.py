"""The people list and the partners' directory search as one types, and say the number of results
in a live region that stays in the page (htmx updates its text out of band)."""

import pytest
from django.urls import reverse

from tests.core.announced import assert_oob_region, assert_page_region
from tests.pathways.factories import enrol
from tests.people.factories import ContactFactory, PersonFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


@pytest.fixture
def goffs(world):
    for first in ("Anaïs", "Gaëlle"):
        enrol(
            world.a1,
            coach=world.users["coach"],
            person=PersonFactory(organisation=world.org_a, first_name=first, birth_name="Le Goff"),
        )


def test_the_people_list_has_one_live_region_outside_its_results(coach_client, goffs):
    page = coach_client.get(reverse("people:list"), {"q": "le goff"}).content.decode()
    assert assert_page_region(page, "people-status", "people") == "2 parcours"
    assert 'hx-get="{}"'.format(reverse("people:list")) in page and 'hx-target="#people"' in page


def test_a_people_search_answered_to_htmx_updates_the_count_only(coach_client, goffs):
    url = reverse("people:list")
    fragment = coach_client.get(url, {"q": "anais le goff"}, headers=HTMX).content.decode()
    assert assert_oob_region(fragment, "people-status") == "1 parcours"
    assert "Anaïs Le Goff" in fragment
    none = coach_client.get(url, {"q": "zzzz"}, headers=HTMX).content.decode()
    assert assert_oob_region(none, "people-status") == "Aucun parcours"
    assert "Aucun parcours ne correspond." in none


def test_the_people_list_fragment_keeps_to_the_users_services(client, world, goffs):
    client.force_login(world.users["other_service_coach"])
    fragment = client.get(reverse("people:list"), {"q": "le goff"}, headers=HTMX).content.decode()
    assert assert_oob_region(fragment, "people-status") == "Aucun parcours" and "Le Goff" not in fragment


def test_the_people_list_fragment_is_refused_to_whoever_works_no_case(client, world):
    client.force_login(world.users["dpo"])
    assert client.get(reverse("people:list"), headers=HTMX).status_code == 403


def test_the_partners_directory_announces_its_count_and_updates_it_out_of_band(coach_client, world):
    for name in ("Martin", "Martinez", "Durand"):
        ContactFactory(organisation=world.org_a, full_name=f"Claire {name}")
    url = reverse("people:contacts")
    page = coach_client.get(url, {"q": "claire durand"}).content.decode()
    assert assert_page_region(page, "contacts-status", "contacts") == "1 partenaire"
    fragment = coach_client.get(url, {"q": "claire"}, headers=HTMX).content.decode()
    assert assert_oob_region(fragment, "contacts-status") == "3 partenaires"
    none = coach_client.get(url, {"q": "zzzz"}, headers=HTMX).content.decode()
    assert assert_oob_region(none, "contacts-status") == "Aucun partenaire"
