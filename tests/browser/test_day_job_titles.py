"""The coach finds a job title as she types it ("aide soignante") in a picker and picks it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Role
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory

from .test_pages import assert_accessible, email, sign_in, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def person(demo):
    """A synthetic person in the demo coach's caseload."""
    coach = User.objects.get(email=email("coach"))
    service = Membership.objects.filter(user=coach, role=Role.COACH).select_related("service").first().service
    enrolment = enrol(
        service,
        coach,
        person=PersonFactory(organisation=service.organisation, first_name="Inès", birth_name="Marchal"),
    )
    return enrolment.person


def test_typing_aide_soignante_offers_the_title_first_and_picking_it_saves_it(page, live_server, person):
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, reverse("profiles:edit", args=[person.pk]))
    page.get_by_label("Rechercher un métier (au moins 2 lettres)").first.press_sequentially(
        "aide soignante", delay=20
    )
    dream_job = page.get_by_role("combobox", name="Métier rêvé")
    first_title = dream_job.locator("option").nth(1)
    expect(first_title).to_have_text("Aide-soignant / Aide-soignante (J1501)")
    dream_job.select_option(label="Aide-soignant / Aide-soignante (J1501)")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.locator("main")).to_contain_text("Aide-soignant / Aide-soignante (J1501)")
