"""The coach's day in the browser: a new appointment set from the agenda by choosing the person
there, and a person registered to a workshop from her record. Every page passes axe and fits a
390 px screen; people are chosen in the database, never by a name written here.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filrouge.journal.models import Meeting
from filrouge.pathways.models import Enrolment
from filrouge.workshops.models import Registration, RegistrationStatus, WorkshopSession
from tests.browser.test_case_pages import Findings, has_no_horizontal_scroll, user
from tests.browser.test_pages import first_service, sign_in, visit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
DESK = {"width": 1280, "height": 900}


def led_pathway(coach) -> Enrolment:
    """A current pathway of the first service that the coach leads."""
    return (
        Enrolment.objects.current()
        .filter(service=first_service(), primary_coach=coach)
        .select_related("person")
        .order_by("pk")
        .first()
    )


def fits_a_phone(page) -> None:
    page.set_viewport_size(PHONE)
    has_no_horizontal_scroll(page)
    page.set_viewport_size(DESK)


def test_a_new_appointment_from_the_agenda_choosing_the_person(page, live_server, demo):
    coach = user("coach")
    enrolment = led_pathway(coach)
    person = enrolment.person
    findings = Findings(page)
    sign_in(page, live_server, coach.email)

    visit(page, live_server, "/agenda/")
    findings.check("agenda")
    fits_a_phone(page)
    page.get_by_role("link", name="Nouveau rendez-vous").click()
    expect(page.get_by_role("heading", name="Nouveau rendez-vous")).to_be_visible()
    findings.check("person picker")
    fits_a_phone(page)

    # The surname then the first name, as French services write them: the results follow the typing.
    page.get_by_label("Personne").fill(f"{person.birth_name.upper()} {person.first_name}")
    # The coach's own people are listed before anything is typed: wait for the search's answer.
    expect(page.locator("#picker-status")).to_contain_text("trouvé")
    page.wait_for_load_state("networkidle")
    choice = page.get_by_role("link", name=f"Rendez-vous avec {person.full_name}")
    expect(choice.first).to_be_visible()
    expect(page.locator("#picker-status")).to_have_attribute("aria-live", "polite")
    choice.first.click()
    expect(page.get_by_role("heading", name="Nouvel entretien")).to_be_visible()
    findings.check("meeting form from the agenda")

    # Early in the morning in a week and a day: no workshop of the demo at that time.
    when = timezone.localtime(timezone.now() + timedelta(days=8)).replace(hour=7, minute=30)
    page.locator("#id_starts_at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_kind").select_option("phone")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.get_by_role("heading", name="Mon agenda")).to_be_visible()
    assert "semaine=" in page.url
    expect(page.get_by_text(f"Entretien — {person.full_name} (téléphone)")).to_be_visible()
    assert Meeting.objects.filter(enrolment=enrolment, kind="phone", starts_at__date=when.date()).exists()
    findings.check("agenda with the new appointment")
    findings.assert_none()


def test_registering_a_person_to_a_workshop_from_her_record(page, live_server, demo):
    coach = user("coach")
    enrolment = led_pathway(coach)
    person = enrolment.person
    upcoming = WorkshopSession.objects.filter(
        service=first_service(), starts_at__gt=timezone.now(), cancelled_at__isnull=True
    )
    assert upcoming.exists(), "the demo programmes workshops to come"
    findings = Findings(page)
    sign_in(page, live_server, coach.email)

    visit(page, live_server, f"/personnes/{person.pk}/")
    record = page.get_by_role("navigation", name=f"Dossier de {person.full_name}")
    record.get_by_role("link", name="Ateliers", exact=True).click()
    expect(page.get_by_role("heading", name=f"{person.full_name} — Ateliers")).to_be_visible()
    findings.check("the person's workshops")
    fits_a_phone(page)

    # Submitted without a choice: a clear error.
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("Choisissez une séance.")
    findings.check("the person's workshops with an error")

    select = page.locator("#id_session")
    value = select.locator("option").nth(1).get_attribute("value")
    select.select_option(value)
    page.get_by_role("button", name="Inscrire", exact=True).click()
    registration = Registration.objects.get(session_id=int(value), enrolment__person=person)
    if registration.status == RegistrationStatus.REGISTERED:
        expect(page.get_by_text(f"{person.full_name} est inscrit")).to_be_visible()
    else:
        expect(page.get_by_text("liste d'attente").first).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text(registration.session.type.name)
    findings.check("the person's workshops after registering")
    findings.assert_none()
