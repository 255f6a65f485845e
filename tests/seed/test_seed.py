import pytest
from django.core.management import call_command

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Organisation, Role, Service
from filrouge.organisations.validators import siret_is_valid
from filrouge.seed.demo import DEMO_PASSWORD, ORGANISATIONS

pytestmark = pytest.mark.django_db


def counts():
    return (
        Organisation.objects.count(),
        Service.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def test_the_demo_has_two_organisations_of_two_services_with_every_role(capsys):
    call_command("seed", preset="demo")
    assert Organisation.objects.count() == 2
    for organisation in Organisation.objects.all():
        assert organisation.services.count() == 2
        assert siret_is_valid(organisation.siret)
        held = set(Membership.objects.filter(organisation=organisation).values_list("role", flat=True))
        assert held == {role.value for role in Role}
    out = capsys.readouterr().out
    for spec in ORGANISATIONS:
        for account in spec["accounts"]:
            assert f"{account.local_part}@{spec['domain']}" in out
    assert DEMO_PASSWORD in out


def test_every_demo_account_logs_in_with_the_printed_password(client):
    call_command("seed", preset="demo")
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.email


def test_the_demo_seed_is_idempotent():
    call_command("seed", preset="demo")
    first = counts()
    call_command("seed", preset="demo")
    assert counts() == first


def test_one_demo_account_holds_different_roles_in_two_services():
    call_command("seed", preset="demo")
    chef = User.objects.get(email="chef@trait-union.example")
    assert set(chef.memberships.values_list("role", "service__name")) == {
        (Role.HEAD_OF_SERVICE, "Job coaching Drôme"),
        (Role.COACH, "Accompagnement RSA Romans"),
    }


def test_the_benchmark_preset_sizes_the_staff_from_the_number_of_people():
    call_command("seed", preset="benchmark", people=2_000)
    # 2,000 people → 100 coaches → 10 services → 1 organisation.
    assert User.objects.count() == 100
    assert Service.objects.count() == 10
    assert Membership.objects.filter(role=Role.COACH).count() == 100
    assert all(siret_is_valid(o.siret) for o in Organisation.objects.all())
    call_command("seed", preset="benchmark", people=2_000)
    assert User.objects.count() == 100  # a second run adds nothing


def test_the_benchmark_preset_refuses_zero_people():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("seed", preset="benchmark", people=0)
