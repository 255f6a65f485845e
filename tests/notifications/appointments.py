"""What the reminder tests share: a service with a phone, a coach with a first name, a person
with a choice, appointments at fixed dates (the rules are computed at the moment given, never now)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from filrouge.journal.models import Attendance, MeetingKind
from filrouge.notifications.models import OutboundMessage, ReminderPreference
from filrouge.organisations.models import Role
from tests.accounts.factories import staff
from tests.journal.factories import MeetingFactory
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
PERSON_PHONE = "06 12 34 56 78"
SERVICE_PHONE = "04 75 12 34 56"
PLACE = "12 rue des Lilas, Valence"
SUMMARY = "Point sur le traitement et les angoisses au travail."
OTHERS = "sa sœur, la tutrice"


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@dataclass
class Setting:
    service: object
    coach: object
    enrolment: object
    person: object


def setting(time_zone="Europe/Paris", service_phone=SERVICE_PHONE, **service_fields) -> Setting:
    service = ServiceFactory(
        time_zone=time_zone, phone=service_phone, name="Emploi Valence", **service_fields
    )
    coach = staff(Role.COACH, service, full_name="Julie Martin", phone="04 75 99 88 77")
    enrolment = enrol(service, coach=coach)
    return Setting(service, coach, enrolment, enrolment.person)


def choose(person, channels="both", language="fr", at=None, **fields) -> ReminderPreference:
    values = {"phone": PERSON_PHONE if channels in ("sms", "both") else "", "email": "personne@example.org"}
    if at is not None:
        values["recorded_at"] = at
    return ReminderPreference.objects.create(
        organisation=person.organisation,
        person=person,
        channels=channels,
        language=language,
        **(values | fields),
    )


def meeting(enrolment, starts_at, **fields):
    values = {
        "kind": MeetingKind.HOME_VISIT,
        "place": PLACE,
        "attendance": "",
        "summary": SUMMARY,
        "others": OTHERS,
    }
    return MeetingFactory(enrolment=enrolment, starts_at=starts_at, **(values | fields))


def cancel(meeting_):
    meeting_.attendance = Attendance.CANCELLED
    meeting_.save()


def messages(**filters) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(**filters).order_by("created_at", "channel"))


def kinds(**filters) -> list[tuple[str, str]]:
    return sorted((m.kind, m.channel) for m in OutboundMessage.objects.filter(**filters))
