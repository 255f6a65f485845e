"""Sending the outbox: claimed before it leaves, recorded once sent, retried or failed without
personal data, never sent twice (issue 19)."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from filrouge.audit.models import AuditEntry
from filrouge.notifications import delivery
from filrouge.notifications.models import MessageStatus, OutboundMessage
from filrouge.notifications.owed import owed
from filrouge.notifications.sms import SmsRejected, SmsUnavailable
from filrouge.notifications.tasks import send_reminders
from tests.notifications.appointments import PERSON_PHONE, PLACE, choose, meeting, paris, setting

START = paris(2026, 12, 8, 10, 30)
AT = paris(2026, 12, 1, 15, 0)


@pytest.fixture
def sms_files(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


@pytest.fixture
def booked(db, sms_files):
    s = setting()
    choose(s.person, "both")
    s.meeting = meeting(s.enrolment, START)
    owed(AT)
    return s


class Failing:
    idempotent = False

    def __init__(self, failure):
        self.failure, self.calls = failure, 0

    def send(self, message_id, to, text):
        self.calls += 1
        raise self.failure


def sms():
    return OutboundMessage.objects.get(channel="sms")


@pytest.mark.django_db
def test_due_messages_are_sent_once_recorded_and_audited_without_their_text(booked, sms_files):
    counts = delivery.deliver(AT, worker="w1")
    assert counts.sent == {"sms": 1, "email": 1} and counts.failed == 0
    message = sms()
    assert message.status == MessageStatus.SENT and message.sent_at is not None and message.attempts == 1
    assert message.claimed_by == "w1" and message.provider_reference == f"{message.pk}.txt"
    written = (sms_files / f"{message.pk}.txt").read_text()
    assert "+33612345678" in written and PLACE in written
    [email] = mail.outbox
    assert email.to == ["personne@example.org"] and "mardi 8 décembre à 10 h 30" in email.body

    entries = AuditEntry.objects.filter(object_type="notifications.outboundmessage")
    assert entries.count() == 2 and {e.person_id for e in entries} == {booked.person.pk}
    for entry in entries:
        assert PLACE not in entry.detail and "0612" not in entry.detail and "+336" not in entry.detail
        assert not entry.changes

    assert delivery.deliver(AT, worker="w1").sent == {"sms": 0, "email": 0}
    assert len(list(sms_files.iterdir())) == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_message_not_yet_due_waits(db, sms_files):
    s = setting()
    choose(s.person, "sms")
    meeting(s.enrolment, START)
    owed(paris(2026, 12, 1, 21, 0))  # quiet hours: due at 8:00
    assert delivery.deliver(paris(2026, 12, 1, 21, 0)).sent["sms"] == 0
    assert delivery.deliver(paris(2026, 12, 2, 7, 59)).sent["sms"] == 0
    assert delivery.deliver(paris(2026, 12, 2, 8, 0)).sent["sms"] == 1


@pytest.mark.django_db
def test_an_unavailable_provider_is_retried_later_then_failed_after_five_attempts(booked, monkeypatch):
    backend = Failing(SmsUnavailable("Brevo answered HTTP 503 (unknown)."))
    monkeypatch.setattr("filrouge.notifications.sms.get_sms_backend", lambda: backend)
    at = AT
    for attempt in range(1, delivery.MAX_ATTEMPTS):
        counts = delivery.deliver(at)
        message = sms()
        assert counts.retried == 1 and message.status == MessageStatus.PENDING and message.attempts == attempt
        assert message.due_at > at and message.error == "SmsUnavailable: Brevo answered HTTP 503 (unknown)."
        at = message.due_at
    counts = delivery.deliver(at)
    message = sms()
    assert counts.failed == 1 and message.status == MessageStatus.FAILED and message.attempts == 5
    assert backend.calls == 5
    assert PERSON_PHONE not in message.error and "+33" not in message.error


@pytest.mark.django_db
def test_a_rejected_message_fails_at_once(booked, monkeypatch):
    backend = Failing(SmsRejected("Brevo answered HTTP 400 (invalid_parameter)."))
    monkeypatch.setattr("filrouge.notifications.sms.get_sms_backend", lambda: backend)
    counts = delivery.deliver(AT)
    assert counts.failed == 1 and sms().status == MessageStatus.FAILED and sms().attempts == 1
    assert delivery.deliver(AT + timedelta(days=1)).failed == 0 and backend.calls == 1


@pytest.mark.django_db
def test_a_message_whose_appointment_started_is_set_aside(booked):
    counts = delivery.deliver(START)
    assert counts.skipped == 2 and counts.sent == {"sms": 0, "email": 0}
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {MessageStatus.SKIPPED}


@pytest.mark.django_db
def test_a_message_left_sending_by_a_stopped_worker_is_resent_by_an_idempotent_backend(booked, settings):
    OutboundMessage.objects.update(
        status=MessageStatus.SENDING, claimed_by="dead:1", claimed_at=timezone.now() - timedelta(seconds=301)
    )
    counts = delivery.deliver(AT)
    # The file SMS backend rewrites the same file: resent. Tests' email backend (memory) is not
    # idempotent: the email becomes "to check", never resent blindly.
    assert counts.sent == {"sms": 1, "email": 0} and counts.uncertain == 1
    assert OutboundMessage.objects.get(channel="email").status == MessageStatus.UNCERTAIN
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_a_recent_claim_is_left_to_its_worker(booked, settings):
    OutboundMessage.objects.update(
        status=MessageStatus.SENDING, claimed_by="alive:1", claimed_at=timezone.now()
    )
    assert delivery.deliver(AT).sent == {"sms": 0, "email": 0}
    settings.REMINDER_CLAIM_TIMEOUT = 0
    assert delivery.deliver(AT).sent["sms"] == 1


@pytest.mark.django_db
def test_a_non_idempotent_sms_backend_leaves_an_uncertain_message_for_a_person(booked, settings):
    settings.SMS_BACKEND = "console"
    OutboundMessage.objects.update(
        status=MessageStatus.SENDING, claimed_by="dead:1", claimed_at=timezone.now() - timedelta(hours=1)
    )
    delivery.deliver(AT)
    assert sms().status == MessageStatus.UNCERTAIN and sms().error == "worker_stopped_while_sending"


@pytest.mark.django_db
def test_sent_messages_are_in_the_persons_timeline_without_their_text(booked, client, world):
    delivery.deliver(AT)
    client.force_login(booked.coach)
    response = client.get(reverse("people:timeline", args=[booked.person.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Confirmation envoyée par SMS pour le rendez-vous du mardi 8 décembre à 10 h 30" in body
    assert "Confirmation envoyée par e-mail pour le rendez-vous du mardi 8 décembre à 10 h 30" in body
    assert PLACE not in body
    # Someone outside the person's service sees no timeline at all (the page's own rule).
    client.force_login(world.users["other_org_coach"])
    assert client.get(reverse("people:timeline", args=[booked.person.pk])).status_code in (403, 404)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_write_and_send_each_message_once(sms_files):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; concurrent claims are PostgreSQL's concern")
    people = []
    for _ in range(3):
        s = setting()
        choose(s.person, "sms")
        for day in (8, 9, 10):
            meeting(s.enrolment, paris(2026, 12, day, 10, 30))
        people.append(s)
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait(timeout=30)
            send_reminders(AT)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert OutboundMessage.objects.count() == 9
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len(list(sms_files.glob("*.txt"))) == 9
    assert AuditEntry.objects.filter(object_type="notifications.outboundmessage").count() == 9
