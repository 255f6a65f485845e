"""The administrator sees each account's recent failed sign-ins and its lockout, and can lift
it; nobody else can."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from filrouge.accounts import throttle
from filrouge.audit.models import AuditEntry
from tests.accounts.factories import PASSWORD
from tests.accounts.helpers import freeze_time

pytestmark = pytest.mark.django_db
LOCKED = "Trop de tentatives infructueuses"


@pytest.fixture
def clock(monkeypatch):
    return freeze_time(monkeypatch)  # 09:00:15 UTC, 10:00 in Paris


def login(email, password, address="198.51.100.9"):
    return Client(REMOTE_ADDR=address).post(
        reverse("accounts:login"), {"username": email, "password": password}
    )


def signed_in_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_account_page_shows_recent_failures_and_the_lockout_with_its_end(world, clock):
    coach = world.users["coach"]
    admin = signed_in_as(world.users["org_admin"])
    login(coach.email, "mauvais")
    login(coach.email, "mauvais")
    page = text(admin.get(reverse("accounts:admin_detail", args=[coach.pk])))
    assert "2 dans les 15 dernières minutes" in page
    assert "Non bloqué" in page
    assert "Débloquer le compte" not in page

    clock.advance(minutes=1)
    for _ in range(throttle.ACCOUNT_LIMIT - 2):
        login(coach.email, "mauvais")
    page = text(admin.get(reverse("accounts:admin_detail", args=[coach.pk])))
    assert "5 dans les 15 dernières minutes" in page
    assert "Bloqué jusqu'à 10:16" in page  # the last failure at 10:01, and 15 minutes
    assert reverse("accounts:admin_unlock", args=[coach.pk]) in page


def test_the_list_of_accounts_marks_the_locked_ones(world, clock):
    coach, other = world.users["coach"], world.users["educator"]
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(coach.email, "mauvais")
    response = signed_in_as(world.users["org_admin"]).get(reverse("accounts:admin_list"))
    rows = {account.pk: account.lockout for account in response.context["page"].object_list}
    assert rows[coach.pk].is_locked and rows[coach.pk].failures == throttle.ACCOUNT_LIMIT
    assert not rows[other.pk].is_locked and rows[other.pk].failures == 0
    assert text(response).count("Bloqué jusqu'à 10:15") == 1


def test_the_administrator_lifts_a_lockout_and_it_is_audited(world, clock):
    coach, admin_user = world.users["coach"], world.users["org_admin"]
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(coach.email, "mauvais")
    assert LOCKED in text(login(coach.email, PASSWORD))
    response = signed_in_as(admin_user).post(reverse("accounts:admin_unlock", args=[coach.pk]), follow=True)
    assert "Le compte est débloqué" in text(response)
    assert login(coach.email, PASSWORD).status_code == 302
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=coach.pk, kind="update").latest(
        "pk"
    )
    assert entry.actor == admin_user and entry.fields == ["lockout"]
    assert entry.detail == "sign-in lockout lifted by an administrator"


def test_lifting_a_lockout_that_is_not_there_says_so_and_records_nothing(world, clock):
    coach = world.users["coach"]
    admin = signed_in_as(world.users["org_admin"])
    response = admin.post(reverse("accounts:admin_unlock", args=[coach.pk]), follow=True)
    assert "Ce compte n'est pas bloqué." in text(response)
    assert not AuditEntry.objects.filter(
        kind="update", object_type="accounts.user", object_id=coach.pk
    ).exists()


@pytest.mark.parametrize("subject", ["coach", "head_of_service", "director", "dpo", "other_org_admin"])
def test_nobody_but_the_organisations_administrator_sees_the_counters_or_lifts_a_lockout(
    world, clock, subject
):
    coach = world.users["coach"]
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(coach.email, "mauvais")
    client = signed_in_as(world.users[subject])
    assert client.get(reverse("accounts:admin_detail", args=[coach.pk])).status_code == 404
    assert client.post(reverse("accounts:admin_unlock", args=[coach.pk])).status_code == 404
    listing = client.get(reverse("accounts:admin_list"))
    assert listing.status_code == 403 or coach.email not in text(listing)  # another organisation's list
    assert throttle.account_lockouts([coach.email])[coach.email].is_locked
    assert LOCKED in text(login(coach.email, PASSWORD))


def test_lifting_is_a_post(world):
    client = signed_in_as(world.users["org_admin"])
    assert client.get(reverse("accounts:admin_unlock", args=[world.users["coach"].pk])).status_code == 405
