"""The emails sent to staff accounts (invitation, password reset, sign-in link), always sent
later by a background task, never inside the request.

A mail server answering inside the request would make an existing address answer slower than
an unknown one (and a slow server would hold the page). `send_later` only records the task (a
row of the tasks table, written in the request's transaction, so nothing is sent for a change
that is rolled back); the worker (`filrouge serve` starts it beside the web server) builds the
email and sends it. The task carries the kind of email, the account's id or None, and the
site's address: never an email address. It finds out itself whether there is anything to send,
so a request about an unknown address leaves the same trace as one about a real account.
"""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from filrouge.accounts import sign_in_links
from filrouge.accounts.models import User
from filrouge.accounts.tokens import invitation_path

logger = logging.getLogger(__name__)

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"  # noqa: S105  (a kind of email, not a secret)
SIGN_IN_LINK = "sign_in_link"


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached. Raised without the original error,
    which may quote the recipient's address, so the task's stored traceback holds none."""


def send_later(kind: str, user_id: int | None, base_url: str) -> None:
    """Asks the worker to send the `kind` email to the account `user_id`; with None (an
    address that has no account), the task runs and sends nothing."""
    if kind not in BUILDERS:
        raise ValueError(f"unknown email kind: {kind}")
    # The account's organisation, so that a failure shows on its administrators' page of tasks.
    organisation_id = User.objects.filter(pk=user_id).values_list("organisation_id", flat=True).first()
    send_account_email.enqueue(kind, user_id, base_url, organisation_id=organisation_id)


@task
def send_account_email(
    kind: str, user_id: int | None, base_url: str, organisation_id: int | None = None
) -> bool:
    """Builds and sends one email; returns whether one was sent."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first() if user_id else None
    if user is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        message = BUILDERS[kind](user, base_url.rstrip("/"))
    if message is None:
        return False
    subject, body = message
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        logger.warning("The %s email to account %s could not be sent.", kind, user.pk)
        raise DeliveryFailed(kind) from None
    return True


def invitation(user: User, base_url: str) -> tuple[str, str] | None:
    if not user.has_pending_invitation:
        return None  # the password was chosen (or the account closed) since it was asked for
    context = {
        "user": user,
        "organisation": user.organisation,
        "link": base_url + invitation_path(user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    subject = _("Votre compte filrouge — %(organisation)s") % {"organisation": user.organisation}
    return subject, render_to_string("accounts/email/invitation.txt", context)


def password_reset(user: User, base_url: str) -> tuple[str, str] | None:
    # As Django's own reset form: only an active account that has a password to reset.
    if not (user.is_active and user.has_usable_password()):
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = base_url + reverse(
        "accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)]
    )
    subject = "".join(render_to_string("accounts/email/password_reset_subject.txt").splitlines())
    return subject, render_to_string("accounts/email/password_reset.txt", {"link": link})


def sign_in_link(user: User, base_url: str) -> tuple[str, str] | None:
    if not sign_in_links.may_receive(user):
        return None
    token = sign_in_links.issue(user)
    # The secret travels in the query string: the access log records paths only.
    link = f"{base_url}{reverse('accounts:sign_in_link')}?{urlencode({'jeton': token})}"
    minutes = int(sign_in_links.LIFETIME.total_seconds() // 60)
    subject = _("filrouge : votre lien de connexion")
    return subject, render_to_string("accounts/email/sign_in_link.txt", {"link": link, "minutes": minutes})


BUILDERS = {INVITATION: invitation, PASSWORD_RESET: password_reset, SIGN_IN_LINK: sign_in_link}
