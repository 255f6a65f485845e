"""A locked-out account in a browser: its owner gets in with the emailed link, and the
administrator sees the lockout and lifts it. axe checks each page on the way."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from filrouge.accounts import throttle
from filrouge.seed.demo import DEMO_PASSWORD
from tests.browser.test_pages import assert_accessible, email, fill_login_form, path_of, sign_in

pytestmark = pytest.mark.browser


def lock(address: str) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        Client(REMOTE_ADDR="198.51.100.9").post(
            reverse("accounts:login"), {"username": address, "password": "mauvais"}
        )


def test_the_owner_of_a_locked_account_signs_in_with_the_emailed_link(page, live_server, demo):
    address = email("coach")
    lock(address)
    page.goto(f"{live_server.url}/connexion/")
    fill_login_form(page, address, DEMO_PASSWORD)
    expect(page.locator(".error-summary")).to_contain_text("Trop de tentatives infructueuses")
    assert_accessible(page)

    page.get_by_role("button", name="Recevoir un lien de connexion par e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    assert_accessible(page)

    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    assert path_of(page) == "/connexion/lien/" and "jeton" not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion par lien")
    assert_accessible(page)
    page.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma file active")

    page.goto(link)  # once only
    expect(page.get_by_text("n'est plus valable")).to_be_visible()
    assert_accessible(page)


def test_the_administrator_sees_the_lockout_and_lifts_it(page, live_server, demo):
    lock(email("educateur"))
    sign_in(page, live_server, email("admin"))
    page.goto(f"{live_server.url}/administration/comptes/")
    row = page.get_by_role("row").filter(has_text=email("educateur"))
    expect(row.locator(".tag--warning")).to_contain_text("Bloqué jusqu'à")
    assert_accessible(page)
    row.get_by_role("link").first.click()
    expect(page.get_by_text("5 dans les 15 dernières minutes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Débloquer le compte").click()
    expect(page.get_by_text("Le compte est débloqué")).to_be_visible()
    expect(page.get_by_text("Non bloqué")).to_be_visible()
    assert_accessible(page)
