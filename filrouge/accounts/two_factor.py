"""The second factor: TOTP devices (RFC 6238) and single-use recovery codes, the rule of who
must use them, and the half-finished sign-in waiting for a code."""

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.models import RecoveryCode, TotpDevice, User

ISSUER = "filrouge"
STEP_SECONDS = 30
TOLERANCE_STEPS = 1  # a code of the step before or after is accepted: clocks drift
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
RECOVERY_CODE_LENGTH = 10
PENDING_DEVICE_LIFETIME = timedelta(hours=1)


# --- Who must use it --------------------------------------------------------------------------


def has_device(user) -> bool:
    return TotpDevice.objects.confirmed().filter(user=user).exists()


def confirmed_device(user) -> TotpDevice | None:
    return TotpDevice.objects.confirmed().filter(user=user).first()


def is_required(user) -> bool:
    """The installation asks for it, and the policy says this user's access needs it."""
    return settings.TWO_FACTOR_REQUIRED and policy.requires_two_factor(user)


def may_disable(user) -> bool:
    return not is_required(user)


# --- Enrolment ----------------------------------------------------------------------------------


def pending_device(user) -> TotpDevice:
    """The device being set up: the same secret while the user scans it, a new one after an hour."""
    device = TotpDevice.objects.pending().filter(user=user).first()
    if device is not None and device.created_at > timezone.now() - PENDING_DEVICE_LIFETIME:
        return device
    if device is not None:
        device.delete()
    return TotpDevice.objects.create(user=user, secret=pyotp.random_base32())


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret, interval=STEP_SECONDS).provisioning_uri(
        name=device.user.email, issuer_name=ISSUER
    )


def qr_code_svg(device: TotpDevice) -> str:
    """The otpauth:// link as an inline SVG: no external image, no script."""
    svg = segno.make(provisioning_uri(device), error="m").svg_inline(
        scale=5, border=4, svgclass="qr-code", title=_("Code QR à scanner avec votre application")
    )
    return mark_safe(svg)  # noqa: S308  (built by segno from our own link; its title is escaped)


def grouped_secret(device: TotpDevice) -> str:
    """The secret in groups of four, easier to type into an application by hand."""
    return " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))


@transaction.atomic
def confirm_device(device: TotpDevice, code: str) -> list[str] | None:
    """Confirms the pending device with a first code; returns the new recovery codes, or None
    when the code is wrong. A device confirmed before is replaced."""
    device = TotpDevice.objects.select_for_update().get(pk=device.pk)
    step = matching_step(device, code)
    if step is None:
        return None
    TotpDevice.objects.confirmed().filter(user=device.user).delete()
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.save(update_fields=["confirmed_at", "last_used_step"])
    return regenerate_recovery_codes(device.user)


@transaction.atomic
def disable(user) -> None:
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


# --- Codes --------------------------------------------------------------------------------------


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def current_step() -> int:
    return int(timezone.now().timestamp()) // STEP_SECONDS


def matching_step(device: TotpDevice, code: str) -> int | None:
    """The step the code belongs to, within the tolerance and after the last one used."""
    code = normalise(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(device.secret, interval=STEP_SECONDS)
    now = current_step()
    for step in range(now - TOLERANCE_STEPS, now + TOLERANCE_STEPS + 1):
        if device.last_used_step is not None and step <= device.last_used_step:
            continue  # already used, or older than a code already used: a replay
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def display_recovery_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    """Replaces every recovery code of the user; the codes are returned once, never stored."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    rows = []
    for code in codes:
        salt = secrets.token_hex(16)
        rows.append(RecoveryCode(user=user, salt=salt, code_hash=_hash(salt, code)))
    RecoveryCode.objects.bulk_create(rows)
    return [display_recovery_code(code) for code in codes]


def remaining_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def use_recovery_code(user, code: str) -> bool:
    code = normalise(code)
    if len(code) != RECOVERY_CODE_LENGTH:
        return False
    for row in RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
        if hmac.compare_digest(row.code_hash, _hash(row.salt, code)):
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            return True
    return False


TOTP = "totp"
RECOVERY = "recovery"


@transaction.atomic
def verify(user, code: str) -> str | None:
    """A code from the user's confirmed device, or one of their unused recovery codes: returns
    which kind was accepted (TOTP or RECOVERY), or None."""
    device = TotpDevice.objects.select_for_update().confirmed().filter(user=user).first()
    if device is None:
        return None
    step = matching_step(device, code)
    if step is not None:
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return TOTP
    return RECOVERY if use_recovery_code(user, code) else None


def report_failure(request, user) -> None:
    """Failed codes reach the same signal as failed passwords (the audit trail listens)."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.email, "step": "second_factor"},
        request=request,
    )


# --- The sign-in waiting for its code ------------------------------------------------------------
# Between the password (or a sign-in link) and the code, the session holds only who and since
# when: nobody is signed in yet, and after PENDING_LOGIN_LIFETIME the password must be given again.

SESSION_PENDING = "filrouge_2fa_pending"
PENDING_LOGIN_LIFETIME = timedelta(minutes=5)


def start_pending_login(request, user, next_url: str, backend: str, *, by_link: bool = False) -> None:
    """`by_link`: the sign-in began with an emailed link instead of the password (its code step
    ignores the account's lockout, and allows LINK_CODE_ATTEMPTS wrong codes)."""
    pending = {"user": user.pk, "at": timezone.now().timestamp(), "backend": backend, "next": next_url}
    if by_link:
        pending |= {"by_link": True, "failures": 0}
    request.session[SESSION_PENDING] = pending


# A sign-in by link skips the account's lockout (someone else may be keeping it locked), so it
# bounds the codes it tries itself: after these, a new link is needed.
LINK_CODE_ATTEMPTS = 5


def link_attempts_exhausted(request) -> bool:
    """Counts a wrong code of a sign-in begun with a link; True (and the sign-in abandoned) once
    LINK_CODE_ATTEMPTS were wrong."""
    pending = request.session.get(SESSION_PENDING)
    if not isinstance(pending, dict) or not pending.get("by_link"):
        return False
    pending["failures"] = pending.get("failures", 0) + 1
    request.session.modified = True
    if pending["failures"] < LINK_CODE_ATTEMPTS:
        return False
    clear_pending_login(request)
    return True


def pending_login(request) -> tuple[User, dict] | None:
    """The user who gave their password and owes a code, if it was less than 5 minutes ago."""
    pending = request.session.get(SESSION_PENDING)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - pending.get("at", 0)
    if not 0 <= age <= PENDING_LOGIN_LIFETIME.total_seconds():
        clear_pending_login(request)
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        clear_pending_login(request)
        return None
    return user, pending


def clear_pending_login(request) -> None:
    request.session.pop(SESSION_PENDING, None)
