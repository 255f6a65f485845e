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


def test_the_invitation_links_to_the_site_of_filrouge_base_url(capsys, settings):
    # A server's administrator follows docs/deployment.md: the link must reach the site, not 127.0.0.1.
    settings.BASE_URL = "https://filrouge.example.org"
    call_command("create_organisation", "Association Essai", "73282932000074", "a@essai.example", "Ada Min")
    printed = capsys.readouterr().out
    assert "Invitation link: https://filrouge.example.org/invitation/" in printed
    assert "https://filrouge.example.org/invitation/" in mail.outbox[0].body
    assert "127.0.0.1" not in mail.outbox[0].body + printed


def test_base_url_given_on_the_command_line_wins(capsys, settings):
    settings.BASE_URL = "https://filrouge.example.org"
    call_command(
        "create_organisation",
        "Association Essai",
        "73282932000074",
        "a@essai.example",
        "Ada Min",
        "--base-url",
        "https://autre.example.org/",
    )
    assert "Invitation link: https://autre.example.org/invitation/" in capsys.readouterr().out
    assert "https://autre.example.org/invitation/" in mail.outbox[0].body
