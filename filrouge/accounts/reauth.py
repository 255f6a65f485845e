"""Re-authentication ("sudo mode"): sensitive actions need a password (and code) given recently.

A successful sign-in or re-authentication stamps the session; `recent_auth_required` lets a
view run only while that stamp is younger than REAUTH_VALIDITY, otherwise it sends the user to
`accounts:reauthenticate`, which brings them back (as a GET) once they have confirmed.
"""

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SESSION_REAUTH_AT = "filrouge_reauth_at"
REAUTH_VALIDITY = timedelta(minutes=10)


def mark_recent_auth(request) -> None:
    """Called when the user has just proved who they are (sign-in, re-authentication)."""
    request.session[SESSION_REAUTH_AT] = timezone.now().timestamp()


def has_recent_auth(request) -> bool:
    stamp = request.session.get(SESSION_REAUTH_AT)
    if stamp is None:
        return False
    age = timezone.now().timestamp() - stamp
    return 0 <= age <= REAUTH_VALIDITY.total_seconds()


def reauthenticate_url(next_url: str) -> str:
    return f"{reverse('accounts:reauthenticate')}?{urlencode({'next': next_url})}"


def recent_auth_required(view):
    """Decorates a view (function, or a class view's dispatch through method_decorator)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if has_recent_auth(request):
            return view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            # The form data cannot survive the detour: say so rather than drop it silently.
            messages.warning(
                request,
                _(
                    "Pour votre sécurité, confirmez votre identité avant cette action. "
                    "Votre saisie n'a pas été enregistrée : vous pourrez la refaire ensuite."
                ),
            )
            return redirect(reauthenticate_url(request.path))
        return redirect(reauthenticate_url(request.get_full_path()))

    return wrapper
