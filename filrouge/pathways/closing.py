"""The exit as one confirmed step: what the recorded jobs support, what is still open, and one
choice for each open thing, applied with the exit in one transaction.

Still open on an exit dated D:
- the meetings planned after D (or still to come today), that the user may read: cancel or keep;
- the person's places in workshop sessions to come, on the list or waiting: free or keep (a freed
  place goes to the first person waiting, `workshops.domain.cancel_registration`);
- the immersions, internships and jobs not ended: to come (starting after D) — cancel, which
  removes the record of a placement that will not happen, or keep; under way — end on D (or on
  its planned end when that came first), or keep;
- the actions of the current plan still planned, under way or on hold: cancel or keep.

Each thing is changed by its own domain rule, so that the history and the audit trail record it
as any other change. The plan's actions and the placements are changed before the exit is
recorded: their rules refuse changes to a pathway that has ended.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.journal.domain import refresh_contact_dates
from filrouge.journal.models import Attendance as MeetingAttendance
from filrouge.journal.selectors import readable_meetings
from filrouge.pathways import domain
from filrouge.pathways.exits import supported_outcomes
from filrouge.pathways.models import Enrolment, ExitOutcome
from filrouge.placements import domain as placements
from filrouge.placements.models import EndReason, ImmersionAssessment, Placement, PlacementKind
from filrouge.plans import domain as plans
from filrouge.plans.models import ActionStatus, PlanAction
from filrouge.workshops import domain as workshops
from filrouge.workshops.models import Registration, RegistrationStatus

CANCEL, FREE, KEEP, END = "cancel", "free", "keep", "end"
CHOICE_LABELS = {
    CANCEL: gettext_lazy("Annuler"),
    FREE: gettext_lazy("Libérer la place"),
    KEEP: gettext_lazy("Garder"),
    END: gettext_lazy("Terminer à la date de sortie"),
}
OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD)
GROUPS = {
    "meeting": gettext_lazy("Entretiens prévus"),
    "registration": gettext_lazy("Places en atelier"),
    "placement": gettext_lazy("Immersions, stages et emplois"),
    "action": gettext_lazy("Actions du plan en cours"),
}


@dataclass
class OpenItem:
    key: str  # unique on the page: "<group>-<pk>"
    group: str
    label: str
    choices: tuple[str, ...]
    default: str
    apply: Callable[[str, object, date], None]  # (choice, user, exit date)


def proposed_outcome(enrolment, on: date) -> str:
    """The exit into employment the pathway's jobs current on `on` support (durable first), or ""."""
    supported = supported_outcomes(enrolment, on)
    for outcome in (ExitOutcome.DURABLE_EMPLOYMENT, ExitOutcome.TRANSITION_EMPLOYMENT):
        if outcome in supported:
            return outcome
    return ""


def moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# --- Meetings ----------------------------------------------------------------------------------


def cancel_meeting(meeting):
    def apply(choice, by, on):
        if choice == CANCEL:
            meeting.attendance = MeetingAttendance.CANCELLED
            meeting.save(update_fields=["attendance"])

    return apply


def meeting_items(enrolment, on: date, user) -> list[OpenItem]:
    after_exit_day = timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))
    meetings = (
        readable_meetings(user, Enrolment.objects.filter(pk=enrolment.pk))
        .filter(attendance="", starts_at__gte=min(after_exit_day, timezone.now()))
        .order_by("starts_at", "pk")
    )
    return [
        OpenItem(
            f"meeting-{meeting.pk}",
            "meeting",
            _("Entretien (%(kind)s) le %(when)s")
            % {"kind": meeting.get_kind_display(), "when": moment(meeting.starts_at)},
            (CANCEL, KEEP),
            CANCEL,
            cancel_meeting(meeting),
        )
        for meeting in meetings
    ]


# --- Workshop places ---------------------------------------------------------------------------


def free_place(registration):
    def apply(choice, by, on):
        if choice == FREE:
            workshops.cancel_registration(registration, by)

    return apply


def registration_items(enrolment) -> list[OpenItem]:
    registrations = (
        Registration.objects.filter(
            enrolment=enrolment,
            status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITING),
            session__cancelled_at__isnull=True,
            session__starts_at__gt=timezone.now(),
        )
        .select_related("session__type")
        .order_by("session__starts_at", "pk")
    )
    items = []
    for registration in registrations:
        session = registration.session
        what = {"type": session.type.name, "when": moment(session.starts_at)}
        label = (
            _("Atelier « %(type)s » le %(when)s : sur la liste d'attente") % what
            if registration.status == RegistrationStatus.WAITING
            else _("Atelier « %(type)s » le %(when)s : place réservée") % what
        )
        items.append(
            OpenItem(
                f"registration-{registration.pk}",
                "registration",
                label,
                (FREE, KEEP),
                FREE,
                free_place(registration),
            )
        )
    return items


# --- Placements --------------------------------------------------------------------------------


def cancel_placement(placement):
    def apply(choice, by, on):
        if choice == CANCEL:
            # A placement that will not happen: its record goes (the audit trail keeps the deletion).
            placement.delete()

    return apply


def end_placement(placement):
    def apply(choice, by, on):
        if choice != END:
            return
        planned = placement.planned_end_on
        last = planned if planned is not None and planned < on else on
        reached_term = planned is not None and planned <= on
        values = {
            "ended_on": last,
            "reason": EndReason.END_OF_TERM if reached_term else EndReason.OTHER,
            "comment": "" if reached_term else _("Fin à la sortie du parcours."),
            "next_phase": placements.KEEP_PHASE,
        }
        if placement.kind == PlacementKind.IMMERSION:
            # Cut short by the exit: done in part; a job it led to would be recorded as a job.
            values["assessment"] = (
                ImmersionAssessment.COMPLETED if reached_term else ImmersionAssessment.PARTLY
            )
            values["led_to_job"] = False
        placements.end_placement(placement, by, **values)

    return apply


def placement_items(enrolment, on: date) -> list[OpenItem]:
    ongoing = (
        Placement.objects.filter(enrolment=enrolment, ended_on__isnull=True)
        .select_related("company", "job_title", "enrolment__person")
        .order_by("started_on", "pk")
    )
    items = []
    for placement in ongoing:
        what = {
            "kind": placement.get_kind_display(),
            "job": placement.job_title.label,
            "company": placement.company.name,
            "start": day(placement.started_on),
        }
        if placement.started_on > on:
            label = _("%(kind)s à venir : %(job)s chez %(company)s, à partir du %(start)s") % what
            # A job to come is the person's own (they may leave the support for it); an
            # immersion or an internship is carried by the service, it stops with it.
            default = KEEP if placement.kind == PlacementKind.EMPLOYMENT else CANCEL
            apply, choices = cancel_placement(placement), (CANCEL, KEEP)
            if placement.support_contacts.exists():  # follow-along already recorded: never removed
                choices, default = (KEEP,), KEEP
        else:
            label = _("%(kind)s en cours : %(job)s chez %(company)s, depuis le %(start)s") % what
            # The person keeps their job after the support; an immersion ends with it.
            default = KEEP if placement.kind == PlacementKind.EMPLOYMENT else END
            apply, choices = end_placement(placement), (END, KEEP)
        items.append(OpenItem(f"placement-{placement.pk}", "placement", label, choices, default, apply))
    return items


# --- Plan actions ------------------------------------------------------------------------------


def cancel_action(action):
    def apply(choice, by, on):
        if choice == CANCEL:
            plans.update_action(action, by=by, status=ActionStatus.CANCELLED)

    return apply


def action_items(enrolment) -> list[OpenItem]:
    actions = (
        PlanAction.objects.in_plan()
        .filter(
            objective__plan__enrolment=enrolment,
            objective__plan__superseded_at__isnull=True,
            status__in=OPEN_ACTION_STATUSES,
        )
        .select_related("action_kind")
    )
    items = []
    for action in actions:
        label = _("%(action)s (%(status)s)") % {"action": action.label, "status": action.get_status_display()}
        if action.due_date:
            label += " — " + _("échéance le %(day)s") % {"day": day(action.due_date)}
        items.append(
            OpenItem(f"action-{action.pk}", "action", label, (CANCEL, KEEP), CANCEL, cancel_action(action))
        )
    return items


# --- The exit ----------------------------------------------------------------------------------


def open_items(enrolment, on: date, user) -> list[OpenItem]:
    """What is still open on a pathway that exits on `on`, in the page's order."""
    if not enrolment.is_current:
        return []
    return (
        meeting_items(enrolment, on, user)
        + registration_items(enrolment)
        + placement_items(enrolment, on)
        + action_items(enrolment)
    )


@transaction.atomic
def close(
    enrolment, *, on, outcome, by, choices: dict[str, str], comment="", reoriented_to=""
) -> list[OpenItem]:
    """Applies the choice made for each open thing (its default when none is given), then records
    the exit: all or nothing. Returns the items, for the page to say what was done."""
    # The pathway's row is locked first: an exit sent twice, or a registration of the person at
    # the same moment (`workshops.register` locks it too), waits for this one, then reads it.
    if not Enrolment.objects.select_for_update().only("pk", "exit_date").get(pk=enrolment.pk).is_current:
        raise ValidationError(_("Ce parcours est déjà terminé."))
    items = open_items(enrolment, on, by)
    for item in items:
        choice = choices.get(item.key, item.default)
        if choice not in item.choices:
            raise ValidationError(
                _("Choix impossible pour « %(item)s » : %(choice)s.") % {"item": item.label, "choice": choice}
            )
    for item in items:
        item.apply(choices.get(item.key, item.default), by, on)
    if any(item.group == "meeting" for item in items):
        refresh_contact_dates(enrolment)  # the next appointment was perhaps one just cancelled
    domain.record_exit(enrolment, on=on, outcome=outcome, by=by, comment=comment, reoriented_to=reoriented_to)
    return items
