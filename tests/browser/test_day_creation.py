"""A coach's day, creating a pathway: the coach who records a person leads the pathway unless she
chooses otherwise, the first name is written as French first names are, and a pathway left
without a lead coach is taken from the caseload ("Je prends en charge"), at 1280 and 390 px."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from filrouge.accounts.models import User
from filrouge.pathways import domain
from filrouge.pathways.models import EmploymentStatus, Enrolment, Housing
from filrouge.people.models import Person
from tests.browser.test_pages import assert_accessible, email, first_service, path_of, sign_in, visit
from tests.pathways.factories import ENTRY

pytestmark = pytest.mark.browser
CASELOAD_ROWS = "#caseload tbody tr"


def pathway_card(page, enrolment):
    return page.locator("section.card", has=page.locator(f"#enrolment-{enrolment.pk}"))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_person_created_by_a_coach_is_in_her_caseload_with_her_as_lead_coach(
    page, live_server, demo, width
):
    page.set_viewport_size({"width": width, "height": 900})
    coach = User.objects.get(email=email("coach"))
    sign_in(page, live_server, coach.email)
    visit(page, live_server, "/")
    page.get_by_role("link", name="Nouvelle personne").click()
    assert path_of(page) == "/personnes/nouvelle/"

    # She is proposed as lead coach, and told so.
    lead = page.locator("#id_start-primary_coach")
    expect(lead).to_have_value(str(coach.pk))
    expect(page.get_by_text("Vous serez son job coach référent·e")).to_be_visible()

    page.locator("#id_person-first_name").fill("jean-pierre")
    page.locator("#id_person-birth_name").fill(f"de VALCROSSE{width}")
    page.locator("#id_person-date_of_birth").fill("1993-11-05")
    page.locator("#id_start-referral_date").fill(domain.today().isoformat())
    page.locator("#id_entry-employment_status").select_option(EmploymentStatus.OUT_OF_WORK.value)
    page.locator("#id_entry-education_level").select_option(index=2)
    page.locator("#id_entry-housing").select_option(Housing.INDEPENDENT.value)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le dossier").click()

    person = Person.objects.get(birth_name=f"de VALCROSSE{width}")
    assert path_of(page) == f"/personnes/{person.pk}/"
    expect(page.locator("h1")).to_have_text(f"Jean-Pierre de VALCROSSE{width}")
    enrolment = person.enrolments.get()
    assert enrolment.primary_coach == coach
    expect(pathway_card(page, enrolment)).to_contain_text(coach.full_name)

    visit(page, live_server, "/")
    row = page.locator(CASELOAD_ROWS).filter(has_text=f"Jean-Pierre de VALCROSSE{width}")
    expect(row).to_have_count(1)
    expect(row).to_be_visible()


def test_a_coach_takes_a_pathway_left_without_lead_coach(page, live_server, demo):
    coach = User.objects.get(email=email("coach"))
    person = Person.objects.create(
        organisation=first_service().organisation,
        first_name="Maëlle",
        birth_name="Sanspilote",
        date_of_birth="1990-02-14",
    )
    enrolment = domain.enrol(
        person, first_service(), by=None, referral_date=domain.today() - timedelta(days=3), entry=ENTRY
    )
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, live_server, coach.email)
    visit(page, live_server, "/")
    notice = page.locator("section.notice", has_text="sans job coach référent·e")
    expect(notice).to_contain_text("Maëlle Sanspilote")
    assert_accessible(page)
    with page.expect_navigation():
        notice.get_by_role("button", name="Je prends en charge : Maëlle Sanspilote").click()
    assert path_of(page) == f"/personnes/{person.pk}/"
    expect(page.locator(".messages")).to_contain_text(
        "Vous êtes maintenant job coach référent·e de Maëlle Sanspilote."
    )
    assert Enrolment.objects.get(pk=enrolment.pk).primary_coach == coach
    expect(pathway_card(page, enrolment)).to_contain_text(coach.full_name)
