"""Sending one SMS, through the backend `settings.SMS_BACKEND` names (like Django's email backends).

`console` prints (development), `file` writes one file per message in `SMS_FILE_PATH` (the demo,
the tests, the benchmark), `brevo` calls Brevo's transactional SMS API; a dotted path names any
other `BaseSmsBackend`. The outbox (`OutboundMessage`) decides what to send and records it; a
backend only sends and says how it failed: `SmsRejected` (never retried: this message will not
go) or `SmsUnavailable` (retried later). Their messages, like every log line here, name the
message's id and the provider's answer, never the number nor the text.
"""

import json
import logging
import os
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from filrouge.background.errors import PermanentFailure, TaskFailure

logger = logging.getLogger(__name__)

BACKENDS = {
    "console": "filrouge.notifications.sms.ConsoleSmsBackend",
    "file": "filrouge.notifications.sms.FileSmsBackend",
    "brevo": "filrouge.notifications.sms.BrevoSmsBackend",
}

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
# A message id becomes a file name: nothing that could climb out of the directory.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# The characters of the GSM 03.38 alphabet (with its extension table): a text outside it must be
# sent as Unicode, or the provider replaces the letters it cannot encode.
GSM_7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    "^{}\\[~]|€"
)


class SmsRejected(PermanentFailure):
    """The provider refused this message for good (an invalid number, a refused content)."""


class SmsUnavailable(TaskFailure):
    """The provider could not take the message now (timeout, overload, no credit left): try later.
    `retry_after` is the delay in seconds the provider asked for, when it said one."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class BaseSmsBackend:
    # True when sending the same message_id twice delivers it once: the sender may then retry
    # after a failure that leaves the outcome unknown (a timeout) without sending it twice.
    idempotent: bool = False

    def send(self, message_id: str, to: str, text: str) -> str:
        """Sends `text` to `to` (E.164); returns the provider's reference ("" if none)."""
        raise NotImplementedError


def get_sms_backend() -> BaseSmsBackend:
    name = settings.SMS_BACKEND
    return import_string(BACKENDS.get(name, name))()


def check_e164(to: str) -> None:
    if not E164.match(to or ""):
        raise SmsRejected("The number is not in the international E.164 form.")


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints each message to standard output, for development."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message_id: str, to: str, text: str) -> str:
        check_e164(to)
        self.stream.write(f"SMS {message_id}\nTo: {to}\n\n{text}\n{'-' * 79}\n")
        self.stream.flush()
        return ""


class FileSmsBackend(BaseSmsBackend):
    """One file per message, `<message_id>.txt` in `SMS_FILE_PATH`: a `To:` line, a blank line,
    the text. Written whole or not at all (a temporary file renamed over it), so a resent message
    replaces its file and a killed worker leaves no half-written one."""

    idempotent = True

    def __init__(self, file_path=None):
        self.directory = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, message_id: str, to: str, text: str) -> str:
        if not SAFE_ID.match(message_id or ""):
            raise PermanentFailure("The message id cannot name a file.")
        check_e164(to)
        name = f"{message_id}.txt"
        try:
            write_atomically(self.directory, name, f"To: {to}\n\n{text}\n".encode())
        except OSError as error:
            # The error may quote the directory, never the message: its errno says enough.
            raise SmsUnavailable(f"The SMS file could not be written (errno {error.errno}).") from None
        return name


def write_atomically(directory: Path, name: str, content: bytes) -> None:
    """Writes `directory/name` through a temporary file of the same directory, readable by the
    owner only (the content is personal data), then renames it over the target."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class BrevoSmsBackend(BaseSmsBackend):
    """Brevo's transactional SMS API: POST `BREVO_API_URL` (https://api.brevo.com/v3/transactionalSMS/send)
    with the `api-key` header and a JSON body (sender, recipient, content, type "transactional",
    tag); a 201 answers `{"messageId": …}`, an error `{"code": …, "message": …}`. Brevo takes no
    idempotency key: a message whose answer was lost (a timeout) may arrive twice if retried."""

    idempotent = False
    timeout = 10
    tag = "filrouge"
    # Brevo's error codes that mean "later", though answered with a 400.
    LATER_CODES = {"not_enough_credits"}
    CONFIGURATION_CODES = {"unauthorized", "permission_denied", "account_under_validation"}

    def __init__(self, api_url=None, api_key=None, sender=None):
        self.api_url = api_url or settings.BREVO_API_URL
        self.api_key = api_key
        self.sender = sender if sender is not None else settings.SMS_SENDER

    def send(self, message_id: str, to: str, text: str) -> str:
        check_e164(to)
        request = self.request(to, text)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (scheme checked)
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, read_quietly(error), error.headers
            error.close()
            raise self.failure(message_id, status, body, headers) from None
        except TimeoutError:
            logger.warning("SMS %s: no answer from Brevo within %s s.", message_id, self.timeout)
            raise SmsUnavailable(f"Brevo did not answer within {self.timeout} s.") from None
        except (urllib.error.URLError, HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                logger.warning("SMS %s: no answer from Brevo within %s s.", message_id, self.timeout)
                raise SmsUnavailable(f"Brevo did not answer within {self.timeout} s.") from None
            logger.warning("SMS %s: Brevo could not be reached (%s).", message_id, type(reason).__name__)
            raise SmsUnavailable(f"Brevo could not be reached ({type(reason).__name__}).") from None
        return self.reference(message_id, status, body)

    def request(self, to: str, text: str) -> urllib.request.Request:
        if urllib.parse.urlsplit(self.api_url).scheme not in {"https", "http"}:
            raise PermanentFailure("Configuration: BREVO_API_URL is not an http(s) address.")
        if not re.fullmatch(r"[A-Za-z0-9]{3,11}", self.sender or ""):
            raise PermanentFailure("Configuration: SMS_SENDER must be 3 to 11 letters or digits.")
        payload = {
            "sender": self.sender,
            # Brevo reads the number with its country code and no "+".
            "recipient": to.removeprefix("+"),
            "content": text,
            "type": "transactional",
            "tag": self.tag,
            "unicodeEnabled": not set(text) <= GSM_7,
        }
        return urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            self.api_url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "api-key": self.key(),
                "accept": "application/json",
                "content-type": "application/json",
            },
        )

    def key(self) -> str:
        if self.api_key:
            return self.api_key
        if settings.BREVO_API_KEY:
            return settings.BREVO_API_KEY
        if settings.BREVO_API_KEY_FILE:
            try:
                key = Path(settings.BREVO_API_KEY_FILE).read_text().strip()
            except OSError:
                raise PermanentFailure("Configuration: BREVO_API_KEY_FILE cannot be read.") from None
            if key:
                return key
        raise PermanentFailure("Configuration: BREVO_API_KEY or BREVO_API_KEY_FILE is not set.")

    def reference(self, message_id: str, status: int, body: bytes) -> str:
        answer = parse_json(body)
        reference = answer.get("messageId") or answer.get("reference") if isinstance(answer, dict) else None
        if reference is None:
            # Accepted: sending it again would deliver it twice. The id is just not known.
            logger.warning(
                "SMS %s: Brevo accepted it (HTTP %s) without a readable messageId.", message_id, status
            )
            return ""
        return str(reference)

    def failure(self, message_id: str, status: int, body: bytes, headers) -> TaskFailure:
        answer = parse_json(body)
        code = answer.get("code") if isinstance(answer, dict) else None
        # Brevo's codes are short identifiers; anything else (a quoted number?) is not repeated.
        code = code if isinstance(code, str) and re.fullmatch(r"[a-z_]{1,40}", code) else "unknown"
        logger.warning("SMS %s: Brevo answered HTTP %s (%s).", message_id, status, code)
        said = f"Brevo answered HTTP {status} ({code})."
        if status in (401, 403) or code in self.CONFIGURATION_CODES:
            return PermanentFailure(f"Configuration: {said} Check BREVO_API_KEY and the account.")
        if status == 402 or code in self.LATER_CODES:
            return SmsUnavailable(f"{said} No SMS credit left on the account.")
        if status == 429 or status >= 500:
            return SmsUnavailable(said, retry_after=retry_after(headers))
        if status in (404, 405):
            return PermanentFailure(f"Configuration: {said} Check BREVO_API_URL.")
        return SmsRejected(said)


def read_quietly(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (OSError, HTTPException):
        return b""


def parse_json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def retry_after(headers) -> int | None:
    value = (headers or {}).get("Retry-After", "")
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None
