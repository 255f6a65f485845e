"""The coach finds a person by every word, in any order, as French services write names
("NOM Prénom", "Nom, Prénom"): in the people list and in the caseload."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Role
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory

from .test_pages import assert_accessible, email, sign_in, visit

pytestmark = pytest.mark.browser

SEARCHES = {"LE GOFF anais": "anais", "Laurent, Sofiane": "sofiane"}
NEAR_MISSES = ("gaelle", "laurent")  # share one word only with a search


@pytest.fixture
def followed(demo) -> dict:
    """Synthetic Anaïs Le Goff and Sofiane Laurent in the demo coach's caseload, beside near misses
    (the demo may hold namesakes: rows are told apart by the link to each record)."""
    coach = User.objects.get(email=email("coach"))
    service = Membership.objects.filter(user=coach, role=Role.COACH).select_related("service").first().service
    names = {
        "anais": ("Anaïs", "Le Goff"),
        "gaelle": ("Gaëlle", "Le Goff"),
        "sofiane": ("Sofiane", "Laurent"),
        "laurent": ("Laurent", "Moreau"),
    }
    people = {}
    for key, (first_name, birth_name) in names.items():
        person = PersonFactory(
            organisation=service.organisation, first_name=first_name, birth_name=birth_name
        )
        enrol(service, coach, person=person)
        people[key] = person
    return people


def assert_found(rows, people: dict, key: str) -> None:
    def row_of(person):
        return rows.filter(has=rows.page.locator(f'a[href="{reverse("people:detail", args=[person.pk])}"]'))

    expect(row_of(people[key])).to_have_count(1)
    for near_miss in NEAR_MISSES:
        expect(row_of(people[near_miss])).to_have_count(0)


def test_the_people_list_finds_nom_prenom_in_any_order(page, live_server, followed):
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, "/personnes/")
    rows = page.locator("main tbody tr")
    for typed, key in SEARCHES.items():
        page.get_by_label("Rechercher un nom").fill(typed)
        with page.expect_navigation():
            page.locator("main form").get_by_role("button", name="Rechercher").click()
        expect(page.get_by_label("Rechercher un nom")).to_have_value(typed)
        assert_found(rows, followed, key)
    assert_accessible(page)


def test_the_caseload_finds_nom_prenom_as_it_is_typed(page, live_server, followed):
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, "/")
    rows = page.locator("#caseload tbody tr")
    search = page.get_by_label("Rechercher un nom")
    for typed, key in SEARCHES.items():
        search.fill("")
        search.press_sequentially(typed, delay=20)
        expect(page).to_have_url(re.compile(r"[?&]q=[^&]+"))
        assert_found(rows, followed, key)
    assert_accessible(page)
