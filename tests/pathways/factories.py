from datetime import timedelta

from filrouge.pathways import domain
from filrouge.pathways.models import EducationLevel, EmploymentStatus, Housing
from tests.people.factories import PersonFactory

ENTRY = {
    "employment_status": EmploymentStatus.OUT_OF_WORK,
    "education_level": EducationLevel.LEVEL_4,
    "housing": Housing.INDEPENDENT,
}


def enrol(service, coach=None, person=None, days_ago=60, intake_after=7, **overrides):
    """A person with a current pathway in `service`, through the domain rules."""
    person = person or PersonFactory(organisation=service.organisation)
    referral = domain.today() - timedelta(days=days_ago)
    arguments = {
        "by": coach,
        "referral_date": referral,
        "intake_date": referral + timedelta(days=intake_after) if intake_after is not None else None,
        "primary_coach": coach,
        "entry": ENTRY,
    }
    return domain.enrol(person, service, **(arguments | overrides))
