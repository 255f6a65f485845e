"""Two-factor authentication in a browser: a demo account enrols through the pages, with a code
computed from the secret the page shows, then signs in with its second factor and
re-authenticates. axe checks the enrolment, recovery codes, code and re-authentication pages."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from filrouge.accounts import two_factor
from filrouge.accounts.models import User
from filrouge.seed.demo import DEMO_PASSWORD
from tests.browser.test_pages import PASSWORD_LABEL, assert_accessible, email, log_in, path_of

pytestmark = pytest.mark.browser
CODE_LABEL = "Code de vérification"


def test_a_coach_enrols_then_signs_in_and_reauthenticates_with_the_second_factor(page, live_server, demo):
    address = email("coach")
    log_in(page, live_server, address)

    # Enrolment, from the account page.
    page.goto(f"{live_server.url}/compte/")
    page.get_by_role("link", name="Activer la double authentification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert_accessible(page)
    secret = re.sub(r"\s", "", page.locator("#totp-secret").inner_text())
    page.get_by_label("Code affiché par l'application").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    assert two_factor.has_device(User.objects.get(email=address))

    # Signing in again now asks for a code; a wrong one is refused with an accessible error.
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(address)
    page.get_by_label(PASSWORD_LABEL).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_LABEL)
    assert path_of(page) == "/connexion/code/"
    assert_accessible(page)
    page.get_by_label(CODE_LABEL).fill("000000")
    page.get_by_role("button", name="Vérifier et se connecter").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(CODE_LABEL).fill(codes[0])
    page.get_by_role("button", name="Vérifier et se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma file active")

    # Re-authentication before a sensitive page: password and code again.
    page.goto(f"{live_server.url}/connexion/confirmer/?next=/compte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer votre identité")
    assert_accessible(page)
    page.get_by_label(PASSWORD_LABEL).fill(DEMO_PASSWORD)
    page.get_by_label(CODE_LABEL).fill(codes[1])
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    assert path_of(page) == "/compte/"
    expect(page.get_by_text("Il vous reste 8 codes de secours.").first).to_be_visible()
