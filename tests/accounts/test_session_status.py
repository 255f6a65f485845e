"""The session's countdown on the server: what signed-in pages carry, and the endpoint that says
how long is left (GET, which is not activity) or keeps the session alive (POST), never past its
absolute lifetime. The idle rule stays: asking is not activity."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.accounts.sessions import SESSION_LAST_SEEN
from filrouge.core import drafts
from filrouge.organisations.models import Role
from tests.accounts.factories import UserFactory, staff
from tests.accounts.helpers import freeze_time
from tests.accounts.test_sessions import age_session, log_in
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db
STATUS = reverse("accounts:session")


def last_seen(client) -> float:
    return client.session[SESSION_LAST_SEEN]


def test_asking_how_long_is_left_answers_the_seconds_and_does_not_keep_the_session_alive(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=20))
    before = last_seen(client)
    response = client.get(STATUS)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    state = response.json()
    assert 9 * 60 <= state["remaining"] <= 10 * 60
    assert state["final"] is False
    assert last_seen(client) == before


def test_a_session_idle_for_thirty_minutes_ends_even_when_its_page_kept_asking(client, monkeypatch):
    clock = freeze_time(monkeypatch)
    log_in(client, UserFactory())
    clock.advance(minutes=29)
    assert client.get(STATUS).json()["remaining"] == 60
    clock.advance(minutes=1, seconds=30)
    assert client.get(STATUS).status_code == 401
    assert "_auth_user_id" not in client.session


def test_staying_signed_in_restarts_the_idle_clock(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=28))
    response = client.post(STATUS)
    assert response.status_code == 200
    assert response.json() == {"remaining": 30 * 60, "final": False}
    assert timezone.now().timestamp() - last_seen(client) < 5
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_staying_signed_in_never_goes_past_the_absolute_lifetime(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=9, minutes=58), last_seen_ago=timedelta(minutes=1))
    state = client.post(STATUS).json()
    assert state["final"] is True
    assert 60 <= state["remaining"] <= 120
    age_session(client, started_ago=timedelta(hours=10, minutes=1), last_seen_ago=timedelta(seconds=1))
    assert client.post(STATUS).status_code == 401


def test_an_ended_session_gets_a_401_and_the_login_page_then_says_why(client):
    log_in(client, UserFactory())
    age_session(client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=45))
    response = client.get(STATUS)
    assert response.status_code == 401
    assert response.json() == {"remaining": 0, "final": True}
    login_page = client.get(reverse("accounts:login") + "?next=/compte/")
    assert "Votre session a expiré" in login_page.content.decode()


def test_signed_out_the_endpoint_answers_401_not_the_login_page(client):
    assert client.get(STATUS).status_code == 401
    assert client.post(STATUS).status_code == 401


def test_an_account_still_to_set_up_its_second_factor_can_be_counted_down(client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(staff(Role.COACH, ServiceFactory()))
    assert client.get(reverse("accounts:profile")).status_code == 302  # the set-up page first
    assert client.get(STATUS).status_code == 200


def page_tools(response) -> dict:
    match = re.search(r'<div id="unsaved-work" hidden(.*?)></div>', response.content.decode(), re.S)
    assert match, "the page carries no countdown"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match[1]))


def test_a_signed_in_page_carries_the_countdown_and_the_accounts_draft_key(client, settings):
    settings.SESSION_EXPIRY_WARNING = timedelta(minutes=4)
    user = UserFactory()
    log_in(client, user)
    age_session(client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=5))
    response = client.get(reverse("accounts:profile"))
    tools = page_tools(response)
    # The page itself was activity: the whole idle time is left.
    assert (tools["idle"], tools["warning"], tools["remaining"], tools["final"]) == (
        "1800",
        "240",
        "1800",
        "false",
    )
    assert tools["session-url"] == STATUS
    assert tools["draft-key"] == drafts.draft_key(user)
    assert tools["draft-key-id"] == drafts.key_id(tools["draft-key"])
    assert 'id="session-dialog"' in response.content.decode()


def test_each_account_has_its_own_draft_key_and_a_signed_out_page_has_none(client):
    first, second = UserFactory(), UserFactory()
    keys = {drafts.draft_key(first), drafts.draft_key(second)}
    assert len(keys) == 2
    assert all(len(drafts.draft_key(user)) == 43 for user in (first, second))  # 256 bits
    assert drafts.draft_key(first) == drafts.draft_key(first)
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'id="unsaved-work"' not in page
    assert not any(key in page for key in keys)


def test_a_new_secret_key_gives_new_draft_keys(settings):
    user = UserFactory.build(pk=7, date_joined=timezone.now())
    before = drafts.draft_key(user)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert drafts.draft_key(user) != before
