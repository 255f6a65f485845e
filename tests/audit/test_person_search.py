"""The data protection officer's person picker (audit) and the right-of-access picker find a
person by every word in any order."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def anais(world):
    world.person.first_name, world.person.birth_name, world.person.phone = "Anaïs", "Le Goff", "0612345678"
    world.person.save()
    return world.person


@pytest.mark.parametrize("query", ["LE GOFF anais", "anais le goff", "Le Goff, Anaïs", "06 12 34 56 78"])
def test_the_audit_person_picker_finds_by_every_word(client, world, anais, query):
    client.force_login(world.users["dpo"])
    response = client.get(reverse("audit:home"), {"q": query})
    assert [person.pk for person in response.context["people"]] == [anais.pk]


@pytest.mark.parametrize("query", ["LE GOFF anais", "Le Goff, Anaïs"])
def test_the_access_request_picker_finds_by_every_word(client, world, anais, query):
    client.force_login(world.users["dpo"])
    page = client.get(reverse("privacy:access_requests"), {"q": query}).content.decode()
    assert reverse("privacy:access_open", args=[anais.pk]) in page


def test_the_pickers_refuse_who_may_not_audit(client, world, anais):
    client.force_login(world.users["coach"])
    assert client.get(reverse("audit:home"), {"q": "LE GOFF anais"}).status_code == 403
