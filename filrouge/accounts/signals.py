from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from filrouge.accounts.models import UserSession
from filrouge.accounts.sessions import SESSION_STARTED_AT


@receiver(user_logged_in)
def track_session(sender, request, user, **kwargs):
    request.session[SESSION_STARTED_AT] = timezone.now().timestamp()
    request.session.save()
    UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
