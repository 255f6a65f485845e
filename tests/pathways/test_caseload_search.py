"""The caseload finds a person by every word in any order, or by a phone, and sorts on the folded
surname."""

import pytest
from django.urls import reverse

from filrouge.organisations.models import Role
from tests.accounts.factories import staff
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(db):
    return ServiceFactory()


@pytest.fixture
def coach(service):
    return staff(Role.COACH, service, full_name="Camille Coach")


def follow(service, coach, first_name, birth_name, **fields):
    person = PersonFactory(
        organisation=service.organisation, first_name=first_name, birth_name=birth_name, **fields
    )
    return enrol(service, coach, person=person)


def caseload(client, **query) -> list:
    return [
        row.person.full_name for row in client.get(reverse("core:home"), query).context["page"].object_list
    ]


@pytest.fixture
def followed(client, service, coach):
    follow(service, coach, "Anaïs", "Le Goff", phone="+262 692 12 34 56")
    follow(service, coach, "Gaëlle", "Le Goff")
    follow(service, coach, "Sofiane", "Laurent")
    follow(service, coach, "Laurent", "Martin")
    follow(service, coach, "Jean-Pierre", "d'Almeida")
    client.force_login(coach)
    return client


@pytest.mark.parametrize("query", ["Le Goff Anaïs", "LE GOFF anais", "anais le goff", "Le Goff, Anaïs"])
def test_the_caseload_finds_by_every_word_in_any_order(followed, query):
    assert caseload(followed, q=query) == ["Anaïs Le Goff"]


@pytest.mark.parametrize("query", ["Laurent, Sofiane", "sofiane LAURENT"])
def test_the_caseload_reads_surname_comma_first_name(followed, query):
    assert caseload(followed, q=query) == ["Sofiane Laurent"]


@pytest.mark.parametrize("query", ["jean pierre", "Jean-Pierre", "dalmeida", "d almeida"])
def test_the_caseload_ignores_hyphens_and_apostrophes(followed, query):
    assert caseload(followed, q=query) == ["Jean-Pierre d'Almeida"]


@pytest.mark.parametrize("query", ["0692 12 34 56", "+262 692 12 34 56", "00262692123456", "0692.12.34.56"])
def test_the_caseload_finds_a_reunion_number_in_any_form(followed, query):
    assert caseload(followed, q=query) == ["Anaïs Le Goff"]


def test_the_caseload_sorts_on_the_folded_surname_with_other_filters(followed):
    assert caseload(followed, q="le goff") == ["Anaïs Le Goff", "Gaëlle Le Goff"]
    assert caseload(followed) == [
        "Jean-Pierre d'Almeida",
        "Sofiane Laurent",
        "Anaïs Le Goff",
        "Gaëlle Le Goff",
        "Laurent Martin",
    ]


def test_a_caseload_search_keeps_to_the_coachs_own_pathways(client, service, coach, followed):
    other = staff(Role.COACH, ServiceFactory(organisation=service.organisation))
    client.force_login(other)
    assert caseload(client, q="LE GOFF anais") == []
