"""Alerts stop for a pathway that has ended: every caseload alert is off once the exit is recorded."""

from datetime import timedelta

import pytest

from filrouge.pathways import caseload, domain
from filrouge.pathways.models import Enrolment, Phase
from filrouge.referentials.models import ContractType
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory
from tests.plans.factories import ActionFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db

ALERTS = [
    "alert_profile_contact",
    "alert_employment_contact",
    "alert_overdue_actions",
    "alert_follow_along",
    "alert_no_employer_contact",
    "alert_job_past_planned_end",
    "alert_end_soon",
]


def alerts(enrolment) -> dict[str, bool]:
    row = caseload.with_alerts(Enrolment.objects.filter(pk=enrolment.pk), domain.today()).get()
    return {name: getattr(row, name) for name in ALERTS}


def test_every_alert_stops_once_the_exit_is_recorded(world):
    today = domain.today()
    enrolment = enrol(world.a1, coach=world.users["coach"], days_ago=120)
    domain.change_phase(enrolment, Phase.IN_EMPLOYMENT, today - timedelta(days=100), None)
    enrolment.planned_end_date = today + timedelta(days=10)
    enrolment.save(update_fields=["planned_end_date"])
    PlacementFactory(enrolment=enrolment, started_on=today - timedelta(days=90))  # no follow-along
    PlacementFactory(
        enrolment=enrolment,
        contract_type=ContractType.CDD_SHORT,
        started_on=today - timedelta(days=60),
        planned_end_on=today - timedelta(days=2),
    )
    ActionFactory(
        objective=ObjectiveFactory(plan=PlanFactory(enrolment=enrolment)), due_date=today - timedelta(days=3)
    )
    before = alerts(enrolment)
    assert all(
        before[name]
        for name in (
            "alert_employment_contact",
            "alert_overdue_actions",
            "alert_follow_along",
            "alert_job_past_planned_end",
            "alert_end_soon",
        )
    ), before

    domain.record_exit(enrolment, on=today, outcome="moved", by=None)

    assert not any(alerts(enrolment).values())
    assert (
        not caseload.with_alerts(Enrolment.objects.filter(pk=enrolment.pk), today)
        .filter(caseload.ALERT_FILTERS["any"])
        .exists()
    )
