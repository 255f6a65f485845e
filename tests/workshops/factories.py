from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from filrouge.pathways.domain import today
from filrouge.workshops.models import Registration, RegistrationStatus, WorkshopSession, WorkshopType


def built_in(code: str = "cv") -> WorkshopType:
    return WorkshopType.objects.get(code=code)


def at(days: int = 7, hour: int = 14) -> datetime:
    """An aware datetime `days` from today (negative: in the past), at `hour` local time."""
    return timezone.make_aware(datetime.combine(today() + timedelta(days=days), time(hour)))


def next_weekday(weekday: int, after_days: int = 7) -> date:
    """The first `weekday` (0 is Monday) at least `after_days` from today."""
    day = today() + timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


MONDAY = next_weekday(0)  # series start on it: sessions are dated within a year of today


class WorkshopTypeFactory(factory.django.DjangoModelFactory):
    """A service's own workshop type."""

    class Meta:
        model = WorkshopType

    service = factory.SubFactory("tests.organisations.factories.ServiceFactory")
    organisation = factory.SelfAttribute("service.organisation")
    name = factory.Sequence(lambda n: f"Atelier maison {n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopSession

    service = factory.SubFactory("tests.organisations.factories.ServiceFactory")
    organisation = factory.SelfAttribute("service.organisation")
    type = factory.LazyFunction(built_in)
    starts_at = factory.LazyFunction(at)
    duration_minutes = 120
    place = "Salle Jean Moulin"
    capacity = 8


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    enrolment = None  # give one of the session's service
    organisation = factory.SelfAttribute("session.organisation")
    status = RegistrationStatus.REGISTERED
    registered_at = factory.LazyFunction(timezone.now)
