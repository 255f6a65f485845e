"""Shortcuts of the account tests: a movable clock, an enrolled authenticator, a client that
re-authenticated a moment ago."""

from datetime import UTC, datetime, timedelta

import pyotp
from django.utils import timezone

from filrouge.accounts import two_factor
from filrouge.accounts.models import TotpDevice
from filrouge.accounts.reauth import SESSION_REAUTH_AT


class Clock:
    """Stands in for django.utils.timezone.now; tests move it forward."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


def freeze_time(monkeypatch, start=None) -> Clock:
    # In the middle of a 30-second step, so "the step before" and "after" are unambiguous.
    clock = Clock(start or datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def code_at(secret: str, when: datetime, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(when, counter_offset=steps)


def enrol_device(user) -> tuple[TotpDevice, list[str]]:
    """A confirmed authenticator for the user, as if set up through the enrolment page."""
    device = two_factor.pending_device(user)
    codes = two_factor.confirm_device(device, code_at(device.secret, timezone.now()))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def recently_authenticated(client, user):
    client.force_login(user)
    session = client.session
    session[SESSION_REAUTH_AT] = timezone.now().timestamp()
    session.save()
    return client
