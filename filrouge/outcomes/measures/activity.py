"""The coaches' activity: employer contacts per coach and per week, caseloads against their target
(docs/measures.md, "Employer contacts" and "Caseload")."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    OuterRef,
    Sum,
)

from filrouge.employers.models import EmployerContact
from filrouge.organisations.models import Membership, Role
from filrouge.outcomes.measures.base import Scope, current_on, subquery_count, weeks_of
from filrouge.pathways.caseload import target_for
from filrouge.pathways.models import (
    Enrolment,
)

User = get_user_model()


@dataclass(frozen=True)
class CoachFigure:
    coach_id: int
    name: str
    caseload: int  # current pathways led on as_of
    target: int  # 20 × time share (pathways.caseload.target_for)
    employer_contacts: int  # in the period
    face_to_face: int
    per_week: float
    face_to_face_per_week: float


@dataclass(frozen=True)
class EmployerContacts:
    coaches: int
    weeks: float  # days of the period (up to as_of) / 7
    total: int
    face_to_face: int
    per_coach_week: float | None
    face_to_face_per_coach_week: float | None
    by_coach: list[CoachFigure]


def coach_memberships(scope: Scope):
    memberships = Membership.objects.active().filter(
        organisation_id=scope.organisation_id, service_id__in=scope.service_ids, role=Role.COACH
    )
    if scope.coach_id is not None:
        memberships = memberships.filter(user_id=scope.coach_id)
    return memberships


def contacts_of(scope: Scope, coaches):
    return EmployerContact.objects.filter(
        organisation_id=scope.organisation_id,
        coach__in=coaches,
        contacted_on__gte=scope.start,
        contacted_on__lte=scope.as_of,
    )


def employer_contacts(scope: Scope) -> EmployerContacts:
    """Employer contacts logged by the scope's coaches in [start, as_of], per coach and per week;
    each coach with the current pathways they lead on as_of and their target."""
    memberships = coach_memberships(scope)
    coaches = memberships.values("user_id")
    contacts = contacts_of(scope, coaches).filter(coach=OuterRef("pk"))
    led = Enrolment.objects.filter(
        organisation_id=scope.organisation_id,
        service_id__in=scope.service_ids,
        primary_coach=OuterRef("pk"),
    ).filter(current_on(scope.as_of))
    rows = (
        User.objects.filter(pk__in=coaches)
        .annotate(
            time_share=subquery_count(memberships.filter(user=OuterRef("pk")), "user", Sum("time_share")),
            caseload=subquery_count(led, "primary_coach"),
            contacts=subquery_count(contacts, "coach"),
            face_to_face=subquery_count(contacts.filter(face_to_face=True), "coach"),
        )
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "time_share", "caseload", "contacts", "face_to_face")
    )
    weeks = weeks_of(scope)
    by_coach = [
        CoachFigure(
            coach_id=pk,
            name=name,
            caseload=caseload,
            target=target_for(min(100, time_share)),
            employer_contacts=total,
            face_to_face=face,
            per_week=total / weeks if weeks else 0.0,
            face_to_face_per_week=face / weeks if weeks else 0.0,
        )
        for pk, name, time_share, caseload, total, face in rows
    ]
    total = sum(coach.employer_contacts for coach in by_coach)
    face = sum(coach.face_to_face for coach in by_coach)
    per = len(by_coach) * weeks
    return EmployerContacts(
        coaches=len(by_coach),
        weeks=weeks,
        total=total,
        face_to_face=face,
        per_coach_week=total / per if per else None,
        face_to_face_per_coach_week=face / per if per else None,
        by_coach=by_coach,
    )
