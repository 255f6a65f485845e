from datetime import timedelta

import factory

from filrouge.employers.models import EmployerContact, EmployerContactKind
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.pathways.domain import today


class SupportContactFactory(factory.django.DjangoModelFactory):
    """A face-to-face meeting with the person at work, ten days ago. Pass `placement` and `by`."""

    class Meta:
        model = SupportContact

    organisation = factory.SelfAttribute("placement.organisation")
    party = Party.PERSON
    kind = SupportKind.FACE_TO_FACE
    place = SupportPlace.WORKPLACE
    contacted_on = factory.LazyFunction(lambda: today() - timedelta(days=10))
    notes = "Point sur les horaires du matin."


def phone_call(**fields) -> SupportContact:
    return SupportContactFactory(kind=SupportKind.PHONE, place=SupportPlace.REMOTE, **fields)


def employer_contact(person, coach, company, days_ago: int) -> EmployerContact:
    return EmployerContact.objects.create(
        organisation=company.organisation,
        company=company,
        coach=coach,
        kind=EmployerContactKind.CANDIDATE_PRESENTATION,
        contacted_on=today() - timedelta(days=days_ago),
        person=person,
    )
