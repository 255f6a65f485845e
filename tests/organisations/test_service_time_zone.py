"""A service's time zone and phone, set by the organisation's administrators: the reminders are
sent at the service's own time and give its phone."""

from html import unescape

import pytest
from django.urls import reverse

from filrouge.organisations.models import ProgrammeType, Service, TimeZone

pytestmark = pytest.mark.django_db


def service_data(service, **overrides):
    data = {
        "name": service.name,
        "programme_type": service.programme_type,
        "postal_code": "97400",
        "city": "Saint-Denis",
        "phone": "",
        "time_zone": service.time_zone,
        "retention_years": service.retention_years,
    }
    return data | overrides


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["org_admin"])
    return client


def test_a_new_service_is_in_metropolitan_france_unless_told(admin_client, world):
    data = {"name": "Job coaching Isère", "programme_type": ProgrammeType.SUPPORTED_EMPLOYMENT}
    assert admin_client.post(reverse("organisations:admin_service_create"), data).status_code == 302
    assert Service.objects.get(name="Job coaching Isère").time_zone == TimeZone.PARIS


def test_the_administrator_sets_the_time_zone_and_the_phone(admin_client, world):
    url = reverse("organisations:admin_service_edit", args=[world.a1.pk])
    response = admin_client.post(
        url, service_data(world.a1, time_zone=TimeZone.REUNION, phone="0262 40 12 34")
    )
    assert response.status_code == 302
    world.a1.refresh_from_db()
    assert (world.a1.time_zone, world.a1.phone) == ("Indian/Reunion", "+262262401234")
    page = unescape(admin_client.get(url).content.decode())
    assert "+262 262 40 12 34" in page and 'value="Indian/Reunion" selected' in page


def test_a_landline_is_fine_for_the_service(admin_client, world):
    url = reverse("organisations:admin_service_edit", args=[world.a1.pk])
    assert admin_client.post(url, service_data(world.a1, phone="04 65 71 10 00")).status_code == 302
    world.a1.refresh_from_db()
    assert world.a1.phone == "+33465711000"


def test_left_out_the_time_zone_stays_what_it_was(admin_client, world):
    world.a1.time_zone = TimeZone.MARTINIQUE
    world.a1.save()
    data = service_data(world.a1)
    del data["time_zone"]
    assert (
        admin_client.post(reverse("organisations:admin_service_edit", args=[world.a1.pk]), data).status_code
        == 302
    )
    world.a1.refresh_from_db()
    assert world.a1.time_zone == TimeZone.MARTINIQUE


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Europe/Berlin", "Sélectionnez un choix valide"),
        ("phone", "12 34", "n'est pas lisible"),
    ],
)
def test_a_bad_time_zone_or_phone_is_refused(admin_client, world, field, value, message):
    url = reverse("organisations:admin_service_edit", args=[world.a1.pk])
    response = admin_client.post(url, service_data(world.a1, **{field: value}))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    world.a1.refresh_from_db()
    assert world.a1.time_zone == TimeZone.PARIS and world.a1.phone == ""


def test_only_the_organisations_administrators_set_it(client, world):
    url = reverse("organisations:admin_service_edit", args=[world.a1.pk])
    for subject in ("coach", "head_of_service", "director", "other_org_admin"):
        client.force_login(world.users[subject])
        response = client.post(url, service_data(world.a1, time_zone=TimeZone.GUYANE))
        assert response.status_code in (403, 404), subject
    world.a1.refresh_from_db()
    assert world.a1.time_zone == TimeZone.PARIS
