"""The rules of meetings, notes and calendar feeds.

Every function checks its input and raises ValidationError with a French message naming the
field at fault before writing anything; callers run them inside the request's transaction.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.versioning import claim
from filrouge.journal.models import (
    DURATION_MESSAGE,
    MAX_DURATION,
    MIN_DURATION,
    Attendance,
    CalendarFeed,
    Confidentiality,
    Meeting,
    MeetingKind,
    Note,
)
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment

FARTHEST = timedelta(days=366)  # a meeting is dated within a year of today, either way


# --- Confidentiality ---------------------------------------------------------------------------


def apply_confidentiality(writing, author) -> None:
    """A writing kept for the author's profession names the role it is kept for, in that service."""
    if writing.confidentiality not in Confidentiality.values:
        raise ValidationError({"confidentiality": _("Choisissez un niveau de confidentialité.")})
    if writing.confidentiality != Confidentiality.PROFESSION:
        writing.restricted_to = ""
        return
    role = policy.restricted_role_of(author, writing.enrolment.service)
    if role is None:
        raise ValidationError(
            {
                "confidentiality": _(
                    "Vous n'avez pas de rôle dans ce service : une écriture réservée à votre profession "
                    "n'est pas possible. Choisissez « Équipe »."
                )
            }
        )
    writing.restricted_to = role


# --- Meetings ----------------------------------------------------------------------------------


def check_within_a_year(moment, field) -> None:
    """An appointment (a meeting, a workshop session) is dated within a year of today, either
    way: further off, it is almost always a mistyped year."""
    now = timezone.now()
    if not now - FARTHEST <= moment <= now + FARTHEST:
        raise ValidationError({field: _("Cette date est à plus d'un an d'aujourd'hui : vérifiez-la.")})


def check_meeting_time(starts_at, duration_minutes, field="starts_at") -> None:
    if starts_at is None:
        raise ValidationError({field: _("Indiquez la date et l'heure de l'entretien.")})
    check_within_a_year(starts_at, field)
    if duration_minutes is None or not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise ValidationError({"duration_minutes": DURATION_MESSAGE})


def check_meeting(meeting: Meeting) -> None:
    check_meeting_time(meeting.starts_at, meeting.duration_minutes)
    if meeting.kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choisissez le type d'entretien.")})
    # A meeting to come can be cancelled, not attended or missed.
    if meeting.attendance not in ("", Attendance.CANCELLED) and meeting.starts_at > timezone.now():
        raise ValidationError({"attendance": _("Impossible de noter la présence à un rendez-vous à venir.")})
    # A meeting whose time has come says what happened: the last contact and the work list read it.
    if not meeting.attendance and meeting.starts_at <= timezone.now():
        raise ValidationError(
            {
                "attendance": _(
                    "Cet entretien a eu lieu : indiquez si la personne était présente, absente ou "
                    "excusée, ou si le service l'a annulé."
                )
            }
        )


def check_next_appointment(starts_at) -> None:
    if starts_at <= timezone.now():
        raise ValidationError({"next_starts_at": _("Le prochain rendez-vous doit être à venir.")})
    if starts_at > timezone.now() + FARTHEST:
        raise ValidationError(
            {"next_starts_at": _("Ce rendez-vous est à plus d'un an d'aujourd'hui : vérifiez la date.")}
        )


def record_meeting(
    meeting: Meeting,
    *,
    enrolment: Enrolment,
    by,
    staff=(),
    next_starts_at=None,
    next_kind="",
) -> Meeting:
    """A new meeting on the pathway (a past one with its summary, or one planned), and, when
    given, the next appointment planned at the same time."""
    meeting.enrolment = enrolment
    meeting.organisation_id = enrolment.organisation_id
    meeting.created_by = by
    check_meeting(meeting)
    apply_confidentiality(meeting, by)
    planned = None
    if next_starts_at is not None:
        check_next_appointment(next_starts_at)
        planned = Meeting(
            enrolment=enrolment,
            organisation_id=enrolment.organisation_id,
            created_by=by,
            starts_at=next_starts_at,
            duration_minutes=meeting.duration_minutes,
            kind=next_kind or meeting.kind,
            place=meeting.place if (next_kind or meeting.kind) == meeting.kind else "",
        )
    elif next_kind:
        raise ValidationError({"next_starts_at": _("Indiquez la date et l'heure du prochain rendez-vous.")})
    meeting.save()
    meeting.staff.set(staff)
    if planned is not None:
        planned.save()
        planned.staff.set(staff)
    refresh_contact_dates(enrolment)
    return meeting


def update_meeting(meeting: Meeting, *, by, staff=None) -> Meeting:
    """Saves the changes made to a meeting, built from the version it carries (VersionConflict
    when someone saved it since)."""
    check_meeting(meeting)
    apply_confidentiality(meeting, by)
    claim(meeting)
    meeting.save()
    if staff is not None:
        meeting.staff.set(staff)
    refresh_contact_dates(meeting.enrolment)
    return meeting


def refresh_contact_dates(enrolment: Enrolment) -> None:
    """The caseload reads the last contact and the next appointment on the pathway itself.

    The last contact becomes the day of the latest meeting the person attended, when there is
    one (a date typed on the pathway without any meeting is left as it is). The next appointment
    is the earliest meeting to come that is not cancelled."""
    meetings = Meeting.objects.filter(enrolment=enrolment)
    attended = (
        meetings.filter(attendance=Attendance.PRESENT)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
    ).first()
    upcoming = (
        meetings.filter(attendance="", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    ).first()
    changes = {"next_appointment_at": upcoming}
    if attended is not None:
        changes["last_contact_on"] = timezone.localdate(attended)
    # The pathway's form shows both dates: when they change, its version moves on, so that a
    # form opened before is refused rather than saved over them.
    row = Enrolment.objects.filter(pk=enrolment.pk)
    if row.exclude(**changes).update(**changes, version=F("version") + 1):
        enrolment.version = row.values_list("version", flat=True).get()
    for name, value in changes.items():
        setattr(enrolment, name, value)


# --- Notes -------------------------------------------------------------------------------------


def check_note(note: Note) -> None:
    if not (note.text or "").strip():
        raise ValidationError({"text": _("La note est vide.")})
    if note.written_on is None:
        raise ValidationError({"written_on": _("Indiquez la date de la note.")})
    if note.written_on > today():
        raise ValidationError({"written_on": _("Une note ne peut pas être datée dans le futur.")})
    if note.written_on < today() - FARTHEST * 5:
        raise ValidationError({"written_on": _("Cette date est très ancienne : vérifiez-la.")})


def write_note(
    enrolment: Enrolment, author, text: str, confidentiality=Confidentiality.TEAM, written_on=None
):
    note = Note(
        enrolment=enrolment,
        organisation_id=enrolment.organisation_id,
        author=author,
        text=text,
        confidentiality=confidentiality,
        written_on=written_on or today(),
    )
    check_note(note)
    apply_confidentiality(note, author)
    note.save()
    return note


def update_note(note: Note, *, by) -> Note:
    """An author corrects their own note, from the version it carries (VersionConflict when it
    was saved since)."""
    if note.author_id != by.pk:
        raise ValidationError(_("Seul·e l'auteur·rice d'une note peut la corriger."))
    check_note(note)
    apply_confidentiality(note, by)
    claim(note)
    note.save()
    return note


# --- Calendar feeds ----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def revoke_feed(user) -> bool:
    """Stops the user's private address, if any. True when one was active."""
    return bool(
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def create_feed(user) -> str:
    """A new private address for the user's agenda (the previous one stops working).

    Returns the secret: it is shown once and never stored, only its hash is."""
    revoke_feed(user)
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(
        organisation_id=user.organisation_id, user=user, token_hash=token_hash(secret)
    )
    return secret


def feed_for_token(token: str) -> CalendarFeed | None:
    """The active feed of an active account behind this secret, or nothing."""
    return (
        CalendarFeed.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
