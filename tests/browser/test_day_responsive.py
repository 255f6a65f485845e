"""The coach's day on a phone (390 px): tables read as cards that keep their column names, the
menu folds behind a button used with the keyboard, the focus goes to the errors of a form sent,
and the number of results of a search is announced."""

import re

import pytest
from playwright.sync_api import expect

from .test_pages import assert_accessible, email, sign_in, visit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def on_a_phone(page, live_server, local_part: str = "coach") -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, email(local_part))


def test_the_caseload_rows_are_cards_that_keep_their_column_names(page, live_server, demo):
    on_a_phone(page, live_server)
    visit(page, live_server, "/")
    row = page.locator("#caseload tbody tr").first
    expect(row).to_be_visible()

    # Each cell shows its column's name, drawn before it.
    step = row.locator("td").nth(1)
    expect(step).to_have_attribute("data-label", "Étape")
    before = step.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "Étape" in before, before
    assert row.evaluate("row => getComputedStyle(row).display") == "block", "the row is not a card"

    # The header row is hidden from sight only: screen readers still find the table and its columns.
    table = page.get_by_role("table", name="Ma file active")
    expect(table).to_have_count(1)
    expect(table.get_by_role("columnheader", name="Étape")).to_have_count(1)
    expect(table.get_by_role("rowheader").or_(table.get_by_role("cell")).first).to_be_attached()
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"] + 1, f"horizontal scrolling: {widths}"
    assert_accessible(page)


def test_at_200_percent_zoom_a_desktop_gets_the_cards_too(page, live_server, demo):
    page.set_viewport_size({"width": 640, "height": 450})  # 1280 × 900 at 200 %
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, "/")
    row = page.locator("#caseload tbody tr").first
    assert row.evaluate("row => getComputedStyle(row).display") == "block"


def test_the_menu_folds_on_a_phone_and_opens_with_the_keyboard(page, live_server, demo):
    on_a_phone(page, live_server)
    visit(page, live_server, "/")
    button = page.get_by_role("button", name="Menu")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    language = page.locator("#language-select")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    expect(language).to_be_hidden()

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(navigation).to_be_visible()
    expect(language).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#site-menu a").first).to_be_focused()
    assert_accessible(page)

    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")


def test_on_a_desktop_the_menu_is_shown_without_a_button(page, live_server, demo):
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, "/")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_without_javascript_the_menu_is_shown(browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, email("coach"))
        visit(page, live_server, "/")
        expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
        expect(page.locator("[data-menu-toggle]")).to_be_hidden()
    finally:
        context.close()


def test_after_a_failed_submit_the_focus_is_on_the_error_summary(page, live_server, demo):
    on_a_phone(page, live_server)
    visit(page, live_server, "/personnes/nouvelle/")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le dossier").click()
    summary = page.locator(".error-summary").first
    expect(summary).to_be_focused()
    link = summary.get_by_role("link").first
    target = link.get_attribute("href")
    link.click()
    expect(page.locator(target)).to_be_focused()


def test_the_number_of_results_is_announced_by_a_region_that_stays(page, live_server, demo):
    on_a_phone(page, live_server)
    visit(page, live_server, "/")
    status = page.locator("#caseload-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(re.compile(r"^\d+ personnes?$"))
    status.evaluate("region => { region.dataset.kept = 'yes'; }")

    page.locator("#id_q").press_sequentially("zzzz", delay=30)

    expect(status).to_have_text(re.compile(r"^0 personnes?$"))
    assert status.evaluate("region => region.dataset.kept") == "yes", "the region was replaced"
    expect(page.locator("#caseload-status")).to_have_count(1)
