"""Brute-force protection: lockout per account and per address, with a cool-off, on the
password and on the second factor."""

import pytest
from django.test import Client
from django.urls import reverse

from filrouge.accounts import throttle
from filrouge.accounts.models import AuthFailure
from filrouge.organisations.models import Role
from tests.accounts.factories import PASSWORD, UserFactory, staff
from tests.accounts.helpers import code_at, enrol_device, freeze_time
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db
LOCKED = "Trop de tentatives infructueuses"


@pytest.fixture
def clock(monkeypatch):
    return freeze_time(monkeypatch)


def login(email, password, address="203.0.113.7", client=None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def errors(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_five_failures_lock_the_account_even_against_the_right_password(clock):
    user = UserFactory()
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert LOCKED not in errors(login(user.email, "mauvais"))
    response = login(user.email, PASSWORD)
    assert response.status_code == 200
    assert "réessayez dans 15 minutes" in errors(response)
    assert "_auth_user_id" not in response.wsgi_request.session
    # From another address too: the account itself is locked.
    assert LOCKED in errors(login(user.email, PASSWORD, address="198.51.100.9"))


def test_the_lockout_message_is_the_same_for_an_address_with_no_account(clock):
    for _ in range(throttle.ACCOUNT_LIMIT):
        login("personne@nulle.example", "mauvais")
    assert "réessayez dans 15 minutes" in errors(login("personne@nulle.example", "mauvais"))


def test_the_cool_off_ends_the_lockout_and_says_how_long_is_left(clock):
    user = UserFactory()
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(user.email, "mauvais")
    clock.advance(minutes=10, seconds=30)
    assert "réessayez dans 5 minutes" in errors(login(user.email, PASSWORD))
    clock.advance(minutes=4, seconds=1)
    assert "réessayez dans 1 minute." in errors(login(user.email, PASSWORD))
    clock.advance(minutes=1)
    response = login(user.email, PASSWORD)
    assert response.status_code == 302


def test_attempts_during_the_lockout_do_not_prolong_it(clock):
    user = UserFactory()
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(user.email, "mauvais")
    for _ in range(10):
        clock.advance(minutes=1)
        login(user.email, "mauvais")
    clock.advance(minutes=5)
    assert login(user.email, PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_it_for_every_account(clock):
    users = [UserFactory() for _ in range(throttle.ADDRESS_LIMIT // 4)]
    for user in users:
        for _ in range(4):  # below the per-account limit
            login(user.email, "mauvais")
    fresh = UserFactory()
    assert LOCKED in errors(login(fresh.email, PASSWORD))
    assert login(fresh.email, PASSWORD, address="198.51.100.9").status_code == 302


def test_a_successful_sign_in_clears_the_account_count(clock):
    user = UserFactory()
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        login(user.email, "mauvais")
    assert login(user.email, PASSWORD).status_code == 302
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        login(user.email, "mauvais")
    assert login(user.email, PASSWORD).status_code == 302


def test_failed_codes_lock_the_second_step_too(clock):
    coach = staff(Role.COACH, ServiceFactory())
    device, _codes = enrol_device(coach)
    client = Client(REMOTE_ADDR="203.0.113.7")
    login(coach.email, PASSWORD, client=client)
    for _ in range(throttle.ACCOUNT_LIMIT):
        client.post(reverse("accounts:login_code"), {"code": "000000"})
    clock.advance(seconds=30)
    response = client.post(reverse("accounts:login_code"), {"code": code_at(device.secret, clock.now)})
    assert LOCKED in errors(response)
    assert "_auth_user_id" not in client.session
    # The right password does not reset the count either: the account stays locked.
    assert LOCKED in errors(login(coach.email, PASSWORD))


def test_the_counters_are_stored_as_keyed_hashes_and_old_rows_are_purged(clock):
    user = UserFactory()
    login(user.email, "mauvais")
    keys = set(AuthFailure.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any(user.email in key or "203.0.113.7" in key for key in keys)
    clock.advance(hours=1)
    login("autre@exemple.example", "mauvais")
    assert AuthFailure.objects.count() == 2  # the hour-old ones are gone


def test_behind_the_proxy_the_address_is_the_one_the_proxy_added(settings, rf):
    settings.FILROUGE_TRUSTED_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert throttle.client_address(request) == "203.0.113.7"
    settings.FILROUGE_TRUSTED_PROXIES = 0
    assert throttle.client_address(request) == "10.0.0.1"
