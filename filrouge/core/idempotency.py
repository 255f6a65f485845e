"""A form sent twice is saved once.

Every POST form carries a random token (`_submission`, added by
`static/filrouge/js/submissions.js`, which also disables its buttons while it is sent). For a
signed-in user, the token is inserted in the transaction that wraps the view's, before the view
writes anything: a second request with the same token waits on the unique index while the first
one runs, then finds it, and gets the first one's answer (the page the saved form led to)
instead of saving again.

Only a saved form keeps its token: every form that saves answers with a redirection (post,
redirect, get). A form shown again with its errors, a refusal or an error releases the token, so
that correcting the form and sending it again works.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.core.models import Submission

FIELD = "_submission"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEPT_FOR = timedelta(days=1)
# The page a saved form leads to reads the tokens saved last, so that the browser forgets those
# forms' drafts (drafts.js). Random values, no personal data.
SAVED_COOKIE = "filrouge_saved"
SAVED_COOKIE_SIZE = 10
REDIRECTIONS = frozenset({301, 302, 303, 307, 308})


def token_of(request) -> str | None:
    """The request's token when it carries a well-formed one."""
    token = request.POST.get(FIELD, "")
    return token if TOKEN.fullmatch(token) else None


def remember_saved(request, response, token: str) -> None:
    earlier = request.COOKIES.get(SAVED_COOKIE, "").split(".")
    saved = [*(t for t in earlier if TOKEN.fullmatch(t)), token][-SAVED_COOKIE_SIZE:]
    response.set_cookie(
        SAVED_COOKIE,
        ".".join(saved),
        max_age=int(KEPT_FOR.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # read by the page's script
        samesite="Strict",
    )


def prune(now=None) -> int:
    """Forgets the submissions older than a day; returns how many."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _by_model = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotencyMiddleware:
    """Answers a repeated submission with the first one's answer. Sits inside AuditMiddleware, so
    that the audit's own writes stay outside this transaction; ATOMIC_REQUESTS makes the view's
    transaction a savepoint within it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not request.user.is_authenticated:
            return self.get_response(request)
        token = token_of(request)
        if token is None:
            return self.get_response(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    submission = Submission.objects.create(user=request.user, token=token, location="")
            except IntegrityError:
                return self.replay(request, token)
            response = self.get_response(request)
            if response.status_code in REDIRECTIONS and response.has_header("Location"):
                submission.location = response["Location"]
                submission.save(update_fields=["location"])
                remember_saved(request, response, token)
            else:
                submission.delete()
        prune()
        return response

    def replay(self, request, token: str):
        # A token already there was saved with its answer: a submission that saved nothing is
        # removed by the transaction that inserted it, so no one else ever sees it.
        first = Submission.objects.get(user=request.user, token=token)
        messages.info(request, _("Ce formulaire avait déjà été envoyé : il n'est enregistré qu'une fois."))
        response = redirect(first.location)
        remember_saved(request, response, token)
        return response
