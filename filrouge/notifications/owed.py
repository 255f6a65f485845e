"""Which messages each appointment owes at a given moment: a reconciliation of the appointments'
state with the outbox, not hooks in the booking views, so it is idempotent by design.

`owed(at)` looks at the live appointments ahead (within `HORIZON`) of the people who chose
reminders, and at the appointments of messages still waiting, and writes what is owed to
`OutboundMessage`, each under a key computed from the state it answers
(`m12:sms:reminder:20261208T093000Z:1`: appointment, channel, kind, start, number of messages
already written for the appointment on the channel). Two runs that see the same state compute
the same keys; the unique key lets one insert win, the other is ignored. A run that sees the
state after another one's message finds nothing more owed.

The rules, per appointment and chosen channel ("announced" = a confirmation, reminder or
change notice written and not set aside):
- not announced at its current start, before the reminder moment: CONFIRMATION, or CHANGE when
  an earlier start was announced (and not cancelled since);
- not announced at its current start, at or after the moment: one message at once, the
  REMINDER, or the CHANGE notice, which then stands for the reminder;
- announced, at or after the moment, and nothing announced for this start on the moment's day
  or later: REMINDER;
- announced and now cancelled (meeting cancelled, registration withdrawn, session cancelled),
  start still ahead, no notice since: CANCELLATION, once;
- a message still pending that no longer matches the appointment (moved, cancelled, the person
  chose no reminder on that channel, the appointment was deleted) is set aside (SKIPPED);
  delivery sets aside those whose start passed before they could leave.

The reminder moment is two days before the start at 9:00, in the service's time zone, as
RDV-Solidarités does (its ReminderJob, cron "0 9 * * *", reminds the appointments of the day
after tomorrow: github.com/betagouv/rdv-service-public, app/jobs/cron_job.rb). No SMS between
20:00 and 8:00 (the service's time): it waits for 8:00.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from filrouge.core.phones import to_e164
from filrouge.journal.models import Attendance, Meeting
from filrouge.notifications import texts
from filrouge.notifications.models import (
    Channel,
    MessageKind,
    MessageStatus,
    OutboundMessage,
    ReminderChannels,
    ReminderPreference,
)
from filrouge.workshops.models import Registration, RegistrationStatus

logger = logging.getLogger(__name__)

HORIZON = timedelta(days=90)
REMINDER_DAYS_BEFORE = 2
REMINDER_HOUR = time(9, 0)
QUIET_FROM, QUIET_UNTIL = time(20, 0), time(8, 0)
CHUNK = 500
ANNOUNCING = (MessageKind.CONFIRMATION, MessageKind.REMINDER, MessageKind.CHANGE)


@dataclass(frozen=True)
class Appointment:
    """A meeting or a workshop registration, as far as a reminder is concerned."""

    source: str  # "m" (meeting) or "r" (registration)
    pk: int
    organisation_id: int
    person_id: int
    service_id: int
    starts_at: datetime
    cancelled: bool
    zone: ZoneInfo
    facts: texts.Facts

    @property
    def ref(self) -> str:
        return f"{self.source}{self.pk}"


def first_name(user) -> str:
    return (user.full_name.split() or [""])[0] if user is not None and user.full_name else ""


def zone_of(service) -> ZoneInfo:
    return ZoneInfo(service.time_zone or "Europe/Paris")


def reminder_moment(starts_at: datetime, zone: ZoneInfo) -> datetime:
    """Two days before the start, at 9:00 in the service's time zone."""
    day = starts_at.astimezone(zone).date() - timedelta(days=REMINDER_DAYS_BEFORE)
    return datetime.combine(day, REMINDER_HOUR, tzinfo=zone)


def sms_due(due: datetime, zone: ZoneInfo) -> datetime:
    """No SMS between 20:00 and 8:00, local time: it waits for 8:00."""
    local = due.astimezone(zone)
    if local.time() >= QUIET_FROM:
        return datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, tzinfo=zone)
    if local.time() < QUIET_UNTIL:
        return datetime.combine(local.date(), QUIET_UNTIL, tzinfo=zone)
    return due


def _facts(starts_at, service, place, coach) -> texts.Facts:
    return texts.Facts(
        starts_at=starts_at,
        zone=zone_of(service),
        place=place,
        with_name=first_name(coach),
        # The service's phone, else the coach's professional one.
        phone=service.phone or (coach.phone if coach is not None else ""),
        service_name=service.name,
    )


def _from_meeting(meeting) -> Appointment:
    enrolment, service = meeting.enrolment, meeting.enrolment.service
    coach = enrolment.primary_coach or meeting.created_by
    return Appointment(
        "m",
        meeting.pk,
        meeting.organisation_id,
        enrolment.person_id,
        service.pk,
        meeting.starts_at,
        meeting.attendance == Attendance.CANCELLED,
        zone_of(service),
        _facts(meeting.starts_at, service, meeting.place, coach),
    )


def _from_registration(registration) -> Appointment:
    session, service = registration.session, registration.session.service
    return Appointment(
        "r",
        registration.pk,
        registration.organisation_id,
        registration.enrolment.person_id,
        service.pk,
        session.starts_at,
        registration.status != RegistrationStatus.REGISTERED or session.cancelled_at is not None,
        zone_of(service),
        # Never the workshop's type: its name may tell about the person's support.
        _facts(session.starts_at, service, session.place, session.facilitator),
    )


def appointments(at: datetime) -> list[Appointment]:
    """The appointments ahead within the horizon of the people who chose reminders, and those of
    messages still pending (moved away or out of the horizon: they may need setting aside)."""
    choosers = (
        ReminderPreference.objects.current().exclude(channels=ReminderChannels.NONE).values("person_id")
    )
    pending = OutboundMessage.objects.filter(status=MessageStatus.PENDING)
    window = Q(starts_at__gt=at, starts_at__lte=at + HORIZON, enrolment__person_id__in=choosers)
    meetings = (
        Meeting.objects.filter(window | Q(pk__in=pending.exclude(meeting=None).values("meeting_id")))
        .select_related("enrolment__service", "enrolment__primary_coach", "created_by")
        .defer("summary", "others")
        .order_by()
    )
    registrations = (
        Registration.objects.filter(
            Q(
                session__starts_at__gt=at,
                session__starts_at__lte=at + HORIZON,
                enrolment__person_id__in=choosers,
            )
            | Q(pk__in=pending.exclude(registration=None).values("registration_id"))
        )
        .select_related("session__service", "session__facilitator", "enrolment")
        .order_by()
    )
    found = [_from_meeting(m) for m in meetings.iterator(chunk_size=2000)]
    found += [_from_registration(r) for r in registrations.iterator(chunk_size=2000)]
    return found


@dataclass
class Outcome:
    written: int = 0
    set_aside: int = 0


def owed(at: datetime) -> Outcome:
    """Writes the messages owed at `at` (see the module's rules); returns what it wrote."""
    outcome = Outcome()
    outcome.set_aside += _set_aside_orphans()
    found = appointments(at)
    for start in range(0, len(found), CHUNK):
        _reconcile(found[start : start + CHUNK], at, outcome)
    return outcome


def _set_aside_orphans() -> int:
    """Pending messages whose appointment was deleted."""
    return OutboundMessage.objects.filter(
        status=MessageStatus.PENDING, meeting=None, registration=None
    ).update(status=MessageStatus.SKIPPED, error="appointment_deleted")


def _reconcile(chunk: list[Appointment], at: datetime, outcome: Outcome) -> None:
    person_ids = {a.person_id for a in chunk}
    choices = {c.person_id: c for c in ReminderPreference.objects.current().filter(person_id__in=person_ids)}
    existing: dict[tuple[str, str], list[dict]] = {}
    fields = (
        "pk",
        "meeting_id",
        "registration_id",
        "channel",
        "kind",
        "status",
        "starts_at",
        "due_at",
        "created_at",
    )
    messages = OutboundMessage.objects.filter(
        Q(meeting_id__in=[a.pk for a in chunk if a.source == "m"])
        | Q(registration_id__in=[a.pk for a in chunk if a.source == "r"])
    ).values(*fields)
    for message in messages.order_by("created_at", "pk"):
        ref = f"m{message['meeting_id']}" if message["meeting_id"] else f"r{message['registration_id']}"
        existing.setdefault((ref, message["channel"]), []).append(message)

    new, stale = [], []
    for appointment in chunk:
        choice = choices.get(appointment.person_id)
        for channel in (Channel.SMS, Channel.EMAIL):
            written = existing.get((appointment.ref, channel), [])
            wanted = choice is not None and (
                choice.wants_sms if channel == Channel.SMS else choice.wants_email
            )
            if not wanted:
                stale += [m["pk"] for m in written if m["status"] == MessageStatus.PENDING]
                continue
            stale += [m["pk"] for m in written if _superseded(m, appointment)]
            live = [m for m in written if m["status"] != MessageStatus.SKIPPED and m["pk"] not in stale]
            kind = _kind_owed(appointment, live, at)
            if kind is not None:
                message = _message(appointment, choice, channel, kind, at, len(written))
                if message is not None:
                    new.append(message)
    if stale:
        outcome.set_aside += OutboundMessage.objects.filter(
            pk__in=stale, status=MessageStatus.PENDING
        ).update(status=MessageStatus.SKIPPED, error="superseded")
    if new:
        # Another run may have written the same keys since we read: theirs stand.
        before = OutboundMessage.objects.filter(key__in=[m.key for m in new]).count()
        OutboundMessage.objects.bulk_create(new, ignore_conflicts=True)
        outcome.written += OutboundMessage.objects.filter(key__in=[m.key for m in new]).count() - before


def _superseded(message: dict, appointment: Appointment) -> bool:
    """A pending message that no longer says the truth about its appointment."""
    if message["status"] != MessageStatus.PENDING:
        return False
    if message["kind"] == MessageKind.CANCELLATION:
        return not appointment.cancelled
    return appointment.cancelled or message["starts_at"] != appointment.starts_at


def _kind_owed(appointment: Appointment, live: list[dict], at: datetime) -> str | None:
    start = appointment.starts_at
    if start <= at:
        return None
    announced = [m for m in live if m["kind"] in ANNOUNCING]
    last = live[-1] if live else None
    if appointment.cancelled:
        if announced and last["kind"] != MessageKind.CANCELLATION:
            return MessageKind.CANCELLATION
        return None
    # Announced since the last cancellation (a cancelled appointment booked again starts anew).
    if last is not None and last["kind"] == MessageKind.CANCELLATION:
        announced = []
    moment = reminder_moment(start, appointment.zone)
    here = [m for m in announced if m["starts_at"] == start]
    moved = bool(announced) and not here
    if not here:
        if moved:
            return MessageKind.CHANGE
        return MessageKind.CONFIRMATION if at < moment else MessageKind.REMINDER
    if at < moment:
        return None
    # A message due on the reminder's day or later already stands for the reminder (a booking
    # made that morning, a confirmation held back by the quiet hours until 8:00).
    moment_day = moment.date()
    if any(m["due_at"].astimezone(appointment.zone).date() >= moment_day for m in here):
        return None
    return MessageKind.REMINDER


def _message(appointment, choice, channel, kind, at, n) -> OutboundMessage | None:
    if channel == Channel.SMS:
        recipient = to_e164(choice.phone)
        if recipient is None:
            # The choice's form refuses such a number; an old row may still hold one.
            logger.warning("reminder not owed: unreadable number (choice %s)", choice.pk)
            return None
        due = sms_due(at, appointment.zone)
    else:
        recipient, due = choice.email, at
    subject, body = texts.render(kind, channel, choice.language, appointment.facts)
    start_key = appointment.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return OutboundMessage(
        organisation_id=appointment.organisation_id,
        person_id=appointment.person_id,
        service_id=appointment.service_id,
        meeting_id=appointment.pk if appointment.source == "m" else None,
        registration_id=appointment.pk if appointment.source == "r" else None,
        key=f"{appointment.ref}:{channel}:{kind}:{start_key}:{n}",
        kind=kind,
        channel=channel,
        starts_at=appointment.starts_at,
        recipient=recipient,
        language=choice.language,
        subject=subject,
        body=body,
        due_at=due,
    )
