"""The retention from the worker's schedule: one task per organisation, the same rule as
`filrouge retention run` (the test settings run tasks at once, inline)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from filrouge.audit.models import AuditEntry
from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.people.models import Person
from filrouge.privacy import domain, tasks
from tests.privacy.test_retention import exited, five_years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(world):
    """One person past their retention period in each organisation."""
    from datetime import timedelta

    before = five_years_ago() - timedelta(days=1)
    return {"a": exited(world.a1, on=before), "b": exited(world.b1, on=before)}


class Recorder:
    """Stands for a task: records what would be queued (a task is a frozen dataclass)."""

    def __init__(self, queued):
        self.queued = queued

    def enqueue(self, **kwargs):
        self.queued.append(kwargs)


def anonymised():
    return set(Person.objects.filter(anonymised_at__isnull=False))


def test_the_scheduled_retention_queues_one_task_per_organisation(world, due, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "run_retention_for_organisation", Recorder(queued))
    assert tasks.run_retention.call() == 2
    assert queued == [{"organisation_id": world.org_a.pk}, {"organisation_id": world.org_b.pk}]
    assert anonymised() == set()


def test_the_scheduled_retention_anonymises_each_organisation_as_the_command_does(world, due):
    result = tasks.run_retention.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert anonymised() == {due["a"], due["b"]}
    entry = AuditEntry.objects.get(kind="anonymise", person_id=due["a"].pk)
    assert (entry.actor, entry.actor_label, entry.detail) == (None, "retention", "retention")
    # Nothing left for the command, which reads the same rule.
    out = StringIO()
    call_command("retention", "run", stdout=out)
    assert out.getvalue() == "0 record(s) past their retention period anonymised.\n"


def test_an_organisations_task_touches_only_its_own_people(world, due):
    assert tasks.run_retention_for_organisation.call(organisation_id=world.org_b.pk) == 1
    assert anonymised() == {due["b"]}
    assert domain.run_retention(dry_run=True) == 1  # A's person is still due


def test_the_command_still_anonymises_every_organisation(due):
    out = StringIO()
    call_command("retention", "run", stdout=out)
    assert out.getvalue() == "2 record(s) past their retention period anonymised.\n"
    assert anonymised() == {due["a"], due["b"]}


def test_an_unknown_organisation_fails_for_good():
    with pytest.raises(PermanentFailure, match="organisation 999999 does not exist"):
        tasks.run_retention_for_organisation.call(organisation_id=999999)


def test_a_failed_anonymisation_is_retried_and_its_message_holds_no_personal_data(world, due, monkeypatch):
    name = due["a"].last_name

    def failing(person, by, detail=""):
        raise ValueError(f"cannot anonymise {person.last_name}")

    monkeypatch.setattr(domain, "anonymise", failing)
    with pytest.raises(TaskFailure) as failure:
        tasks.run_retention_for_organisation.call(organisation_id=world.org_a.pk)
    assert failure.value.retry is True
    message = str(failure.value)
    assert f"organisation {world.org_a.pk}" in message and "ValueError" in message
    assert name not in message
    assert failure.value.__suppress_context__  # the original error is not in the stored traceback
    assert anonymised() == set()
