"""The SMS backends: the file one writes each message once, whole; Brevo's answers, read from a
local HTTP server standing in for the provider, become a reference, a refusal for good or a "try
later"; no failure nor log line ever holds the number or the text."""

import io
import json
import logging
import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.notifications import sms
from filrouge.notifications.sms import (
    BrevoSmsBackend,
    ConsoleSmsBackend,
    FileSmsBackend,
    SmsRejected,
    SmsUnavailable,
    get_sms_backend,
)

NUMBER = "+33612345678"
TEXT = "Rendez-vous jeudi 12 mars à 10h30, 4 rue des Lilas. Avec Julie. Empêchement : 01 23 45 67 89"
ID = "6f1c2a9e-3b7d-4c55-9a1e-0d4f8b2c7e10"


def assert_nothing_personal(text):
    for secret in (NUMBER, NUMBER.removeprefix("+"), "612345678", "Lilas", "Julie"):
        assert secret not in text


# The file backend


def test_the_short_names_and_a_dotted_path_choose_the_backend(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path
    for name, backend_class in (
        ("file", FileSmsBackend),
        ("console", ConsoleSmsBackend),
        ("brevo", BrevoSmsBackend),
    ):
        settings.SMS_BACKEND = name
        assert type(get_sms_backend()) is backend_class
    settings.SMS_BACKEND = "filrouge.notifications.sms.FileSmsBackend"
    assert type(get_sms_backend()) is FileSmsBackend
    assert FileSmsBackend.idempotent and not BrevoSmsBackend.idempotent


def test_the_file_backend_writes_one_private_file_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    backend = get_sms_backend()
    assert backend.send(ID, NUMBER, TEXT) == f"{ID}.txt"
    assert backend.send("autre-message", "+33700000000", "Autre texte") == "autre-message.txt"
    assert sorted(os.listdir(tmp_path / "sms")) == [f"{ID}.txt", "autre-message.txt"]
    path = tmp_path / "sms" / f"{ID}.txt"
    assert path.read_text() == f"To: {NUMBER}\n\n{TEXT}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_message_sent_again_replaces_its_file(tmp_path):
    backend = FileSmsBackend(tmp_path)
    backend.send(ID, NUMBER, "première version")
    backend.send(ID, NUMBER, "seconde version")
    assert os.listdir(tmp_path) == [f"{ID}.txt"]
    assert (tmp_path / f"{ID}.txt").read_text().endswith("seconde version\n")


def test_a_failed_write_leaves_the_previous_file_whole_and_no_temporary_one(tmp_path, monkeypatch):
    backend = FileSmsBackend(tmp_path)
    backend.send(ID, NUMBER, TEXT)

    def disk_full(source, target):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(sms.os, "replace", disk_full)
    with pytest.raises(SmsUnavailable) as failure:
        backend.send(ID, NUMBER, "nouveau texte")
    assert failure.value.retry
    assert os.listdir(tmp_path) == [f"{ID}.txt"]
    assert (tmp_path / f"{ID}.txt").read_text() == f"To: {NUMBER}\n\n{TEXT}\n"
    assert_nothing_personal(str(failure.value))


@pytest.mark.parametrize("message_id", ["../escape", ".hidden", "a/b", ""])
def test_an_id_that_cannot_name_a_file_is_refused(tmp_path, message_id):
    with pytest.raises(PermanentFailure):
        FileSmsBackend(tmp_path).send(message_id, NUMBER, TEXT)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("backend_class", [FileSmsBackend, ConsoleSmsBackend, BrevoSmsBackend])
@pytest.mark.parametrize("to", ["0612345678", "33612345678", "+33 6 12 34 56 78", ""])
def test_a_number_not_in_e164_is_refused_without_being_quoted(tmp_path, settings, backend_class, to):
    settings.SMS_FILE_PATH = tmp_path
    with pytest.raises(SmsRejected) as failure:
        backend_class().send(ID, to, TEXT)
    assert not failure.value.retry
    assert "612345678" not in str(failure.value)
    assert os.listdir(tmp_path) == []


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()
    assert ConsoleSmsBackend(stream).send(ID, NUMBER, TEXT) == ""
    assert f"To: {NUMBER}\n\n{TEXT}\n" in stream.getvalue()


# Brevo, against a local server


class FakeBrevo(ThreadingHTTPServer):
    """Answers each POST with `status`, `body` and `headers`; with `hold`, answers nothing until
    the test ends (a provider that does not answer)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), BrevoHandler)
        self.status, self.body, self.headers = 201, b'{"messageId": 1511882900176220}', {}
        self.hold = False
        self.released = threading.Event()
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/v3/transactionalSMS/send"

    def answer(self, status, body, headers=None):
        self.status, self.body, self.headers = (
            status,
            body if isinstance(body, bytes) else json.dumps(body).encode(),
            headers or {},
        )


class BrevoHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append((self.path, self.headers, json.loads(self.rfile.read(length))))
        if self.server.hold:
            self.server.released.wait(10)
            return
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        for name, value in self.server.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def brevo(settings):
    server = FakeBrevo()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "brevo"
    settings.BREVO_API_URL = server.url
    settings.BREVO_API_KEY = "cle-de-test"
    settings.BREVO_API_KEY_FILE = ""
    settings.SMS_SENDER = "Filrouge"
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()


def test_brevo_sends_a_transactional_sms_and_returns_its_message_id(brevo):
    assert get_sms_backend().send(ID, NUMBER, "Rendez-vous jeudi à 10h30.") == "1511882900176220"
    [(path, headers, payload)] = brevo.requests
    assert path == "/v3/transactionalSMS/send"
    assert headers["api-key"] == "cle-de-test"
    assert headers["Content-Type"] == "application/json"
    assert payload == {
        "sender": "Filrouge",
        "recipient": "33612345678",
        "content": "Rendez-vous jeudi à 10h30.",
        "type": "transactional",
        "tag": "filrouge",
        # "à" is in the GSM alphabet: no Unicode needed.
        "unicodeEnabled": False,
    }


def test_a_text_outside_the_gsm_alphabet_is_sent_as_unicode(brevo):
    get_sms_backend().send(ID, NUMBER, "Êtes-vous prête ? Ça commence à 9h.")
    assert brevo.requests[0][2]["unicodeEnabled"] is True


def test_the_key_may_come_from_a_file(brevo, settings, tmp_path):
    (tmp_path / "brevo").write_text("cle-du-fichier\n")
    settings.BREVO_API_KEY = ""
    settings.BREVO_API_KEY_FILE = str(tmp_path / "brevo")
    get_sms_backend().send(ID, NUMBER, TEXT)
    assert brevo.requests[0][1]["api-key"] == "cle-du-fichier"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"BREVO_API_KEY": ""}, "BREVO_API_KEY"),
        ({"BREVO_API_KEY": "", "BREVO_API_KEY_FILE": "/nonexistent/brevo"}, "BREVO_API_KEY_FILE"),
        ({"SMS_SENDER": "Un nom bien trop long"}, "SMS_SENDER"),
        ({"SMS_SENDER": "ab"}, "SMS_SENDER"),
        ({"BREVO_API_URL": "file:///etc/passwd"}, "BREVO_API_URL"),
    ],
)
def test_a_missing_configuration_fails_for_good_before_calling_brevo(brevo, settings, change, expected):
    for name, value in change.items():
        setattr(settings, name, value)
    with pytest.raises(PermanentFailure) as failure:
        get_sms_backend().send(ID, NUMBER, TEXT)
    assert not failure.value.retry and not isinstance(failure.value, SmsRejected)
    assert expected in str(failure.value)
    assert brevo.requests == []


def test_an_accepted_message_with_an_unreadable_answer_is_not_sent_again(brevo, caplog):
    brevo.answer(201, b"<html>not json</html>")
    with caplog.at_level(logging.INFO):
        assert get_sms_backend().send(ID, NUMBER, TEXT) == ""
    assert ID in caplog.text
    assert_nothing_personal(caplog.text)


# What the number or the text may look like in an error: Brevo quotes them sometimes.
ECHO = {"code": "invalid_parameter", "message": f"{NUMBER} is not a valid mobile number for {TEXT}"}


@pytest.mark.parametrize(
    ("status", "body", "headers", "failure_class", "retry_after"),
    [
        (400, ECHO, {}, SmsRejected, None),
        (400, {"code": "missing_parameter", "message": "recipient"}, {}, SmsRejected, None),
        (400, {"code": "not_enough_credits", "message": "Not enough credits"}, {}, SmsUnavailable, None),
        (400, b"{broken", {}, SmsRejected, None),
        (400, {"code": NUMBER, "message": "?"}, {}, SmsRejected, None),
        (401, {"code": "unauthorized", "message": "Key not found"}, {}, PermanentFailure, None),
        (403, {"code": "permission_denied", "message": "IP not allowed"}, {}, PermanentFailure, None),
        (402, {"code": "not_enough_credits", "message": "Not enough credits"}, {}, SmsUnavailable, None),
        (404, {"code": "not_found", "message": "Not found"}, {}, PermanentFailure, None),
        (
            429,
            {"code": "too_many_requests", "message": "slow down"},
            {"Retry-After": "30"},
            SmsUnavailable,
            30,
        ),
        (500, b"Internal Server Error", {}, SmsUnavailable, None),
        (503, ECHO, {}, SmsUnavailable, None),
    ],
)
def test_each_error_answer_is_a_refusal_a_configuration_fault_or_a_retry(
    brevo, caplog, status, body, headers, failure_class, retry_after
):
    brevo.answer(status, body, headers)
    with caplog.at_level(logging.INFO), pytest.raises(TaskFailure) as failure:
        get_sms_backend().send(ID, NUMBER, TEXT)
    assert type(failure.value) is failure_class
    assert failure.value.retry is (failure_class is SmsUnavailable)
    assert str(status) in str(failure.value)
    if failure_class is SmsUnavailable:
        assert failure.value.retry_after == retry_after
    if failure_class is PermanentFailure:
        assert str(failure.value).startswith("Configuration")
    # The provider's own words are never repeated, nor its original error chained.
    assert_nothing_personal(str(failure.value))
    assert_nothing_personal(caplog.text)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


def test_a_provider_that_does_not_answer_is_tried_again_later(brevo, caplog, monkeypatch):
    brevo.hold = True
    monkeypatch.setattr(BrevoSmsBackend, "timeout", 0.2)
    with caplog.at_level(logging.INFO), pytest.raises(SmsUnavailable) as failure:
        get_sms_backend().send(ID, NUMBER, TEXT)
    assert "did not answer" in str(failure.value)
    assert len(brevo.requests) == 1
    assert_nothing_personal(str(failure.value) + caplog.text)


def test_a_provider_out_of_reach_is_tried_again_later(brevo, settings, caplog):
    # A port nobody listens on: the fake server's, once closed.
    closed = FakeBrevo()
    settings.BREVO_API_URL = closed.url
    closed.server_close()
    with caplog.at_level(logging.INFO), pytest.raises(SmsUnavailable) as failure:
        get_sms_backend().send(ID, NUMBER, TEXT)
    assert "could not be reached" in str(failure.value)
    assert_nothing_personal(str(failure.value) + caplog.text)
