from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.accounts.sessions import session_expired, touch


class SessionLifetimeMiddleware:
    """Logs out a session idle for too long or older than its absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if session_expired(request.session, timezone.now().timestamp()):
                logout(request)
                messages.info(request, _("Votre session a expiré. Reconnectez-vous pour continuer."))
                return redirect_to_login(request.get_full_path())
            touch(request.session)
        return self.get_response(request)
