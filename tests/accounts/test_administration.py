import html
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Role
from tests.accounts.factories import PASSWORD, UserFactory, staff

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["org_admin"])
    return client


def invite(admin_client, **overrides):
    data = {"full_name": "Inès Nouvelle", "email": "ines@a.example", "role": Role.COACH, "service": ""}
    return admin_client.post(reverse("accounts:admin_invite"), data | overrides)


def test_inviting_creates_the_account_with_its_role_and_mails_a_one_time_link(
    admin_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin_client, service=world.a1.pk)
    user = User.objects.get(email="ines@a.example")
    assert response["Location"] == reverse("accounts:admin_detail", args=[user.pk])
    assert user.organisation == world.org_a
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("role", "service")) == [(Role.COACH, world.a1.pk)]

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/invitation/\S+)", mail.outbox[0].body).group(1)
    newcomer = Client()
    form_url = newcomer.get(link)["Location"]
    password = "Une-phrase-de-passe-neuve-7"
    response = newcomer.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert int(newcomer.session["_auth_user_id"]) == user.pk  # signed in at once

    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False  # one time only


def test_a_service_role_needs_a_service(admin_client):
    response = invite(admin_client)
    assert response.status_code == 200
    assert response.context["form"].errors["service"] == ["Choisissez le service où ce rôle s'exerce."]
    assert not User.objects.filter(email="ines@a.example").exists()
    assert mail.outbox == []


def test_an_organisation_wide_role_ignores_the_service(admin_client, world):
    invite(admin_client, role=Role.DIRECTOR, service=world.a1.pk)
    membership = User.objects.get(email="ines@a.example").memberships.get()
    assert (membership.role, membership.service) == (Role.DIRECTOR, None)


def test_a_service_of_another_organisation_cannot_be_chosen(admin_client, world):
    response = invite(admin_client, service=world.b1.pk)
    assert "service" in response.context["form"].errors
    assert not User.objects.filter(email="ines@a.example").exists()


def test_an_address_already_used_is_refused_whatever_its_case(admin_client, world):
    response = invite(admin_client, email="COACH@b.example", service=world.a1.pk)
    assert response.context["form"].errors["email"] == [
        "Cette adresse e-mail est déjà utilisée par un compte."
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "x" * 151),
        ("email", "pas-une-adresse"),
        ("email", "a" * 250 + "@b.example"),
        ("role", "pirate"),
    ],
)
def test_bad_input_on_the_invitation_gives_field_errors_and_creates_nothing(
    admin_client, world, field, value
):
    before = User.objects.count()
    response = invite(admin_client, service=world.a1.pk, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == before


def test_adding_and_revoking_a_role(admin_client, world):
    coach = world.users["coach"]
    url = reverse("accounts:admin_detail", args=[coach.pk])
    response = admin_client.post(url, {"role": Role.EDUCATOR, "service": world.a2.pk})
    assert response.status_code == 302
    membership = coach.memberships.get(service=world.a2)
    assert membership.role == Role.EDUCATOR

    confirm = admin_client.get(reverse("accounts:admin_revoke_role", args=[coach.pk, membership.pk]))
    assert "Retirer le rôle" in confirm.content.decode()
    assert coach.memberships.filter(pk=membership.pk).exists()  # the GET only asks
    admin_client.post(reverse("accounts:admin_revoke_role", args=[coach.pk, membership.pk]))
    assert not coach.memberships.filter(pk=membership.pk).exists()


def test_a_second_role_in_the_same_service_is_refused_with_a_message(admin_client, world):
    coach = world.users["coach"]
    response = admin_client.post(
        reverse("accounts:admin_detail", args=[coach.pk]), {"role": Role.EDUCATOR, "service": world.a1.pk}
    )
    assert response.status_code == 200
    assert "déjà un rôle dans ce service" in " ".join(response.context["form"].non_field_errors())
    assert coach.memberships.count() == 1


def test_the_last_administrator_keeps_the_role(admin_client, world):
    admin = world.users["org_admin"]
    membership = admin.memberships.get()
    response = admin_client.post(
        reverse("accounts:admin_revoke_role", args=[admin.pk, membership.pk]), follow=True
    )
    assert "dernier compte administrateur" in response.content.decode()
    assert admin.memberships.filter(pk=membership.pk).exists()


def test_deactivating_an_account_ends_all_its_sessions_at_once(admin_client, world):
    coach = world.users["coach"]
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        device.post(reverse("accounts:login"), {"username": coach.email, "password": PASSWORD})
    assert phone.get(reverse("accounts:profile")).status_code == 200
    keys = list(coach.login_sessions.values_list("session_key", flat=True))
    assert len(keys) == 2

    response = admin_client.post(reverse("accounts:admin_deactivate", args=[coach.pk]))
    assert response.status_code == 302
    coach.refresh_from_db()
    assert not coach.is_active and coach.deactivated_at is not None
    assert not Session.objects.filter(session_key__in=keys).exists()
    for device in (phone, laptop):
        assert device.get(reverse("accounts:profile")).status_code == 302


def test_deactivation_asks_for_confirmation_first(admin_client, world):
    coach = world.users["coach"]
    response = admin_client.get(reverse("accounts:admin_deactivate", args=[coach.pk]))
    assert "Toutes ses sessions seront fermées" in response.content.decode()
    coach.refresh_from_db()
    assert coach.is_active


def test_an_administrator_cannot_deactivate_their_own_account(admin_client, world):
    admin = world.users["org_admin"]
    response = admin_client.post(reverse("accounts:admin_deactivate", args=[admin.pk]), follow=True)
    assert "propre compte" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_an_administrator_deactivated_no_longer_counts_towards_the_last_one(world):
    first, second = world.users["org_admin"], staff(Role.ORG_ADMIN, organisation=world.org_a)
    client = Client()
    client.force_login(second)
    assert client.post(reverse("accounts:admin_deactivate", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert not first.is_active
    # `second` is now the only active administrator: the role cannot be taken away.
    membership = second.memberships.get()
    client.post(reverse("accounts:admin_revoke_role", args=[second.pk, membership.pk]))
    assert second.memberships.filter(pk=membership.pk).exists()


def test_reactivating_an_account(admin_client, world):
    coach = world.users["coach"]
    coach.is_active = False
    coach.save()
    admin_client.post(reverse("accounts:admin_reactivate", args=[coach.pk]))
    coach.refresh_from_db()
    assert coach.is_active and coach.deactivated_at is None


def test_resending_an_invitation_only_for_pending_accounts(admin_client, world):
    pending = User.objects.create_user(
        email="attente@a.example", full_name="En Attente", organisation=world.org_a
    )
    admin_client.post(reverse("accounts:admin_resend_invitation", args=[pending.pk]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [pending.email]
    response = admin_client.post(
        reverse("accounts:admin_resend_invitation", args=[world.users["coach"].pk]), follow=True
    )
    assert "n'attend plus d'invitation" in text(response)
    assert len(mail.outbox) == 1


def test_the_list_shows_only_the_organisation_accounts_and_searches_them(admin_client, world):
    response = admin_client.get(reverse("accounts:admin_list"))
    listed = {account.email for account in response.context["page"].object_list}
    assert "coach@a.example" in listed
    assert "coach@b.example" not in listed and "admin@b.example" not in listed

    response = admin_client.get(reverse("accounts:admin_list"), {"q": "DIRECTOR@"})
    assert [a.email for a in response.context["page"].object_list] == ["director@a.example"]


def test_the_list_filters_by_status_and_role(admin_client, world):
    User.objects.create_user(email="attente@a.example", full_name="En Attente", organisation=world.org_a)
    response = admin_client.get(reverse("accounts:admin_list"), {"status": "invited"})
    assert [a.email for a in response.context["page"].object_list] == ["attente@a.example"]
    response = admin_client.get(reverse("accounts:admin_list"), {"role": Role.PSYCHOLOGIST})
    assert [a.email for a in response.context["page"].object_list] == ["psychologist@a.example"]


def test_the_list_is_paginated_and_a_bad_page_number_is_not_an_error(admin_client, world):
    UserFactory.create_batch(30, organisation=world.org_a)
    first = admin_client.get(reverse("accounts:admin_list"))
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.num_pages == 2
    for page in ("2", "999", "abc", "-1"):
        assert admin_client.get(reverse("accounts:admin_list"), {"page": page}).status_code == 200


def test_the_htmx_search_returns_only_the_results_fragment(admin_client, world):
    response = admin_client.get(
        reverse("accounts:admin_list"), {"q": "coach"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "coach@a.example" in body


def test_a_search_with_a_null_character_is_a_form_error_not_a_crash(admin_client):
    response = admin_client.get(reverse("accounts:admin_list"), {"q": "a\x00b"})
    assert response.status_code == 200
    assert "q" in response.context["search"].errors


def test_members_see_their_own_roles_on_their_profile(client, world):
    client.force_login(world.users["coach"])
    response = client.get(reverse("accounts:profile"))
    assert [m.role for m in response.context["memberships"]] == [Role.COACH]


def test_a_profile_name_too_long_or_empty_is_refused(client, world):
    coach = world.users["coach"]
    client.force_login(coach)
    for name in ("", "x" * 151):
        response = client.post(reverse("accounts:profile"), {"full_name": name})
        assert response.status_code == 200 and "full_name" in response.context["form"].errors
    coach.refresh_from_db()
    assert coach.full_name.startswith("Agent")


def test_role_changes_take_effect_on_the_next_request(client, world):
    coach = world.users["coach"]
    client.force_login(coach)
    assert client.get(reverse("core:service_detail", args=[world.a1.pk])).status_code == 200
    Membership.objects.filter(user=coach).delete()
    assert client.get(reverse("core:service_detail", args=[world.a1.pk])).status_code == 404


def test_a_role_carries_its_time_share_for_the_caseload_target(admin_client, world):
    coach = world.users["coach"]
    admin_client.post(
        reverse("accounts:admin_detail", args=[coach.pk]),
        {"role": Role.COACH, "service": world.a2.pk, "time_share": 50},
    )
    assert coach.memberships.get(service=world.a2).time_share == 50
    response = admin_client.post(
        reverse("accounts:admin_detail", args=[coach.pk]),
        {"role": Role.COACH, "service": world.a2.pk, "time_share": 5},
    )
    assert "time_share" in response.context["form"].errors
