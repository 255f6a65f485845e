"""The fil rouge in the browser: profile, action plan, meetings and notes, agenda, workshops and
documents, on the demo of the first organisation.

Every page, and the main forms once submitted with mistakes, must pass axe (nothing serious or
critical) and fit a 375 px screen. People are chosen in the database, never by a name written here.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filrouge.journal.models import Confidentiality, Meeting, Note
from filrouge.plans.models import ActionPlan
from filrouge.workshops.models import WorkshopSession
from tests.browser.test_case_pages import Findings, has_no_horizontal_scroll, user
from tests.browser.test_pages import first_service, sign_in, visit

pytestmark = pytest.mark.browser


def current_plans():
    return ActionPlan.objects.filter(
        enrolment__service=first_service(), enrolment__exit_date__isnull=True, superseded_at__isnull=True
    ).order_by("pk")


def planned_pathway():
    """A current pathway of the coach's service with a current, agreed plan."""
    plan = current_plans().exclude(agreed_on=None).select_related("enrolment__person").first()
    return plan.enrolment, plan


def draft_plan():
    """A current plan the person has not agreed to yet: its content can still change."""
    plan = current_plans().filter(agreed_on=None).first()
    assert plan is not None, "the demo has plans awaiting the person's agreement"
    return plan


def check_page(page, live_server, findings, path, what, phone=True):
    visit(page, live_server, path)
    # A redirect would have axe check another page than the one named.
    assert page.url == f"{live_server.url}{path}", f"{what}: {path} led to {page.url}"
    findings.check(what)
    if phone:
        page.set_viewport_size({"width": 375, "height": 740})
        has_no_horizontal_scroll(page)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_every_casework_page_passes_axe_and_fits_a_phone(page, live_server, demo):
    enrolment, plan = planned_pathway()
    person = enrolment.person
    action = plan.objectives.first().actions.first()
    draft = draft_plan()
    objective = draft.objectives.first()
    meeting = Meeting.objects.filter(enrolment=enrolment).first()
    note = Note.objects.filter(enrolment=enrolment, confidentiality=Confidentiality.TEAM).first()
    session = WorkshopSession.objects.filter(service=first_service(), starts_at__gt=timezone.now()).first()
    service = first_service()
    findings = Findings(page)
    sign_in(page, live_server, user("coach").email)

    pages = [
        (f"/personnes/{person.pk}/profil/", "profile"),
        (f"/personnes/{person.pk}/profil/modifier/", "profile form"),
        (f"/personnes/{person.pk}/plan/", "plan"),
        (f"/plans/{plan.pk}/", "plan version"),
        (f"/plans/{plan.pk}/chronologie/", "plan timeline"),
        (f"/plans/{draft.pk}/objectifs/ajouter/", "objective form"),
        (f"/plans/objectifs/{objective.pk}/modifier/", "objective edit"),
        (f"/plans/objectifs/{objective.pk}/retirer/", "objective withdrawal"),
        (f"/plans/objectifs/{objective.pk}/actions/ajouter/", "action form"),
        (f"/plans/actions/{action.pk}/modifier/", "action follow-up on an agreed plan"),
        (f"/plans/{plan.pk}/nouvelle-version/", "new version"),
        (f"/personnes/{person.pk}/journal/", "journal"),
        (f"/parcours/{enrolment.pk}/entretiens/ajouter/", "meeting form"),
        (f"/entretiens/{meeting.pk}/", "meeting"),
        (f"/parcours/{enrolment.pk}/notes/ajouter/", "note form"),
        ("/agenda/", "agenda"),
        ("/agenda/abonnement/", "calendar feed"),
        ("/ateliers/", "workshops"),
        (f"/services/{service.pk}/ateliers/nouvelle-seance/", "session form"),
        (f"/services/{service.pk}/ateliers/nouvelle-serie/", "series form"),
        (f"/services/{service.pk}/ateliers/types/", "workshop types"),
        (f"/personnes/{person.pk}/documents/", "documents"),
        (f"/personnes/{person.pk}/documents/ajouter/", "upload form"),
    ]
    if note is not None:
        pages.append((f"/notes/{note.pk}/", "note"))
    if session is not None:
        pages.append((f"/ateliers/seances/{session.pk}/", "session"))
    for path, what in pages:
        check_page(page, live_server, findings, path, what)

    # Forms sent with mistakes show their errors accessibly.
    visit(page, live_server, f"/parcours/{enrolment.pk}/entretiens/ajouter/")
    page.get_by_label("Durée (minutes)").fill("1500")
    page.locator("main form").get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator(".error-summary")).to_be_visible()
    findings.check("meeting form with errors")
    visit(page, live_server, f"/personnes/{person.pk}/documents/ajouter/")
    page.locator("main form").get_by_role("button", name="Ajouter").click()
    expect(page.locator(".error-summary")).to_be_visible()
    findings.check("upload form with errors")

    sign_in(page, live_server, user("chef").email)
    check_page(page, live_server, findings, f"/services/{service.pk}/referentiel/", "service referential")
    findings.assert_none()


def test_a_job_title_is_found_by_typing_and_chosen_with_the_keyboard(page, live_server, demo):
    enrolment, _ = planned_pathway()
    person = enrolment.person
    sign_in(page, live_server, user("coach").email)
    visit(page, live_server, f"/personnes/{person.pk}/profil/modifier/")
    search = page.locator("#id_dream_job_q")
    search.fill("boulang")
    # Exactly this title: "Chef boulanger / boulangère (D1102)" is found too.
    exact = re.compile(r"^Boulanger / Boulangère \(D1102\)$")
    expect(page.locator("#id_dream_job option").filter(has_text=exact)).to_have_count(1)
    page.locator("#id_dream_job").focus()
    page.locator("#id_dream_job").select_option(label="Boulanger / Boulangère (D1102)")
    page.locator("main form").get_by_role("button", name="Enregistrer le profil").click()
    expect(page.locator("main")).to_contain_text("Boulanger / Boulangère (D1102)")
    expect(page.locator(".messages, [role=status]").first).to_be_visible()


def test_a_meeting_of_25_hours_is_refused_and_the_rest_is_kept(page, live_server, demo):
    enrolment, _ = planned_pathway()
    sign_in(page, live_server, user("coach").email)
    visit(page, live_server, f"/parcours/{enrolment.pk}/entretiens/ajouter/")
    page.get_by_label("Lieu").fill("Médiathèque de Valence")
    page.get_by_label("Durée (minutes)").fill("1500")
    before = Meeting.objects.count()
    page.locator("main form").get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator(".error-summary")).to_contain_text("Durée")
    expect(page.get_by_label("Lieu")).to_have_value("Médiathèque de Valence")
    assert Meeting.objects.count() == before


def test_the_coach_does_not_see_a_psychologists_restricted_note(page, live_server, demo):
    note = (
        Note.objects.filter(confidentiality=Confidentiality.PROFESSION, enrolment__service=first_service())
        .select_related("enrolment")
        .first()
    )
    assert note is not None, "the demo has restricted notes"
    person = note.enrolment.person_id
    sign_in(page, live_server, user("psychologue").email)
    visit(page, live_server, f"/personnes/{person}/journal/")
    expect(page.locator("main")).to_contain_text(note.text)
    sign_in(page, live_server, user("coach").email)
    visit(page, live_server, f"/personnes/{person}/journal/")
    expect(page.locator("main")).not_to_contain_text(note.text)
    visit(page, live_server, f"/personnes/{person}/chronologie/")
    expect(page.locator("main")).not_to_contain_text(note.text)
    visit(page, live_server, f"/notes/{note.pk}/", status=404)


def test_the_caseload_shows_overdue_actions(page, live_server, demo):
    sign_in(page, live_server, user("coach").email)
    visit(page, live_server, "/?alert=overdue")
    expect(page.locator("#caseload tbody tr").first).to_contain_text("retard")
