"""Two-factor authentication: enrolment, the code step of the sign-in, recovery codes, and who
must use it (TWO_FACTOR_REQUIRED is off in the test settings; the tests of the rule turn it on)."""

import re

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from filrouge.accounts import two_factor
from filrouge.accounts.domain import invitation_path
from filrouge.accounts.models import RecoveryCode, TotpDevice, User
from filrouge.organisations.models import Role
from tests.accounts.factories import PASSWORD, staff
from tests.accounts.helpers import code_at, enrol_device, freeze_time, recently_authenticated
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db
REQUIRED = override_settings(TWO_FACTOR_REQUIRED=True)


@pytest.fixture
def clock(monkeypatch):
    return freeze_time(monkeypatch)


@pytest.fixture
def coach(db):
    return staff(Role.COACH, ServiceFactory())


def login(client, email, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login") + extra.get("query", ""), {"username": email, "password": password}
    )


def send_code(client, code):
    return client.post(reverse("accounts:login_code"), {"code": code})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Enrolment ----------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_secret_in_text(client, coach, clock):
    recently_authenticated(client, coach)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 200
    device = TotpDevice.objects.pending().get(user=coach)
    html = response.content.decode()
    assert '<svg width="' in html and 'class="qr-code"' in html
    assert two_factor.grouped_secret(device) in html
    assert "<img" not in html.split("<main", 1)[1]  # nothing fetched from elsewhere
    # A reload keeps the same secret: the user may have scanned it already.
    client.get(reverse("accounts:two_factor_setup"))
    assert TotpDevice.objects.get(user=coach).secret == device.secret


def test_enrolling_with_a_real_code_activates_the_device_and_shows_ten_recovery_codes(client, coach, clock):
    recently_authenticated(client, coach)
    client.get(reverse("accounts:two_factor_setup"))
    device = TotpDevice.objects.get(user=coach)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_at(device.secret, clock.now)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    device.refresh_from_db()
    assert device.confirmed_at is not None
    # Only salted hashes are kept.
    stored = list(RecoveryCode.objects.filter(user=coach).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}
    assert "Activée" in client.get(reverse("accounts:profile")).content.decode()


def test_a_wrong_code_does_not_activate_the_device(client, coach, clock):
    recently_authenticated(client, coach)
    client.get(reverse("accounts:two_factor_setup"))
    device = TotpDevice.objects.get(user=coach)
    wrong = f"{(int(code_at(device.secret, clock.now)) + 1) % 1_000_000:06d}"
    for bad in (wrong, "abcdef", "", "1" * 40):
        response = client.post(reverse("accounts:two_factor_setup"), {"code": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["code"]
    assert not two_factor.has_device(coach)
    assert not RecoveryCode.objects.filter(user=coach).exists()


def test_the_secret_is_stored_encrypted(coach):
    device, _codes = enrol_device(coach)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc:") and device.secret not in raw


def test_setting_up_again_replaces_the_old_device_once_the_new_one_is_confirmed(client, coach, clock):
    old, _codes = enrol_device(coach)
    recently_authenticated(client, coach)
    client.get(reverse("accounts:two_factor_setup"))
    new = TotpDevice.objects.pending().get(user=coach)
    assert two_factor.confirmed_device(coach) == old  # still the old one until confirmed
    clock.advance(seconds=30)
    client.post(reverse("accounts:two_factor_setup"), {"code": code_at(new.secret, clock.now)})
    assert list(TotpDevice.objects.filter(user=coach)) == [new]


# --- Codes ----------------------------------------------------------------------------------------


def test_a_code_is_accepted_one_step_early_or_late_but_not_two(coach, clock):
    device, _codes = enrol_device(coach)
    clock.advance(minutes=5)
    assert two_factor.verify(coach, code_at(device.secret, clock.now, steps=-2)) is None
    assert two_factor.verify(coach, code_at(device.secret, clock.now, steps=2)) is None
    assert two_factor.verify(coach, code_at(device.secret, clock.now, steps=-1)) == two_factor.TOTP
    assert two_factor.verify(coach, code_at(device.secret, clock.now, steps=1)) == two_factor.TOTP


def test_a_code_cannot_be_replayed(coach, clock):
    device, _codes = enrol_device(coach)
    clock.advance(seconds=30)
    code = code_at(device.secret, clock.now)
    assert two_factor.verify(coach, code) == two_factor.TOTP
    assert two_factor.verify(coach, code) is None
    # Nor an older code still within the tolerance, once a later one was used.
    assert two_factor.verify(coach, code_at(device.secret, clock.now, steps=-1)) is None


def test_the_enrolment_code_cannot_be_replayed_to_sign_in(client, coach, clock):
    device, _codes = enrol_device(coach)
    login(client, coach.email)
    response = send_code(client, code_at(device.secret, clock.now))
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_a_recovery_code_works_once_whatever_its_case_or_dashes(client, coach, clock):
    _device, codes = enrol_device(coach)
    login(client, coach.email)
    response = send_code(client, " " + codes[3].upper() + " ")
    assert response.status_code == 302
    assert int(signed_in_user_id(client)) == coach.pk
    assert two_factor.remaining_recovery_codes(coach) == 9

    other = Client()
    login(other, coach.email)
    response = send_code(other, codes[3].replace("-", ""))
    assert response.status_code == 200
    assert signed_in_user_id(other) is None


def test_regenerating_recovery_codes_replaces_the_old_ones(client, coach, clock):
    _device, old_codes = enrol_device(coach)
    recently_authenticated(client, coach)
    assert client.get(reverse("accounts:two_factor_recovery_codes")).status_code == 200  # confirmation
    assert RecoveryCode.objects.filter(user=coach).count() == 10
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert two_factor.verify(coach, old_codes[0]) is None
    assert two_factor.verify(coach, new_codes[0]) == two_factor.RECOVERY


# --- The code step of the sign-in ----------------------------------------------------------------


def test_a_coach_with_a_device_is_signed_in_only_after_the_code(client, coach, clock):
    device, _codes = enrol_device(coach)
    response = login(client, coach.email)
    assert response["Location"] == reverse("accounts:login_code")
    assert signed_in_user_id(client) is None
    # Not signed in: any page sends back to the login page.
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))
    # The session holds only who and since when.
    pending = client.session[two_factor.SESSION_PENDING]
    assert set(pending) == {"user", "at", "backend", "next"}

    assert client.get(reverse("accounts:login_code")).status_code == 200
    clock.advance(seconds=30)
    response = send_code(client, code_at(device.secret, clock.now))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert int(signed_in_user_id(client)) == coach.pk
    assert two_factor.SESSION_PENDING not in client.session


def test_a_wrong_code_is_refused_and_reported_to_the_failed_login_signal(client, coach, clock):
    device, _codes = enrol_device(coach)
    received = []

    def listener(sender, credentials, request, **kwargs):
        received.append((credentials, request))

    user_login_failed.connect(listener)
    try:
        login(client, coach.email)
        clock.advance(seconds=30)
        wrong = f"{(int(code_at(device.secret, clock.now)) + 1) % 1_000_000:06d}"
        response = send_code(client, wrong)
    finally:
        user_login_failed.disconnect(listener)
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert signed_in_user_id(client) is None
    assert received[0][0] == {"username": coach.email, "step": "second_factor"}
    assert received[0][1] is not None


def test_the_code_step_expires_after_five_minutes(client, coach, clock):
    device, _codes = enrol_device(coach)
    login(client, coach.email)
    clock.advance(minutes=5, seconds=1)
    response = send_code(client, code_at(device.secret, clock.now))
    assert response["Location"] == reverse("accounts:login")
    assert signed_in_user_id(client) is None
    assert two_factor.SESSION_PENDING not in client.session


def test_the_code_page_without_a_password_first_goes_back_to_the_login(client):
    assert client.get(reverse("accounts:login_code"))["Location"] == reverse("accounts:login")
    assert client.post(reverse("accounts:login_code"), {"code": "123456"})["Location"] == reverse(
        "accounts:login"
    )


def test_next_is_kept_through_the_code_step_but_never_leaves_the_site(client, coach, clock):
    device, _codes = enrol_device(coach)
    profile = reverse("accounts:profile")
    login(client, coach.email, query=f"?next={profile}")
    clock.advance(seconds=30)
    assert send_code(client, code_at(device.secret, clock.now))["Location"] == profile

    other = Client()
    login(other, coach.email, query="?next=https://evil.example/")
    clock.advance(seconds=30)
    assert send_code(other, code_at(device.secret, clock.now))["Location"] == reverse("core:home")


def test_an_account_without_device_signs_in_with_its_password_alone_when_not_required(client, coach):
    response = login(client, coach.email)
    assert response["Location"] == reverse("core:home")
    assert int(signed_in_user_id(client)) == coach.pk


# --- Who must use it ------------------------------------------------------------------------------


@REQUIRED
def test_a_coach_without_device_is_confined_to_the_enrolment_until_enrolled(client, coach, clock):
    login(client, coach.email)
    assert int(signed_in_user_id(client)) == coach.pk
    for url in (reverse("core:home"), reverse("accounts:profile"), reverse("people:list"), "/nowhere/"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"] == reverse("accounts:two_factor_setup")
    assert client.post(reverse("accounts:profile"), {"full_name": "X"})["Location"] == reverse(
        "accounts:two_factor_setup"
    )
    page = client.get(reverse("accounts:two_factor_setup"), follow=True)
    assert page.status_code == 200
    assert "activez la double authentification pour continuer" in page.content.decode()
    # The rest of what stays open.
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "fr", "next": "/"}).status_code == 302

    device = TotpDevice.objects.get(user=coach)
    client.post(reverse("accounts:two_factor_setup"), {"code": code_at(device.secret, clock.now)})
    assert client.get(reverse("core:home")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


@REQUIRED
@pytest.mark.parametrize("role", ["org_admin", "funder_viewer"])
def test_an_account_without_case_access_is_not_forced(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("accounts:profile")).status_code == 200


@REQUIRED
@pytest.mark.parametrize("role", ["coach", "psychologist", "head_of_service", "director", "dpo"])
def test_every_role_reading_case_content_or_the_audit_is_forced(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("accounts:profile"))["Location"] == reverse("accounts:two_factor_setup")


@REQUIRED
def test_disabling_is_refused_while_the_account_requires_it(client, coach):
    enrol_device(coach)
    recently_authenticated(client, coach)
    assert "Désactiver la double" not in client.get(reverse("accounts:profile")).content.decode()
    response = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "ne peut pas être désactivée" in response.content.decode()
    assert two_factor.has_device(coach)


def test_disabling_asks_for_confirmation_then_removes_device_and_codes(client, coach):
    enrol_device(coach)
    recently_authenticated(client, coach)
    assert client.get(reverse("accounts:two_factor_disable")).status_code == 200
    assert two_factor.has_device(coach)
    assert client.post(reverse("accounts:two_factor_disable"))["Location"] == reverse("accounts:profile")
    assert not TotpDevice.objects.filter(user=coach).exists()
    assert not RecoveryCode.objects.filter(user=coach).exists()


# --- No way around it ------------------------------------------------------------------------------


def accept_invitation(client, user):
    form_url = client.get(invitation_path(user))["Location"]
    password = "Une-phrase-de-passe-neuve-7"
    return client.post(form_url, {"new_password1": password, "new_password2": password})


@REQUIRED
def test_an_invitation_signs_in_a_new_coach_straight_into_the_enrolment(client):
    service = ServiceFactory()
    user = User.objects.create_user(
        email="ines@a.example", full_name="Inès", organisation=service.organisation
    )
    staff_role = user.memberships.create(role=Role.COACH, service=service)
    assert staff_role.pk
    response = accept_invitation(client, user)
    assert int(signed_in_user_id(client)) == user.pk
    assert client.get(response["Location"])["Location"] == reverse("accounts:two_factor_setup")
    # Just signed in with a new password: the enrolment opens without another password.
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_an_invitation_to_an_account_with_a_device_asks_for_its_code(client, coach, clock):
    device, _codes = enrol_device(coach)
    coach.set_unusable_password()
    coach.save()
    response = accept_invitation(client, coach)
    assert response["Location"] == reverse("accounts:login_code")
    assert signed_in_user_id(client) is None
    clock.advance(seconds=30)
    send_code(client, code_at(device.secret, clock.now))
    assert int(signed_in_user_id(client)) == coach.pk


def test_a_password_reset_signs_nobody_in(client, coach):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    enrol_device(coach)
    uid = urlsafe_base64_encode(force_bytes(coach.pk))
    path = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(coach)])
    form_url = client.get(path)["Location"]
    password = "Une-phrase-de-passe-neuve-7"
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert signed_in_user_id(client) is None
    assert login(client, coach.email, password)["Location"] == reverse("accounts:login_code")


# --- A lost second factor, reset by an administrator --------------------------------------------


def test_an_administrator_resets_a_lost_second_factor_ends_the_sessions_and_it_is_audited(world):
    from filrouge.audit.models import AuditEntry

    coach, admin = world.users["coach"], world.users["org_admin"]
    enrol_device(coach)
    coach_client = Client()
    coach_client.force_login(coach)
    client = Client()
    client.force_login(admin)
    url = reverse("accounts:admin_reset_two_factor", args=[coach.pk])
    page = client.get(reverse("accounts:admin_detail", args=[coach.pk])).content.decode()
    assert url in page
    assert client.get(url).status_code == 200
    assert two_factor.has_device(coach)  # the confirmation page changes nothing

    response = client.post(url, follow=True)
    assert "réinitialisée" in response.content.decode()
    assert not TotpDevice.objects.filter(user=coach).exists()
    assert not RecoveryCode.objects.filter(user=coach).exists()
    assert coach_client.get(reverse("accounts:profile")).status_code == 302  # signed out
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=coach.pk).latest("pk")
    assert entry.actor == admin and entry.fields == ["second_factor"]


def test_nobody_resets_their_own_second_factor_through_the_administration(world):
    admin = world.users["org_admin"]
    enrol_device(admin)
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("accounts:admin_reset_two_factor", args=[admin.pk]), follow=True)
    assert "Mon compte" in response.content.decode()
    assert two_factor.has_device(admin)


def test_resetting_an_account_without_a_second_factor_says_so(world):
    client = Client()
    client.force_login(world.users["org_admin"])
    url = reverse("accounts:admin_reset_two_factor", args=[world.users["coach"].pk])
    response = client.post(url, follow=True)
    assert "pas de double authentification" in response.content.decode()
