"""The companies list finds a company by every word of its name, commune and SIRET in any order,
or by the phone of someone met there."""

import pytest
from django.urls import reverse

from filrouge.employers.models import Company
from tests.employers.factories import CompanyContactFactory, CompanyFactory

pytestmark = pytest.mark.django_db


def listed(client, query) -> list:
    return [c.name for c in client.get(reverse("employers:list"), {"q": query}).context["page"].object_list]


@pytest.fixture
def companies(world):
    epi = CompanyFactory(organisation=world.org_a, name="Boulangerie L'Épi d'Or", city="Saint-Étienne")
    CompanyFactory(organisation=world.org_a, name="Boulangerie du Parc", city="Valence")
    CompanyContactFactory(
        organisation=world.org_a, company=epi, full_name="Awa Diallo", phone="04 77 12 34 56"
    )
    return epi


@pytest.mark.parametrize(
    "query",
    ["epi d'or boulangerie", "BOULANGERIE, épi", "saint etienne boulangerie", "lepi dor", "Saint-Étienne"],
)
def test_a_company_is_found_by_every_word_in_any_order(client, coach, companies, query):
    assert listed(client, query) == ["Boulangerie L'Épi d'Or"]


@pytest.mark.parametrize("query", ["04 77 12 34 56", "+33 4 77 12 34 56", "0033477123456", "04.77.12.34.56"])
def test_a_company_is_found_by_the_phone_of_someone_met_there(client, coach, companies, query):
    assert listed(client, query) == ["Boulangerie L'Épi d'Or"]


def test_a_company_with_two_people_on_the_same_number_is_listed_once(world, companies):
    CompanyContactFactory(
        organisation=world.org_a, company=companies, full_name="Luc Roux", phone="0477123456"
    )
    assert list(Company.objects.search("04 77 12 34 56")) == [companies]


def test_another_organisation_finds_none_of_them(client, world, companies):
    client.force_login(world.users["other_org_coach"])
    assert listed(client, "boulangerie") == []
    assert listed(client, "04 77 12 34 56") == []
