"""The layout's links follow the policy: a page the user may open is offered, no other."""

import html

import pytest
from django.urls import reverse

from filrouge.core.navigation import navigation_links

pytestmark = pytest.mark.django_db

AGENDA_AND_WORKSHOPS = {"journal:agenda", "workshops:list"}


@pytest.mark.parametrize("name", ["coach", "psychologist", "head_of_service", "director"])
def test_whoever_may_open_the_agenda_and_the_workshops_gets_their_links(client, world, name):
    user = world.users[name]
    assert set(navigation_links(user)) >= AGENDA_AND_WORKSHOPS
    client.force_login(user)
    for url in (reverse("journal:agenda"), reverse("workshops:list")):
        assert client.get(url).status_code == 200
    page = html.unescape(client.get(reverse("journal:agenda")).content.decode())
    assert f'href="{reverse("workshops:list")}"' in page


@pytest.mark.parametrize("name", ["org_admin", "funder_viewer"])
def test_nobody_else_gets_them(client, world, name):
    user = world.users[name]
    assert not AGENDA_AND_WORKSHOPS & set(navigation_links(user))
    client.force_login(user)
    for url in (reverse("journal:agenda"), reverse("workshops:list")):
        assert client.get(url).status_code == 403
