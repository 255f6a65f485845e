import factory

from filrouge.pathways.domain import today
from filrouge.plans.models import (
    ActionPlan,
    ActionStatus,
    AgreementMethod,
    Carrier,
    PlanAction,
    PlanObjective,
)
from filrouge.referentials.models import Theme


class PlanFactory(factory.django.DjangoModelFactory):
    """A current plan of a pathway (pass `enrolment`)."""

    class Meta:
        model = ActionPlan

    organisation = factory.LazyAttribute(lambda o: o.enrolment.organisation)
    version = 1


class AgreedPlanFactory(PlanFactory):
    agreed_on = factory.LazyFunction(today)
    agreement_method = AgreementMethod.AGREED_IN_MEETING


class ObjectiveFactory(factory.django.DjangoModelFactory):
    """A free-text objective under the "employment" theme."""

    class Meta:
        model = PlanObjective

    plan = factory.SubFactory(PlanFactory)
    organisation = factory.LazyAttribute(lambda o: o.plan.organisation)
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="trouver_un_emploi"))
    custom_label = factory.Sequence(lambda n: f"Objectif {n}")
    position = factory.Sequence(lambda n: n)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    objective = factory.SubFactory(ObjectiveFactory)
    organisation = factory.LazyAttribute(lambda o: o.objective.organisation)
    custom_label = factory.Sequence(lambda n: f"Action {n}")
    carrier = Carrier.PERSON
    status = ActionStatus.PLANNED
    status_changed_on = factory.LazyFunction(today)
