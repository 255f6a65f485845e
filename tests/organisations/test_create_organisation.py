import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from filrouge.accounts.models import User
from filrouge.organisations.models import Organisation, Role

pytestmark = pytest.mark.django_db(transaction=True)  # the invitation leaves on commit


def test_creates_the_organisation_and_invites_its_first_administrator(capsys):
    call_command(
        "create_organisation", "Association Essai", "732 829 320 00074", "Admin@Essai.example", "Ada Min"
    )
    organisation = Organisation.objects.get(siret="73282932000074")
    admin = User.objects.get(email="admin@essai.example")
    assert admin.organisation == organisation
    assert list(admin.memberships.values_list("role", flat=True)) == [Role.ORG_ADMIN]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["admin@essai.example"]
    assert "/invitation/" in capsys.readouterr().out


def test_a_wrong_siret_creates_nothing():
    with pytest.raises(CommandError, match="clé de contrôle"):
        call_command(
            "create_organisation", "Association Essai", "73282932000075", "a@essai.example", "Ada Min"
        )
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_an_address_already_used_creates_nothing():
    call_command("create_organisation", "Première", "73282932000074", "a@essai.example", "Ada Min")
    with pytest.raises(CommandError, match="already uses"):
        call_command("create_organisation", "Seconde", "13002526500013", "A@essai.example", "Ada Bis")
    assert Organisation.objects.count() == 1
