"""Brute-force protection: after too many failed passwords or codes, an account or an address
is locked out for a cool-off period, whatever is typed (a right password included).

Failures are counted per account (the address typed, whether or not an account has it, so a
lockout never tells that an account exists) and per client address, over WINDOW. Attempts made
during a lockout are refused without being counted, so the cool-off ends on time.

Anyone who knows an address can lock its account on purpose; its owner then signs in with a
link sent to that address (`accounts.sign_in_links`), whose requests are limited here too, and
an administrator sees the counts and can lift the lockout (`account_lockouts`, `clear_account`).
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from filrouge.accounts.models import AuthFailure, SignInLinkRequest, User
from filrouge.core.addresses import client_address

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)
COOL_OFF = timedelta(minutes=15)
# Sign-in links: a few per address typed (the owner's mailbox is not flooded), more per client
# address (a shared office connection), over LINK_WINDOW.
LINK_ACCOUNT_LIMIT = 3
LINK_ADDRESS_LIMIT = 10
LINK_WINDOW = timedelta(hours=1)


def _key(kind: str, value: str) -> str:
    return salted_hmac("filrouge.accounts.throttle", f"{kind}:{value}", algorithm="sha256").hexdigest()


def _account_key(email: str) -> str:
    return _key("account", User.objects.normalize_email(email))


def _keys(request, email: str) -> list[tuple[str, int]]:
    return [
        (_account_key(email), ACCOUNT_LIMIT),
        (_key("address", client_address(request)), ADDRESS_LIMIT),
    ]


def lockout_remaining(request, email: str, *, account: bool = True) -> timedelta | None:
    """How long the account or the address stays locked out, or None when it is not.
    `account=False` looks at the address alone: a sign-in begun with a link has already passed
    the lockout of the account."""
    now = timezone.now()
    remaining = None
    keys = _keys(request, email)
    for key, limit in keys if account else keys[1:]:
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
    clear_account(email)


def clear_account(email: str) -> int:
    """Forgets the account's failures, which ends its lockout; returns how many there were."""
    deleted, _by_model = AuthFailure.objects.filter(key=_account_key(email)).delete()
    return deleted


# --- What the administrator sees ----------------------------------------------------------------


@dataclass(frozen=True)
class AccountLockout:
    failures: int  # failed passwords and codes over the last WINDOW
    locked_until: datetime | None  # None when the account is not locked now

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None

    @property
    def window_minutes(self) -> int:
        return int(WINDOW.total_seconds() // 60)


def account_lockouts(emails) -> dict[str, AccountLockout]:
    """The recent failures and the lockout of each account, by address, in one query."""
    now = timezone.now()
    by_key = {_account_key(email): email for email in emails}
    times = defaultdict(list)
    rows = AuthFailure.objects.filter(key__in=by_key, at__gt=now - WINDOW).values_list("key", "at")
    for key, at in rows:
        times[by_key[key]].append(at)
    lockouts = {}
    for email in by_key.values():
        failures = times[email]
        until = max(failures) + COOL_OFF if len(failures) >= ACCOUNT_LIMIT else None
        lockouts[email] = AccountLockout(len(failures), until if until and until > now else None)
    return lockouts


# --- Sign-in links ------------------------------------------------------------------------------


def _link_keys(request, email: str) -> list[tuple[str, int]]:
    return [
        (_key("link-account", User.objects.normalize_email(email)), LINK_ACCOUNT_LIMIT),
        (_key("link-address", client_address(request)), LINK_ADDRESS_LIMIT),
    ]


def link_request_allowed(request, email: str) -> bool:
    """Counts a request for a sign-in link and says whether it may be sent. Counted on the
    address typed, whether or not an account has it: the answer tells nothing about accounts."""
    now = timezone.now()
    SignInLinkRequest.objects.filter(at__lt=now - LINK_WINDOW).delete()
    keys = _link_keys(request, email)
    for key, limit in keys:
        if SignInLinkRequest.objects.filter(key=key, at__gt=now - LINK_WINDOW).count() >= limit:
            return False
    SignInLinkRequest.objects.bulk_create([SignInLinkRequest(key=key, at=now) for key, _limit in keys])
    return True
