"""The audit trail in the browser: the data protection officer of the first demo organisation
searches who accessed a person's record, opens an entry and what an account did; every page,
and the search refused for its dates, passes axe, on a desk and on a phone."""

import pytest
from playwright.sync_api import expect

from filrouge.audit.models import AuditEntry, Kind
from filrouge.organisations.models import Membership, Role
from filrouge.people.models import Person
from tests.browser.test_pages import ORGANISATION, assert_accessible, email, path_of, sign_in, visit

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def officer() -> str:
    return Membership.objects.get(organisation__siret=ORGANISATION["siret"], role=Role.DPO).user.email


def test_the_officer_follows_a_persons_trail_and_an_accounts_on_accessible_pages(page, live_server, demo):
    coach = email("coach")
    person = Person.objects.filter(organisation__siret=ORGANISATION["siret"]).first()
    # A coach reads the record: the officer then finds that read.
    sign_in(page, live_server, coach)
    visit(page, live_server, f"/personnes/{person.pk}/")
    page.context.clear_cookies()
    sign_in(page, live_server, officer())

    visit(page, live_server, "/journal-d-audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    assert_accessible(page)

    page.get_by_label("Personne accompagnée (nom)").fill(person.first_name)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=f"Qui a consulté le dossier de {person.full_name}").first.click()
    assert path_of(page) == f"/journal-d-audit/personnes/{person.pk}/"
    expect(page.locator("tbody tr").first).to_be_visible()
    assert_accessible(page)

    read = AuditEntry.objects.filter(kind=Kind.READ, person_id=person.pk, actor__email=coach).latest("pk")
    visit(page, live_server, f"/journal-d-audit/entrees/{read.pk}/")
    expect(page.get_by_text("Une consultation est journalisée sans son contenu.")).to_be_visible()
    assert_accessible(page)

    change = AuditEntry.objects.filter(
        kind=Kind.CREATE, object_type="people.person", organisation=person.organisation
    ).first()
    visit(page, live_server, f"/journal-d-audit/entrees/{change.pk}/")
    expect(page.get_by_role("columnheader", name="Nouvelle valeur")).to_be_visible()
    assert_accessible(page)

    visit(page, live_server, f"/journal-d-audit/comptes/{read.actor_id}/")
    assert_accessible(page)

    # Dates the wrong way round: the error is announced and tied to its field.
    visit(page, live_server, "/journal-d-audit/?start=2026-03-10&end=2026-03-01")
    expect(page.get_by_role("alert")).to_contain_text("La date de fin doit être le jour de début ou après.")
    expect(page.locator("#id_end")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    visit(page, live_server, "/journal-d-audit/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
