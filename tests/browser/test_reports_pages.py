"""Reports in the browser, on the demo of the first organisation: the "Rapports et exports" page
and the activity report (for the head of service, with its errors, and for the funder viewer).
Every page must pass axe (nothing serious or critical) and fit a 375 px screen."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_case_pages import Findings, user
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import first_service, sign_in, visit

pytestmark = pytest.mark.browser


def test_the_reports_pages_pass_axe_and_fit_a_phone(page, live_server, demo):
    service = first_service()
    year = timezone.localdate().year
    report = f"/rapports/activite/?service={service.pk}&periode={year}"
    findings = Findings(page)

    sign_in(page, live_server, user("chef").email)
    check_page(page, live_server, findings, "/rapports/", "reports and exports")
    check_page(page, live_server, findings, "/rapports/activite/", "activity report chooser")
    check_page(page, live_server, findings, report, "activity report of a service")
    expect(page.locator("#tableau-activite")).to_be_visible()
    check_page(
        page,
        live_server,
        findings,
        f"/rapports/activite/?programme={service.programme_type}&periode={year}-T1",
        "activity report of a programme",
    )

    # A period that cannot be read: the chooser says why, the page still passes.
    visit(page, live_server, f"/rapports/activite/?service={service.pk}&periode=2026-T9")
    expect(page.locator(".error-summary")).to_be_visible()
    findings.check("activity report with errors")
    findings.assert_none()


def test_the_funders_report_passes_axe_and_names_no_one(page, live_server, demo):
    service = first_service()
    findings = Findings(page)
    sign_in(page, live_server, user("financeur").email)
    path = f"/rapports/activite/?service={service.pk}&periode={timezone.localdate().year}"
    check_page(page, live_server, findings, path, "the funder's activity report")
    expect(page.get_by_text("les effectifs inférieurs à 5 sont affichés", exact=False)).to_be_visible()
    expect(page.get_by_text(user("coach").full_name)).to_have_count(0)
    findings.assert_none()
