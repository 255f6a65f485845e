"""The evidence the IPS-25 fidelity review pre-fills its items from (docs/measures.md, "Evidence
for the IPS fidelity review").

The scale is the IPS Supported Employment Fidelity Scale of 2008 (25 items; Becker, Swanson, Bond,
Reese and others, IPS Employment Center), not the older 15-item one. Each figure below says which
item it serves; `fidelity.prefill` turns them into suggested scores with the evidence in words.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, DateField, Exists, OuterRef, Q, Subquery
from django.db.models import Count as CountOf
from django.db.models.functions import Coalesce

from filrouge.core.dates import DayNumber, add_months, span_end
from filrouge.employers.models import CompanyKind, EmployerContact, EmployerContactKind
from filrouge.followalong.models import SupportContact, SupportKind, SupportPlace
from filrouge.journal.models import Attendance, Meeting, MeetingKind
from filrouge.outcomes.measures.activity import coach_memberships
from filrouge.outcomes.measures.base import (
    Rate,
    Scope,
    current_on,
    local_midnight,
    of_scope,
    pathways,
    rate_of,
    weeks_of,
)
from filrouge.outcomes.measures.durations import entered_with_window, jobs_figures
from filrouge.placements.models import Placement, held_through

OFFICE_MEETINGS = (MeetingKind.OFFICE, MeetingKind.PHONE, MeetingKind.VIDEO)

OUTSIDE_SUPPORT_PLACES = (SupportPlace.WORKPLACE, SupportPlace.ELSEWHERE)

# Job development: the contacts made to find or create a job for someone looking for work. A
# follow-up visit, a tutor's training or a team's awareness session support a job already held.
JOB_DEVELOPMENT_KINDS = (EmployerContactKind.PROSPECTING_VISIT, EmployerContactKind.CANDIDATE_PRESENTATION)

FULL_TIME = 100  # Membership.time_share is a percentage of a full time

FIRST_MONTH_WEEKS = 4  # "weekly for the first month": the four full weeks of the job's first month
FOLLOW_ALONG_MONTHS = 12  # "at least monthly for a year"
FOLLOWED_MONTHS = 4  # anchors 2 and 3: "for at least 4 months after starting a job"


@dataclass(frozen=True)
class FidelityEvidence:
    """The raw figures the IPS-25 fidelity review pre-fills items from (docs/measures.md)."""

    as_of: date  # the review's "now": the end of its period, or today
    # Staffing 1 (caseload size) and 2 (employment services staff).
    people: int  # distinct people with a pathway of the scope current on as_of
    coaches: int  # coaches with an active role in the scope's services
    coach_fte: float  # their time shares, at most 100 % a person, in full-time equivalents
    employment_services_share: float | None  # % of their time on employment services, FTE-weighted
    # Services 4 (rapid job search): the pathways entered in the period.
    entries: int
    met_an_employer: int  # of which reached a first face-to-face employer contact
    first_employer_mean_days: float | None  # mean days to it, or so far (to the exit or as_of)
    # Services 6 (job development, frequent employer contact).
    weeks: float
    job_development_contacts: int
    job_development_per_coach_week: float | None  # the mean of each coach's weekly rate
    # Services 8, 9, 10: the jobs started in the period.
    jobs: int
    distinct_job_titles: int
    distinct_employers: int
    competitive_jobs: Rate
    # Services 12 (time-unlimited follow-along): face-to-face follow-along contacts.
    follow_along_first_week: Rate  # jobs met in their first week / jobs due
    follow_along_weekly: Rate  # weeks of a first month with a contact / weeks due
    follow_along_monthly: Rate  # months 1–12 of a job with a contact / months due
    follow_along_after_first_month: Rate  # months 2–12 only
    follow_along_four_months: Rate  # jobs met in each of their first 4 months / jobs due
    # Services 13 (community-based services).
    meetings_outside_office: Rate
    distinct_occupations: int = 0  # ROME occupation codes among the jobs started

    @property
    def people_per_fte(self) -> float | None:
        return self.people / self.coach_fte if self.coach_fte else None

    @property
    def still_waiting(self) -> int:
        """Pathways entered in the period without a face-to-face employer contact yet."""
        return self.entries - self.met_an_employer


# --- Staffing ------------------------------------------------------------------------------------


def _staffing(scope: Scope) -> dict:
    """Coaches, their full-time equivalents and their time on employment services (one query).

    A coach's FTE is the sum of their time shares in the scope's services, at most 100 %; their
    share of time on employment services is the mean of their roles' shares weighted by those time
    shares; the service's share is the mean of the coaches' shares weighted by their FTE."""
    roles = coach_memberships(scope).values_list("user_id", "time_share", "employment_services_share")
    by_coach: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for user_id, time_share, employment_share in roles:
        by_coach[user_id].append((time_share, employment_share))
    fte = weighted = 0.0
    for shares in by_coach.values():
        total = sum(time_share for time_share, _share in shares)
        if not total:
            continue
        coach_fte = min(FULL_TIME, total) / FULL_TIME
        fte += coach_fte
        weighted += coach_fte * sum(time * share for time, share in shares) / total
    return {
        "coach_ids": sorted(by_coach),
        "coach_fte": fte,
        "employment_services_share": weighted / fte if fte else None,
    }


# --- Services 4: rapid job search ----------------------------------------------------------------


def _rapid_search(scope: Scope) -> dict:
    """Entry to the first face-to-face employer contact about a competitive job, over the pathways
    entered in the period (one query).

    The contact is about the person (`EmployerContact.person`), face to face, of any kind, with an
    ordinary employer (not an EA, ESAT or SIAE: the item asks for a contact "about a competitive
    job"), on or after the entry day and by the exit or as_of. A
    pathway without one counts with its delay so far: up to as_of, or up to its exit."""
    first_contact = (
        EmployerContact.objects.filter(
            organisation_id=scope.organisation_id,
            person=OuterRef("person"),
            face_to_face=True,
            company__kind=CompanyKind.ORDINARY,
            contacted_on__gte=OuterRef("entry_on"),
            contacted_on__lte=OuterRef("until"),
        )
        .order_by("contacted_on")
        .values("contacted_on")[:1]
    )
    cohort = (
        entered_with_window(scope)
        .annotate(first_on=Subquery(first_contact, output_field=DateField()))
        .annotate(
            days=DayNumber(Coalesce("first_on", "until", output_field=DateField())) - DayNumber("entry_on")
        )
    )
    return cohort.aggregate(entries=CountOf("pk"), met=CountOf("first_on"), mean_days=Avg("days"))


# --- Services 6: job development, frequent employer contact --------------------------------------


def in_a_job_on_contact_day(scope: Scope) -> Exists:
    """The person of the outer employer contact held a job (kind employment, any employer, in any of
    their pathways of the organisation) on the contact's day."""
    return Exists(
        Placement.objects.jobs().filter(
            held_through(OuterRef("contacted_on")),
            organisation_id=scope.organisation_id,
            enrolment__person=OuterRef("person"),
            started_on__lte=OuterRef("contacted_on"),
        )
    )


def _job_development(scope: Scope, coach_ids) -> dict:
    """Face-to-face job development contacts per coach and per week (one query): prospecting visits
    and candidate presentations by the scope's coaches in [start, as_of], except those about a
    person who held a job that day. Each coach's weekly rate, then the mean of the rates (the
    scale: "rate for each employment specialist, then calculate average")."""
    counts = dict(
        EmployerContact.objects.filter(
            ~Q(in_a_job_on_contact_day(scope)),
            organisation_id=scope.organisation_id,
            coach_id__in=coach_memberships(scope).values("user_id"),
            face_to_face=True,
            kind__in=JOB_DEVELOPMENT_KINDS,
            contacted_on__gte=scope.start,
            contacted_on__lte=scope.as_of,
        )
        .order_by()
        .values("coach_id")
        .annotate(contacts=CountOf("pk"))
        .values_list("coach_id", "contacts")
    )
    weeks = weeks_of(scope)
    rates = [counts.get(coach_id, 0) / weeks for coach_id in coach_ids] if weeks else []
    return {
        "weeks": weeks,
        "contacts": sum(counts.values()),
        "per_coach_week": sum(rates) / len(rates) if rates else None,
    }


# --- Services 12: time-unlimited follow-along ----------------------------------------------------


FOLLOW_ALONG_FIGURES = ("first_week", "weekly", "monthly", "after_first_month", "four_months")


@dataclass(frozen=True)
class HeldJob:
    started_on: date
    held_until: date | None  # its end, else its planned end (`Placement.held_until`)

    def held_through(self, day: date) -> bool:
        return self.held_until is None or self.held_until >= day


def first_month_weeks(start: date) -> list[tuple[date, date]]:
    """The four full weeks of a job's first month, de date à date (a month holds at least 28 days)."""
    return [
        (start + timedelta(weeks=week - 1), span_end(start, weeks=week))
        for week in range(1, FIRST_MONTH_WEEKS + 1)
    ]


def first_year_months(start: date) -> list[tuple[date, date]]:
    """The months 1 to 12 of a job, de date à date: month 1 begins on the start day, month m ends on
    `span_end(start, months=m)` (a job started on 31 January is one month old on 28 February, and
    its month 2 runs from 1 to 30 March)."""
    months, first = [], start
    for month in range(1, FOLLOW_ALONG_MONTHS + 1):
        last = span_end(start, months=month)
        months.append((first, last))
        first = last + timedelta(days=1)
    return months


def follow_along_figures(jobs, contacts: dict, start: date, as_of: date) -> dict[str, Rate]:
    """The face-to-face follow-along of `jobs` (HeldJob by key) over the period [start, as_of], from
    `contacts` (key: sorted dates of face-to-face follow-along contacts). A week or a month of a job
    is *due* when it lies wholly in the period, before as_of, while the job was held; it is met when
    a contact falls in it.

    - first week: the jobs whose first week is due, met in it;
    - weekly: the four weeks of each job's first month, each due one met;
    - monthly: the months 1 to 12 of each job, each due one met; `after_first_month`: months 2–12;
    - four months: the jobs whose months 1 to 4 are all due, met in each of them."""
    tallies = {name: [0, 0] for name in FOLLOW_ALONG_FIGURES}  # name: [met, due]

    def tally(name: str, met: bool | None) -> None:
        if met is not None:
            tallies[name][0] += met
            tallies[name][1] += 1

    for key, job in jobs.items():
        days = contacts.get(key, [])
        weeks = [_met(job, span, days, start, as_of) for span in first_month_weeks(job.started_on)]
        months = [_met(job, span, days, start, as_of) for span in first_year_months(job.started_on)]
        tally("first_week", weeks[0])
        for met in weeks:
            tally("weekly", met)
        for month, met in enumerate(months, start=1):
            tally("monthly", met)
            if month > 1:
                tally("after_first_month", met)
        first_months = months[:FOLLOWED_MONTHS]
        tally("four_months", None if None in first_months else all(first_months))
    return {name: Rate(*tallies[name]) for name in FOLLOW_ALONG_FIGURES}


def _met(job: HeldJob, span: tuple[date, date], days: list[date], start: date, as_of: date) -> bool | None:
    """None when the span of the job is not due (not wholly in [start, as_of], or the job was not
    held to its end); else whether a contact (`days`, sorted) falls in it."""
    first, last = span
    if first < start or last > as_of or not job.held_through(last):
        return None
    index = bisect_left(days, first)
    return index < len(days) and days[index] <= last


def _follow_along(scope: Scope) -> dict[str, Rate]:
    """`follow_along_figures` for the jobs (kind employment, any employer) of the scope's pathways
    held during the period and started less than a year before it: two queries, the jobs and
    their face-to-face follow-along contacts, read in Python (a service starts few jobs a year)."""
    start, as_of = scope.start, scope.as_of
    held = (
        Placement.objects.jobs()
        .filter(
            of_scope(scope, "enrolment__"),
            held_through(start),
            started_on__gte=add_months(start, -FOLLOW_ALONG_MONTHS),
            started_on__lte=as_of,
        )
        .order_by()
    )
    jobs = {
        pk: HeldJob(started, ended or planned)
        for pk, started, ended, planned in held.values_list("pk", "started_on", "ended_on", "planned_end_on")
    }
    contacts = defaultdict(list)
    face_to_face = (
        SupportContact.objects.filter(
            placement__in=held.values("pk"),
            kind=SupportKind.FACE_TO_FACE,
            contacted_on__gte=start,
            contacted_on__lte=as_of,
        )
        .order_by("contacted_on")
        .values_list("placement_id", "contacted_on")
    )
    for placement_id, day in face_to_face:
        contacts[placement_id].append(day)
    return follow_along_figures(jobs, contacts, start, as_of)


# --- Services 13: community-based services -------------------------------------------------------


def _outside_office(scope: Scope) -> Rate:
    meetings = Meeting.objects.filter(
        of_scope(scope, "enrolment__"),
        attendance=Attendance.PRESENT,
        starts_at__gte=local_midnight(scope.start),
        starts_at__lt=local_midnight(scope.as_of + timedelta(days=1)),
    ).aggregate(all=CountOf("pk"), outside=CountOf("pk", filter=~Q(kind__in=OFFICE_MEETINGS)))
    support = SupportContact.objects.filter(
        of_scope(scope, "placement__enrolment__"),
        contacted_on__gte=scope.start,
        contacted_on__lte=scope.as_of,
    ).aggregate(all=CountOf("pk"), outside=CountOf("pk", filter=Q(place__in=OUTSIDE_SUPPORT_PLACES)))
    return Rate(meetings["outside"] + support["outside"], meetings["all"] + support["all"])


def fidelity_evidence(scope: Scope) -> FidelityEvidence:
    """The figures the IPS-25 fidelity review pre-fills its items from, in nine queries whatever
    the data."""
    people = (
        pathways(scope).filter(current_on(scope.as_of)).aggregate(people=CountOf("person", distinct=True))
    )
    staffing = _staffing(scope)
    search = _rapid_search(scope)
    development = _job_development(scope, staffing["coach_ids"])
    jobs = jobs_figures(scope)
    follow = _follow_along(scope)
    return FidelityEvidence(
        as_of=scope.as_of,
        people=people["people"],
        coaches=len(staffing["coach_ids"]),
        coach_fte=staffing["coach_fte"],
        employment_services_share=staffing["employment_services_share"],
        entries=search["entries"],
        met_an_employer=search["met"],
        first_employer_mean_days=search["mean_days"],
        weeks=development["weeks"],
        job_development_contacts=development["contacts"],
        job_development_per_coach_week=development["per_coach_week"],
        jobs=jobs["jobs"],
        distinct_job_titles=jobs["job_titles"],
        distinct_employers=jobs["employers"],
        competitive_jobs=rate_of(jobs, "competitive", "jobs"),
        follow_along_first_week=follow["first_week"],
        follow_along_weekly=follow["weekly"],
        follow_along_monthly=follow["monthly"],
        follow_along_after_first_month=follow["after_first_month"],
        follow_along_four_months=follow["four_months"],
        meetings_outside_office=_outside_office(scope),
        distinct_occupations=jobs["occupations"],
    )
