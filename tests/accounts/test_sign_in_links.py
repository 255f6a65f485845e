"""The owner of a locked account still signs in, with a single-use, short-lived link sent to
their address: past the lockout of the account, never past the second factor, and without
telling anyone which addresses have an account."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from filrouge.accounts import sign_in_links, throttle, two_factor
from filrouge.accounts.models import AuthFailure, SignInLink, User
from filrouge.organisations.models import Role
from tests.accounts.factories import PASSWORD, UserFactory, staff
from tests.accounts.helpers import code_at, enrol_device, freeze_time
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db
LOCKED = "Trop de tentatives infructueuses"
OWNER = "203.0.113.7"
ATTACKER = "198.51.100.9"
OFFER = "Recevoir un lien de connexion par e-mail"


@pytest.fixture
def clock(monkeypatch):
    return freeze_time(monkeypatch)


def login(email, password, client=None, address=ATTACKER):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def lock(user):
    """Someone else types five wrong passwords on the owner's address."""
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(user.email, "mauvais")
    assert LOCKED in login(user.email, PASSWORD, address=OWNER).content.decode()


def ask_link(client, email):
    return client.post(reverse("accounts:sign_in_link_request"), {"email": email})


def emailed_link(message) -> str:
    """The link's path and query, as the owner's browser opens it."""
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def open_link(client, path):
    """Opens the link from the email: the secret moves into the session, then the page shows."""
    first = client.get(path)
    assert first.status_code == 302 and first["Location"] == reverse("accounts:sign_in_link")
    return client.get(first["Location"])


def use_link(client, path):
    open_link(client, path)
    return client.post(reverse("accounts:sign_in_link"))


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_a_locked_account_is_offered_a_link_on_the_login_page(clock):
    user = UserFactory()
    client = Client(REMOTE_ADDR=OWNER)
    response = login(user.email, "mauvais", client=client)
    assert OFFER not in response.content.decode()  # one wrong password is no lockout
    lock(user)
    page = login(user.email, PASSWORD, client=client).content.decode()
    assert OFFER in page
    assert f'action="{reverse("accounts:sign_in_link_request")}"' in page
    assert f'name="email" value="{user.email}"' in page


def test_the_owner_of_a_locked_account_signs_in_with_the_link_and_the_lockout_is_forgotten(clock):
    user = UserFactory()
    lock(user)
    owner = Client(REMOTE_ADDR=OWNER)
    response = ask_link(owner, user.email)
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "15 minutes" in mail.outbox[0].body

    page = open_link(owner, emailed_link(mail.outbox[0]))
    assert page.context["valid"] is True
    assert signed_in_user_id(owner) is None  # opening the link is not using it
    response = owner.post(reverse("accounts:sign_in_link"))
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert int(signed_in_user_id(owner)) == user.pk
    # The account's failures are gone: its password works again, from anywhere.
    assert not throttle.account_lockouts([user.email])[user.email].failures
    assert login(user.email, PASSWORD, address=OWNER).status_code == 302


def test_the_link_signs_in_once_and_only_once(clock):
    user = UserFactory()
    ask_link(Client(), user.email)
    path = emailed_link(mail.outbox[0])
    first = Client()
    use_link(first, path)
    assert int(signed_in_user_id(first)) == user.pk

    second = Client()
    assert open_link(second, path).context["valid"] is False
    response = second.post(reverse("accounts:sign_in_link"))
    assert response.status_code == 200 and response.context["valid"] is False
    assert "n'est plus valable" in response.content.decode()
    assert signed_in_user_id(second) is None


def test_using_a_link_ends_the_other_links_of_the_account(clock):
    user = UserFactory()
    ask_link(Client(), user.email)
    ask_link(Client(), user.email)
    older, newer = (emailed_link(message) for message in mail.outbox)
    use_link(Client(), newer)
    client = Client()
    use_link(client, older)
    assert signed_in_user_id(client) is None


def test_mail_filters_opening_the_link_do_not_use_it_up(clock):
    user = UserFactory()
    ask_link(Client(), user.email)
    path = emailed_link(mail.outbox[0])
    for _ in range(3):
        open_link(Client(), path)  # a link scanner, in a session of its own
    owner = Client()
    use_link(owner, path)
    assert int(signed_in_user_id(owner)) == user.pk


def test_the_link_expires_after_fifteen_minutes(clock):
    user = UserFactory()
    ask_link(Client(), user.email)
    path = emailed_link(mail.outbox[0])
    clock.advance(minutes=15, seconds=1)
    client = Client()
    assert open_link(client, path).context["valid"] is False
    client.post(reverse("accounts:sign_in_link"))
    assert signed_in_user_id(client) is None


def test_only_a_hash_of_the_link_is_stored(clock):
    user = UserFactory()
    ask_link(Client(), user.email)
    token = re.search(r"jeton=(\S+)", mail.outbox[0].body).group(1)
    link = SignInLink.objects.get(user=user)
    assert token not in link.digest and link.digest == sign_in_links._digest(token)


def test_a_forged_or_missing_secret_signs_nobody_in(clock):
    UserFactory()
    client = Client()
    assert open_link(client, reverse("accounts:sign_in_link") + "?jeton=invente").context["valid"] is False
    client.post(reverse("accounts:sign_in_link"))
    assert signed_in_user_id(client) is None
    assert Client().post(reverse("accounts:sign_in_link")).context["valid"] is False


def test_the_link_does_not_skip_the_second_factor(clock):
    coach = staff(Role.COACH, ServiceFactory())
    device, _codes = enrol_device(coach)
    lock(coach)
    owner = Client(REMOTE_ADDR=OWNER)
    ask_link(owner, coach.email)
    response = use_link(owner, emailed_link(mail.outbox[0]))
    assert response["Location"] == reverse("accounts:login_code")
    assert signed_in_user_id(owner) is None
    page = owner.get(reverse("accounts:login_code")).content.decode()
    assert "Votre lien de connexion est accepté" in page
    # Whoever keeps the account locked goes on; the code step is past the account's lockout.
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(coach.email, "mauvais")
    clock.advance(seconds=30)
    response = owner.post(reverse("accounts:login_code"), {"code": code_at(device.secret, clock.now)})
    assert response.status_code == 302
    assert int(signed_in_user_id(owner)) == coach.pk


def test_wrong_codes_after_a_link_are_bounded(clock):
    coach = staff(Role.COACH, ServiceFactory())
    device, _codes = enrol_device(coach)
    owner = Client(REMOTE_ADDR=OWNER)
    ask_link(owner, coach.email)
    use_link(owner, emailed_link(mail.outbox[0]))
    for _ in range(two_factor.LINK_CODE_ATTEMPTS - 1):
        response = owner.post(reverse("accounts:login_code"), {"code": "000000"})
        assert response.status_code == 200
    response = owner.post(reverse("accounts:login_code"), {"code": "000000"})
    assert response["Location"] == reverse("accounts:sign_in_link_request")
    clock.advance(seconds=30)
    response = owner.post(reverse("accounts:login_code"), {"code": code_at(device.secret, clock.now)})
    assert response["Location"] == reverse("accounts:login")  # the sign-in was abandoned
    assert signed_in_user_id(owner) is None


def test_the_code_step_after_a_link_still_respects_the_lockout_of_the_client_address(clock):
    coach = staff(Role.COACH, ServiceFactory())
    device, _codes = enrol_device(coach)
    owner = Client(REMOTE_ADDR=OWNER)
    ask_link(owner, coach.email)
    use_link(owner, emailed_link(mail.outbox[0]))
    for number in range(throttle.ADDRESS_LIMIT):  # guesses on other accounts, from the same address
        login(f"autre{number % 4}@exemple.example", "mauvais", address=OWNER)
    clock.advance(seconds=30)
    response = owner.post(reverse("accounts:login_code"), {"code": code_at(device.secret, clock.now)})
    assert LOCKED in " ".join(response.context["form"].non_field_errors())
    assert signed_in_user_id(owner) is None


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_an_account_that_must_have_a_second_factor_still_sets_it_up_and_needs_its_password(clock):
    coach = staff(Role.COACH, ServiceFactory())
    owner = Client(REMOTE_ADDR=OWNER)
    ask_link(owner, coach.email)
    use_link(owner, emailed_link(mail.outbox[0]))
    assert int(signed_in_user_id(owner)) == coach.pk
    assert owner.get(reverse("core:home"))["Location"] == reverse("accounts:two_factor_setup")
    # The mailbox is not the password: setting up a second factor asks for it first.
    assert owner.get(reverse("accounts:two_factor_setup"))["Location"].startswith(
        reverse("accounts:reauthenticate")
    )


def page_text(response) -> str:
    """The page without what changes with every response (the CSRF token, the scripts' nonce)."""
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", response.content.decode())


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(clock):
    user = UserFactory(email="connue@exemple.example")
    known = ask_link(Client(), user.email)
    unknown = ask_link(Client(), "inconnue@exemple.example")
    assert known.status_code == unknown.status_code == 200
    assert page_text(known) == page_text(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]


@pytest.mark.parametrize("kind", ["deactivated", "invited"])
def test_accounts_that_do_not_sign_in_with_a_password_get_no_link(clock, kind):
    if kind == "deactivated":
        user = UserFactory(is_active=False)
    else:
        user = User.objects.create_user(email="invitee@exemple.example", full_name="Invitée")
    response = ask_link(Client(), user.email)
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert mail.outbox == [] and not SignInLink.objects.exists()


@pytest.mark.parametrize("email", ["connue@exemple.example", "inconnue@exemple.example"])
def test_links_are_limited_per_address_whether_or_not_it_has_an_account(clock, email):
    UserFactory(email="connue@exemple.example")
    for number in range(throttle.LINK_ACCOUNT_LIMIT):
        response = ask_link(Client(REMOTE_ADDR=f"203.0.113.{number + 10}"), email)
        assert "Vérifiez votre messagerie" in response.content.decode()
    refused = ask_link(Client(REMOTE_ADDR="203.0.113.99"), email)
    assert "Trop de liens demandés" in refused.content.decode()
    sent = len(mail.outbox)
    assert sent == (throttle.LINK_ACCOUNT_LIMIT if email.startswith("connue") else 0)
    clock.advance(hours=1, seconds=1)
    assert "Vérifiez votre messagerie" in ask_link(Client(), email).content.decode()


def test_links_are_limited_per_client_address(clock):
    client = Client(REMOTE_ADDR=ATTACKER)
    for number in range(throttle.LINK_ADDRESS_LIMIT):
        ask_link(client, f"quelquun{number}@exemple.example")
    assert "Trop de liens demandés" in ask_link(client, "encore@exemple.example").content.decode()
    assert (
        "Vérifiez votre messagerie"
        in ask_link(Client(REMOTE_ADDR=OWNER), "encore@exemple.example").content.decode()
    )


def test_a_link_leaves_the_password_lockout_of_the_client_address_in_place(clock):
    user = UserFactory()
    for number in range(throttle.ADDRESS_LIMIT):
        login(f"autre{number % 4}@exemple.example", "mauvais", address=ATTACKER)
    client = Client(REMOTE_ADDR=ATTACKER)
    ask_link(client, user.email)
    use_link(client, emailed_link(mail.outbox[0]))
    client.logout()
    assert LOCKED in login(user.email, PASSWORD, client=client).content.decode()
    assert AuthFailure.objects.exists()
