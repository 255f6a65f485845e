"""The exit in the browser: a coach records the exit of a person who holds the last place of a full
workshop session with a waiting list; the confirmation step lists the place, frees it by default,
and the first person waiting gets it. The page passes axe and fits a 390 px screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filrouge.pathways.models import Enrolment
from filrouge.workshops import domain as workshops
from filrouge.workshops.models import Registration, RegistrationStatus, WorkshopType
from tests.browser.test_case_pages import Findings, has_no_horizontal_scroll, user
from tests.browser.test_pages import first_service, sign_in, visit

pytestmark = pytest.mark.browser


def full_session(enrolment, waiting_enrolment):
    """A session in five days, of one place, taken by `enrolment`; `waiting_enrolment` waits."""
    service = enrolment.service
    session = workshops.create_session(
        service=service,
        type=WorkshopType.objects.get(code="cv"),
        starts_at=timezone.now() + timedelta(days=5),
        duration_minutes=120,
        capacity=1,
        by=None,
        place="Salle du conseil",
    )
    taken = workshops.register(session, enrolment, None)
    waiting = workshops.register(session, waiting_enrolment, None)
    assert (taken.status, waiting.status) == (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
    return taken, waiting


def test_a_coach_exits_a_person_and_frees_a_workshop_place_for_the_waiting_list(page, live_server, demo):
    coach = user("coach")
    current = Enrolment.objects.current().filter(service=first_service()).order_by("pk")
    enrolment = current.filter(primary_coach=coach).first()
    other = current.exclude(pk=enrolment.pk).first()
    taken, waiting = full_session(enrolment, other)
    findings = Findings(page)
    sign_in(page, live_server, coach.email)

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, live_server, f"/parcours/{enrolment.pk}/sortie/")
        expect(page.get_by_role("heading", name="Ce qui reste ouvert")).to_be_visible()
        place = page.get_by_role("group", name="Atelier")
        expect(place.first).to_be_visible()
        expect(place.first.get_by_label("Libérer la place")).to_be_checked()
        findings.check(f"exit page at {width} px")
        has_no_horizontal_scroll(page)

    page.get_by_label("Motif de sortie").select_option(label="Déménagement")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer la sortie").click()
    expect(page.get_by_text("La sortie est enregistrée")).to_be_visible()
    findings.check("record after the exit")
    findings.assert_none()

    enrolment.refresh_from_db()
    assert enrolment.exit_date is not None and enrolment.exit_outcome == "moved"
    assert Registration.objects.get(pk=taken.pk).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.REGISTERED
