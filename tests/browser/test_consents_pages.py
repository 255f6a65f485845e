"""Consents in the browser, on the demo of the first organisation: the tab, its forms (also sent
with mistakes), the withdrawal's confirmation, the choice of a document's recipient and the
refusal page. Every page must pass axe (nothing serious or critical) and fit a 375 px screen."""

import pytest
from playwright.sync_api import expect

from filrouge.consents.models import Consent, ConsentStatus, Purpose
from filrouge.people.models import ContactKind
from filrouge.plans.models import ActionPlan
from tests.browser.test_case_pages import Findings, user
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import first_service, sign_in, visit

pytestmark = pytest.mark.browser


def consent_in_force() -> Consent:
    """A consent given to a referring partner, still the latest decision, with a current plan."""
    for consent in Consent.objects.filter(
        person__enrolments__service=first_service(), status=ConsentStatus.GIVEN
    ).order_by("pk"):
        latest = Consent.objects.filter(
            person=consent.person, purpose=consent.purpose, recipient=consent.recipient
        )
        plan = ActionPlan.objects.filter(
            enrolment__person=consent.person, enrolment__service=first_service(), superseded_at__isnull=True
        ).first()
        if latest.order_by("-decided_on", "-recorded_at", "-pk").first() == consent and plan is not None:
            return consent
    raise AssertionError("the demo has consents in force")


def test_the_consent_pages_pass_axe_fit_a_phone_and_refuse_a_share_not_agreed(page, live_server, demo):
    assert Consent.objects.filter(status=ConsentStatus.WITHDRAWN).exists(), "the demo has withdrawals"
    consent = consent_in_force()
    person = consent.person
    plan = ActionPlan.objects.filter(enrolment__person=person, superseded_at__isnull=True).first()
    enrolment = plan.enrolment
    findings = Findings(page)
    sign_in(page, live_server, user("coach").email)
    for path, what in [
        (f"/personnes/{person.pk}/consentements/", "consents tab"),
        (f"/personnes/{person.pk}/consentements/enregistrer/", "consent form"),
        (f"/personnes/{person.pk}/divulgation/", "disclosure form"),
        (f"/consentements/{consent.pk}/retirer/", "withdrawal confirmation"),
        (f"/plans/{plan.pk}/transmettre/", "plan recipients"),
        (f"/parcours/{enrolment.pk}/bilan/transmettre/", "report recipients"),
    ]:
        check_page(page, live_server, findings, path, what)

    # The consent form sent with mistakes: its errors are shown, what was typed is kept.
    visit(page, live_server, f"/personnes/{person.pk}/consentements/enregistrer/")
    page.get_by_label("Commentaire").fill("Demandé lors de l'entretien")
    page.locator("main form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Commentaire")).to_have_value("Demandé lors de l'entretien")
    findings.check("consent form with errors")

    # Withdrawn from the confirmation page, the partner's copy is refused at once.
    visit(page, live_server, f"/consentements/{consent.pk}/retirer/")
    page.locator("main form").get_by_role("button", name="Retirer le consentement").click()
    expect(page.locator("main")).to_contain_text("Le consentement est retiré")
    link = person.contact_links.get(contact=consent.recipient, relation=ContactKind.REFERRING_PARTNER)
    url = (
        f"/plans/{plan.pk}/pdf/?destinataire={link.pk}"
        if consent.purpose == Purpose.PLAN_TO_PARTNER
        else f"/parcours/{enrolment.pk}/bilan.pdf?destinataire={link.pk}"
    )
    visit(page, live_server, url, status=403)
    expect(page.locator("h1")).to_have_text("Transmission refusée")
    findings.check("share refused")
    findings.assert_none()
