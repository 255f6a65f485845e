import html

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from filrouge.organisations.models import Membership, ProgrammeType, Role, Service
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["org_admin"])
    return client


def organisation_data(world, **overrides):
    org = world.org_a
    data = {"name": org.name, "siret": org.siret, "address": "", "postal_code": "69003", "city": "Lyon"}
    return data | overrides


def test_the_organisation_details_are_saved_with_a_siret_typed_with_spaces(admin_client, world):
    response = admin_client.post(
        reverse("organisations:admin_services"),
        organisation_data(world, siret="732 829 320 00074", name="Nouveau nom"),
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert (world.org_a.siret, world.org_a.name) == ("73282932000074", "Nouveau nom")


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        (
            "73282932000075",
            "Ce SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez les 14 chiffres.",
        ),
        ("1234", "Un SIRET compte exactement 14 chiffres."),
        ("7328293200007X", "Un SIRET compte exactement 14 chiffres."),
    ],
)
def test_a_wrong_siret_is_refused_with_a_clear_message_and_nothing_is_saved(
    admin_client, world, siret, message
):
    before = world.org_a.siret
    response = admin_client.post(
        reverse("organisations:admin_services"),
        organisation_data(world, siret=siret, name="Ne doit pas changer"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["siret"] == [message]
    world.org_a.refresh_from_db()
    assert (world.org_a.siret, world.org_a.name) == (before, "Organisation A")


def test_the_siret_of_another_organisation_cannot_be_taken(admin_client, world):
    response = admin_client.post(
        reverse("organisations:admin_services"), organisation_data(world, siret=world.org_b.siret)
    )
    assert "siret" in response.context["form"].errors


def test_a_wrong_postal_code_is_refused(admin_client, world):
    response = admin_client.post(
        reverse("organisations:admin_services"), organisation_data(world, postal_code="2600")
    )
    assert response.context["form"].errors["postal_code"] == [
        "Un code postal français compte 5 chiffres (par exemple 26000)."
    ]


def test_creating_a_service_in_the_administrators_organisation(admin_client, world):
    data = {
        "name": "Job coaching Isère",
        "programme_type": ProgrammeType.SUPPORTED_EMPLOYMENT,
        "postal_code": "38000",
        "city": "Grenoble",
    }
    response = admin_client.post(reverse("organisations:admin_service_create"), data)
    assert response.status_code == 302
    assert Service.objects.get(name="Job coaching Isère").organisation == world.org_a


def test_two_services_of_one_organisation_cannot_share_a_name(admin_client, world):
    data = {"name": "A1", "programme_type": ProgrammeType.OTHER}
    response = admin_client.post(reverse("organisations:admin_service_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Un service de votre organisation porte déjà ce nom."]
    assert Service.objects.filter(name="A1").count() == 1


def test_an_unknown_programme_type_is_refused(admin_client):
    response = admin_client.post(
        reverse("organisations:admin_service_create"), {"name": "X", "programme_type": "casino"}
    )
    assert "programme_type" in response.context["form"].errors


def test_archiving_a_service_hides_it_and_suspends_its_roles_then_restoring_brings_them_back(
    admin_client, client, world
):
    coach_client = type(client)()
    coach_client.force_login(world.users["coach"])
    detail = reverse("core:service_detail", args=[world.a1.pk])
    assert coach_client.get(detail).status_code == 200

    confirm = admin_client.get(reverse("organisations:admin_service_archive", args=[world.a1.pk]))
    assert "Rien n'est supprimé" in html.unescape(confirm.content.decode())
    world.a1.refresh_from_db()
    assert not world.a1.is_archived  # the GET only asks

    admin_client.post(reverse("organisations:admin_service_archive", args=[world.a1.pk]))
    world.a1.refresh_from_db()
    assert world.a1.is_archived
    assert coach_client.get(detail).status_code == 404
    assert Membership.objects.filter(service=world.a1).exists()  # kept, only suspended

    admin_client.post(reverse("organisations:admin_service_restore", args=[world.a1.pk]))
    assert coach_client.get(detail).status_code == 200


def test_a_role_cannot_straddle_two_organisations(world):
    user = UserFactory(organisation=world.org_a)
    with pytest.raises(ValueError, match="belongs to the user's organisation"):
        Membership.objects.create(user=user, role=Role.COACH, service=world.b1)


def test_the_database_refuses_a_service_role_without_a_service(world):
    user = UserFactory(organisation=world.org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.COACH, service=None)


def test_the_database_refuses_an_organisation_role_tied_to_a_service(world):
    user = UserFactory(organisation=world.org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.DIRECTOR, service=world.a1)


def test_the_database_refuses_two_roles_in_one_service(world):
    coach = world.users["coach"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=coach, role=Role.EDUCATOR, service=world.a1)
