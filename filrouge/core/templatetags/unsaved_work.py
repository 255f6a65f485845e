"""`{% unsaved_work %}`: what the scripts that keep typed work need, on a signed-in page.

The session's countdown (`session.js`): when the session ends and how long before to warn. The
drafts (`drafts.js`): the account's draft key. The texts both show, in the page's language.
"""

from django import template
from django.conf import settings
from django.utils import timezone

from filrouge.accounts import sessions
from filrouge.core import drafts

register = template.Library()


@register.inclusion_tag("includes/unsaved_work.html", takes_context=True)
def unsaved_work(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    key = drafts.draft_key(user)
    return {
        "active": True,
        "session": sessions.status(request.session, timezone.now().timestamp()),
        "idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "warning_seconds": int(settings.SESSION_EXPIRY_WARNING.total_seconds()),
        "draft_key": key,
        "draft_key_id": drafts.key_id(key),
        "csrf_token": context.get("csrf_token"),
    }
