"""A job past its planned end with no end recorded is not counted as held after its planned end:
the share working on a day, the retention milestones (docs/measures.md, "Holding a job on a day D")."""

from datetime import timedelta

import pytest

from filrouge.followalong import retention
from filrouge.organisations.models import Service
from filrouge.outcomes.measures import Scope
from filrouge.outcomes.measures.employment import working_on
from filrouge.outcomes.periods import parse
from filrouge.pathways.domain import today
from filrouge.placements.models import Placement
from filrouge.referentials.models import ContractType
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def cdd_past_its_end(enrolment, started_days_ago=200, ended_days_ago=20):
    return PlacementFactory(
        enrolment=enrolment,
        contract_type=ContractType.CDD_SHORT,
        started_on=today() - timedelta(days=started_days_ago),
        planned_end_on=today() - timedelta(days=ended_days_ago),
    )


def test_the_share_working_stops_at_the_planned_end(world):
    cdd_past_its_end(world.enrolment, started_days_ago=40, ended_days_ago=10)
    scope = Scope.of(Service.objects.filter(pk=world.a1.pk), parse(str(today().year)))
    on_planned_end, day_after, now = today() - timedelta(days=10), today() - timedelta(days=9), today()
    rates = working_on(scope, [on_planned_end, day_after, now])
    assert [rate.numerator for rate in rates] == [1, 0, 0]


def test_a_renewed_job_is_held_again(world):
    job = cdd_past_its_end(world.enrolment, started_days_ago=40, ended_days_ago=10)
    job.planned_end_on = today() + timedelta(days=30)
    job.save()
    scope = Scope.of(Service.objects.filter(pk=world.a1.pk), parse(str(today().year)))
    assert working_on(scope, [today()])[0].numerator == 1


def test_a_milestone_after_the_passed_planned_end_is_lost_in_python_and_in_the_database(world):
    job = cdd_past_its_end(world.enrolment, started_days_ago=200, ended_days_ago=120)  # held 80 days
    statuses = {m.key: m.status for m in retention.milestones(job, today())}
    assert statuses == {"13_weeks": retention.LOST, "6_months": retention.LOST, "12_months": retention.LOST}
    jobs = Placement.objects.filter(pk=job.pk)
    assert (
        retention.with_retention(jobs, retention.THIRTEEN_WEEKS, today()).get().retention_status
        == retention.LOST
    )


def test_a_planned_end_still_to_come_leaves_the_milestone_pending(world):
    job = PlacementFactory(
        enrolment=world.enrolment,
        contract_type=ContractType.CDD_SHORT,
        started_on=today() - timedelta(days=30),
        planned_end_on=today() + timedelta(days=30),
    )
    assert retention.milestones(job, today())[0].status == retention.PENDING
    jobs = Placement.objects.filter(pk=job.pk)
    assert (
        retention.with_retention(jobs, retention.THIRTEEN_WEEKS, today()).get().retention_status
        == retention.PENDING
    )


def test_a_planned_end_after_the_milestone_keeps_it(world):
    job = cdd_past_its_end(world.enrolment, started_days_ago=200, ended_days_ago=5)  # held 195 days
    statuses = {m.key: m.status for m in retention.milestones(job, today())}
    assert statuses["13_weeks"] == retention.KEPT
    jobs = Placement.objects.filter(pk=job.pk)
    assert (
        retention.with_retention(jobs, retention.THIRTEEN_WEEKS, today()).get().retention_status
        == retention.KEPT
    )
