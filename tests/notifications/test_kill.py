"""A worker killed in the middle of sending 1,000 reminders, then another one: every reminder is
sent exactly once (the issue's "done when"). PostgreSQL only: the two workers are processes of
their own that must share the test database, and SQLite's test database lives in memory."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from filrouge.audit.models import AuditEntry
from filrouge.notifications.models import MessageStatus, OutboundMessage
from tests.notifications.appointments import choose, meeting, paris, setting

COUNT = 1000
START = paris(2026, 12, 8, 10, 30)
AT = "2026-12-01 15:00"
ROOT = Path(__file__).resolve().parents[2]
# The test settings (same keys, so the workers read what the test wrote), the SMS files where the
# test looks for them.
WORKER_SETTINGS = """
import os
from pathlib import Path
from filrouge.settings_test import *  # noqa
SMS_BACKEND = "file"
SMS_FILE_PATH = Path(os.environ["KILL_TEST_SMS_PATH"])
"""


def due_reminders(count: int) -> None:
    s = setting()
    choose(s.person, "sms")
    appointment = meeting(s.enrolment, START)
    OutboundMessage.objects.bulk_create(
        OutboundMessage(
            organisation=s.service.organisation,
            person=s.person,
            service=s.service,
            meeting=appointment,
            key=f"kill-test:{n}",
            kind="confirmation",
            channel="sms",
            starts_at=START,
            recipient="+33612345678",
            subject="",
            body=f"Votre rendez-vous : mardi 8 décembre à 10 h 30. Message {n}.",
            due_at=paris(2026, 12, 1, 14, 0),
        )
        for n in range(count)
    )


def worker(tmp_path, sms_path, **env) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="kill_test_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
        DATABASE_URL=url,
        KILL_TEST_SMS_PATH=str(sms_path),
        **env,
    )
    return subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "filrouge", "reminders", "send", "--at", AT],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sent_files(sms_path: Path) -> list[Path]:
    return sorted(sms_path.glob("*.txt")) if sms_path.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sending_then_another_every_reminder_sent_exactly_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the workers are separate processes: they need a database they can share")
    (tmp_path / "kill_test_settings.py").write_text(WORKER_SETTINGS)
    sms_path = tmp_path / "sms"
    due_reminders(COUNT)

    first = worker(tmp_path, sms_path)
    # Wait (polling, no time is asserted) until it is well under way, then kill it outright.
    deadline = time.monotonic() + 300
    while len(sent_files(sms_path)) < 50 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL, first.stderr.read()
    # Killed in the middle: it had written files, and not recorded every message as sent (those
    # of the batch in hand, if any, are still claimed: `sending`).
    assert sent_files(sms_path), "the first worker had not started sending"
    assert OutboundMessage.objects.filter(status=MessageStatus.SENT).count() < COUNT

    # The second one takes over what the first had claimed (its claims count as stale at once).
    second = worker(tmp_path, sms_path, FILROUGE_REMINDER_CLAIM_TIMEOUT="0")
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, err

    files = sent_files(sms_path)
    ids = {str(pk) for pk in OutboundMessage.objects.values_list("pk", flat=True)}
    assert len(files) == COUNT and {f.stem for f in files} == ids
    assert OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == COUNT
    # Sent once each: one record of sending per message.
    entries = AuditEntry.objects.filter(object_type="notifications.outboundmessage")
    assert entries.count() == COUNT
    assert len({entry.detail for entry in entries}) == COUNT
