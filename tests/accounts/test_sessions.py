from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.accounts.sessions import SESSION_LAST_SEEN, SESSION_STARTED_AT
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def age_session(client, started_ago: timedelta, last_seen_ago: timedelta):
    session = client.session
    now = timezone.now()
    session[SESSION_STARTED_AT] = (now - started_ago).timestamp()
    session[SESSION_LAST_SEEN] = (now - last_seen_ago).timestamp()
    session.save()


def test_a_session_idle_for_more_than_thirty_minutes_is_logged_out(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=31))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_activity_within_thirty_minutes_keeps_the_session(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=29))
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_session_older_than_its_absolute_lifetime_ends_even_when_active(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=10, minutes=1), last_seen_ago=timedelta(minutes=1))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_expiry_message_is_shown_on_the_login_page(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(hours=1))
    response = client.get(reverse("accounts:profile"), follow=True)
    assert "Votre session a expiré" in response.content.decode()


def test_logins_are_tracked_and_logout_forgets_them(client):
    user = UserFactory()
    log_in(client, user)
    assert user.login_sessions.count() == 1
    client.post(reverse("accounts:logout"))
    assert user.login_sessions.count() == 0
