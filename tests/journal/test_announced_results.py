"""The agenda's person picker says how many pathways it found in the shared live region
(`results_status`), which stays in the page while htmx replaces the list."""

import pytest
from django.urls import reverse

from tests.core.announced import assert_oob_region, assert_page_region

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def camille(world):
    world.person.first_name, world.person.birth_name = "Camille", "Durandal"
    world.person.save()
    return world.person


def test_the_picker_page_has_one_live_region_outside_the_results(client, world, camille):
    client.force_login(world.users["coach"])
    page = client.get(reverse("journal:appointment_new")).content.decode()
    text = assert_page_region(page, "picker-status", "picker-results")
    assert text.startswith("Les personnes dont vous êtes référent·e")
    assert 'id="picker-results" aria-live' not in page  # one region, not a second live list


def test_a_picker_search_answered_to_htmx_updates_the_count_only(client, world, camille):
    client.force_login(world.users["coach"])
    url = reverse("journal:appointment_new")
    fragment = client.get(url, {"q": "durandal"}, headers=HTMX).content.decode()
    assert assert_oob_region(fragment, "picker-status") == "1 parcours trouvé"
    none = client.get(url, {"q": "zzzz"}, headers=HTMX).content.decode()
    assert assert_oob_region(none, "picker-status") == "Aucun parcours trouvé"
