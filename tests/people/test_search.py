"""The people list and the partners' directory find anyone by every word, in any order, or by a
phone typed in any French form; the people list sorts on the folded surname."""

import pytest
from django.urls import reverse

from tests.pathways.factories import enrol
from tests.people.factories import ContactFactory, PersonFactory

pytestmark = pytest.mark.django_db

NAME_QUERIES = ["Le Goff Anaïs", "LE GOFF anais", "anais le goff", "Le Goff, Anaïs", "legoff anaïs"]
PHONE_QUERIES = ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78"]


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


@pytest.fixture
def people(world):
    """Anaïs Le Goff, Sofiane Laurent, Jean-Pierre d'Almeida and two near misses, all followed in A1."""
    named = {}
    for key, first, surname, phone in [
        ("anais", "Anaïs", "Le Goff", "06 12 34 56 78"),
        ("sofiane", "Sofiane", "Laurent", ""),
        ("jean_pierre", "Jean-Pierre", "d'Almeida", ""),
        ("gaelle", "Gaëlle", "Le Goff", "06 99 88 77 66"),
        ("laurent", "Laurent", "Martin", ""),
    ]:
        person = PersonFactory(organisation=world.org_a, first_name=first, birth_name=surname, phone=phone)
        enrol(world.a1, coach=world.users["coach"], person=person)
        named[key] = person
    return named


def listed(client, query) -> list:
    return [
        row.person for row in client.get(reverse("people:list"), {"q": query}).context["page"].object_list
    ]


@pytest.mark.parametrize("query", NAME_QUERIES)
def test_the_people_list_finds_a_person_by_every_word_in_any_order(coach_client, people, query):
    assert listed(coach_client, query) == [people["anais"]]


def test_the_people_list_reads_surname_comma_first_name(coach_client, people):
    assert listed(coach_client, "Laurent, Sofiane") == [people["sofiane"]]
    assert set(listed(coach_client, "laurent")) == {people["sofiane"], people["laurent"]}


@pytest.mark.parametrize("query", ["jean pierre", "Jean-Pierre", "dalmeida", "d almeida", "D'ALMEIDA jean"])
def test_hyphens_and_apostrophes_never_matter(coach_client, people, query):
    assert listed(coach_client, query) == [people["jean_pierre"]]


@pytest.mark.parametrize("query", PHONE_QUERIES)
def test_a_phone_in_any_french_form_finds_its_person(coach_client, people, query):
    assert listed(coach_client, query) == [people["anais"]]


def test_a_search_that_matches_nobody_says_so_and_keeps_the_query(coach_client, people):
    response = coach_client.get(reverse("people:list"), {"q": "anais laurent"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert 'value="anais laurent"' in response.content.decode()


def test_the_search_never_reaches_people_of_another_service(client, world, people):
    client.force_login(world.users["other_service_coach"])
    assert listed(client, "LE GOFF anais") == []
    assert listed(client, "06 12 34 56 78") == []


def test_the_people_list_sorts_on_the_folded_surname(coach_client, world):
    for first, surname in [("Zoé", "emile"), ("Émile", "Ébrard"), ("Anne", "Dupont"), ("Luc", "Émond")]:
        enrol(
            world.a1,
            coach=world.users["coach"],
            person=PersonFactory(organisation=world.org_a, first_name=first, birth_name=surname),
        )
    rows = coach_client.get(reverse("people:list")).context["page"].object_list
    surnames = [row.person.last_name for row in rows if row.person != world.person]
    assert surnames == ["Dupont", "Ébrard", "emile", "Émond"]


@pytest.mark.parametrize(
    "query", ["durand claire", "Claire, Durand", "france travail claire", "01 99 00 11 22"]
)
def test_the_partners_directory_finds_by_every_word_or_phone(coach_client, world, query):
    claire = ContactFactory(
        organisation=world.org_a,
        full_name="Claire Durand",
        partner_name="France Travail Romans",
        phone="01 99 00 11 22",
    )
    ContactFactory(organisation=world.org_a, full_name="Claire Martin", partner_name="CMP Valence")
    found = coach_client.get(reverse("people:contacts"), {"q": query}).context["page"].object_list
    assert list(found) == [claire]


def test_the_partners_directory_keeps_to_the_organisation(client, world):
    ContactFactory(organisation=world.org_a, full_name="Claire Durand", phone="01 99 00 11 22")
    client.force_login(world.users["other_org_coach"])
    for query in ("durand claire", "01 99 00 11 22"):
        assert list(client.get(reverse("people:contacts"), {"q": query}).context["page"].object_list) == []
