"""`filrouge reminders send [--at]` and the schedule's task; the issue's "done when" check."""

import email as email_lib
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from filrouge.journal.models import MeetingKind
from filrouge.notifications.management.commands.reminders import parse_moment
from filrouge.notifications.models import MessageStatus, OutboundMessage
from filrouge.notifications.tasks import send_due_reminders
from filrouge.pathways.domain import today
from tests.notifications.appointments import OTHERS, PARIS, PLACE, SUMMARY, choose, meeting, paris, setting


@pytest.fixture
def file_backends(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.MAILERS = {
        "default": {
            "BACKEND": "filrouge.notifications.mail.MessageFileBackend",
            "OPTIONS": {"file_path": tmp_path / "emails"},
        }
    }
    return tmp_path


def send(*args) -> str:
    out = StringIO()
    call_command("reminders", "send", *args, stdout=out)
    return out.getvalue()


def files(directory):
    return sorted(directory.iterdir()) if directory.exists() else []


@pytest.mark.django_db
def test_demo_check_a_meeting_the_day_after_tomorrow_one_sms_one_email_then_nothing(file_backends):
    """The issue's check: booked for the day after tomorrow for a person who chose SMS and email;
    `reminders send --at "<today> 09:00"` writes one SMS file and one email naming the time and
    the place and nothing of the person's situation; a second run sends nothing."""
    s = setting()
    choose(s.person, "both")
    day = today() + timedelta(days=2)
    start = datetime.combine(day, time(10, 30), tzinfo=PARIS)
    meeting(s.enrolment, start, kind=MeetingKind.HOME_VISIT)
    at = f"{day - timedelta(days=2):%Y-%m-%d} 09:00"

    out = send("--at", at)
    assert out.startswith("1 SMS, 1 e-mail(s) envoyé(s), 0 en échec"), out
    [sms_file] = files(file_backends / "sms")
    [email_file] = files(file_backends / "emails")
    sms_text = sms_file.read_text()
    email_text = email_file.read_bytes().decode()
    parsed = email_lib.message_from_bytes(email_file.read_bytes())
    email_body = parsed.get_payload(decode=True).decode()
    for text in (sms_text, email_body):
        assert "à 10 h 30" in text and PLACE in text
        for secret in (SUMMARY, OTHERS, "domicile", "Visite", s.person.first_name, s.person.birth_name):
            assert secret not in text
    assert "personne@example.org" in email_text and "+33612345678" in sms_text
    assert OutboundMessage.objects.filter(kind="reminder", status=MessageStatus.SENT).count() == 2

    out = send("--at", at)
    assert out.startswith("0 SMS, 0 e-mail(s) envoyé(s), 0 en échec"), out
    assert len(files(file_backends / "sms")) == 1 and len(files(file_backends / "emails")) == 1


@pytest.mark.django_db
def test_run_twice_at_later_moments_sends_each_message_once(file_backends):
    s = setting()
    choose(s.person, "sms")
    meeting(s.enrolment, paris(2026, 12, 8, 10, 30))
    assert send("--at", "2026-12-01 15:00").startswith("1 SMS")  # the confirmation
    assert send("--at", "2026-12-01 15:05").startswith("0 SMS")
    assert send("--at", "2026-12-06 09:00").startswith("1 SMS")  # the reminder
    assert send("--at", "2026-12-06 09:05").startswith("0 SMS")
    assert len(files(file_backends / "sms")) == 2


def test_the_moment_is_read_as_iso_or_with_a_space_naive_meaning_paris():
    assert parse_moment("2026-12-08 09:00") == paris(2026, 12, 8, 9, 0)
    assert parse_moment("2026-12-08T09:00") == paris(2026, 12, 8, 9, 0)
    assert parse_moment("2026-12-08T09:00+04:00") == paris(2026, 12, 8, 6, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["demain", "2026-13-08 09:00", "08/12/2026 9h"])
def test_an_unreadable_moment_is_a_clear_error(value):
    with pytest.raises(CommandError, match="n'est pas une date et heure lisible"):
        send("--at", value)


@pytest.mark.django_db
def test_the_schedules_task_sends_what_is_due_now(file_backends):
    s = setting()
    # By email: an SMS would wait for 8:00 if the test ran in the evening.
    choose(s.person, "email")
    meeting(s.enrolment, datetime.now(PARIS) + timedelta(days=10))
    result = send_due_reminders.enqueue()
    assert result.return_value == {"sms": 0, "email": 1, "failed": 0}
    assert len(files(file_backends / "emails")) == 1
    assert send_due_reminders.enqueue().return_value == {"sms": 0, "email": 0, "failed": 0}
