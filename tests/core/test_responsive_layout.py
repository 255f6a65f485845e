"""What every page shares for a phone and for assistive technology: the folding menu, the scripts
that label stacked tables and focus the error summary, and the announced number of results."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page_of(response) -> str:
    return response.content.decode()


def test_the_menu_folds_behind_a_button_that_shows_only_with_its_script(client, world):
    client.force_login(world.users["coach"])
    page = page_of(client.get(reverse("core:home")))
    button = re.search(r"<button[^>]*data-menu-toggle[^>]*>", page)[0]
    assert 'aria-controls="site-menu"' in button and 'aria-expanded="true"' in button
    assert " hidden" in button  # without the script the button stays hidden and the menu open
    menu = page.split('id="site-menu"', 1)[1]
    assert "Navigation principale" in menu and 'id="language-select"' in menu
    for script in ("menu.js", "tables.js", "error_summary.js"):
        assert re.search(rf'<script src="[^"]*/js/{script}" nonce="[^"]+" defer>', page), script


def test_a_signed_out_page_has_the_language_choice_and_no_menu(client):
    page = page_of(client.get(reverse("accounts:login")))
    assert 'id="language-select"' in page
    assert "data-menu-toggle" not in page and 'id="site-menu"' not in page


def test_the_caseload_count_stays_outside_the_part_htmx_replaces(client, world):
    client.force_login(world.users["coach"])
    page = page_of(client.get(reverse("core:home")))
    assert page.count('id="caseload-status"') == 1
    assert page.index('id="caseload-status"') < page.index('id="caseload"')
    region = re.search(r'<p id="caseload-status"[^>]*>', page)[0]
    assert 'aria-live="polite"' in region and 'role="status"' in region and "hx-swap-oob" not in region


def test_a_search_answered_to_htmx_updates_the_count_out_of_band(client, world):
    client.force_login(world.users["coach"])
    fragment = page_of(client.get(reverse("core:home"), {"q": "zzzz"}, headers={"HX-Request": "true"}))
    region = re.search(r'<p id="caseload-status"[^>]*>([^<]*)</p>', fragment)
    assert 'hx-swap-oob="innerHTML"' in region[0]
    assert region[1] in ("0 personne", "0 personnes")
    # A history restore asks for the whole page: one region, not swapped out of band.
    restored = page_of(
        client.get(reverse("core:home"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    )
    assert restored.count('id="caseload-status"') == 1 and "hx-swap-oob=" not in restored


class Sample(forms.Form):
    name = forms.CharField(label="Nom")
    day = forms.DateField(label="Date")


def test_the_error_summary_links_each_error_to_its_field_and_can_take_the_focus():
    form = Sample({"name": "", "day": "31/02/2026"})
    assert not form.is_valid()
    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert 'class="error-summary" tabindex="-1"' in summary
    assert 'href="#id_name"' in summary and 'href="#id_day"' in summary
    title = re.search(r'aria-labelledby="([^"]+)"', summary)[1]
    assert f'id="{title}"' in summary
    assert render_to_string("includes/error_summary.html", {"form": Sample()}).strip() == ""
