"""Brute-force protection: after too many failed passwords or codes, an account or an address
is locked out for a cool-off period, whatever is typed (a right password included).

Failures are counted per account (the address typed, whether or not an account has it, so a
lockout never tells that an account exists) and per client address, over WINDOW. Attempts made
during a lockout are refused without being counted, so the cool-off ends on time.
"""

import math
from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from filrouge.accounts.models import AuthFailure, User
from filrouge.core.addresses import client_address

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)
COOL_OFF = timedelta(minutes=15)


def _key(kind: str, value: str) -> str:
    return salted_hmac("filrouge.accounts.throttle", f"{kind}:{value}", algorithm="sha256").hexdigest()


def _keys(request, email: str) -> list[tuple[str, int]]:
    return [
        (_key("account", User.objects.normalize_email(email)), ACCOUNT_LIMIT),
        (_key("address", client_address(request)), ADDRESS_LIMIT),
    ]


def lockout_remaining(request, email: str) -> timedelta | None:
    """How long the account or the address stays locked out, or None when it is not."""
    now = timezone.now()
    remaining = None
    for key, limit in _keys(request, email):
        recent = list(
            AuthFailure.objects.filter(key=key, at__gt=now - WINDOW)
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            left = recent[0] + COOL_OFF - now
            if left > timedelta(0) and (remaining is None or left > remaining):
                remaining = left
    return remaining


def lockout_message(remaining: timedelta) -> str:
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return ngettext(
        "Trop de tentatives infructueuses. Par sécurité, la connexion est bloquée : "
        "réessayez dans %(minutes)s minute.",
        "Trop de tentatives infructueuses. Par sécurité, la connexion est bloquée : "
        "réessayez dans %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def record_failure(request, email: str) -> None:
    now = timezone.now()
    AuthFailure.objects.bulk_create([AuthFailure(key=key, at=now) for key, _limit in _keys(request, email)])
    # Rows older than both periods count for nothing: the index on `at` makes this cheap.
    AuthFailure.objects.filter(at__lt=now - max(WINDOW, COOL_OFF)).delete()


def record_success(request, email: str) -> None:
    """A complete sign-in clears the account's count; the address keeps its own, or one good
    account would let an attacker go on guessing others from the same address."""
    AuthFailure.objects.filter(key=_key("account", User.objects.normalize_email(email))).delete()
