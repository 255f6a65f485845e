from django.utils import timezone

from tests.matrix import PERSON_TEAM, Row, enrolment, person
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory, PlanFactory


def plan(world):
    return {"pk": PlanFactory(enrolment=world.enrolment).pk}


def agreed_plan(world):
    objective = ObjectiveFactory(plan=AgreedPlanFactory(enrolment=world.enrolment))
    ActionFactory(objective=objective)
    return {"pk": objective.plan_id}


def objective(world):
    return {"pk": ObjectiveFactory(plan=PlanFactory(enrolment=world.enrolment)).pk}


def action(world):
    return {"pk": ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(enrolment=world.enrolment))).pk}


ROWS = [
    # The action plan is case content: the service's case workers and directors; 404 for others.
    Row("plans:person_plans", "GET", PERSON_TEAM, kwargs=person),
    Row("plans:detail", "GET", PERSON_TEAM, kwargs=agreed_plan),
    Row("plans:timeline", "GET", PERSON_TEAM, kwargs=agreed_plan),
    Row("plans:start", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("plans:start", "POST", PERSON_TEAM, kwargs=enrolment, ok=302),
    Row("plans:objective_add", "GET", PERSON_TEAM, kwargs=plan),
    Row("plans:objective_add", "POST", PERSON_TEAM, kwargs=plan),
    Row("plans:action_add", "GET", PERSON_TEAM, kwargs=objective),
    Row("plans:action_add", "POST", PERSON_TEAM, kwargs=objective),
    Row("plans:action_edit", "GET", PERSON_TEAM, kwargs=action),
    Row("plans:action_edit", "POST", PERSON_TEAM, kwargs=action),
    Row("plans:agreement", "GET", PERSON_TEAM, kwargs=plan),
    Row("plans:agreement", "POST", PERSON_TEAM, kwargs=plan),
    Row("plans:new_version", "GET", PERSON_TEAM, kwargs=agreed_plan),
    Row("plans:new_version", "POST", PERSON_TEAM, kwargs=agreed_plan, ok=302),
]


def withdrawn_objective(world):
    return {
        "pk": ObjectiveFactory(plan=PlanFactory(enrolment=world.enrolment), withdrawn_at=timezone.now()).pk
    }


ROWS += [
    # Objectives are changed like the rest of the plan: by the person's team.
    Row("plans:objective_edit", "GET", PERSON_TEAM, kwargs=objective),
    Row("plans:objective_edit", "POST", PERSON_TEAM, kwargs=objective),
    Row("plans:objective_withdraw", "GET", PERSON_TEAM, kwargs=objective),
    Row("plans:objective_withdraw", "POST", PERSON_TEAM, kwargs=objective, ok=302),
    Row("plans:objective_restore", "POST", PERSON_TEAM, kwargs=withdrawn_objective, ok=302),
]
