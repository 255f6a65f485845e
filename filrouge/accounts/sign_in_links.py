"""Sign-in links: how the owner of a locked account still signs in.

Five wrong passwords typed on someone's address lock their account (`accounts.throttle`), so
anyone who knows the address can keep its owner out. The owner asks for a link, sent to that
address: it opens the account past its lockout, once, within LIFETIME, and clears its failures.
It replaces the password, not the second factor: an account with an authenticator is still
asked for a code, and one that must have a second factor still has to set it up.

The link carries a random secret; only its hash is stored, so a copy of the database opens
nothing. It is confirmed with a button (POST), because mail filters open links (GET) by
themselves and would use it up.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from filrouge.accounts.models import SignInLink, User

LIFETIME = timedelta(minutes=15)
SESSION_TOKEN = "filrouge_sign_in_link"  # noqa: S105  (a session key, not a secret)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_receive(user: User) -> bool:
    """Only an account that signs in with a password: not an invitation still pending, not a
    deactivated account."""
    return user.is_active and user.has_usable_password()


def issue(user: User) -> str:
    """A new link's secret, for the email; expired links are forgotten on the way."""
    now = timezone.now()
    SignInLink.objects.filter(created_at__lt=now - LIFETIME).delete()
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(user=user, digest=_digest(token), created_at=now)
    return token


def _valid(token: str):
    return SignInLink.objects.filter(
        digest=_digest(token or ""),
        used_at__isnull=True,
        created_at__gt=timezone.now() - LIFETIME,
        user__is_active=True,
    )


def is_valid(token: str) -> bool:
    """Whether the link would still sign someone in, without using it."""
    return any(may_receive(link.user) for link in _valid(token).select_related("user"))


@transaction.atomic
def redeem(token: str) -> User | None:
    """Uses the link up and returns its owner, or None when it is unknown, used or expired.
    Every other pending link of the owner dies with it."""
    link = _valid(token).select_for_update().select_related("user").first()
    if link is None or not may_receive(link.user):
        return None
    SignInLink.objects.filter(user=link.user, used_at__isnull=True).update(used_at=timezone.now())
    return link.user
