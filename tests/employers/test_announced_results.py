"""The companies list searches as one types and says the number of companies found in a live
region that stays in the page (htmx updates its text out of band)."""

import pytest
from django.urls import reverse

from tests.core.announced import assert_oob_region, assert_page_region
from tests.employers.factories import CompanyFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def bakeries(world):
    for name in ("Boulangerie du Parc", "Boulangerie L'Épi d'Or"):
        CompanyFactory(organisation=world.org_a, name=name, city="Valence")
    CompanyFactory(organisation=world.org_b, name="Boulangerie d'ailleurs", city="Valence")


def test_the_companies_list_has_one_live_region_outside_its_results(client, world, bakeries):
    client.force_login(world.users["coach"])
    page = client.get(reverse("employers:list"), {"q": "boulangerie"}).content.decode()
    assert assert_page_region(page, "companies-status", "companies") == "2 entreprises"
    assert 'hx-target="#companies"' in page and "change from:#id_archived" in page


def test_a_company_search_answered_to_htmx_updates_the_count_only(client, world, bakeries):
    client.force_login(world.users["coach"])
    url = reverse("employers:list")
    fragment = client.get(url, {"q": "epi d'or"}, headers=HTMX).content.decode()
    assert assert_oob_region(fragment, "companies-status") == "1 entreprise"
    assert "Épi d&#x27;Or" in fragment or "Épi d'Or" in fragment
    none = client.get(url, {"q": "zzzz"}, headers=HTMX).content.decode()
    assert assert_oob_region(none, "companies-status") == "Aucune entreprise"
    assert "Aucune entreprise ne correspond à cette recherche." in none


def test_a_bad_filter_still_answers_with_the_count(client, world, bakeries):
    client.force_login(world.users["coach"])
    fragment = client.get(reverse("employers:list"), {"status": "nope"}, headers=HTMX)
    assert fragment.status_code == 200
    assert_oob_region(fragment.content.decode(), "companies-status")


def test_the_companies_fragment_is_refused_to_whoever_works_no_case(client, world):
    client.force_login(world.users["dpo"])
    assert client.get(reverse("employers:list"), headers=HTMX).status_code == 403
