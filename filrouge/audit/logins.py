"""Logins and failed logins, from Django's authentication signals.

A failed attempt names the account when the address typed is one (the typed address itself is
not kept: it may be someone's mistyped address), never the password. The second-factor step
sends the same signal with `{"username": email, "step": "second_factor"}`. Failures are written
once the response is ready, outside the view's transaction.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed

from filrouge.accounts.models import User
from filrouge.audit.api import client_address, record, record_after_response
from filrouge.audit.models import Kind


def on_login(sender, request, user, **kwargs):
    record(
        Kind.LOGIN,
        organisation_id=user.organisation_id,
        object_type="accounts.user",
        object_id=user.pk,
        user=user,
        address=client_address(request),
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    email = User.objects.normalize_email(str(credentials.get("username") or ""))
    account = User.objects.filter(email=email).only("pk", "organisation_id").first() if email else None
    step = "second_factor" if credentials.get("step") == "second_factor" else "password"
    record_after_response(
        kind=Kind.LOGIN_FAILED,
        organisation_id=account.organisation_id if account else None,
        object_type="accounts.user" if account else "",
        object_id=account.pk if account else None,
        # The account tried: "what happened to this account" shows its failed attempts.
        user=account,
        address=client_address(request),
        detail=step,
    )


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="audit:login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit:login_failed")
