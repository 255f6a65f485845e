import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from filrouge.organisations.models import Role
from tests.accounts.factories import PASSWORD, UserFactory, staff
from tests.accounts.helpers import recently_authenticated
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db
GENERIC_ERROR = "Adresse e-mail ou mot de passe incorrect."


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_with_email_and_password_lands_on_the_home_page(client):
    user = staff(Role.COACH, ServiceFactory())
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"]).context["user"] == user


def test_email_is_matched_whatever_its_case(client):
    user = staff(Role.COACH, ServiceFactory(), email="camille@exemple.example")
    response = login(client, "  Camille@Exemple.EXAMPLE ", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize(
    ("email", "password"),
    [("inconnu@exemple.example", PASSWORD), ("known@exemple.example", "mauvais-mot-de-passe")],
    ids=["unknown account", "wrong password"],
)
def test_failures_give_one_message_that_does_not_reveal_the_account(client, email, password):
    UserFactory(email="known@exemple.example")
    response = login(client, email, password)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_gets_the_same_message(client):
    user = UserFactory(is_active=False)
    response = login(client, user.email, PASSWORD)
    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]


def test_an_invited_account_cannot_log_in_before_choosing_a_password(client):
    user = get_user_model().objects.create_user(email="invite@exemple.example", full_name="Invitée")
    assert not user.has_usable_password()
    response = login(client, user.email, "")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_every_page_requires_login_unless_public(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/"


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from filrouge import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_logout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_logout_by_get_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_password_reset_mails_a_link_only_to_known_addresses_and_says_the_same_either_way(client):
    user = UserFactory(email="connu@exemple.example")
    for email in ("connu@exemple.example", "inconnu@exemple.example"):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body


def test_password_reset_link_sets_a_new_password_once(client):
    user = UserFactory(email="connu@exemple.example")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = link.split("testserver", 1)[1]
    form_url = client.get(path)["Location"]  # Django swaps the token for a session key first
    new = "Une-phrase-de-passe-neuve-7"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    reused = client.get(path, follow=True)
    assert reused.context["validlink"] is False


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court-1", "Ce mot de passe est trop court"),
        ("123456789012345", "Ce mot de passe est entièrement numérique"),
        ("qwertyuiop123", "Ce mot de passe est trop courant"),
    ],
)
def test_weak_passwords_are_refused_with_a_french_message(client, password, message):
    user = UserFactory()
    recently_authenticated(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["new_password2"])
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
