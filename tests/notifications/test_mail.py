"""One email of the outbox: its Message-ID names the outbox row, the demo's file backend keeps one
file per Message-ID (a message sent again is not a second email), and a mail server's failure is a
"try again later" that never quotes the address."""

import logging
import os
import smtplib
import stat

import pytest
from django.core import mail
from django.core.mail import InvalidMailer

from filrouge.notifications.mail import EmailUnavailable, MessageFileBackend, send_email

ID = "6f1c2a9e-3b7d-4c55-9a1e-0d4f8b2c7e10"
ADDRESS = "personne.suivie@exemple.example"


def test_the_email_carries_the_message_id_of_its_outbox_row(settings):
    settings.DEFAULT_FROM_EMAIL = "Service <service@filrouge.example>"
    send_email(ID, ADDRESS, "Votre rendez-vous", "Jeudi à 10h30.")
    [email] = mail.outbox
    assert email.to == [ADDRESS]
    assert email.from_email == "Service <service@filrouge.example>"
    assert email.subject == "Votre rendez-vous"
    assert email.body == "Jeudi à 10h30."
    assert email.message()["Message-ID"] == f"<{ID}@filrouge>"


@pytest.fixture
def file_mailer(settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "filrouge.notifications.mail.MessageFileBackend",
            "OPTIONS": {"file_path": tmp_path},
        }
    }
    return tmp_path


def test_the_file_backend_keeps_one_private_file_per_message(file_mailer):
    send_email(ID, ADDRESS, "Votre rendez-vous", "Première version.")
    send_email(ID, ADDRESS, "Votre rendez-vous", "Seconde version.")
    send_email("autre-message", ADDRESS, "Autre", "Autre texte.")
    assert sorted(os.listdir(file_mailer)) == [f"{ID}@filrouge.eml", "autre-message@filrouge.eml"]
    path = file_mailer / f"{ID}@filrouge.eml"
    content = path.read_text()
    assert f"Message-ID: <{ID}@filrouge>" in content
    assert f"To: {ADDRESS}" in content
    assert "Seconde version." in content and "Première" not in content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_file_backend_needs_its_directory(settings):
    settings.MAILERS = {"default": {"BACKEND": "filrouge.notifications.mail.MessageFileBackend"}}
    with pytest.raises(InvalidMailer):
        send_email(ID, ADDRESS, "Sujet", "Texte.")


def test_a_message_id_cannot_lead_the_file_out_of_its_directory(tmp_path):
    message = mail.EmailMessage(
        subject="s", body="b", to=[ADDRESS], headers={"Message-ID": "<../../etc/x@h>"}
    )
    assert MessageFileBackend(file_path=tmp_path).send_messages([message]) == 1
    [name] = os.listdir(tmp_path)
    assert "/" not in name and not name.startswith(".")


def test_a_failed_write_is_a_retry_and_leaves_no_file(file_mailer, monkeypatch):
    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(EmailUnavailable) as failure:
        send_email(ID, ADDRESS, "Sujet", "Texte.")
    assert failure.value.retry
    assert os.listdir(file_mailer) == []


class RefusingSMTP:
    """A mail server that answers, then refuses the recipient, quoting the address."""

    def __init__(self, host="", port=0, *args, **kwargs):
        pass

    def ehlo_or_helo_if_needed(self):
        pass

    def starttls(self, *args, **kwargs):
        pass

    def login(self, *args):
        pass

    def sendmail(self, from_address, recipients, message):
        raise smtplib.SMTPRecipientsRefused(
            {recipient: (550, f"{recipient}: no such user".encode()) for recipient in recipients}
        )

    def quit(self):
        pass

    def close(self):
        pass


class UnreachableSMTP:
    def __init__(self, *args, **kwargs):
        raise ConnectionRefusedError(f"no mail server for {ADDRESS}")


@pytest.mark.parametrize("server", [RefusingSMTP, UnreachableSMTP])
def test_a_mail_server_failure_is_a_retry_that_never_quotes_the_address(
    settings, monkeypatch, caplog, server
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 2525, "use_tls": False, "timeout": 1},
        }
    }
    monkeypatch.setattr(smtplib, "SMTP", server)
    with caplog.at_level(logging.INFO), pytest.raises(EmailUnavailable) as failure:
        send_email(ID, ADDRESS, "Votre rendez-vous", "Jeudi.")
    assert failure.value.retry
    assert ADDRESS not in str(failure.value) and ADDRESS not in caplog.text
    assert ID in caplog.text
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
