"""The work list: what is due today and in the coming week for the people a user follows.

It gathers, from the domains' own rules, the appointments of the day, past meetings still to
be written up (`Meeting.objects.awaiting_record`), plan actions due or late
(`PlanAction.objects.overdue_on`), placements starting or ending within the week, jobs past
their planned end (`Placement.objects.past_planned_end`), consents to ask again
(`Consent.objects.to_review_by`) and follow-along contacts due (`followalong.domain`). Every
source reads querysets the policy scoped, one query each, whatever the number of lines; a
pathway that has ended gives no line, and a suspended one no line about its plan or its
follow-along (as the caseload's alerts).

A coach sees the pathways they lead or work in as a team (and the meetings they attend); a
head of service the current pathways of the services whose caseloads they manage, grouped by
lead coach.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.followalong.domain import jobs_due_for_contact, next_face_to_face_due
from filrouge.journal.domain import FARTHEST
from filrouge.journal.models import Attendance, Meeting
from filrouge.journal.selectors import readable_meetings
from filrouge.pathways.domain import today as local_today
from filrouge.pathways.models import Suspension
from filrouge.placements.models import PlacementKind

WEEK_DAYS = 7


@dataclass(frozen=True)
class Line:
    """One thing to do: about whom, what, by when, and the page (or the buttons) that does it."""

    kind: str
    person_id: int
    person_name: str
    what: str
    due_on: date
    at: datetime | None = None  # the time of an appointment
    overdue: bool = False
    action_label: str = ""
    action_url: str = ""
    meeting: Meeting | None = None  # a past meeting awaiting its attendance: recorded in one click
    coach_id: int | None = None
    coach_name: str = ""


@dataclass
class Group:
    """The lines of one lead coach (for a head of service), or of the user."""

    coach_name: str
    today: list[Line] = field(default_factory=list)
    week: list[Line] = field(default_factory=list)


@dataclass
class WorkList:
    today: date
    by_coach: bool
    groups: list[Group]
    coaches: list[tuple[int, str]] = field(default_factory=list)  # the filter's choices (heads)
    coach: int | None = None  # the coach chosen in the filter

    @property
    def today_count(self) -> int:
        return sum(len(group.today) for group in self.groups)

    @property
    def week_count(self) -> int:
        return sum(len(group.week) for group in self.groups)


# --- Scope -------------------------------------------------------------------------------------


def followed_by(user):
    """The current pathways the user leads or works as a team member (their caseload)."""
    current = policy.scoped_enrolments(user).current()
    return (current.filter(primary_coach=user) | current.filter(team=user)).distinct()


def managed_by(user):
    """The current pathways of the services whose caseloads the user manages."""
    return policy.scoped_enrolments(user, policy.Action.MANAGE_CASELOADS).current()


def work_list(user, coach: int | None = None, on: date | None = None) -> WorkList:
    """The user's work list: their own, or the service's for whoever manages caseloads (`coach`,
    a lead coach's id, narrows it; 0 keeps the pathways without a lead coach)."""
    day = on or local_today()
    by_coach = policy.scoped_services(user, policy.Action.MANAGE_CASELOADS).exists()
    if by_coach:
        scope = managed_by(user)
        coaches = sorted(
            {
                (pk, name)
                for pk, name in scope.order_by()
                .values_list("primary_coach_id", "primary_coach__full_name")
                .distinct()
                if pk
            },
            key=lambda pair: pair[1],
        )
        if coach == 0:
            scope = scope.filter(primary_coach__isnull=True)
        elif coach is not None and any(pk == coach for pk, _name in coaches):
            scope = scope.filter(primary_coach_id=coach)
        else:
            coach = None
        lines = collect(user, scope, day, attended=False)
        return WorkList(day, True, group_by_coach(lines, day), coaches=coaches, coach=coach)
    lines = collect(user, followed_by(user), day, attended=True)
    return WorkList(day, False, [split(Group(""), lines, day)])


def collect(user, enrolments, day: date, attended: bool) -> list[Line]:
    ids = enrolments.values("pk")
    active = ids.exclude(Exists(Suspension.objects.ongoing_on(day).filter(enrolment=OuterRef("pk"))))
    return [
        *meeting_lines(user, ids, day, attended),
        *action_lines(user, active, day),
        *placement_lines(user, ids, day),
        *follow_along_lines(user, active, day),
        *consent_lines(user, enrolments, day),
    ]


def split(group: Group, lines: list[Line], day: date) -> Group:
    """Today holds what is due today or late; the week what falls within the next seven days."""
    for line in sorted(
        lines, key=lambda x: (x.due_on, x.at is not None, x.at and x.at.timestamp(), x.person_name)
    ):
        (group.today if line.due_on <= day else group.week).append(line)
    return group


def group_by_coach(lines: list[Line], day: date) -> list[Group]:
    names: dict[int | None, str] = {}
    for line in lines:
        names.setdefault(line.coach_id, line.coach_name or _("Sans job coach référent·e"))
    order = sorted(names, key=lambda pk: (pk is None, names[pk]))
    return [split(Group(names[pk]), [x for x in lines if x.coach_id == pk], day) for pk in order]


# --- Sources -----------------------------------------------------------------------------------


def coach_of(enrolment) -> dict:
    coach = enrolment.primary_coach
    return {"coach_id": coach.pk if coach else None, "coach_name": coach.full_name if coach else ""}


def about(enrolment) -> dict:
    person = enrolment.person
    return {"person_id": person.pk, "person_name": person.full_name, **coach_of(enrolment)}


def long_day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def meeting_lines(user, enrolment_ids, day: date, attended: bool) -> list[Line]:
    """The appointments of the day, and past meetings with no attendance or no summary (within
    the year a meeting can still be changed)."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    mine = Q(enrolment__in=enrolment_ids)
    if attended:
        attends = Meeting.staff.through.objects.filter(meeting=OuterRef("pk"), user=user.pk)
        mine |= Q(Exists(attends), enrolment__exit_date__isnull=True)
    meetings = readable_meetings(user).filter(mine)
    of_today = meetings.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1)).exclude(
        attendance=Attendance.CANCELLED
    )
    awaiting = meetings.awaiting_record(now).filter(starts_at__gte=now - FARTHEST)
    found = (of_today | awaiting).select_related("enrolment__person", "enrolment__primary_coach")
    lines = []
    for meeting in found.order_by("starts_at", "pk"):
        held_on = timezone.localdate(meeting.starts_at)
        kind = str(meeting.get_kind_display()).lower()
        common = about(meeting.enrolment) | {"due_on": min(held_on, day), "at": meeting.starts_at}
        if meeting.starts_at < now and not meeting.attendance:
            lines.append(
                Line(
                    "attendance",
                    what=_("Présence à noter : entretien (%(kind)s)") % {"kind": kind},
                    overdue=held_on < day,
                    meeting=meeting,
                    **common,
                )
            )
        elif meeting.starts_at < now and meeting.attendance == Attendance.PRESENT and not meeting.summary:
            lines.append(
                Line(
                    "summary",
                    what=_("Compte rendu à écrire : entretien (%(kind)s)") % {"kind": kind},
                    overdue=held_on < day,
                    action_label=_("Écrire le compte rendu"),
                    action_url=reverse("journal:meeting_edit", args=[meeting.pk]),
                    **common,
                )
            )
        else:
            lines.append(
                Line(
                    "appointment",
                    what=_("Rendez-vous : entretien (%(kind)s)") % {"kind": kind},
                    action_label=_("Ouvrir l'entretien"),
                    action_url=reverse("journal:meeting_detail", args=[meeting.pk]),
                    **common,
                )
            )
    return lines


def action_lines(user, enrolment_ids, day: date) -> list[Line]:
    """Actions of the current plans late today or due within the week (the plans app's rule)."""
    actions = (
        policy.scoped_plan_actions(user)
        .overdue_on(day + timedelta(days=WEEK_DAYS + 1))
        .filter(objective__plan__enrolment__in=enrolment_ids)
        .select_related(
            "action_kind", "objective__plan__enrolment__person", "objective__plan__enrolment__primary_coach"
        )
    )
    lines = []
    for action in actions:
        late = action.due_date < day
        what = (
            _("Action « %(action)s » en retard (échéance le %(day)s)")
            if late
            else _("Action « %(action)s » à échéance le %(day)s")
        )
        lines.append(
            Line(
                "action",
                what=what % {"action": action.label, "day": long_day(action.due_date)},
                due_on=action.due_date,
                overdue=late,
                action_label=_("Ouvrir l'action"),
                action_url=reverse("plans:action_edit", args=[action.pk]),
                **about(action.objective.plan.enrolment),
            )
        )
    return lines


PLACEMENT_STARTS = {
    PlacementKind.IMMERSION: _("Début de l'immersion chez %(company)s (%(job)s)"),
    PlacementKind.INTERNSHIP: _("Début du stage chez %(company)s (%(job)s)"),
    PlacementKind.EMPLOYMENT: _("Début de l'emploi chez %(company)s (%(job)s)"),
}
PLACEMENT_ENDS = {
    PlacementKind.IMMERSION: _("Fin de l'immersion chez %(company)s (%(job)s)"),
    PlacementKind.INTERNSHIP: _("Fin du stage chez %(company)s (%(job)s)"),
    PlacementKind.EMPLOYMENT: _("Fin du contrat chez %(company)s (%(job)s)"),
}


def placement_lines(user, enrolment_ids, day: date) -> list[Line]:
    """Immersions, internships and jobs starting or ending within the week (an immersion's end
    is its renewal's when renewed), and jobs past their planned end with no end recorded."""
    week_end = day + timedelta(days=WEEK_DAYS)
    placements = (
        policy.scoped_placements(user)
        .filter(enrolment__in=enrolment_ids)
        .annotate(ends_on=Coalesce("ended_on", "renewal__ends_on", "planned_end_on"))
        .select_related("company", "job_title", "enrolment__person", "enrolment__primary_coach")
    )
    past_end = placements.jobs().past_planned_end(day)
    found = (
        placements.filter(
            Q(started_on__gte=day, started_on__lte=week_end) | Q(ends_on__gte=day, ends_on__lte=week_end)
        )
        | past_end
    )
    lines = []
    for placement in found.order_by("pk"):
        names = {"company": placement.company.name, "job": placement.job_title}
        detail = reverse("placements:detail", args=[placement.pk])
        if placement.is_past_planned_end(day):
            lines.append(
                Line(
                    "past_planned_end",
                    what=_(
                        "Fin prévue dépassée chez %(company)s (le %(day)s) : confirmer la fin ou le "
                        "renouvellement"
                    )
                    % {"company": placement.company.name, "day": long_day(placement.planned_end_on)},
                    due_on=placement.planned_end_on,
                    overdue=True,
                    action_label=_("Confirmer la fin ou renouveler"),
                    action_url=detail,
                    **about(placement.enrolment),
                )
            )
            continue
        if day <= placement.started_on <= week_end:
            lines.append(
                Line(
                    "placement_start",
                    what=PLACEMENT_STARTS[placement.kind] % names,
                    due_on=placement.started_on,
                    action_label=_("Ouvrir l'expérience"),
                    action_url=detail,
                    **about(placement.enrolment),
                )
            )
        if placement.ends_on is not None and day <= placement.ends_on <= week_end:
            to_record = placement.ended_on is None
            lines.append(
                Line(
                    "placement_end",
                    what=PLACEMENT_ENDS[placement.kind] % names,
                    due_on=placement.ends_on,
                    action_label=_("Enregistrer la fin") if to_record else _("Ouvrir l'expérience"),
                    action_url=reverse("placements:end", args=[placement.pk]) if to_record else detail,
                    **about(placement.enrolment),
                )
            )
    return lines


def follow_along_lines(user, enrolment_ids, day: date) -> list[Line]:
    """Jobs whose monthly face-to-face contact is due within the week, or late."""
    jobs = jobs_due_for_contact(
        policy.scoped_placements(user).filter(enrolment__in=enrolment_ids),
        on=day,
        by=day + timedelta(days=WEEK_DAYS),
    ).select_related("company", "enrolment__person", "enrolment__primary_coach")
    lines = []
    for job in jobs:
        due = next_face_to_face_due(job.started_on, job.last_face_to_face_on)
        last = (
            _("dernier le %(day)s") % {"day": long_day(job.last_face_to_face_on)}
            if job.last_face_to_face_on
            else _("aucun depuis le début de l'emploi")
        )
        lines.append(
            Line(
                "follow_along",
                what=_("Contact de suivi en face à face dans l'emploi chez %(company)s (%(last)s)")
                % {"company": job.company.name, "last": last},
                due_on=due,
                overdue=due < day,
                action_label=_("Noter un contact"),
                action_url=reverse("followalong:add", args=[job.pk]),
                **about(job.enrolment),
            )
        )
    return lines


def consent_lines(user, enrolments, day: date) -> list[Line]:
    """Consents in force whose year ends within the week, or has ended: the person is asked again."""
    followed = enrolments.filter(person=OuterRef("person_id")).order_by("pk")
    consents = (
        policy.scoped_consents(user)
        .to_review_by(day + timedelta(days=WEEK_DAYS))
        .filter(Exists(followed))
        .select_related("person", "recipient")
        .annotate(
            coach_id=Subquery(followed.values("primary_coach_id")[:1]),
            coach_name=Subquery(followed.values("primary_coach__full_name")[:1]),
        )
    )
    lines = []
    for consent in consents.order_by("pk"):
        review_on = consent.review_on
        query = {"objet": consent.purpose}
        if consent.recipient_id:
            query["destinataire"] = consent.recipient_id
        lines.append(
            Line(
                "consent",
                person_id=consent.person_id,
                person_name=consent.person.full_name,
                what=_("Consentement à renouveler : %(purpose)s — %(recipient)s (donné le %(day)s)")
                % {
                    "purpose": consent.get_purpose_display(),
                    "recipient": consent.recipient_display,
                    "day": long_day(consent.decided_on),
                },
                due_on=review_on,
                overdue=review_on < day,
                action_label=_("Recueillir à nouveau"),
                action_url=f"{reverse('consents:record', args=[consent.person_id])}?{urlencode(query)}",
                coach_id=consent.coach_id,
                coach_name=consent.coach_name or "",
            )
        )
    return lines
