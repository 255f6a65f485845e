"""Error tracking with sentry-sdk, for a self-hosted Sentry or GlitchTip, with nothing of a person in it.

Only when SENTRY_DSN (or SENTRY_DSN_FILE) is set: settings.py calls `init_from_environment()` then,
and sentry_sdk is never imported otherwise. What an event keeps: the exception's type, module and
stack (file, function, line and source code: no local variables), the exception's message only when
filrouge wrote it (its own exceptions name things, never people; other libraries' messages may quote
a value: a database's "Key (email)=(…) already exists"), the request's method, the route's pattern
(not the path, which may hold a reset token) and a few technical headers, the user's id, and the
release and environment. Never: the request's body, query string, cookies, other headers, the
client's address, the user's name or email, the values of local variables, logged messages' values.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata

# Request headers kept on an event (lower case): technical, never about a person. Referer is not
# one of them (it carries the previous page's query string, a search by name for instance), nor
# User-Agent or the forwarding headers (the client's address).
SAFE_HEADERS = frozenset(
    {"accept", "accept-language", "content-length", "content-type", "host", "x-forwarded-proto"}
)
# What an event's `request` keeps, besides the headers above.
SAFE_REQUEST_KEYS = frozenset({"method"})
# The message that replaces an exception's own when it was not written by filrouge.
REMOVED = "[removed: message not written by filrouge]"
# The user's fields sent: the id only (a number, looked up in the application by whoever may).
SAFE_USER_KEYS = frozenset({"id"})


def dsn_from_environment(environ=os.environ) -> str:
    """SENTRY_DSN, or the contents of the file SENTRY_DSN_FILE names (a secret kept out of the
    environment file); empty when neither is set."""
    dsn = environ.get("SENTRY_DSN", "").strip()
    if dsn:
        return dsn
    path = environ.get("SENTRY_DSN_FILE", "").strip()
    if path:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    return ""


def release_from_environment(environ=os.environ) -> str:
    release = environ.get("SENTRY_RELEASE", "").strip()
    if release:
        return release
    try:
        return f"filrouge@{metadata.version('filrouge')}"
    except metadata.PackageNotFoundError:
        return "filrouge"


def init_from_environment(environ=os.environ, **options) -> bool:
    """Start error tracking when a DSN is configured; return whether it was started. `options` go to
    sentry_sdk.init (the tests give their transport)."""
    dsn = dsn_from_environment(environ)
    if not dsn:
        return False
    init(
        dsn,
        environment=environ.get("SENTRY_ENVIRONMENT", "").strip() or "production",
        release=release_from_environment(environ),
        **options,
    )
    return True


def init(dsn: str, *, environment: str, release: str, **options) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        # The route's pattern ("/people/{pk}/") names the transaction, never the path itself.
        integrations=[DjangoIntegration(transaction_style="url")],
        # What integrations collect. sentry-sdk 2.76 replaced `send_default_pii` (deprecated; left
        # unset it means False) by this, whose every omitted entry defaults to collecting: all are
        # given. before_send below still strips every event, whatever an integration collected.
        data_collection={
            "user_info": False,  # no email, username or address: UserIdMiddleware sets the id only
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},  # a search by name, a filter on a person
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
            # A frame's local variables may hold a person's record, a form's data or a note's text.
            "stack_frame_variables": False,
        },
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        in_app_include=["filrouge"],
        # Errors only: no performance traces, no profiles.
        traces_sample_rate=None,
        **options,
    )


class UserIdMiddleware:
    """Puts the signed-in user's id, and nothing else of them, on the request's error events (placed
    right after AuthenticationMiddleware by settings.py when error tracking is on)."""

    def __init__(self, get_response):
        import sentry_sdk

        self.sentry_sdk = sentry_sdk
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.sentry_sdk.get_isolation_scope().set_user({"id": str(user.pk)})
        return self.get_response(request)


def is_ours(exception: dict) -> bool:
    """An exception class defined by filrouge, whose message was written to name things, not people.
    Validation errors are not: their messages are shown to users and may quote what they typed."""
    module = exception.get("module") or ""
    if not (module == "filrouge" or module.startswith("filrouge.")):
        return False
    cls = getattr(sys.modules.get(module), exception.get("type") or "", None)
    if not isinstance(cls, type):
        return False  # not found where it says it was defined: not known to be ours
    from django.core.exceptions import ValidationError

    return not issubclass(cls, ValidationError)


def before_send(event: dict, hint: dict) -> dict:
    """Strips an event to what may leave the application (module docstring); sentry_sdk calls it on
    every error event, whatever produced it."""
    for exception in (event.get("exception") or {}).get("values") or []:
        if not is_ours(exception):
            exception["value"] = REMOVED
        _strip_stacktrace(exception.get("stacktrace"))
    for thread in (event.get("threads") or {}).get("values") or []:
        _strip_stacktrace(thread.get("stacktrace"))
    # The route's pattern names the transaction; a path that resolved to no route is not kept (it
    # may hold a token or anything typed into the address bar).
    route = (
        event.get("transaction") if (event.get("transaction_info") or {}).get("source") == "route" else None
    )
    if "transaction" in event and not route:
        event["transaction"] = "(no route)"
        event["transaction_info"] = {"source": "custom"}
    if "request" in event:
        event["request"] = _safe_request(event["request"], route)
    if "user" in event:
        user = {key: value for key, value in (event["user"] or {}).items() if key in SAFE_USER_KEYS}
        if user:
            event["user"] = user
        else:
            del event["user"]
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The format string is the code's; the values filled into it may be anyone's.
        event["logentry"] = {"message": logentry.get("message", "")}
    if isinstance(event.get("message"), str) and logentry:
        event["message"] = event["logentry"]["message"]
    event.pop("extra", None)  # sys.argv and anything a library set aside
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            crumb for crumb in map(_safe_breadcrumb, breadcrumbs.get("values") or []) if crumb
        ]
    return event


def before_breadcrumb(crumb: dict, hint: dict) -> dict | None:
    return _safe_breadcrumb(crumb)


def _strip_stacktrace(stacktrace: dict | None) -> None:
    for frame in (stacktrace or {}).get("frames") or []:
        frame.pop("vars", None)


def _safe_request(request: dict, route: str | None) -> dict:
    safe = {key: value for key, value in request.items() if key in SAFE_REQUEST_KEYS}
    headers = request.get("headers") or {}
    safe["headers"] = {key: value for key, value in headers.items() if key.lower() in SAFE_HEADERS}
    if route:
        safe["url"] = route
    return safe


def _safe_breadcrumb(crumb: dict) -> dict | None:
    """A breadcrumb keeps its kind and time; SQL keeps its text (parameters are never recorded without
    send_default_pii), every other message and all data are dropped."""
    if not isinstance(crumb, dict):
        return None
    safe = {key: crumb[key] for key in ("type", "category", "level", "timestamp") if key in crumb}
    if crumb.get("category") == "query" and isinstance(crumb.get("message"), str):
        safe["message"] = crumb["message"]
    return safe
