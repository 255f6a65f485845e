"""The rules of group workshops: programming sessions, places and the waiting list, attendance.

Counting places always happens with the session's row locked (`select_for_update`), so two
coaches registering people at the same moment cannot both take the last place.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.journal.domain import check_within_a_year
from filrouge.organisations.models import Membership
from filrouge.people.models import Sex
from filrouge.workshops.models import (
    MAX_CAPACITY,
    MAX_DURATION,
    MIN_CAPACITY,
    Attendance,
    Registration,
    RegistrationStatus,
    WorkshopSeries,
    WorkshopSession,
    WorkshopType,
)

MAX_SERIES_SESSIONS = 200
MAX_SERIES_DAYS = 366
LONGEST_SESSION = timedelta(minutes=MAX_DURATION)


def now() -> datetime:
    return timezone.now()


def local_start(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def agreed(person, female: str, male: str, neutral: str) -> str:
    """The form of a French message that agrees with the person: from the recorded sex, else the
    inclusive one ("inscrit·e")."""
    return {Sex.FEMALE: female, Sex.MALE: male}.get(person.sex, neutral)


def registered_message(person) -> str:
    return agreed(
        person, _("%(person)s est inscrite."), _("%(person)s est inscrit."), _("%(person)s est inscrit·e.")
    ) % {"person": person.full_name}


def waiting_message(person) -> str:
    return _("La séance est complète : %(person)s est sur la liste d'attente.") % {"person": person.full_name}


def unregistered_message(person) -> str:
    return agreed(
        person,
        _("%(person)s est désinscrite."),
        _("%(person)s est désinscrit."),
        _("%(person)s est désinscrit·e."),
    ) % {"person": person.full_name}


def promoted_message(person) -> str:
    return agreed(
        person,
        _("%(person)s, première sur la liste d'attente, prend la place."),
        _("%(person)s, premier sur la liste d'attente, prend la place."),
        _("%(person)s, premier·e sur la liste d'attente, prend la place."),
    ) % {"person": person.full_name}


# --- Checks ------------------------------------------------------------------------------------


def check_type(service, workshop_type) -> None:
    if not WorkshopType.objects.for_service(service).filter(pk=workshop_type.pk).exists():
        raise ValidationError({"type": _("Choisissez un type d'atelier de ce service.")})


def check_facilitator(service, user) -> None:
    if (
        user is not None
        and not Membership.objects.active()
        .filter(service=service, user=user, role__in=policy.CASE_ROLES)
        .exists()
    ):
        raise ValidationError({"facilitator": _("Choisissez une personne de l'équipe de ce service.")})


def check_capacity(capacity: int) -> None:
    if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        raise ValidationError(
            {
                "capacity": _("Le nombre de places va de %(min)s à %(max)s.")
                % {"min": MIN_CAPACITY, "max": MAX_CAPACITY}
            }
        )


def locked(session) -> WorkshopSession:
    """The session's row, locked until the end of the transaction: places are counted on it."""
    return WorkshopSession.objects.select_for_update().get(pk=session.pk)


def registered_count(session) -> int:
    return session.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def waiting_list(session):
    return session.registrations.filter(status=RegistrationStatus.WAITING).order_by("registered_at", "pk")


# --- Programming sessions ----------------------------------------------------------------------


@transaction.atomic
def create_session(*, service, type, starts_at, duration_minutes, capacity, by, place="", facilitator=None):
    check_within_a_year(starts_at, "starts_at")
    check_type(service, type)
    check_facilitator(service, facilitator)
    check_capacity(capacity)
    return WorkshopSession.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        type=type,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        facilitator=facilitator,
        capacity=capacity,
        created_by=by,
    )


def series_days(weekdays, first_date: date, last_date: date) -> list[date]:
    wanted = set(weekdays)
    return [
        first_date + timedelta(days=offset)
        for offset in range((last_date - first_date).days + 1)
        if (first_date + timedelta(days=offset)).weekday() in wanted
    ]


@transaction.atomic
def create_series(*, service, type, weekdays, first_date, last_date, start_time, duration_minutes,
                  capacity, by, place="", facilitator=None) -> list[WorkshopSession]:  # fmt: skip
    """A recurring workshop: one session on each chosen weekday from the first to the last date."""
    weekdays = sorted({int(day) for day in weekdays})
    if not weekdays or any(not 0 <= day <= 6 for day in weekdays):
        raise ValidationError({"weekdays": _("Choisissez au moins un jour de la semaine.")})
    if last_date < first_date:
        raise ValidationError({"last_date": _("La dernière date ne peut pas précéder la première.")})
    if (last_date - first_date).days + 1 > MAX_SERIES_DAYS:
        raise ValidationError(
            {
                "last_date": _("Une série couvre au plus %(days)s jours : créez-en une autre ensuite.")
                % {"days": MAX_SERIES_DAYS}
            }
        )
    check_within_a_year(local_start(first_date, start_time), "first_date")
    check_within_a_year(local_start(last_date, start_time), "last_date")
    days = series_days(weekdays, first_date, last_date)
    if not days:
        raise ValidationError({"weekdays": _("Aucun des jours choisis ne tombe entre ces deux dates.")})
    if len(days) > MAX_SERIES_SESSIONS:
        raise ValidationError(
            {
                "last_date": _("Cette série ferait %(count)s séances : %(max)s au plus.")
                % {"count": len(days), "max": MAX_SERIES_SESSIONS}
            }
        )
    check_type(service, type)
    check_facilitator(service, facilitator)
    check_capacity(capacity)
    series = WorkshopSeries.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        type=type,
        weekdays=weekdays,
        first_date=first_date,
        last_date=last_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        place=place,
        facilitator=facilitator,
        capacity=capacity,
        created_by=by,
    )
    sessions = [
        WorkshopSession(
            organisation_id=service.organisation_id,
            service=service,
            type=type,
            series=series,
            starts_at=local_start(day, start_time),
            duration_minutes=duration_minutes,
            place=place,
            facilitator=facilitator,
            capacity=capacity,
            created_by=by,
        )
        for day in days
    ]
    return WorkshopSession.objects.bulk_create(sessions)


def check_open(session, field=None) -> None:
    if session.is_cancelled:
        raise ValidationError(
            {field: _("Cette séance est annulée.")} if field else _("Cette séance est annulée.")
        )


@transaction.atomic
def change_capacity(session, capacity: int) -> list[Registration]:
    """More places take people from the waiting list, first come first served; fewer places
    than people already registered is refused (unregister someone first)."""
    check_capacity(capacity)
    session = locked(session)
    registered = registered_count(session)
    if capacity < registered:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)s personnes sont déjà inscrites : désinscrivez-en avant de réduire les places."
                )
                % {"count": registered}
            }
        )
    session.capacity = capacity
    session.save(update_fields=["capacity"])
    return promote(session)


def promote(session) -> list[Registration]:
    """Gives the free places to the first people waiting. The session's row must be locked."""
    free = session.capacity - registered_count(session)
    promoted = list(waiting_list(session)[: max(free, 0)])
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
    return promoted


@transaction.atomic
def update_session(
    session, *, starts_at, duration_minutes, place, facilitator, capacity
) -> list[Registration]:
    """Changes the time, place, facilitator and places of a session; returns who got a place."""
    session = locked(session)
    check_open(session)
    # Only a new date is checked: an old session keeps its place and facilitator editable.
    if starts_at != session.starts_at:
        check_within_a_year(starts_at, "starts_at")
        if starts_at > now() and session.registrations.exclude(attendance="").exists():
            raise ValidationError(
                {
                    "starts_at": _(
                        "Les présences de cette séance sont déjà notées : elle ne peut pas être déplacée à une date à venir."
                    )
                }
            )
    check_facilitator(session.service, facilitator)
    WorkshopSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at, duration_minutes=duration_minutes, place=place, facilitator=facilitator
    )
    return change_capacity(session, capacity)


@transaction.atomic
def cancel_session(session, reason: str, by) -> WorkshopSession:
    session = locked(session)
    check_open(session)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    if session.ends_at <= now():
        raise ValidationError(_("Cette séance a déjà eu lieu : elle ne peut plus être annulée."))
    session.cancelled_at = now()
    session.cancel_reason = reason.strip()
    session.save(update_fields=["cancelled_at", "cancel_reason"])
    return session


# --- Registrations -----------------------------------------------------------------------------


@transaction.atomic
def register(session, enrolment, by) -> Registration:
    """Registers the person if a place remains, else puts them on the waiting list."""
    # The pathway's row is locked before the session's, as the exit does (`pathways.closing`): an
    # exit under way is waited for and read, so an ended pathway takes no place.
    pathway = type(enrolment).objects.select_for_update().only("pk", "exit_date").get(pk=enrolment.pk)
    if not (enrolment.is_current and pathway.is_current):
        raise ValidationError(
            {"enrolment": _("Ce parcours est terminé : la personne ne peut plus s'inscrire.")}
        )
    if enrolment.service_id != session.service_id:
        raise ValidationError(
            {"enrolment": _("Cette personne n'est pas accompagnée par le service de l'atelier.")}
        )
    session = locked(session)
    check_open(session, "enrolment")
    if session.ends_at <= now():
        raise ValidationError({"enrolment": _("Cette séance a déjà eu lieu.")})
    existing = Registration.objects.filter(session=session, enrolment=enrolment).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        person = enrolment.person
        message = (
            agreed(
                person,
                _("%(person)s est déjà inscrite à cette séance."),
                _("%(person)s est déjà inscrit à cette séance."),
                _("%(person)s est déjà inscrit·e à cette séance."),
            )
            if existing.status == RegistrationStatus.REGISTERED
            else _("%(person)s est déjà sur la liste d'attente de cette séance.")
        )
        raise ValidationError({"enrolment": message % {"person": enrolment.person.full_name}})
    status = (
        RegistrationStatus.REGISTERED
        if registered_count(session) < session.capacity
        else RegistrationStatus.WAITING
    )
    registration = existing or Registration(
        organisation_id=enrolment.organisation_id, session=session, enrolment=enrolment
    )
    registration.status = status
    registration.registered_at = now()  # back in line: the place in the queue is the new one
    registration.registered_by = by
    registration.attendance = ""
    registration.save()
    return registration


@transaction.atomic
def cancel_registration(registration, by) -> Registration | None:
    """Unregisters the person; if they had a place, the first person waiting takes it.
    Returns the registration promoted, if any."""
    session = locked(registration.session)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("Cette inscription est déjà annulée."))
    if session.starts_at <= now():
        raise ValidationError(
            _("La séance a commencé : enregistrez plutôt la présence (absente ou excusée).")
        )
    had_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.attendance = ""
    registration.recorded_by = by
    registration.recorded_at = now()
    registration.save(update_fields=["status", "attendance", "recorded_by", "recorded_at"])
    if had_place and not session.is_cancelled:
        promoted = promote(session)
        return promoted[0] if promoted else None
    return None


@transaction.atomic
def record_attendance(session, marks: dict, by) -> int:
    """Records who came (`{registration: attendance}`, "" to clear one); returns how many changed."""
    session = locked(session)
    check_open(session)
    if session.starts_at > now():
        raise ValidationError(
            _("La séance n'a pas encore commencé (%(when)s) : les présences se notent ensuite.")
            % {"when": date_format(timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT")}
        )
    valid = set(Attendance.values) | {""}
    changed = 0
    for registration, attendance in marks.items():
        if registration.session_id != session.pk:
            raise ValidationError(_("Cette inscription ne concerne pas cette séance."))
        if registration.status != RegistrationStatus.REGISTERED:
            raise ValidationError(
                _("%(person)s n'a pas de place à cette séance : sa présence ne peut pas être notée.")
                % {"person": registration.enrolment.person.full_name}
            )
        if attendance not in valid:
            raise ValidationError(_("Présence inconnue : %(value)s.") % {"value": attendance})
        if registration.attendance != attendance:
            registration.attendance = attendance
            registration.recorded_by = by
            registration.recorded_at = now()
            registration.save(update_fields=["attendance", "recorded_by", "recorded_at"])
            changed += 1
    return changed


# --- A person's sessions -----------------------------------------------------------------------


def sessions_with_a_place(people, start, end, user) -> dict[int, list[WorkshopSession]]:
    """The sessions overlapping [start, end) where these people (ids) hold a place, among the
    registrations `user` may see, by person id: a meeting set at that time would clash."""
    registrations = (
        policy.scoped_registrations(user)
        .filter(
            enrolment__person__in=people,
            status=RegistrationStatus.REGISTERED,
            session__cancelled_at__isnull=True,
            # The end is computed: read from the latest start a session still running could have.
            session__starts_at__lt=end,
            session__starts_at__gt=start - LONGEST_SESSION,
        )
        .select_related("session__type", "enrolment")
        .order_by("session__starts_at", "pk")
    )
    found: dict[int, list[WorkshopSession]] = {}
    for registration in registrations:
        if registration.session.ends_at > start:
            found.setdefault(registration.enrolment.person_id, []).append(registration.session)
    return found


def clashing_sessions(person, starts_at, ends_at, user) -> list[WorkshopSession]:
    """The sessions the person holds a place in that overlap this time."""
    return sessions_with_a_place([person.pk], starts_at, ends_at, user).get(person.pk, [])


def clash_warning(session) -> str:
    """What the meeting form and the agenda say of a clash (no detail beyond the workshop)."""
    local = timezone.localtime(session.starts_at)
    return _(
        "Chevauche l'atelier %(type)s du %(day)s, de %(start)s à %(end)s, où la personne a une place."
    ) % {
        "type": session.type.name,
        "day": date_format(local, "DATE_FORMAT"),
        "start": date_format(local, "TIME_FORMAT"),
        "end": date_format(timezone.localtime(session.ends_at), "TIME_FORMAT"),
    }


# --- Local types -------------------------------------------------------------------------------


def add_type(service, name: str, for_esat: bool = False) -> WorkshopType:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Indiquez l'intitulé de l'atelier.")})
    if WorkshopType.objects.for_service(service, include_archived=True).filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Un type d'atelier porte déjà ce nom dans ce service.")})
    return WorkshopType.objects.create(
        organisation_id=service.organisation_id, service=service, name=name, for_esat=for_esat
    )


def archive_type(workshop_type) -> None:
    if workshop_type.is_built_in:
        raise ValidationError(_("Un type d'atelier intégré ne s'archive pas."))
    workshop_type.archived_at = workshop_type.archived_at or now()
    workshop_type.save(update_fields=["archived_at"])


def restore_type(workshop_type) -> None:
    workshop_type.archived_at = None
    workshop_type.save(update_fields=["archived_at"])
