from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.accounts import two_factor
from filrouge.accounts.sessions import asks_status, is_activity, session_expired, touch


class SessionLifetimeMiddleware:
    """Logs out a session idle for too long or older than its absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if session_expired(request.session, timezone.now().timestamp()):
                logout(request)
                messages.info(request, _("Votre session a expiré. Reconnectez-vous pour continuer."))
                # The countdown's own request gets its answer (401), and the page then goes to
                # the login page with this message; any other goes there at once.
                if not asks_status(request):
                    return redirect_to_login(request.get_full_path())
            elif is_activity(request):
                touch(request.session)
        return self.get_response(request)


class TwoFactorMiddleware:
    """An account whose access needs a second factor (`policy.requires_two_factor`) and that has
    none yet reaches only the pages to set one up, until it does."""

    # Setting up needs a recent password (re-authentication); the rest never holds case data.
    OPEN_VIEWS = frozenset(
        {
            "accounts:two_factor_setup",
            "accounts:reauthenticate",
            "accounts:logout",
            "accounts:session",
            "set_language",
            "core:healthz",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and not self.is_open(request.path_info)
            and two_factor.is_required(request.user)
            and not two_factor.has_device(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Votre compte donne accès à des données personnelles sensibles : activez la "
                    "double authentification pour continuer."
                ),
            )
            return redirect("accounts:two_factor_setup")
        return self.get_response(request)

    def is_open(self, path: str) -> bool:
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(path).view_name in self.OPEN_VIEWS
        except Resolver404:
            return False
