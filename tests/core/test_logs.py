"""Log lines (filrouge.core.logs): a request id, the user's id, and nothing of a person."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from filrouge.core import logs
from filrouge.core.errors_tracking import REMOVED

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "Dupontel"


class Capture:
    def __init__(self, formatter):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(logs.RequestContextFilter())
        self.handler.setFormatter(formatter)

    def text(self):
        return self.stream.getvalue()

    def lines(self):
        return [json.loads(line) for line in self.text().splitlines() if line.startswith("{")]


def capturing(formatter):
    capture = Capture(formatter)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(capture.handler)
    root.setLevel(logging.INFO)
    return capture, lambda: (root.removeHandler(capture.handler), root.setLevel(previous))


@pytest.fixture
def json_log():
    capture, undo = capturing(logs.JsonFormatter())
    with override_settings(ROOT_URLCONF="tests.core.logs_urls"):
        yield capture
    undo()


@pytest.fixture
def text_log():
    capture, undo = capturing(logs.TextFormatter())
    with override_settings(ROOT_URLCONF="tests.core.logs_urls"):
        yield capture
    undo()


def test_a_request_logs_a_json_line_with_its_id_and_the_users_id(world, json_log):
    coach = world.users["coach"]
    client = Client()
    client.force_login(coach)
    response = client.get(f"/records/{world.person.pk}/", {"q": SEARCH})
    assert response.status_code == 200
    request_id = response.headers[logs.HEADER]
    assert logs.ID_PATTERN.fullmatch(request_id)

    (line,) = [line for line in json_log.lines() if line["logger"] == "filrouge.tests.logs"]
    assert line["message"] == "looked at a record"
    assert line["level"] == "INFO"
    assert line["request_id"] == request_id
    assert line["user_id"] == str(coach.pk)
    assert line["route"] == "/records/<int:pk>/"
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    text = json_log.text()
    assert SEARCH not in text and "q=" not in text
    assert coach.email not in text and coach.get_username() not in text


def test_each_request_has_its_own_id_and_an_anonymous_one_no_user(db, json_log):
    first = Client().get("/healthz")
    second = Client().get("/healthz")
    assert first.headers[logs.HEADER] != second.headers[logs.HEADER]
    # A redirect to the login page carries one too; its lines have no user.
    response = Client().get("/records/1/")
    assert response.status_code == 302 and logs.HEADER in response.headers
    assert all(line["user_id"] is None for line in json_log.lines())
    # Outside a request, no id lingers.
    logging.getLogger("filrouge.tests.logs").warning("between requests")
    assert json_log.lines()[-1]["request_id"] is None


def test_a_good_incoming_id_is_kept_and_a_bad_one_replaced(db):
    kept = Client().get("/healthz", headers={"X-Request-ID": "nginx-0123456789abcdef"})
    assert kept.headers[logs.HEADER] == "nginx-0123456789abcdef"
    for bad in ("short", "x" * 65, "abc def ghij", 'abcdefgh"}\n{"level":"ERROR', "Dupont;Marie@x.fr"):
        response = Client().get("/healthz", headers={"X-Request-ID": bad})
        assert response.headers[logs.HEADER] != bad
        assert logs.ID_PATTERN.fullmatch(response.headers[logs.HEADER])


def test_a_failing_view_logs_no_name_nor_path_nor_query(world, json_log):
    person, coach = world.person, world.users["coach"]
    client = Client(raise_request_exception=False)
    client.force_login(coach)
    response = client.get(f"/records/{person.pk}/fail/", {"q": SEARCH})
    assert response.status_code == 500

    text = json_log.text()
    for secret in (person.first_name, person.birth_name, SEARCH, coach.email):
        assert secret and secret not in text, secret
    (line,) = [line for line in json_log.lines() if line["logger"] == "django.request"]
    assert line["level"] == "ERROR" and line["status"] == 500
    assert line["message"] == "Internal Server Error: /records/<int:pk>/fail/"
    assert line["request_id"] == response.headers[logs.HEADER]
    assert line["user_id"] == str(coach.pk)
    # The type and the traceback remain, to find the bug.
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "in failing_view" in line["exception"]
    assert line["exception"].endswith(f"ValueError: {REMOVED}")


def test_the_plain_format_drops_the_same_things(world, text_log):
    person = world.person
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coach"])
    assert client.get(f"/records/{person.pk}/fail/").status_code == 500
    assert client.get(f"/{person.birth_name}/", {"q": SEARCH}).status_code == 404
    text = text_log.text()
    assert person.first_name not in text and person.birth_name not in text and SEARCH not in text
    assert "Internal Server Error: /records/<int:pk>/fail/" in text
    assert f"Not Found: {logs.NO_ROUTE}" in text
    assert f"ValueError: {REMOVED}" in text


def test_a_message_filrouge_wrote_is_kept_and_a_chained_foreign_one_dropped(world, json_log):
    person = world.person
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coach"])
    assert client.get(f"/records/{person.pk}/chained/").status_code == 500
    (line,) = [line for line in json_log.lines() if line["logger"] == "django.request"]
    exception = line["exception"]
    assert person.birth_name not in exception
    assert f"ValueError: {REMOVED}" in exception
    assert "direct cause of the following exception" in exception
    assert exception.endswith(
        "filrouge.audit.models.AppendOnly: Audit entries are append-only: update refused."
    )


def test_a_logged_exception_outside_a_request_is_scrubbed_too(json_log):
    name = "Marie " + SEARCH  # in a value, not in the source lines a traceback quotes
    try:
        raise KeyError(name)
    except KeyError:
        logging.getLogger("filrouge.tests.logs").exception("lookup failed")
    (line,) = json_log.lines()
    assert line["message"] == "lookup failed"
    assert SEARCH not in json.dumps(line)
    assert line["exception"].endswith(f"KeyError: {REMOVED}")


def run_python(code, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "filrouge.settings"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_environment_chooses_the_format():
    code = "import django, logging; django.setup(); logging.getLogger('filrouge.x').warning('hello %s', 3)"
    as_json = run_python(code, FILROUGE_LOG_FORMAT="json")
    assert as_json.returncode == 0, as_json.stderr
    line = json.loads(as_json.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello 3" and line["logger"] == "filrouge.x" and line["level"] == "WARNING"
    as_text = run_python(code)
    assert as_text.stderr.strip().splitlines()[-1] == "hello 3"
    wrong = run_python(code, FILROUGE_LOG_FORMAT="xml")
    assert wrong.returncode != 0 and "FILROUGE_LOG_FORMAT" in wrong.stderr
