"""The import pages in the browser, for the demo's head of service: start → columns → check.
Every page must pass axe (nothing serious or critical) and fit a 375 px screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_case_pages import Findings, has_no_horizontal_scroll, user
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import first_service, sign_in
from tests.imports.companies import BAKERY, companies_csv, row

pytestmark = pytest.mark.browser


def fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    has_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_import_pages_pass_axe_and_fit_a_phone(page, live_server, demo):
    service = first_service()
    findings = Findings(page)
    sign_in(page, live_server, user("chef").email)
    check_page(page, live_server, findings, "/imports/", "import start")

    # A file with a refused row and HTML in a cell: the report page with its messages.
    content = companies_csv(BAKERY, row("E-9", "123", "<b>Menuiserie</b>"))
    page.get_by_label("Service").select_option(str(service.pk))
    page.get_by_label("Fichier 1 (.csv ou .xlsx)").set_input_files(
        {"name": "entreprises.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Déposer et choisir les colonnes").click()
    expect(page.locator("h1")).to_have_text("Colonnes")
    expect(page.get_by_role("cell", name="<b>Menuiserie</b>")).to_be_visible()
    findings.check("import columns")
    fits_a_phone(page)

    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("h1")).to_have_text("Vérification")
    expect(page.get_by_text("Ligne 3, colonne « SIRET » :", exact=False)).to_be_visible()
    findings.check("import check with refusals")
    fits_a_phone(page)
    findings.assert_none()
