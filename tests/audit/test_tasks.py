"""The audit trail's nightly jobs from the worker's schedule: publish, purge and verify as
`filrouge audit` does, and a broken chain told to its organisation's administrators and data
protection officer, and to no one else (the test settings run tasks at once, inline)."""

import subprocess
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone

from filrouge.audit import chain, heads, nightly, tasks
from filrouge.audit.models import AuditEntry, chain_key
from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.background.schedule import SCHEDULE
from tests.audit.factories import age, reads, tamper
from tests.audit.test_database_guards import app_role, as_role  # noqa: F401  (a fixture)
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands for a task: records what would be queued (a task is a frozen dataclass)."""

    def __init__(self):
        self.queued = []

    def enqueue(self, **kwargs):
        self.queued.append(kwargs)


def broken(world):
    """An access entry of organisation A edited behind the application."""
    entry = reads(world, 3)[1]
    tamper(entry, detail="people:list")
    return chain_key(world.org_a.pk, "access")


def test_the_nightly_jobs_are_on_the_schedule():
    tasks_by_name = {p.name: p.task for p in SCHEDULE}
    assert tasks_by_name["audit_purge"] == "filrouge.audit.tasks.purge_audit"
    assert tasks_by_name["audit_verify"] == "filrouge.audit.tasks.verify_audit"
    assert tasks_by_name["audit_publish"] == "filrouge.audit.tasks.publish_audit_heads"
    assert tasks_by_name["retention"] == "filrouge.privacy.tasks.run_retention"


# --- Verify -------------------------------------------------------------------------------------


def test_an_intact_trail_is_verified_its_heads_published_and_no_one_alerted(world):
    reads(world, 2)
    result = tasks.verify_audit.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["problems"] == 0 and result.return_value["alerted"] == []
    assert mail.outbox == []
    assert f"chain={chain_key(world.org_a.pk, 'access')} " in heads.heads_file().read_text()


def test_a_broken_chain_alerts_the_organisations_administrators_and_officer_only(world):
    key = broken(world)
    result = tasks.verify_audit.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["alerted"] == [world.org_a.pk]
    assert sorted(message.to[0] for message in mail.outbox) == ["admin@a.example", "dpo@a.example"]
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)
    message = mail.outbox[0]
    assert "Organisation A" in message.subject
    body = message.body
    assert key in body and "1 anomalie" in body
    assert "filrouge audit verify" in body and "docs/privacy.md" in body
    assert "http://" in body and "/journal-d-audit/" in body
    # Nothing about the person or who read the record.
    person, coach = world.person, world.users["coach"]
    for personal in (person.first_name, person.last_name, coach.full_name, coach.email, "people:"):
        assert personal not in body and personal not in message.subject


def test_the_alert_task_is_queued_per_organisation_with_its_id_as_keyword(world, monkeypatch):
    key = broken(world)
    recorder = Recorder()
    monkeypatch.setattr(tasks, "send_broken_chain_alert", recorder)
    tasks.verify_audit.call()
    (queued,) = recorder.queued
    assert queued["organisation_id"] == world.org_a.pk and queued["chains"] == {key: 1}
    assert queued["verified_at"]  # a date, for the email


def test_the_command_still_reports_the_broken_chain_and_sends_nothing(world):
    key = broken(world)
    err = StringIO()
    with pytest.raises(CommandError, match="tampered with: 1 problem"):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert key in err.getvalue()
    assert mail.outbox == []


def test_an_inactive_administrator_is_not_alerted(world):
    world.users["org_admin"].is_active = False
    world.users["org_admin"].save()
    broken(world)
    tasks.verify_audit.enqueue()
    assert [message.to for message in mail.outbox] == [["dpo@a.example"]]


def test_an_organisation_with_no_one_to_alert_fails_for_good():
    lonely = OrganisationFactory()
    with pytest.raises(PermanentFailure, match=f"organisation {lonely.pk} has no active administrator"):
        tasks.send_broken_chain_alert.call(
            organisation_id=lonely.pk,
            chains={f"org-{lonely.pk}/change": 2},
            verified_at=timezone.now().isoformat(),
        )
    assert mail.outbox == []


def test_a_mail_server_failure_is_retried_and_says_no_address(world, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError("550 admin@a.example: mailbox unavailable")

    monkeypatch.setattr(tasks, "send_mail", refused)
    with pytest.raises(TaskFailure) as failure:
        tasks.send_broken_chain_alert.call(
            organisation_id=world.org_a.pk, chains={"x": 1}, verified_at=timezone.now().isoformat()
        )
    assert failure.value.retry and "0 of 2 sent" in str(failure.value)
    assert "@" not in str(failure.value) and failure.value.__suppress_context__


def test_a_problem_outside_any_organisation_fails_the_task_after_alerting(world):
    broken(world)
    call_command("audit", "publish", stdout=StringIO())
    path = heads.heads_file()
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0].replace(" seq=", " seq=1"), *lines[1:]]) + "\n")

    with pytest.raises(PermanentFailure, match="1 problem\\(s\\) outside any organisation"):
        tasks.verify_audit.call()
    assert sorted(message.to[0] for message in mail.outbox) == ["admin@a.example", "dpo@a.example"]


def test_problems_are_attributed_by_the_chains_key():
    report = chain.Report(
        chains=3,
        entries=9,
        problems=[
            chain.Problem("org-7/access", 2, "edited", "…"),
            chain.Problem("org-7/access", 3, "edited", "…"),
            chain.Problem("org-7/change", 1, "deleted", "…"),
            chain.Problem("none/access", 1, "edited", "…"),
            chain.Problem("/srv/heads.log", None, "heads_file", "…"),
        ],
    )
    assert nightly.problems_by_organisation(report) == ({7: {"org-7/access": 2, "org-7/change": 1}}, 2)


# --- Publish ------------------------------------------------------------------------------------


def test_the_publish_task_publishes_every_head_and_fails_for_good_on_an_unwritable_file(
    world, settings, tmp_path
):
    reads(world, 1)
    assert tasks.publish_audit_heads.call() >= 2
    (tmp_path / "not-a-directory").write_text("")
    settings.AUDIT_HEADS_FILE = tmp_path / "not-a-directory" / "heads.log"
    with pytest.raises(PermanentFailure, match="FILROUGE_AUDIT_HEADS_FILE"):
        tasks.publish_audit_heads.call()


# --- Purge --------------------------------------------------------------------------------------


def test_the_purge_task_removes_what_the_command_would(world, settings):
    settings.AUDIT_PURGE_DATABASE_URL = ""
    old = reads(world, 3)
    age(old, 400)
    reads(world, 1)
    assert tasks.purge_audit.call() == 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    purge = AuditEntry.objects.get(kind="purge")
    assert purge.actor_label == "audit purge"
    assert chain.verify_all().ok
    out = StringIO()
    call_command("audit", "purge", stdout=out)  # nothing left for the command
    assert out.getvalue().startswith("0 access entries")


def test_with_the_owners_url_the_purge_runs_as_the_command_in_a_process_of_its_own(settings, monkeypatch):
    owner = "postgres://filrouge_owner:s3cret@db.example:5432/filrouge"
    settings.AUDIT_PURGE_DATABASE_URL = owner
    runs = []

    def run(arguments, **options):
        runs.append((arguments, options))
        return subprocess.CompletedProcess(
            arguments, 0, stdout="3 access entries older than 365 days purged.\n"
        )

    monkeypatch.setattr(tasks.subprocess, "run", run)
    assert tasks.purge_audit.call() == -1
    ((arguments, options),) = runs
    assert arguments[-3:] == ["filrouge", "audit", "purge"]
    assert options["env"]["DATABASE_URL"] == owner and options["check"] is False


def test_the_owners_purge_that_fails_says_why_without_the_password(settings, monkeypatch):
    settings.AUDIT_PURGE_DATABASE_URL = "postgres://filrouge_owner:s3cret@db.example:5432/filrouge"

    def run(arguments, **options):
        return subprocess.CompletedProcess(
            arguments,
            1,
            stdout="",
            stderr='Traceback…\nOperationalError: password authentication failed for user "filrouge_owner"\n',
        )

    monkeypatch.setattr(tasks.subprocess, "run", run)
    with pytest.raises(
        PermanentFailure, match="exit 1: OperationalError: password authentication failed"
    ) as failure:
        tasks.purge_audit.call()
    assert "s3cret" not in str(failure.value)


def test_a_role_that_may_not_delete_makes_the_purge_fail_for_good_saying_what_to_do(world, settings, request):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    role = request.getfixturevalue("app_role")
    settings.AUDIT_PURGE_DATABASE_URL = ""
    aged = reads(world, 2)
    age(aged, 400)
    with as_role(role):
        with pytest.raises(PermanentFailure) as failure:
            tasks.purge_audit.call()
        # The command, with the same role, says so too.
        with pytest.raises(CommandError, match="as the role that owns the tables"):
            call_command("audit", "purge", stdout=StringIO())
    message = str(failure.value)
    assert failure.value.retry is False
    assert "FILROUGE_AUDIT_PURGE_DATABASE_URL" in message and "from cron" in message
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in aged]).count() == 2
    assert chain.verify_all().ok


def test_with_nothing_left_to_purge_the_applications_role_succeeds(world, settings, request):
    """The owner's cron line purged first: the worker's purge finds nothing and does not fail."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    role = request.getfixturevalue("app_role")
    settings.AUDIT_PURGE_DATABASE_URL = ""
    reads(world, 2)
    with as_role(role):
        assert tasks.purge_audit.call() == 0
