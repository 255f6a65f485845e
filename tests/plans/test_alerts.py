from datetime import timedelta

import pytest
from django.urls import reverse

from filrouge.organisations.models import Role
from filrouge.pathways import domain as pathways
from filrouge.pathways.caseload import with_alerts
from filrouge.pathways.models import Enrolment
from filrouge.plans import domain
from filrouge.plans.models import ActionStatus, PlanAction
from tests.accounts.factories import staff
from tests.employers.factories import CompanyFactory, EmployerContactFactory
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db
TODAY = pathways.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def service(db):
    return ServiceFactory()


@pytest.fixture
def coach(service):
    return staff(Role.COACH, service)


def with_action(service, coach, **action):
    """A pathway with one action, whose coach has met an employer for the person (so that only
    the plan can raise an alert)."""
    enrolment = enrol(service, coach)
    ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(enrolment=enrolment)), **action)
    EmployerContactFactory(
        company=CompanyFactory(organisation=service.organisation), coach=coach, person=enrolment.person
    )
    return enrolment


def overdue(enrolment) -> bool:
    return with_alerts(Enrolment.objects.filter(pk=enrolment.pk), TODAY).get().alert_overdue_actions


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        (ActionStatus.PLANNED, YESTERDAY, True),
        (ActionStatus.IN_PROGRESS, YESTERDAY, True),
        (ActionStatus.ON_HOLD, YESTERDAY, False),  # a deliberate pause is not a delay
        (ActionStatus.DONE, YESTERDAY, False),
        (ActionStatus.ABANDONED, YESTERDAY, False),
        (ActionStatus.CANCELLED, YESTERDAY, False),
        (ActionStatus.PLANNED, TODAY, False),  # due today is not late yet
        (ActionStatus.PLANNED, TODAY + timedelta(days=5), False),
        (ActionStatus.PLANNED, None, False),
    ],
)
def test_an_unfinished_action_past_its_due_date_raises_the_alert(service, coach, status, due, expected):
    assert overdue(with_action(service, coach, status=status, due_date=due)) is expected


def test_no_plan_no_alert(service, coach):
    assert overdue(enrol(service, coach)) is False


def test_a_suspended_pathway_raises_no_overdue_alert(service, coach):
    enrolment = with_action(service, coach, due_date=YESTERDAY)
    pathways.suspend(enrolment, start=TODAY - timedelta(days=2), end=None, reason="health", by=coach)
    assert overdue(enrolment) is False


def test_only_the_current_version_counts(service, coach):
    enrolment = enrol(service, coach)
    old = AgreedPlanFactory(enrolment=enrolment)
    late = ActionFactory(objective=ObjectiveFactory(plan=old), due_date=YESTERDAY)
    new = domain.new_version(old, coach)
    assert overdue(enrolment) is True  # copied into the new version, still late
    copy = new.objectives.get().actions.get()
    domain.update_action(copy, by=coach, status=ActionStatus.DONE)
    assert late.__class__.objects.get(pk=late.pk).status == ActionStatus.PLANNED  # the old version keeps it
    assert overdue(enrolment) is False


def test_the_caseload_filters_and_shows_overdue_actions(client, service, coach):
    late = with_action(service, coach, due_date=YESTERDAY)
    with_action(service, coach, due_date=TODAY + timedelta(days=3))
    client.force_login(coach)
    response = client.get(reverse("core:home"), {"alert": "overdue"})
    assert [row.pk for row in response.context["page"].object_list] == [late.pk]
    assert "Actions du plan en retard" in response.content.decode()
    response = client.get(reverse("core:home"), {"alert": "any"})
    assert [row.pk for row in response.context["page"].object_list] == [late.pk]
    assert 'value="overdue"' in response.content.decode()


def test_a_withdrawn_objective_raises_no_overdue_alert_on_the_plan(service, coach):
    enrolment = with_action(service, coach, due_date=YESTERDAY)
    objective = enrolment.plans.get().objectives.get()
    domain.withdraw_objective(objective, coach)
    action = objective.actions.select_related("objective").get()
    assert not action.is_overdue
    assert not PlanAction.objects.overdue_on(TODAY).exists()


def test_a_withdrawn_objective_raises_no_overdue_alert_in_the_caseload(service, coach):
    enrolment = with_action(service, coach, due_date=YESTERDAY)
    domain.withdraw_objective(enrolment.plans.get().objectives.get(), coach)
    assert overdue(enrolment) is False
