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


def tutor_at(company, **fields):
    """A contact of `company` (kind "employer"), who can be a placement's tutor."""
    from tests.employers.factories import CompanyContactFactory

    return CompanyContactFactory(company=company, **fields)


def job_with_tutor(enrolment, **fields):
    """A job (PlacementFactory) whose tutor is a contact of its company."""
    placement = PlacementFactory(enrolment=enrolment, **fields)
    placement.tutor = tutor_at(placement.company)
    placement.save(update_fields=["tutor"])
    return placement


def immersion(enrolment, **fields):
    """An immersion of two weeks that began 20 days ago, to discover a job."""
    from filrouge.placements.models import ImmersionObjective

    start = today() - timedelta(days=20)
    arguments = {
        "kind": PlacementKind.IMMERSION,
        "contract_type": "",
        "objective": ImmersionObjective.DISCOVER,
        "started_on": start,
        "planned_end_on": start + timedelta(days=14),
        "hours_per_week": 35,
    }
    return PlacementFactory(enrolment=enrolment, **(arguments | fields))
