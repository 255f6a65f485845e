"""The staff member's professional phone and daily digest: set on their own account page; the
organisation's administrator changes the phone only."""

import html

import pytest
from django.urls import reverse

from filrouge.accounts.models import User
from filrouge.organisations.models import Role
from tests.accounts.factories import staff

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def text(response) -> str:
    return html.unescape(response.content.decode())


def reloaded(user) -> User:
    return User.objects.get(pk=user.pk)


def test_the_account_page_offers_the_phone_and_the_digest(client, world):
    client.force_login(world.users["coach"])
    page = text(client.get(PROFILE))
    assert "Téléphone professionnel" in page
    assert "donné aux personnes accompagnées dans leurs rappels de rendez-vous" in page
    assert "Recevoir chaque jour ouvré à 7 h 30 un résumé par e-mail" in page
    assert 'type="tel"' in page
    assert 'type="checkbox"' in page


def test_the_staff_member_sets_their_phone_and_opts_in(client, world):
    coach = world.users["coach"]
    client.force_login(coach)
    response = client.post(
        PROFILE, {"full_name": coach.full_name, "phone": "06 12 34 56 78", "daily_digest": "on"}
    )
    assert response.status_code == 302
    coach = reloaded(coach)
    assert coach.phone == "+33612345678"  # stored in E.164
    assert coach.daily_digest is True
    assert "06 12 34 56 78" in text(client.get(PROFILE))  # shown the French way

    client.post(PROFILE, {"full_name": coach.full_name, "phone": "06 12 34 56 78"})
    assert reloaded(coach).daily_digest is False  # unticked: opted out


def test_a_landline_is_a_professional_phone_too(client, world):
    coach = world.users["coach"]
    client.force_login(coach)
    client.post(PROFILE, {"full_name": coach.full_name, "phone": "04 72 00 00 00"})
    assert reloaded(coach).phone == "+33472000000"


def test_an_unreadable_phone_is_refused_with_its_message_and_nothing_is_saved(client, world):
    coach = world.users["coach"]
    client.force_login(coach)
    response = client.post(PROFILE, {"full_name": coach.full_name, "phone": "12", "daily_digest": "on"})
    assert response.status_code == 200
    assert "Ce numéro n'est pas lisible" in response.context["form"].errors["phone"][0]
    page = text(response)
    assert "error-summary" in page
    coach = reloaded(coach)
    assert coach.phone == ""
    assert coach.daily_digest is False


def test_the_account_page_changes_only_the_signed_in_account(client, world):
    coach, other = world.users["coach"], world.users["other_service_coach"]
    client.force_login(coach)
    # No id is read from the request: a forged one changes nothing of another account.
    client.post(PROFILE, {"full_name": coach.full_name, "daily_digest": "on", "id": other.pk, "pk": other.pk})
    assert reloaded(other).daily_digest is False
    assert reloaded(coach).daily_digest is True


def test_the_email_cannot_be_changed_from_the_account_page(client, world):
    coach = world.users["coach"]
    client.force_login(coach)
    client.post(PROFILE, {"full_name": coach.full_name, "email": "autre@exemple.example"})
    assert reloaded(coach).email == coach.email


# --- The administrator's form ---------------------------------------------------------------------


def phone_url(user) -> str:
    return reverse("accounts:admin_phone", args=[user.pk])


def test_the_administrator_sets_an_accounts_phone(client, world):
    coach = world.users["coach"]
    client.force_login(world.users["org_admin"])
    detail = text(client.get(reverse("accounts:admin_detail", args=[coach.pk])))
    assert phone_url(coach) in detail
    assert "Téléphone professionnel" in text(client.get(phone_url(coach)))
    response = client.post(phone_url(coach), {"phone": "0692 12 34 56"})
    assert response["Location"] == reverse("accounts:admin_detail", args=[coach.pk])
    assert reloaded(coach).phone == "+262692123456"
    detail = text(client.get(reverse("accounts:admin_detail", args=[coach.pk])))
    assert "+262 692 12 34 56" in detail


def test_the_administrator_cannot_change_the_digest_choice(client, world):
    coach = world.users["coach"]
    client.force_login(world.users["org_admin"])
    client.post(phone_url(coach), {"phone": "06 12 34 56 78", "daily_digest": "on"})
    assert reloaded(coach).daily_digest is False
    User.objects.filter(pk=coach.pk).update(daily_digest=True)
    client.post(phone_url(coach), {"phone": "06 12 34 56 78"})  # the box absent: not an opt-out
    assert reloaded(coach).daily_digest is True


def test_the_administrators_form_refuses_an_unreadable_phone(client, world):
    coach = world.users["coach"]
    client.force_login(world.users["org_admin"])
    response = client.post(phone_url(coach), {"phone": "pas un numéro"})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert reloaded(coach).phone == ""


@pytest.mark.parametrize("role", ["coach", "head_of_service", "director", "dpo"])
def test_only_the_organisations_administrator_sets_an_accounts_phone(client, world, role):
    target = world.users["psychologist"]
    client.force_login(world.users[role])
    assert client.get(phone_url(target)).status_code == 404
    assert client.post(phone_url(target), {"phone": "06 12 34 56 78"}).status_code == 404
    assert reloaded(target).phone == ""


def test_an_administrator_of_another_organisation_gets_nothing(client, world):
    target = world.users["coach"]
    client.force_login(world.users["other_org_admin"])
    assert client.post(phone_url(target), {"phone": "06 12 34 56 78"}).status_code == 404
    assert reloaded(target).phone == ""


def test_a_new_staff_member_has_no_digest_until_they_ask(world):
    assert staff(Role.COACH, world.a1).daily_digest is False
