"""Re-authentication ("sudo mode") before changing the password or the second factor."""

from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from filrouge.accounts import throttle, two_factor
from filrouge.accounts.reauth import recent_auth_required
from filrouge.organisations.models import Role
from tests.accounts.factories import PASSWORD, UserFactory, staff
from tests.accounts.helpers import code_at, enrol_device, freeze_time, recently_authenticated
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Une-phrase-de-passe-neuve-7"


@pytest.fixture
def clock(monkeypatch):
    return freeze_time(monkeypatch)


def reauth_url(next_url):
    return f"{reverse('accounts:reauthenticate')}?next={quote(next_url, safe='')}"


PROTECTED = ["accounts:password_change", "accounts:two_factor_setup", "accounts:two_factor_recovery_codes"]


@pytest.mark.parametrize("name", [*PROTECTED, "accounts:two_factor_disable"])
def test_sensitive_pages_ask_for_the_password_again(client, clock, name):
    user = UserFactory()
    enrol_device(user)
    client.force_login(user)
    url = reverse(name)
    assert client.get(url)["Location"] == reauth_url(url)


def test_a_post_without_recent_auth_changes_nothing_and_says_why(client, clock):
    user = UserFactory()
    client.force_login(user)
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("accounts:password_change"), data)
    assert response["Location"] == reauth_url(reverse("accounts:password_change"))
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    [message] = list(get_messages(response.wsgi_request))
    assert "Votre saisie n'a pas été enregistrée" in str(message)


def test_after_reauthentication_the_user_goes_back_and_may_change_the_password(client, clock):
    user = UserFactory()
    client.force_login(user)
    target = reverse("accounts:password_change")
    page = client.get(reauth_url(target))
    assert page.status_code == 200
    assert "password" in page.context["form"].fields and "code" not in page.context["form"].fields
    response = client.post(reverse("accounts:reauthenticate"), {"password": PASSWORD, "next": target})
    assert response["Location"] == target
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(target, data)["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_reauthentication_lasts_ten_minutes(client, clock):
    user = UserFactory()
    recently_authenticated(client, user)
    clock.advance(minutes=9, seconds=59)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    clock.advance(seconds=2)
    assert client.get(reverse("accounts:password_change")).status_code == 302


def test_signing_in_counts_as_a_recent_authentication(client, clock):
    user = UserFactory()
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_with_a_device_the_reauthentication_asks_for_a_code_too(client, clock):
    coach = staff(Role.COACH, ServiceFactory())
    device, _codes = enrol_device(coach)
    client.force_login(coach)
    target = reverse("accounts:two_factor_setup")
    assert "code" in client.get(reauth_url(target)).context["form"].fields
    response = client.post(
        reverse("accounts:reauthenticate"), {"password": PASSWORD, "code": "", "next": target}
    )
    assert response.status_code == 200 and response.context["form"].errors["code"]
    response = client.post(
        reverse("accounts:reauthenticate"), {"password": PASSWORD, "code": "000000", "next": target}
    )
    assert response.status_code == 200 and response.context["form"].errors["code"]
    clock.advance(seconds=30)
    code = code_at(device.secret, clock.now)
    response = client.post(
        reverse("accounts:reauthenticate"), {"password": PASSWORD, "code": code, "next": target}
    )
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_wrong_password_is_refused_and_counted_towards_the_lockout(client, clock):
    user = UserFactory()
    client.force_login(user)
    for _ in range(throttle.ACCOUNT_LIMIT):
        response = client.post(reverse("accounts:reauthenticate"), {"password": "mauvais"})
        assert response.context["form"].errors["password"]
    response = client.post(reverse("accounts:reauthenticate"), {"password": PASSWORD})
    assert "Trop de tentatives" in " ".join(response.context["form"].non_field_errors())
    assert client.get(reverse("accounts:password_change")).status_code == 302
    # The account is locked for signing in as well.
    other = Client()
    other.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in other.session


def test_an_outside_next_is_ignored(client, clock):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:reauthenticate"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:profile")


def test_the_decorator_works_on_any_view(rf, clock):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    @recent_auth_required
    def export(request, pk):
        return HttpResponse(f"export {pk}")

    request = rf.get("/personnes/3/export/?format=json")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    assert export(request, pk=3)["Location"] == reauth_url("/personnes/3/export/?format=json")
    request.session["filrouge_reauth_at"] = clock.now.timestamp()
    assert export(request, pk=3).content == b"export 3"


def test_disabling_needs_reauthentication_then_works(client, clock):
    user = UserFactory()
    enrol_device(user)
    client.force_login(user)
    assert client.post(reverse("accounts:two_factor_disable"))["Location"].startswith(
        reverse("accounts:reauthenticate")
    )
    assert two_factor.has_device(user)
