"""The Content-Security-Policy carries a fresh nonce, and every script tag carries it."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def nonce_of(response) -> str:
    policy = response["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_\-+/=]+)'", policy)
    assert match, policy
    return match.group(1)


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_script_tag_carries_the_nonce_of_the_policy(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(reverse("accounts:profile" if signed_in else "accounts:login"))
    nonce = nonce_of(response)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_the_nonce_changes_with_every_response(client):
    first = nonce_of(client.get(reverse("accounts:login")))
    second = nonce_of(client.get(reverse("accounts:login")))
    assert first != second


def test_no_inline_script_is_allowed(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_frames_and_referrer_are_denied(client):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_settings_send_hsts_for_a_year_with_subdomains(tmp_path):
    from tests.core.test_settings import PRODUCTION, run_manage

    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION | {"FILROUGE_VAR_DIR": str(tmp_path)})
    assert result.stdout.strip().splitlines()[-1] == "31536000 True True True DENY same-origin"
