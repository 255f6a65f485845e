"""The dashboard in the browser, on the demo of the first organisation, as a coach, a head of
service, a director and a funder viewer: axe finds nothing serious on a desktop nor on a phone,
the page fits a 375 px screen, the charts are images named by their title, each followed by its
table, and the filters work without JavaScript (a wrong period is said, the page still shows)."""

import pytest
from playwright.sync_api import expect

from filrouge.accounts.models import User
from tests.browser.test_case_pages import Findings, has_no_horizontal_scroll, user
from tests.browser.test_pages import sign_in, visit

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
VIEWERS = [
    ("coach", "coach"),
    ("chef", "head of service"),
    ("direction", "director"),
    ("financeur", "funder"),
]
PAGES = [
    ("/chiffres/", "dashboard"),
    ("/chiffres/?tendance=trimestre", "dashboard by quarter"),
    ("/chiffres/?periode=2019", "dashboard of an empty period"),
    ("/chiffres/?periode=2026-13", "dashboard with a wrong period"),
]


def test_the_dashboard_passes_axe_on_a_desktop_and_a_phone_for_every_viewer(page, live_server, demo):
    findings = Findings(page)
    for local_part, who in VIEWERS:
        page.context.clear_cookies()
        sign_in(page, live_server, user(local_part).email)
        for path, what in PAGES:
            for viewport, screen in ((DESKTOP, "desktop"), (PHONE, "phone")):
                page.set_viewport_size(viewport)
                visit(page, live_server, path)
                findings.check(f"{what} as {who} on a {screen}")
                if screen == "phone":
                    try:
                        has_no_horizontal_scroll(page)
                    except AssertionError as error:
                        findings.found.append(f"{what} as {who}: {error}")
    page.set_viewport_size(DESKTOP)
    findings.assert_none()


def test_the_charts_are_named_images_each_followed_by_its_table(page, live_server, demo):
    sign_in(page, live_server, user("chef").email)
    visit(page, live_server, "/chiffres/")
    expect(page.locator("h1")).to_have_text("Chiffres des services")
    charts = page.locator("main svg[role='img']")
    assert charts.count() >= 10
    for index in range(charts.count()):
        chart = charts.nth(index)
        name = chart.locator("title").text_content()
        expect(page.get_by_role("img", name=name, exact=True).first).to_be_visible()
        table = chart.locator("xpath=ancestor::div[@class='chart-figure']/table")
        expect(table.locator("caption")).not_to_be_empty()


def test_the_filters_work_without_javascript_and_a_wrong_period_is_said(page, live_server, demo):
    sign_in(page, live_server, user("direction").email)
    visit(page, live_server, "/chiffres/")
    page.locator("#id_periode").select_option("dates")
    page.locator("#id_du").fill("2026-06-30")
    page.locator("#id_au").fill("2026-01-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".error-summary")).to_contain_text("La fin de la période précède son début.")
    expect(page.locator("h1")).to_have_text("Chiffres des services")
    page.locator("#id_periode").select_option(label="T1 2026")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("main .lead")).to_contain_text("T1 2026")


def test_the_funder_sees_no_staff_name(page, live_server, demo):
    funder = user("financeur")
    sign_in(page, live_server, funder.email)
    visit(page, live_server, "/chiffres/")
    text = page.locator("main").inner_text()
    coaches = User.objects.filter(organisation=funder.organisation, memberships__role="coach").distinct()
    assert coaches.exists()
    for coach in coaches:
        assert coach.full_name not in text
