"""The caseload: who a coach follows, and what needs their attention.

Alerts are computed by the database (annotations), so that the caseload can be filtered and
sorted on them and costs the same few queries whatever its size. A pathway that has ended raises
no alert at all. A suspended pathway raises no contact alert, nor any alert about late actions of its plan, its follow-along in a job or its
employer contacts.
"""

from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    When,
)
from django.db.models.functions import Coalesce

from filrouge.employers.models import EmployerContact
from filrouge.followalong.models import SupportContact, SupportKind
from filrouge.organisations.models import Membership, Role
from filrouge.pathways.models import Phase, Suspension
from filrouge.placements.models import Placement
from filrouge.plans.models import PlanAction

TARGET_PER_FULL_TIME_COACH = 20
PROFILE_CONTACT_DAYS = 7
EMPLOYMENT_CONTACT_DAYS = 30
END_WARNING_DAYS = 30
EMPLOYER_CONTACT_DAYS = 30  # after entry, a first contact with an employer about the person

PHASE_ORDER = Case(
    *(When(phase=phase, then=index) for index, phase in enumerate(Phase)), output_field=IntegerField()
)


def flag(condition: Q) -> ExpressionWrapper:
    """An alert: only for a pathway still current."""
    return ExpressionWrapper(Q(exit_date__isnull=True) & condition, output_field=BooleanField())


def with_alerts(enrolments, today: date):
    """Annotates pathways with the date of the last contact and their alerts. A pathway that has
    ended (exit recorded) raises none: every flag requires `exit_date` to be empty."""
    suspended = Exists(Suspension.objects.ongoing_on(today).filter(enrolment=OuterRef("pk")))
    enrolments = enrolments.annotate(
        contact_reference=Coalesce("last_contact_on", "intake_date", "referral_date"),
        is_suspended=suspended,
        phase_order=PHASE_ORDER,
        # A job past its planned end with no end recorded: its end or its renewal is to confirm.
        has_job_past_planned_end=Exists(
            Placement.objects.jobs().past_planned_end(today).filter(enrolment=OuterRef("pk"))
        ),
        # An action late in the current plan, by the plans app's one rule ("on hold" is a
        # deliberate pause, and a withdrawn objective's actions are no longer expected).
        has_overdue_action=Exists(
            PlanAction.objects.overdue_on(today).filter(objective__plan__enrolment=OuterRef("pk"))
        ),
        **follow_along_annotations(today),
    )
    return enrolments.annotate(
        alert_profile_contact=flag(
            Q(
                phase=Phase.PROFILE,
                is_suspended=False,
                contact_reference__lt=today - timedelta(PROFILE_CONTACT_DAYS),
            )
        ),
        alert_employment_contact=flag(
            Q(
                phase=Phase.IN_EMPLOYMENT,
                is_suspended=False,
                contact_reference__lt=today - timedelta(EMPLOYMENT_CONTACT_DAYS),
            )
        ),
        # Like the contact alerts, silent while the pathway is paused.
        alert_overdue_actions=flag(Q(has_overdue_action=True, is_suspended=False)),
        # In a job for more than 30 days, and no face-to-face contact about any current job for 30 days.
        alert_follow_along=flag(Q(has_settled_job=True, has_recent_face_to_face=False, is_suspended=False)),
        # In the pathway for more than 30 days, not yet in employment, and no employer contacted
        # about the person since entry. "not null" first: no intake yet is False, never NULL.
        alert_no_employer_contact=flag(
            Q(intake_date__isnull=False)
            & Q(
                intake_date__lt=today - timedelta(EMPLOYER_CONTACT_DAYS),
                phase_order__lt=list(Phase).index(Phase.IN_EMPLOYMENT),
                has_employer_contact_since_entry=False,
                is_suspended=False,
            )
        ),
        alert_job_past_planned_end=flag(Q(has_job_past_planned_end=True)),
        # "not null" first: a programme without an end is False, never NULL.
        alert_end_soon=flag(
            Q(planned_end_date__isnull=False)
            & Q(planned_end_date__gte=today, planned_end_date__lte=today + timedelta(END_WARNING_DAYS))
        ),
    )


def follow_along_annotations(today: date) -> dict:
    """The subqueries behind the follow-along and employer-contact alerts (one statement, no loop)."""
    ongoing_jobs = Placement.objects.jobs().ongoing_on(today).filter(enrolment=OuterRef("pk"))
    recent_face_to_face = SupportContact.objects.filter(
        placement__in=Placement.objects.jobs().ongoing_on(today).filter(enrolment=OuterRef(OuterRef("pk"))),
        kind=SupportKind.FACE_TO_FACE,
        contacted_on__gte=today - timedelta(EMPLOYMENT_CONTACT_DAYS),
    )
    return {
        "has_settled_job": Exists(
            ongoing_jobs.filter(started_on__lt=today - timedelta(EMPLOYMENT_CONTACT_DAYS))
        ),
        "has_recent_face_to_face": Exists(recent_face_to_face),
        "has_employer_contact_since_entry": Exists(
            EmployerContact.objects.filter(
                person=OuterRef("person"), contacted_on__gte=OuterRef("intake_date")
            )
        ),
    }


ALERT_FILTERS = {
    "contact": Q(alert_profile_contact=True) | Q(alert_employment_contact=True),
    "end_soon": Q(alert_end_soon=True),
    "overdue": Q(alert_overdue_actions=True),
    "follow_along": Q(alert_follow_along=True),
    "employer_contact": Q(alert_no_employer_contact=True),
    "job_past_end": Q(alert_job_past_planned_end=True),
    "any": Q(alert_profile_contact=True)
    | Q(alert_job_past_planned_end=True)
    | Q(alert_employment_contact=True)
    | Q(alert_end_soon=True)
    | Q(alert_overdue_actions=True)
    | Q(alert_follow_along=True)
    | Q(alert_no_employer_contact=True),
}


def target_for(time_share: int) -> int:
    return round(TARGET_PER_FULL_TIME_COACH * time_share / 100)


def coach_loads(service, coach=None):
    """Each coach of the service (or only `coach`) with the current pathways they lead and their target."""
    current = Q(user__primary_enrolments__service=service, user__primary_enrolments__exit_date__isnull=True)
    coaches = (
        Membership.objects.active()
        .filter(service=service, role=Role.COACH)
        .select_related("user")
        .annotate(load=Count("user__primary_enrolments", filter=current))
        .order_by("user__full_name")
    )
    if coach is not None:
        coaches = coaches.filter(user=coach)
    return [{"user": m.user, "load": m.load, "target": target_for(m.time_share)} for m in coaches]
