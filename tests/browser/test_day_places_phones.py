"""A coach types a Réunion number as it is written there and picks the person's commune in the
picker: the number is shown with its code, the postal code and the commune are filled together,
and the home is placed for the distances."""

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
    """A synthetic person in the demo coach's caseload, with no phone nor commune yet."""
    coach = User.objects.get(email=email("coach"))
    service = Membership.objects.filter(user=coach, role=Role.COACH).select_related("service").first().service
    enrolment = enrol(
        service,
        coach,
        person=PersonFactory(organisation=service.organisation, first_name="Maëlys", birth_name="Payet"),
    )
    return enrolment.person


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reunion_number_is_shown_with_its_code_and_a_picked_commune_fills_both_fields(
    page, live_server, person, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, reverse("people:edit", args=[person.pk]))
    page.get_by_label("Téléphone").fill("0692 12 34 56")

    page.get_by_label("Rechercher la commune (code postal ou nom, au moins 2 caractères)").press_sequentially(
        "romans sur is", delay=20
    )
    found = page.get_by_label("Communes trouvées : le choix remplit le code postal et la commune")
    expect(found.locator("option").nth(1)).to_have_text("26100 Romans-sur-Isère")
    expect(page.locator("#id_city_status")).to_have_text("1 commune trouvée : choisissez")
    found.select_option(label="26100 Romans-sur-Isère")
    expect(page.locator("#id_postal_code")).to_have_value("26100")
    expect(page.locator("#id_city")).to_have_value("Romans-sur-Isère")
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    phone = page.locator("main").get_by_role("link", name="+262 692 12 34 56")
    expect(phone).to_have_attribute("href", "tel:+262692123456")
    person.refresh_from_db()
    assert (person.postal_code, person.city, person.phone) == ("26100", "Romans-sur-Isère", "+262692123456")
    assert person.latitude is not None  # placed at its commune: nobody typed a point
