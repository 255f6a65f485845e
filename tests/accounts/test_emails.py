"""Account emails leave through the background task queue, never inside the request: the
password-reset page answers the same way, without talking to a mail server, whether or not
the address has an account. The tests here put the real queue (django-tasks-db) back in place
of the test settings' ImmediateBackend."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from filrouge.accounts import domain, emails
from filrouge.accounts.models import User
from filrouge.organisations.models import Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 2525, "use_tls": False, "timeout": 1},
    }
}


@pytest.fixture
def queue(settings):
    settings.TASKS = QUEUE
    return settings


@pytest.fixture
def smtp_connections(monkeypatch):
    """Every connection opened to a mail server (none answers: each one fails)."""
    opened = []

    class RecordingSMTP:
        def __init__(self, host="", port=0, *args, **kwargs):
            opened.append((host, port))
            raise ConnectionRefusedError("no mail server in the tests")

    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", RecordingSMTP)
    return opened


def queued():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def run_queued_tasks():
    """What the worker does with each task waiting in the queue."""
    for result in DBTaskResult.objects.ready():
        task_result = result.task_result
        result.task.call(*task_result.args, **task_result.kwargs)


def test_the_reset_view_only_queues_the_email_for_a_known_and_an_unknown_address_alike(
    queue, smtp_connections, settings
):
    user = UserFactory(email="connue@exemple.example")
    settings.MAILERS = SMTP
    responses = [
        Client().post(reverse("accounts:password_reset"), {"email": email})
        for email in ("connue@exemple.example", "inconnue@exemple.example")
    ]
    assert [(r.status_code, r["Location"]) for r in responses] == [
        (302, reverse("accounts:password_reset_done"))
    ] * 2
    assert smtp_connections == [] and mail.outbox == []
    # One task each, the same one; it carries an account id at most, never the address typed.
    tasks = queued()
    assert [task.task_path for task in tasks] == ["filrouge.accounts.emails.send_account_email"] * 2
    assert [task.args_kwargs["args"][:2] for task in tasks] == [
        [emails.PASSWORD_RESET, user.pk],
        [emails.PASSWORD_RESET, None],
    ]
    assert "@" not in str([task.args_kwargs for task in tasks])

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "http://testserver/mot-de-passe/nouveau/" in mail.outbox[0].body


def test_a_sign_in_link_request_queues_one_task_whether_or_not_the_address_has_an_account(queue):
    user = UserFactory(email="connue@exemple.example")
    for email in ("connue@exemple.example", "inconnue@exemple.example"):
        Client().post(reverse("accounts:sign_in_link_request"), {"email": email})
    assert mail.outbox == []
    assert [task.args_kwargs["args"][:2] for task in queued()] == [
        [emails.SIGN_IN_LINK, user.pk],
        [emails.SIGN_IN_LINK, None],
    ]
    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_an_invitation_is_queued_with_the_account_and_not_at_all_when_it_is_rolled_back(queue):
    organisation = OrganisationFactory()
    user = domain.invite(
        organisation, "Inès Nouvelle", "ines@a.example", Role.DIRECTOR, None, "http://testserver/"
    )
    assert mail.outbox == []
    assert [task.args_kwargs["args"][:2] for task in queued()] == [[emails.INVITATION, user.pk]]

    with pytest.raises(RuntimeError), transaction.atomic():
        domain.invite(organisation, "Autre", "autre@a.example", Role.DIRECTOR, None, "http://testserver/")
        raise RuntimeError("the request failed after the invitation")
    assert len(queued()) == 1

    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [["ines@a.example"]]
    assert "/invitation/" in mail.outbox[0].body


def test_the_task_sends_nothing_when_the_account_no_longer_needs_it(queue):
    invited = domain.invite(OrganisationFactory(), "Inès", "ines@a.example", Role.DIRECTOR, None, "http://t/")
    closed = UserFactory()
    emails.send_later(emails.PASSWORD_RESET, closed.pk, "http://t/")
    # Between the request and the worker: the invitation is answered, the account closed.
    invited.set_password(PASSWORD)
    invited.save()
    closed.is_active = False
    closed.save()
    run_queued_tasks()
    assert mail.outbox == []


def test_a_mail_server_failure_fails_the_task_without_the_address_in_its_traces(
    settings, smtp_connections, caplog
):
    user = UserFactory(email="secrete@exemple.example")
    settings.MAILERS = SMTP
    with caplog.at_level(logging.INFO):
        result = emails.send_account_email.enqueue(emails.PASSWORD_RESET, user.pk, "http://t/")
    assert smtp_connections  # the worker (here at once) did try
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "filrouge.accounts.emails.DeliveryFailed"
    assert user.email not in result.errors[0].traceback
    assert user.email not in caplog.text


def test_an_unknown_kind_of_email_is_refused():
    with pytest.raises(ValueError, match="unknown email kind"):
        emails.send_later("newsletter", 1, "http://t/")


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_queued_emails_on_this_database(queue):
    user = UserFactory(email="connue@exemple.example")
    Client().post(reverse("accounts:password_reset"), {"email": user.email})
    assert mail.outbox == []
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)  # the reset only sent a link
