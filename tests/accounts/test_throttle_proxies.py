"""Behind a load balancer and nginx, the login throttle counts failures per client address, as
the outermost trusted proxy wrote it: two users behind the same proxies are not locked together."""

import pytest
from django.test import Client
from django.urls import reverse

from filrouge.accounts import throttle
from filrouge.accounts.models import AuthFailure
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.helpers import freeze_time

pytestmark = pytest.mark.django_db
LOCKED = "Trop de tentatives infructueuses"
NGINX = "10.0.0.2"  # every request reaches the app from nginx
BALANCER = "10.0.0.1"  # and reached nginx from the load balancer


@pytest.fixture
def clock(monkeypatch):
    return freeze_time(monkeypatch)


def login(email, password, forwarded):
    client = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def errors(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_the_throttle_locks_the_client_address_from_the_configured_position(clock, settings):
    settings.FILROUGE_TRUSTED_PROXIES = 2
    attacker = f"192.0.2.50, {BALANCER}"
    users = [UserFactory() for _ in range(throttle.ADDRESS_LIMIT // 4)]
    for number, user in enumerate(users):
        for _ in range(4):  # below the per-account limit; a fresh spoofed entry every time
            login(user.email, "mauvais", f"198.51.100.{number}, 192.0.2.50, {BALANCER}")
    fresh = UserFactory()
    # The attacker's address is locked, whatever it writes to the left...
    assert LOCKED in errors(login(fresh.email, PASSWORD, attacker))
    assert LOCKED in errors(login(fresh.email, PASSWORD, f"203.0.113.9, {attacker}"))
    # ...and a colleague behind the same load balancer and nginx still signs in.
    response = login(fresh.email, PASSWORD, f"203.0.113.9, {BALANCER}")
    assert response.status_code == 302


def test_with_one_proxy_configured_behind_two_every_user_would_share_the_balancer(clock, settings):
    """Why the count matters: set to 1 behind a load balancer and nginx, the address read is the
    load balancer's, and one user's failures lock everyone out."""
    settings.FILROUGE_TRUSTED_PROXIES = 1
    users = [UserFactory() for _ in range(throttle.ADDRESS_LIMIT // 4)]
    for user in users:
        for _ in range(4):
            login(user.email, "mauvais", f"192.0.2.50, {BALANCER}")
    assert LOCKED in errors(login(UserFactory().email, PASSWORD, f"203.0.113.9, {BALANCER}"))
    assert AuthFailure.objects.exists()
