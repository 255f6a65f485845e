from datetime import timedelta

import factory

from filrouge.pathways.domain import today
from filrouge.placements.models import Placement, PlacementKind
from filrouge.referentials.models import ContractType
from tests.employers.factories import CompanyFactory
from tests.profiles.factories import job_title


class PlacementFactory(factory.django.DjangoModelFactory):
    """A job (CDI, 24 h a week) that began 60 days ago. Pass `enrolment`."""

    class Meta:
        model = Placement

    organisation = factory.SelfAttribute("enrolment.organisation")
    kind = PlacementKind.EMPLOYMENT
    company = factory.SubFactory(CompanyFactory, organisation=factory.SelfAttribute("..organisation"))
    job_title = factory.LazyFunction(job_title)
    contract_type = ContractType.CDI
    started_on = factory.LazyFunction(lambda: today() - timedelta(days=60))
    hours_per_week = 24
