"""Bad requests, headers, languages and error pages: what every page shares."""

import html

import pytest
from django.db import connection
from django.urls import reverse

from filrouge.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/services/99999999999999999999999999/",  # beyond 64 bits: 404, not an overflow
        "/services/9223372036854775808/",
        "/services/0/",
        "/services/abc/",
        "/administration/comptes/-1/",
        "/nulle-part/",
    ],
)
def test_unknown_or_malformed_ids_are_404_with_a_french_page(client, world, path):
    client.force_login(world.users["org_admin"])
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_an_id_of_another_organisation_is_404_not_403(client, world):
    client.force_login(world.users["other_org_admin"])
    response = client.get(reverse("accounts:admin_detail", args=[world.users["coach"].pk]))
    assert response.status_code == 404
    assert world.users["coach"].email not in response.content.decode()


def test_a_page_denied_by_role_is_403_without_details(client, world):
    client.force_login(world.users["coach"])
    response = client.get(reverse("accounts:admin_list"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_pages_of_logged_in_users_are_never_stored(client, world):
    client.force_login(world.users["coach"])
    response = client.get(reverse("core:home"))
    assert "no-store" in response["Cache-Control"]


def test_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client, world):
    client.force_login(world.users["org_admin"])
    for name in ("accounts:admin_list", "organisations:admin_services", "accounts:profile"):
        body = client.get(reverse(name)).content.decode()
        assert "<script>" not in body and "onclick=" not in body


def test_french_is_the_default_whatever_the_browser_asks(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="fr">' in response.content.decode()
    assert "Connexion" in response.content.decode()


def test_the_language_switch_changes_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/connexion/"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page
    client.post(reverse("set_language"), {"language": "fr", "next": "/connexion/"})
    assert '<html lang="fr">' in client.get(reverse("accounts:login")).content.decode()


def test_an_unknown_language_falls_back_to_french(client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="fr">' in client.get(reverse("accounts:login")).content.decode()


def test_the_navigation_shows_the_user_roles_and_services(client, world):
    client.force_login(world.users["coach"])
    page = html.unescape(client.get(reverse("core:home")).content.decode())
    assert "Job coach / chargé·e d'accompagnement · A1" in page
    assert 'aria-current="page"' in page
    assert 'href="#contenu"' in page  # skip link


def test_a_failed_write_leaves_nothing_half_written(client, world, monkeypatch):
    """A request is one transaction: an error after a first write undoes it."""
    from filrouge.accounts import domain

    def explode(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(domain, "grant_role", explode)
    client.force_login(world.users["org_admin"])
    client.raise_request_exception = False
    data = {"full_name": "Inès", "email": "ines@a.example", "role": "coach", "service": world.a1.pk}
    response = client.post(reverse("accounts:admin_invite"), data)
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()
    assert not User.objects.filter(email="ines@a.example").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(settings):
    from filrouge.settings import database_settings

    options = database_settings(None)["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5
    assert options["transaction_mode"] == "IMMEDIATE"


def test_a_form_without_its_csrf_token_is_refused_in_french_and_changes_nothing(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["org_admin"])
    response = client.post(reverse("organisations:admin_services"), {"name": "Piratée"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Organisation A"


def test_an_unknown_host_is_a_400(client):
    response = client.get(reverse("accounts:login"), headers={"host": "pirate.example"})
    assert response.status_code == 400
