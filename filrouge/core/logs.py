"""Log lines that say which request they belong to, and nothing of a person.

`RequestIdMiddleware` (first in settings.MIDDLEWARE) gives each request an id, kept in a context
variable and sent back as the `X-Request-ID` response header; an incoming `X-Request-ID` (set by
nginx, `proxy_set_header X-Request-ID $request_id;`) is kept when it matches ID_PATTERN, replaced
otherwise. It also notes the route's pattern and the signed-in user's id once the view is known.
`RequestContextFilter`, on the console handler, stamps every record with them when it is emitted.

Two formatters, chosen by FILROUGE_LOG_FORMAT (settings.py): `TextFormatter` ("text", the default:
today's plain message, for development and the demo) and `JsonFormatter` ("json": one JSON object a
line, for journald and a log collector). Both drop what may quote a person:
- an exception's message unless filrouge wrote it (the same rule as error tracking:
  errors_tracking.is_ours); its type and traceback (file, line, function, source line) are kept,
  never local variables;
- the path in Django's request messages ("Not Found: /people/Dupont"), replaced by the route's
  pattern, and the query string in the development server's request lines.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import traceback
from datetime import UTC, datetime

from filrouge.core.errors_tracking import REMOVED, is_ours

HEADER = "X-Request-ID"
# An incoming id is kept only when it is this: letters, digits and dashes (a UUID, nginx's
# $request_id), nothing that could forge a log line or carry a value.
ID_PATTERN = re.compile(r"[A-Za-z0-9-]{8,64}")
NO_ROUTE = "(no route)"

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "filrouge_request_id", default=None
)
user_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("filrouge_user_id", default=None)
route_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("filrouge_route", default=None)


def new_request_id() -> str:
    return secrets.token_hex(16)


class RequestIdMiddleware:
    """First of the middleware: every response carries the id, redirects and errors included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if ID_PATTERN.fullmatch(incoming) else new_request_id()
        request.request_id = request_id
        tokens = [(request_id_var, request_id_var.set(request_id)), (user_id_var, user_id_var.set(None))]
        tokens.append((route_var, route_var.set(None)))
        try:
            response = self.get_response(request)
            response.headers[HEADER] = request_id
            return response
        finally:
            for var, token in reversed(tokens):
                var.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The view is known (the route's pattern) and AuthenticationMiddleware has run.
        match = getattr(request, "resolver_match", None)
        if match is not None and match.route:
            route_var.set("/" + match.route.lstrip("^").rstrip("$"))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
        return None


class RequestContextFilter(logging.Filter):
    """Stamps a record with the request's id, user id and route when it is emitted (a handler that
    formats later, in another thread, still has them)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
            record.user_id = user_id_var.get()
            record.route = route_var.get()
        return True


def safe_message(record: logging.LogRecord) -> str:
    """The record's message, with the path of a request and any foreign exception message that a
    Django message repeats replaced."""
    msg, args = record.msg, record.args
    replace = {}
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if isinstance(path, str) and record.name.startswith(("django.request", "django.security")):
        route = getattr(record, "route", None) or route_var.get() or NO_ROUTE
        replace[path] = replace[path.encode("unicode_escape").decode("ascii")] = route
    exception = _exception(record)
    if exception is not None and not _is_ours(exception):
        text = str(exception)
        if text:
            replace[text] = replace[text.encode("unicode_escape").decode("ascii")] = REMOVED
    if isinstance(args, tuple) and replace:
        args = tuple(replace.get(arg, arg) if isinstance(arg, str) else arg for arg in args)
    if isinstance(msg, str) and msg in replace:
        msg = replace[msg]
    if record.name == "django.server" and isinstance(args, tuple) and args and isinstance(args[0], str):
        # "GET /people/?q=Dupont HTTP/1.1": the query string may hold a name.
        args = (re.sub(r"\?\S*", "", args[0]), *args[1:])
    message = str(msg)
    if args:
        try:
            message = message % args
        except (TypeError, ValueError):
            message = f"{message} {args!r}"
    return message


def safe_exception(exc_info) -> str:
    """The traceback as Python prints it (chained exceptions too), with each exception's message
    kept only when filrouge wrote it."""
    exception = exc_info[1] if isinstance(exc_info, tuple) else exc_info
    if not isinstance(exception, BaseException):
        return ""
    return "".join(_format_chain(exception, set())).rstrip("\n")


def _format_chain(exception: BaseException, seen: set[int]) -> list[str]:
    seen.add(id(exception))
    lines: list[str] = []
    cause, context = exception.__cause__, exception.__context__
    if cause is not None and id(cause) not in seen:
        lines += _format_chain(cause, seen)
        lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif context is not None and not exception.__suppress_context__ and id(context) not in seen:
        lines += _format_chain(context, seen)
        lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    if exception.__traceback__ is not None:
        lines.append("Traceback (most recent call last):\n")
        lines += traceback.format_tb(exception.__traceback__)
    cls = type(exception)
    name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    text = str(exception) if _is_ours(exception) else REMOVED
    lines.append(f"{name}: {text}\n")
    return lines


def _exception(record: logging.LogRecord) -> BaseException | None:
    exc_info = record.exc_info
    exception = exc_info[1] if isinstance(exc_info, tuple) else None
    return exception if isinstance(exception, BaseException) else None


def _is_ours(exception: BaseException) -> bool:
    cls = type(exception)
    return is_ours({"module": cls.__module__, "type": cls.__qualname__})


class TextFormatter(logging.Formatter):
    """Today's plain lines ("%(message)s" unless a format is given), made safe. Never caches the
    exception's text on the record (logging's exc_text), which another handler would reuse."""

    def format(self, record):
        record.message = safe_message(record)
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        if record.exc_info:
            text = f"{text}\n{safe_exception(record.exc_info)}"
        if record.stack_info:
            text = f"{text}\n{self.formatStack(record.stack_info)}"
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, user_id, route, and the
    status of a request's response and the (safe) exception when there is one."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": safe_message(record),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
            "route": getattr(record, "route", None),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info:
            line["exception"] = safe_exception(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
