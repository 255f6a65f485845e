"""A coach's role carries the share of their time spent on employment services (the IPS-25 fidelity
review's staffing item 2), set where the time share is: inviting and adding a role."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["org_admin"])
    return client


def add_role(admin_client, user, **data):
    return admin_client.post(
        reverse("accounts:admin_detail", args=[user.pk]),
        {"role": Role.COACH, "service": data.pop("service")} | data,
    )


def test_a_role_defaults_to_all_of_its_time_on_employment_services(world):
    assert (
        Membership.objects.get(user=world.users["coach"], service=world.a1).employment_services_share == 100
    )


def test_inviting_a_coach_records_the_share(admin_client, world):
    admin_client.post(
        reverse("accounts:admin_invite"),
        {
            "full_name": "Inès Nouvelle",
            "email": "ines@a.example",
            "role": Role.COACH,
            "service": world.a1.pk,
            "time_share": 80,
            "employment_services_share": 90,
        },
    )
    membership = User.objects.get(email="ines@a.example").memberships.get()
    assert (membership.time_share, membership.employment_services_share) == (80, 90)


def test_adding_a_role_records_the_share_and_the_page_shows_it(admin_client, world):
    coach = world.users["coach"]
    response = add_role(admin_client, coach, service=world.a2.pk, time_share=50, employment_services_share=75)
    assert response.status_code == 302
    assert coach.memberships.get(service=world.a2).employment_services_share == 75
    page = html.unescape(admin_client.get(reverse("accounts:admin_detail", args=[coach.pk])).content.decode())
    assert "Dont emploi" in page and "75 %" in page
    assert "Part de ce temps consacrée à l'accompagnement vers et dans l'emploi (%)" in page


def test_left_empty_the_share_is_100(admin_client, world):
    coach = world.users["coach"]
    add_role(admin_client, coach, service=world.a2.pk, time_share=50, employment_services_share="")
    assert coach.memberships.get(service=world.a2).employment_services_share == 100


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "Le pourcentage ne peut pas dépasser 100 %."),
        ("-5", "Le pourcentage ne peut pas être négatif."),
        ("beaucoup", "Indiquez un pourcentage : un nombre entier de 0 à 100."),
    ],
)
def test_a_share_out_of_0_to_100_is_refused_in_french(admin_client, world, value, message):
    coach = world.users["coach"]
    with translation.override("fr"):
        response = add_role(
            admin_client, coach, service=world.a2.pk, time_share=50, employment_services_share=value
        )
    assert response.status_code == 200
    assert response.context["form"].errors["employment_services_share"] == [message]
    assert not coach.memberships.filter(service=world.a2).exists()
