"""Error tracking (filrouge.core.errors_tracking): events leave with nothing of a person in them."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sentry_sdk
from django.conf import settings
from django.test import Client, override_settings
from sentry_sdk.transport import Transport

from filrouge.core import errors_tracking

PHONE = "+33 6 12 34 56 78"
NOTE = "Rechute, hospitalisée à Sainte-Anne"
SEARCH = "Dupontel"
TRACKING_MIDDLEWARE = [
    *settings.MIDDLEWARE[
        : settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    ],
    "filrouge.core.errors_tracking.UserIdMiddleware",
    *settings.MIDDLEWARE[
        settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1 :
    ],
]


class CapturingTransport(Transport):
    """Keeps the envelopes instead of sending them: no network."""

    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self):
        return [
            item.payload.json
            for envelope in self.envelopes
            for item in envelope.items
            if item.type == "event"
        ]


@pytest.fixture
def tracked():
    transport = CapturingTransport()
    started = errors_tracking.init_from_environment(
        {"SENTRY_DSN": "https://public@errors.example/1", "SENTRY_ENVIRONMENT": "test"}, transport=transport
    )
    assert started
    with override_settings(MIDDLEWARE=TRACKING_MIDDLEWARE, ROOT_URLCONF="tests.core.errors_tracking_urls"):
        yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def post_failing(world, coach):
    """POSTs a person's data to the failing view through Django's WSGI handler, as gunicorn does
    (sentry-sdk reads the request there, query string and headers included)."""
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections

    client = Client()
    client.force_login(coach)
    body = urlencode({"phone": PHONE, "note": NOTE, "first_name": world.person.first_name}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/people/{world.person.pk}/fail/",
        "QUERY_STRING": urlencode({"q": SEARCH}),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"filrouge_extra={SEARCH}",
        "HTTP_REFERER": f"https://filrouge.example/people/?q={SEARCH}",
        "HTTP_USER_AGENT": "Mozilla/5.0 test",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "203.0.113.7",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    statuses = []
    # As Django's test client does: the test's transaction keeps its connection across the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers, *args: statuses.append(status))
        b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert statuses[0].startswith("500")


def test_an_event_of_a_failing_view_holds_no_field_of_the_person(world, tracked):
    person, coach = world.person, world.users["coach"]
    post_failing(world, coach)
    sentry_sdk.flush()
    events = tracked.events()
    assert len(events) == 1
    event = events[0]
    text = json.dumps(event, ensure_ascii=False)

    for secret in (
        person.first_name,
        person.birth_name,
        PHONE,
        NOTE,
        SEARCH,
        coach.email,
        "203.0.113.9",
        "203.0.113.7",
        "Mozilla",
        "filrouge.example",
        "sessionid",
        "csrftoken",
    ):
        assert secret and secret not in text, secret
    # What helps: the exception's type and where it was raised, the route, the user's id.
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["value"] == errors_tracking.REMOVED
    frames = exception["stacktrace"]["frames"]
    assert frames[-1]["function"] == "failing_save"
    assert not any("vars" in frame for frame in frames)
    assert event["user"] == {"id": str(coach.pk)}
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"] == "/people/{pk}/fail/"
    assert "query_string" not in event["request"] and "data" not in event["request"]
    assert "cookies" not in event["request"] and "env" not in event["request"]
    assert set(event["request"]["headers"]) <= {h.title() for h in errors_tracking.SAFE_HEADERS} | set(
        errors_tracking.SAFE_HEADERS
    )
    assert event["environment"] == "test"
    assert event["release"].startswith("filrouge")


def test_a_message_written_by_filrouge_is_kept(world, tracked):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coach"])
    assert client.get("/ours/").status_code == 500
    sentry_sdk.flush()
    (event,) = tracked.events()
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "AppendOnly"
    assert exception["value"] == "Audit entries are append-only: update refused."


def test_an_anonymous_request_sends_no_user(db, tracked):
    assert Client(raise_request_exception=False).get("/ours/").status_code in {302, 500}
    sentry_sdk.flush()
    for event in tracked.events():
        assert "user" not in event


def test_a_logged_error_keeps_its_format_string_not_its_values(tracked):
    import logging

    logging.getLogger("filrouge.test").error("could not reach %s about %s", PHONE, NOTE)
    sentry_sdk.flush()
    (event,) = tracked.events()
    text = json.dumps(event, ensure_ascii=False)
    assert PHONE not in text and NOTE not in text
    assert event["logentry"] == {"message": "could not reach %s about %s"}


def test_breadcrumbs_keep_no_message_or_data_but_sql_text():
    crumbs = {
        "values": [
            {"category": "query", "message": "SELECT 1 WHERE id = %s", "data": {"db.params": [PHONE]}},
            {"category": "filrouge.people", "message": f"saved {NOTE}", "data": {"x": NOTE}, "level": "info"},
        ]
    }
    event = errors_tracking.before_send({"breadcrumbs": crumbs}, {})
    assert event["breadcrumbs"]["values"] == [
        {"category": "query", "message": "SELECT 1 WHERE id = %s"},
        {"category": "filrouge.people", "level": "info"},
    ]


def test_a_validation_error_of_filrouge_loses_its_message():
    event = {
        "exception": {
            "values": [{"type": "VersionConflict", "module": "filrouge.core.versioning", "value": f"{NOTE}"}]
        }
    }
    import filrouge.core.versioning  # noqa: F401

    assert (
        errors_tracking.before_send(event, {})["exception"]["values"][0]["value"] == errors_tracking.REMOVED
    )


def test_a_path_that_matched_no_route_is_not_kept():
    event = {
        "transaction": "/reinitialiser/MQ/abc-secret-token/",
        "transaction_info": {"source": "url"},
        "request": {
            "url": "https://filrouge.example/reinitialiser/MQ/abc-secret-token/?q=x",
            "method": "GET",
        },
    }
    event = errors_tracking.before_send(event, {})
    assert "secret" not in json.dumps(event)
    assert event["request"] == {"method": "GET", "headers": {}}


def test_the_dsn_is_read_from_its_file(tmp_path):
    path = tmp_path / "dsn"
    path.write_text("https://key@errors.example/2\n")
    assert (
        errors_tracking.dsn_from_environment({"SENTRY_DSN_FILE": str(path)}) == "https://key@errors.example/2"
    )
    assert errors_tracking.dsn_from_environment({}) == ""
    with pytest.raises(FileNotFoundError):
        errors_tracking.dsn_from_environment({"SENTRY_DSN_FILE": str(tmp_path / "missing")})


def settings_in_subprocess(tmp_path, **env):
    code = (
        "import sys, filrouge.settings as s; "
        "print(int('sentry_sdk' in sys.modules), int('filrouge.core.errors_tracking.UserIdMiddleware' in s.MIDDLEWARE))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    environ.update(FILROUGE_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(settings.BASE_DIR),
    )
    return result.stdout.split()


def test_without_a_dsn_sentry_is_never_imported(tmp_path):
    assert settings_in_subprocess(tmp_path) == ["0", "0"]


def test_with_a_dsn_settings_start_tracking_and_add_the_user_id_middleware(tmp_path):
    assert settings_in_subprocess(tmp_path, SENTRY_DSN="https://public@127.0.0.1:9/1") == ["1", "1"]
