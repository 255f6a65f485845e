"""Employment in the browser, on the demo of the first organisation: companies, openings and
their candidates, the employer contacts log, the person's jobs and suggestions, a placement with
its follow-along, their forms (also sent with mistakes). Every page must pass axe (nothing
serious or critical) and fit a 375 px screen."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from filrouge.core.dates import span_end
from filrouge.employers.models import Company, EmployerContact, Opening, OpeningStatus
from filrouge.followalong.models import SupportContact
from filrouge.matching.models import Proposal
from filrouge.pathways.domain import today
from filrouge.placements import domain
from filrouge.placements.models import ImmersionObjective, Placement, PlacementKind
from tests.browser.test_case_pages import Findings, user
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import first_service, sign_in, visit

pytestmark = pytest.mark.browser


def current_job() -> Placement:
    """A job of the first service still held, with follow-along contacts and an adjustment."""
    jobs = Placement.objects.filter(
        enrolment__service=first_service(),
        enrolment__exit_date__isnull=True,
        kind=PlacementKind.EMPLOYMENT,
        ended_on__isnull=True,
    ).order_by("pk")
    for job in jobs:
        if SupportContact.objects.filter(placement=job).exists():
            return job
    raise AssertionError("the demo has a current job with follow-along contacts")


def test_the_employment_pages_pass_axe_and_fit_a_phone(page, live_server, demo):
    organisation = first_service().organisation
    company = Company.objects.filter(organisation=organisation, openings__isnull=False).order_by("pk").first()
    opening = (
        Opening.objects.filter(organisation=organisation, status=OpeningStatus.OPEN).order_by("pk").first()
    )
    contact = company.contacts.order_by("pk").first()
    job = current_job()
    person, enrolment = job.enrolment.person, job.enrolment
    adjustment = job.adjustments.order_by("pk").first()
    support = SupportContact.objects.filter(placement=job).order_by("pk").first()
    proposal = Proposal.objects.filter(enrolment__service=first_service()).order_by("pk").first()
    assert EmployerContact.objects.filter(organisation=organisation).exists()

    findings = Findings(page)
    sign_in(page, live_server, support.by.email if support.by.is_active else user("coach").email)
    pages = [
        (f"/employeurs/{company.pk}/", "company"),
        ("/employeurs/nouvelle/", "company form"),
        (f"/employeurs/{company.pk}/modifier/", "company edit"),
        (f"/employeurs/{company.pk}/archiver/", "company archive confirmation"),
        (f"/employeurs/{company.pk}/interlocuteurs/nouveau/", "company contact form"),
        (f"/employeurs/interlocuteurs/{contact.pk}/modifier/", "company contact edit"),
        (f"/employeurs/{company.pk}/contacts/nouveau/", "employer contact form"),
        (f"/employeurs/{company.pk}/offres/nouvelle/", "opening form"),
        (f"/offres/{opening.pk}/", "opening with its candidates"),
        (f"/offres/{opening.pk}/modifier/", "opening edit"),
        (f"/personnes/{person.pk}/emploi/", "the person's jobs"),
        (f"/personnes/{person.pk}/offres-suggerees/", "the person's suggestions"),
        (f"/parcours/{enrolment.pk}/experiences/immersion/nouvelle/", "immersion form"),
        (f"/parcours/{enrolment.pk}/experiences/emploi/nouvelle/", "job form"),
        (f"/experiences/{job.pk}/", "placement with its follow-along"),
        (f"/experiences/{job.pk}/modifier/", "placement edit"),
        (f"/experiences/{job.pk}/fin/", "placement end"),
        (f"/experiences/{job.pk}/divulgation/", "disclosure choice"),
        (f"/experiences/{job.pk}/amenagements/ajouter/", "adjustment form"),
        (f"/experiences/{job.pk}/suivi/", "follow-along contacts"),
        (f"/experiences/{job.pk}/suivi/ajouter/", "follow-along form"),
    ]
    if adjustment is not None:
        pages.append((f"/amenagements/{adjustment.pk}/points/ajouter/", "adjustment review form"))
    if proposal is not None:
        pages.append((f"/candidatures/{proposal.pk}/reponse/", "proposal answer"))
    for path, what in pages:
        check_page(page, live_server, findings, path, what)

    # A company whose SIRET has a wrong check digit: refused, the name typed is kept.
    visit(page, live_server, "/employeurs/nouvelle/")
    page.get_by_label("Raison sociale ou enseigne").fill("Jardins du Vercors")
    page.get_by_label("SIRET").fill("123 456 789 00000")
    page.locator("main form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Raison sociale ou enseigne")).to_have_value("Jardins du Vercors")
    findings.check("company form with errors")

    # The immersion form sent incomplete: its errors are shown, the dates typed are kept.
    visit(page, live_server, f"/parcours/{enrolment.pk}/experiences/immersion/nouvelle/")
    page.locator("#id_started_on").fill("2026-03-03")
    page.locator("#id_planned_end_on").fill("2026-04-12")
    page.locator("main form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_started_on")).to_have_value("2026-03-03")
    findings.check("immersion form with errors")

    # An immersion renewed once (PMSMP): the form, a renewal longer than a month refused with the
    # latest end, then the renewal shown on the immersion's page.
    start = today() - timedelta(days=10)
    immersion = domain.start_placement(
        enrolment,
        None,
        kind=PlacementKind.IMMERSION,
        company=company,
        job_title=job.job_title,
        started_on=start,
        planned_end_on=span_end(start, months=1),
        hours_per_week=20,
        objective=ImmersionObjective.DISCOVER,
    )
    check_page(
        page, live_server, findings, f"/experiences/{immersion.pk}/renouvellement/", "immersion renewal"
    )
    renewal_start = span_end(start, months=1) + timedelta(days=1)
    page.locator("#id_ends_on").fill((span_end(renewal_start, months=1) + timedelta(days=1)).isoformat())
    page.locator("#id_reason").fill("Objectifs pas encore atteints : la cadence reste à acquérir.")
    page.locator("main form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_reason")).to_have_value(
        "Objectifs pas encore atteints : la cadence reste à acquérir."
    )
    findings.check("immersion renewal with errors")
    page.locator("#id_ends_on").fill(span_end(renewal_start, months=1).isoformat())
    page.locator("main form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main")).to_contain_text("Renouvellement")
    findings.check("immersion renewed")
    findings.assert_none()
