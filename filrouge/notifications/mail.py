"""Sending one email of the outbox, and the email backend of the demo and the benchmark.

`send_email` gives each message the Message-ID `<{message_id}@filrouge>`, so the same outbox row
sent twice is recognisably the same email (to a mail server, a reader, `MessageFileBackend`).
"""

import logging
import re
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, InvalidMailer, mailers
from django.core.mail.backends.base import BaseEmailBackend

from filrouge.background.errors import TaskFailure
from filrouge.notifications.sms import write_atomically

logger = logging.getLogger(__name__)


class EmailUnavailable(TaskFailure):
    """The mail server refused the email or could not be reached. Raised without the original
    error, which may quote the address, so the task's stored failure holds none."""


def message_id_header(message_id: str) -> str:
    return f"<{message_id}@filrouge>"


def send_email(message_id: str, to: str, subject: str, body: str) -> None:
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id_header(message_id)},
    )
    # A mailer that cannot be built is a configuration fault: raised as it is, never retried.
    mailer = mailers.default
    try:
        sent = mailer.send_messages([email])
    except Exception as error:
        logger.warning("Email %s could not be sent (%s).", message_id, type(error).__name__)
        raise EmailUnavailable(
            f"The mail server refused or could not be reached ({type(error).__name__})."
        ) from None
    if sent == 0:
        logger.warning("Email %s: the mail backend sent nothing.", message_id)
        raise EmailUnavailable("The mail backend sent nothing.")


# What of a Message-ID may name a file: no separator, no leading dot.
UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


class MessageFileBackend(BaseEmailBackend):
    """One file per email, `<Message-ID>.eml` in `file_path` (the mailer's OPTIONS: Django 6.1
    refuses the old EMAIL_FILE_PATH setting beside MAILERS), written whole then renamed: sending
    the same message again replaces its file, so a message sent twice is one file. Files are
    readable by their owner only."""

    def __init__(self, fail_silently=False, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.fail_silently = fail_silently
        path = file_path or getattr(settings, "EMAIL_FILE_PATH", None)
        if not path:
            raise InvalidMailer(
                "OPTIONS must define 'file_path', or EMAIL_FILE_PATH be set.", alias=self.alias
            )
        self.directory = Path(path)

    def send_messages(self, email_messages):
        sent = 0
        for email in email_messages:
            message = email.message()
            try:
                write_atomically(self.directory, file_name(message["Message-ID"]), message.as_bytes())
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent


def file_name(message_id: str) -> str:
    name = UNSAFE.sub("_", str(message_id).strip().strip("<>")).lstrip(".")
    return f"{name[:200] or 'message'}.eml"
