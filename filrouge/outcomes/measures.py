"""Every figure of the product, defined once (docs/measures.md says each definition).

The dashboards, the activity report (page, PDF, XLSX) and the fidelity pre-fill only read this
module. Everything is computed by the database, with a number of queries that does not grow with
the data.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    CharField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Count as CountOf
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Greatest, Least
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.dates import DayNumber, Median, month_key
from filrouge.employers.models import EmployerContact
from filrouge.followalong.models import SupportContact, SupportKind, SupportPlace
from filrouge.followalong.retention import KEPT, SPANS, latest_start_due_by, with_retention
from filrouge.journal.models import Attendance, Meeting, MeetingKind
from filrouge.organisations.models import Membership, ProgrammeType, Role, Service
from filrouge.outcomes.periods import Period, split
from filrouge.pathways.caseload import target_for
from filrouge.pathways.domain import add_months
from filrouge.pathways.models import (
    EducationLevel,
    EmploymentStatus,
    Enrolment,
    ExitOutcome,
    RqthStatus,
    Suspension,
    entry_of,
)
from filrouge.people.models import Sex
from filrouge.placements.models import Placement, PlacementKind, PlacementQuerySet
from filrouge.referentials.models import ContractType

User = get_user_model()

BENCHMARKS = (
    ("ips_average", _("Moyenne des programmes IPS"), 0.41),
    ("ips_excellent", _("Programmes IPS excellents"), 0.50),
    ("french_service", _("Service français de nos sources"), 0.50),
)
DIMENSIONS = ("age_band", "sex", "rqth", "benefits", "education", "programme", "service", "coach")


@dataclass(frozen=True)
class Scope:
    """What a figure is computed over: services of one organisation, a period, maybe one coach."""

    organisation_id: int
    service_ids: tuple[int, ...]  # already scoped by the caller with the policy
    start: date  # inclusive
    end: date  # inclusive
    coach_id: int | None = None  # only the pathways led by this coach (Enrolment.primary_coach)

    @property
    def as_of(self) -> date:
        """ "Now" for the figures: the end of the period, or today if it is not over."""
        return min(self.end, timezone.localdate())

    @classmethod
    def of(cls, services, period: Period, coach=None) -> "Scope":
        services = list(services)
        organisations = {service.organisation_id for service in services}
        if len(organisations) > 1:
            raise ValueError("A scope holds the services of one organisation.")
        return cls(
            organisation_id=organisations.pop() if organisations else 0,
            service_ids=tuple(sorted(service.pk for service in services)),
            start=period.start,
            end=period.end,
            coach_id=getattr(coach, "pk", coach),
        )


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Delay:
    """Days from entry to a first event, for the pathways that entered in the period."""

    cohort: int  # pathways entered in the period
    reached: int  # of which reached the event by as_of
    median_days: float | None
    mean_days: float | None
    within_30_days: Rate  # reached within 30 days of entry / cohort


@dataclass(frozen=True)
class Count:
    """One row of a distribution (its label translated)."""

    key: str
    label: str
    count: int


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


@dataclass(frozen=True)
class Retention:
    key: str  # followalong.retention.SPANS: "13_weeks", "6_months", "12_months"
    label: str
    rate: Rate  # kept / due (jobs whose milestone fell due in the period)


@dataclass(frozen=True)
class Flows:
    supported: int  # pathways current on at least one day of the period
    current: int  # pathways current on as_of
    active: Rate  # current with a contact in the 28 days up to as_of / current
    entries: int
    exits: int
    exits_by_outcome: list[Count]  # every pathways.ExitOutcome
    reorientations: int
    mean_duration_days: float | None  # exits of the period, suspended days left out
    median_duration_days: float | None


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    supported: int
    entries: int
    exits: int
    employed: int  # supported pathways holding a competitive job during the period
    employment_rate: Rate  # the IPS employment rate, restricted to the group


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    rows: list[BreakdownRow]


@dataclass(frozen=True)
class TrendPoint:
    period: Period  # a month or a quarter, cut to the scope
    entries: int
    exits: int
    working: Rate  # share working now on the point's last day (or as_of)
    employer_contacts: int


@dataclass(frozen=True)
class Summary:
    scope: Scope
    flows: Flows
    employment_rate: Rate
    working_now: Rate
    first_employer_contact: Delay
    first_face_to_face_employer_contact: Delay
    first_immersion: Delay
    first_job: Delay
    employer_contacts: EmployerContacts
    jobs_started: int
    durable: Rate
    contract_types: list[Count]
    hours: list[Count]
    retention: list[Retention]
    breakdowns: list[Breakdown]


@dataclass(frozen=True)
class FidelityEvidence:
    """The raw figures the IPS fidelity review pre-fills items from (docs/measures.md)."""

    mean_caseload: float | None
    coaches: int
    first_face_to_face_median_days: float | None
    first_face_to_face_within_30: Rate
    face_to_face_per_coach_week: float | None
    jobs: int
    distinct_job_titles: int
    distinct_employers: int
    competitive_jobs: Rate
    follow_along_monthly: Rate
    follow_along_over_a_year: Rate
    meetings_outside_office: Rate
    distinct_occupations: int = 0  # ROME occupation codes among those jobs


# --- Building blocks ---------------------------------------------------------------------------

OUT_OF_WORK_AT_ENTRY = (
    EmploymentStatus.OUT_OF_WORK,
    EmploymentStatus.NEVER_WORKED,
    EmploymentStatus.ESAT_WORKER,
)
EMPLOYMENT_RATE_MONTHS = 12
ACTIVE_DAYS = 28
WITHIN_DAYS = 30
OFFICE_MEETINGS = (MeetingKind.OFFICE, MeetingKind.PHONE, MeetingKind.VIDEO)
OUTSIDE_SUPPORT_PLACES = (SupportPlace.WORKPLACE, SupportPlace.ELSEWHERE)
HOURS_BANDS = (
    ("under_15", _("Moins de 15 h"), 15),
    ("15_24", _("De 15 à 24 h"), 25),
    ("25_34", _("De 25 à 34 h"), 35),
    ("35_plus", _("35 h et plus"), None),
)
AGE_BANDS = (
    ("under_26", _("Moins de 26 ans"), 26),
    ("26_49", _("De 26 à 49 ans"), 50),
    ("50_plus", _("50 ans et plus"), None),
)
UNKNOWN = "unknown"
UNKNOWN_LABEL = _("Non renseigné")
DIMENSION_LABELS = {
    "age_band": _("Âge à l'entrée"),
    "sex": _("Sexe"),
    "rqth": _("RQTH à l'entrée"),
    "benefits": _("Allocations à l'entrée"),
    "education": _("Niveau de formation"),
    "programme": _("Programme"),
    "service": _("Service"),
    "coach": _("Job coach référent·e"),
}
NO_COACH_LABEL = _("Sans job coach référent·e")


def _within(field: str, start: date, end: date) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def pathways(scope: Scope):
    """The pathways of the scope (their entry is `pathways.models.entry_of()`)."""
    enrolments = Enrolment.objects.filter(
        organisation_id=scope.organisation_id, service_id__in=scope.service_ids
    ).order_by()
    if scope.coach_id is not None:
        enrolments = enrolments.filter(primary_coach_id=scope.coach_id)
    return enrolments


def _of_scope(scope: Scope, prefix: str) -> Q:
    """The rows (placements, meetings...) of the scope's pathways, through `prefix` ("enrolment__")."""
    condition = Q(
        **{
            "organisation_id": scope.organisation_id,
            f"{prefix}organisation_id": scope.organisation_id,
            f"{prefix}service_id__in": scope.service_ids,
        }
    )
    if scope.coach_id is not None:
        condition &= Q(**{f"{prefix}primary_coach_id": scope.coach_id})
    return condition


def current_on(day: date) -> Q:
    """A pathway current on `day`: entered on or before it, not exited before it."""
    return Q(LessThanOrEqual(entry_of(), day)) & (Q(exit_date__isnull=True) | Q(exit_date__gte=day))


def _current_pathway_on(day: date) -> Q:
    """`current_on` for the pathway of a placement."""
    return Q(LessThanOrEqual(entry_of("enrolment__"), day)) & (
        Q(enrolment__exit_date__isnull=True) | Q(enrolment__exit_date__gte=day)
    )


def supported_in(start: date, end: date) -> Q:
    """A pathway current on at least one day of [start, end]."""
    return Q(LessThanOrEqual(entry_of(), end)) & (Q(exit_date__isnull=True) | Q(exit_date__gte=start))


def entered_in(start: date, end: date) -> Q:
    return Q(GreaterThanOrEqual(entry_of(), start)) & Q(LessThanOrEqual(entry_of(), end))


def exited_in(start: date, end: date) -> Q:
    return _within("exit_date", start, end)


def out_of_work_at_entry() -> Q:
    return Q(entry_situation__employment_status__in=OUT_OF_WORK_AT_ENTRY)


COMPETITIVE_CONTRACTS = tuple(c for c in ContractType if c != ContractType.INSERTION)


def competitive_jobs():
    """Jobs in the ordinary labour market: employment, not an insertion contract (SIAE)."""
    return Placement.objects.jobs().filter(contract_type__in=COMPETITIVE_CONTRACTS)


def holds_competitive_job(start: date, end: date) -> Exists:
    """The pathway (outer query) holds a competitive job on at least one day of [start, end]."""
    return Exists(
        competitive_jobs().filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start), enrolment=OuterRef("pk"), started_on__lte=end
        )
    )


def employed_after_entry(as_of: date) -> Exists:
    """The pathway (outer query) holds a competitive job on one day of [entry, min(entry + 12
    months, as_of)]: begun by then, not ended before entry."""
    entry = entry_of(outer=True)
    return Exists(
        competitive_jobs()
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=entry))
        .filter(enrolment=OuterRef("pk"), started_on__lte=as_of)
        .filter(LessThanOrEqual(month_key("started_on"), month_key(entry) + EMPLOYMENT_RATE_MONTHS * 32))
    )


def _rate(figures: dict, numerator: str, denominator: str) -> Rate:
    return Rate(figures[numerator] or 0, figures[denominator] or 0)


def _median(values, field: str, count: int) -> float | None:
    """The median of `field` over `values` (a queryset), `count` being its number of non-null
    values: the database orders them and returns only the middle one or two. Asked even without
    values, so that the number of queries never depends on the data."""
    middle = list(
        values.filter(**{f"{field}__isnull": False})
        .order_by(field)
        .values_list(field, flat=True)[max(count - 1, 0) // 2 : count // 2 + 1]
    )
    return sum(middle) / len(middle) if middle else None


def _aggregate_with_medians(queryset, medians: dict[str, str], aggregates: dict) -> dict:
    """`queryset.aggregate(**aggregates)` plus the median of each field of `medians` (name: field).

    PostgreSQL computes each median in the same query (PERCENTILE_CONT); elsewhere the database
    counts the values, then returns the middle one or two (one more query per median)."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.aggregate(**aggregates, **{name: Median(field) for name, field in medians.items()})
    counts = {f"{name}__count": CountOf(field) for name, field in medians.items()}
    figures = queryset.aggregate(**aggregates, **counts)
    for name, field in medians.items():
        figures[name] = _median(queryset, field, figures.pop(f"{name}__count"))
    return figures


def _weeks(scope: Scope) -> float:
    return max(0, (scope.as_of - scope.start).days + 1) / 7


# --- Employment ----------------------------------------------------------------------------------


def employment_rate(scope: Scope) -> Rate:
    """IPS: of the pathways entered in the period out of work, those holding a competitive job
    within 12 months of entry (up to as_of)."""
    figures = (
        pathways(scope)
        .filter(entered_in(scope.start, scope.as_of), out_of_work_at_entry())
        .aggregate(cohort=CountOf("pk"), employed=CountOf("pk", filter=Q(employed_after_entry(scope.as_of))))
    )
    return _rate(figures, "employed", "cohort")


def working_now(scope: Scope, day: date | None = None) -> Rate:
    """Of the pathways current on `day` (as_of by default), those holding a competitive job that day."""
    day = day or scope.as_of
    figures = (
        pathways(scope)
        .filter(current_on(day))
        .aggregate(current=CountOf("pk"), working=CountOf("pk", filter=Q(holds_competitive_job(day, day))))
    )
    return _rate(figures, "working", "current")


# --- Flows ---------------------------------------------------------------------------------------


def _duration_days():
    """Days from entry to exit, suspended days left out (`Enrolment.duration_days`); outer rows
    are exited pathways annotated with `entry_day` and `exit_day` (day numbers)."""
    exit_day, entry_day = OuterRef("exit_day"), OuterRef("entry_day")
    overlap = Greatest(
        Value(0),
        Least(exit_day, Coalesce(DayNumber("end_date"), exit_day))
        - Greatest(entry_day, DayNumber("start_date"))
        + 1,
    )
    suspended = (
        Suspension.objects.filter(enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(days=Sum(overlap))
        .values("days")
    )
    return Greatest(
        Value(0),
        F("exit_day") - F("entry_day") + 1 - Coalesce(Subquery(suspended, output_field=IntegerField()), 0),
    )


def durations(scope: Scope) -> tuple[float | None, float | None]:
    """Mean and median support duration in days of the pathways exited in the period."""
    exits = (
        pathways(scope)
        .filter(exited_in(scope.start, scope.as_of))
        .annotate(entry_day=DayNumber(entry_of()), exit_day=DayNumber("exit_date"))
        .annotate(duration=_duration_days())
    )
    figures = _aggregate_with_medians(exits, {"median": "duration"}, {"mean": Avg("duration")})
    return figures["mean"], figures["median"]


def _active_on(day: date) -> Q:
    """A meeting held with the person present, or a follow-along contact, in the 28 days up to `day`."""
    first = day - timedelta(days=ACTIVE_DAYS - 1)
    meetings = Meeting.objects.filter(
        enrolment=OuterRef("pk"),
        attendance=Attendance.PRESENT,
        starts_at__gte=_local_midnight(first),
        starts_at__lt=_local_midnight(day + timedelta(days=1)),
    )
    support = SupportContact.objects.filter(
        placement__enrolment=OuterRef("pk"), contacted_on__gte=first, contacted_on__lte=day
    )
    return Q(Exists(meetings)) | Q(Exists(support))


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def flows(scope: Scope) -> Flows:
    start, as_of = scope.start, scope.as_of
    exited = exited_in(start, as_of)
    outcomes = {
        f"exit_{outcome.value}": CountOf("pk", filter=exited & Q(exit_outcome=outcome))
        for outcome in ExitOutcome
    }
    figures = (
        pathways(scope)
        .filter(supported_in(start, as_of))
        .aggregate(
            supported=CountOf("pk"),
            current=CountOf("pk", filter=current_on(as_of)),
            active=CountOf("pk", filter=current_on(as_of) & _active_on(as_of)),
            entries=CountOf("pk", filter=entered_in(start, as_of)),
            exits=CountOf("pk", filter=exited),
            reorientations=CountOf("pk", filter=exited & Q(exit_outcome__in=ExitOutcome.reorientations())),
            **outcomes,
        )
    )
    mean, median = durations(scope)
    return Flows(
        supported=figures["supported"],
        current=figures["current"],
        active=_rate(figures, "active", "current"),
        entries=figures["entries"],
        exits=figures["exits"],
        exits_by_outcome=[
            Count(outcome.value, str(outcome.label), figures[f"exit_{outcome.value}"])
            for outcome in ExitOutcome
        ],
        reorientations=figures["reorientations"],
        mean_duration_days=mean,
        median_duration_days=median,
    )


# --- Delays --------------------------------------------------------------------------------------


DELAYS = ("employer_contact", "face_to_face_employer_contact", "immersion", "job")


def _first_events(scope: Scope) -> dict:
    """For each delay, a subquery giving the date of the pathway's (outer row's) first event:
    an employer contact about the person on or after entry and up to the exit (or as_of), a
    placement of the pathway of that kind started on or after entry and by as_of."""
    contacts = EmployerContact.objects.filter(
        organisation_id=scope.organisation_id,
        person=OuterRef("person"),
        contacted_on__gte=OuterRef("entry_on"),
        contacted_on__lte=OuterRef("until"),
    ).order_by("contacted_on")
    placements = Placement.objects.filter(
        enrolment=OuterRef("pk"), started_on__gte=OuterRef("entry_on"), started_on__lte=scope.as_of
    ).order_by("started_on")
    return {
        "employer_contact": contacts.values("contacted_on")[:1],
        "face_to_face_employer_contact": contacts.filter(face_to_face=True).values("contacted_on")[:1],
        "immersion": placements.filter(kind=PlacementKind.IMMERSION).values("started_on")[:1],
        "job": placements.filter(kind=PlacementKind.EMPLOYMENT).values("started_on")[:1],
    }


def delays(scope: Scope) -> dict[str, Delay]:
    """The four delays (`DELAYS`) of the pathways entered in the period, in one query (and, on a
    database without a median aggregate, one more per delay)."""
    as_of = scope.as_of
    cohort = (
        pathways(scope)
        .filter(entered_in(scope.start, as_of))
        .annotate(
            entry_on=entry_of(),
            until=Least(Coalesce("exit_date", Value(as_of)), Value(as_of), output_field=DateField()),
        )
        .annotate(
            **{
                f"{name}_on": Subquery(event, output_field=DateField())
                for name, event in _first_events(scope).items()
            }
        )
        .annotate(**{f"{name}_days": DayNumber(f"{name}_on") - DayNumber("entry_on") for name in DELAYS})
    )
    aggregates = {"cohort": CountOf("pk")}
    for name in DELAYS:
        aggregates |= {
            f"{name}_reached": CountOf(f"{name}_on"),
            f"{name}_mean": Avg(f"{name}_days"),
            f"{name}_within": CountOf("pk", filter=Q(**{f"{name}_days__lte": WITHIN_DAYS})),
        }
    figures = _aggregate_with_medians(
        cohort, {f"{name}_median": f"{name}_days" for name in DELAYS}, aggregates
    )
    return {
        name: Delay(
            cohort=figures["cohort"],
            reached=figures[f"{name}_reached"],
            median_days=figures[f"{name}_median"],
            mean_days=figures[f"{name}_mean"],
            within_30_days=_rate(figures, f"{name}_within", "cohort"),
        )
        for name in DELAYS
    }


def first_employer_contact(scope: Scope, face_to_face: bool = False) -> Delay:
    """Entry to the first employer contact about the person (face to face only if asked)."""
    return delays(scope)["face_to_face_employer_contact" if face_to_face else "employer_contact"]


def first_immersion(scope: Scope) -> Delay:
    return delays(scope)["immersion"]


def first_job(scope: Scope) -> Delay:
    return delays(scope)["job"]


# --- Employer contacts and caseloads -------------------------------------------------------------


def _coach_memberships(scope: Scope):
    memberships = Membership.objects.active().filter(
        organisation_id=scope.organisation_id, service_id__in=scope.service_ids, role=Role.COACH
    )
    if scope.coach_id is not None:
        memberships = memberships.filter(user_id=scope.coach_id)
    return memberships


def _contacts_of(scope: Scope, coaches):
    return EmployerContact.objects.filter(
        organisation_id=scope.organisation_id,
        coach__in=coaches,
        contacted_on__gte=scope.start,
        contacted_on__lte=scope.as_of,
    )


def _subquery_count(queryset, field: str, expression=None):
    """A correlated COUNT (or SUM of `expression`) over `queryset` grouped by `field`, 0 when none."""
    grouped = queryset.order_by().values(field).annotate(figure=expression or CountOf("pk")).values("figure")
    return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)


def employer_contacts(scope: Scope) -> EmployerContacts:
    """Employer contacts logged by the scope's coaches in [start, as_of], per coach and per week;
    each coach with the current pathways they lead on as_of and their target."""
    memberships = _coach_memberships(scope)
    coaches = memberships.values("user_id")
    contacts = _contacts_of(scope, coaches).filter(coach=OuterRef("pk"))
    led = Enrolment.objects.filter(
        organisation_id=scope.organisation_id,
        service_id__in=scope.service_ids,
        primary_coach=OuterRef("pk"),
    ).filter(current_on(scope.as_of))
    rows = (
        User.objects.filter(pk__in=coaches)
        .annotate(
            time_share=_subquery_count(memberships.filter(user=OuterRef("pk")), "user", Sum("time_share")),
            caseload=_subquery_count(led, "primary_coach"),
            contacts=_subquery_count(contacts, "coach"),
            face_to_face=_subquery_count(contacts.filter(face_to_face=True), "coach"),
        )
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "time_share", "caseload", "contacts", "face_to_face")
    )
    weeks = _weeks(scope)
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


# --- Jobs ----------------------------------------------------------------------------------------


def jobs_of(scope: Scope):
    """The jobs (kind EMPLOYMENT) of the scope's pathways started in [start, as_of]."""
    return Placement.objects.jobs().filter(
        _of_scope(scope, "enrolment__"), started_on__gte=scope.start, started_on__lte=scope.as_of
    )


def _hours_band(index: int) -> Q:
    """The jobs in the band `HOURS_BANDS[index]`: from the previous band's limit to this one's."""
    lower, upper = HOURS_BANDS[index - 1][2] if index else None, HOURS_BANDS[index][2]
    condition = Q()
    if lower is not None:
        condition &= Q(hours_per_week__gte=lower)
    if upper is not None:
        condition &= Q(hours_per_week__lt=upper)
    return condition


def _jobs_figures(scope: Scope) -> dict:
    """Every count over the jobs started in the period, in one query."""
    return jobs_of(scope).aggregate(
        jobs=CountOf("pk"),
        durable=CountOf("pk", filter=PlacementQuerySet.durable_condition()),
        competitive=CountOf("pk", filter=Q(contract_type__in=COMPETITIVE_CONTRACTS)),
        job_titles=CountOf("job_title", distinct=True),
        occupations=CountOf("job_title__occupation", distinct=True),
        employers=CountOf("company", distinct=True),
        **{f"contract_{c.value}": CountOf("pk", filter=Q(contract_type=c)) for c in ContractType},
        **{
            f"hours_{key}": CountOf("pk", filter=_hours_band(index))
            for index, (key, _l, _u) in enumerate(HOURS_BANDS)
        },
    )


def _contract_counts(figures: dict) -> list[Count]:
    return [Count(c.value, str(c.label), figures[f"contract_{c.value}"]) for c in ContractType]


def _hours_counts(figures: dict) -> list[Count]:
    return [Count(key, str(label), figures[f"hours_{key}"]) for key, label, _limit in HOURS_BANDS]


def jobs_started(scope: Scope) -> int:
    return _jobs_figures(scope)["jobs"]


def durable(scope: Scope) -> Rate:
    """Durable jobs (`Placement.is_durable`) among the jobs started in the period."""
    return _rate(_jobs_figures(scope), "durable", "jobs")


def contract_types(scope: Scope) -> list[Count]:
    return _contract_counts(_jobs_figures(scope))


def hours(scope: Scope) -> list[Count]:
    return _hours_counts(_jobs_figures(scope))


def retention(scope: Scope) -> list[Retention]:
    """For each span, the jobs whose milestone fell due in [start, as_of], and those still held then."""
    result = []
    jobs = Placement.objects.jobs().filter(_of_scope(scope, "enrolment__"))
    for span in SPANS:
        due = jobs.filter(
            started_on__gt=latest_start_due_by(span, scope.start - timedelta(days=1)),
            started_on__lte=latest_start_due_by(span, scope.as_of),
        )
        figures = with_retention(due, span, scope.as_of).aggregate(
            due=CountOf("pk"), kept=CountOf("pk", filter=Q(retention_status=KEPT))
        )
        result.append(Retention(span.key, str(span.label), _rate(figures, "kept", "due")))
    return result


# --- Breakdowns ----------------------------------------------------------------------------------


def _age_at_entry():
    """Whole years from birth to entry, as `Person.age` counts them."""
    entry, born = entry_of(), F("person__date_of_birth")
    before_birthday = Case(
        When(
            LessThan(
                ExtractMonth(entry) * 32 + ExtractDay(entry), ExtractMonth(born) * 32 + ExtractDay(born)
            ),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return ExtractYear(entry) - ExtractYear(born) - before_birthday


def _groups(dimension: str) -> list[tuple[str, object, Q]] | None:
    """The rows of a dimension with fixed values: key, label and condition (None: grouped by a
    column). Each pathway falls in the first row whose condition it meets, else in "unknown"
    (benefits excepted: a person may receive several)."""
    if dimension == "age_band":
        age = _age_at_entry()
        return [
            (key, label, Q(LessThan(age, upper)) if upper else Q(GreaterThanOrEqual(age, 0)))
            for key, label, upper in AGE_BANDS
        ]
    if dimension == "sex":
        return [(s.value, s.label, Q(person__sex=s)) for s in Sex]
    if dimension == "rqth":
        return [(r.value, r.label, Q(entry_situation__rqth_status=r)) for r in RqthStatus]
    if dimension == "education":
        return [(e.value, e.label, Q(entry_situation__education_level=e)) for e in EducationLevel]
    if dimension == "benefits":
        return [
            ("rsa", _("RSA"), Q(entry_situation__receives_rsa=True)),
            ("aah", _("AAH"), Q(entry_situation__receives_aah=True)),
            ("are", _("Allocation chômage (ARE)"), Q(entry_situation__receives_unemployment_benefit=True)),
            (
                "none",
                _("Aucune de ces allocations"),
                Q(
                    entry_situation__receives_rsa=False,
                    entry_situation__receives_aah=False,
                    entry_situation__receives_unemployment_benefit=False,
                ),
            ),
            (UNKNOWN, UNKNOWN_LABEL, Q(entry_situation__isnull=True)),
        ]
    if dimension == "programme":
        return [(p.value, p.label, Q(service__programme_type=p)) for p in ProgrammeType]
    return None


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _breakdown_source(scope: Scope, dimensions):
    """The pathways supported in the period, each with its figures (0 or 1) and, for each of
    `dimensions`, its group key (benefits: one flag per benefit), computed once per pathway."""
    start, as_of = scope.start, scope.as_of
    cohort = entered_in(start, as_of) & out_of_work_at_entry()
    # The jobs are counted through a join, per pathway (GROUP BY), rather than by subqueries.
    competitive = Q(
        placements__kind=PlacementKind.EMPLOYMENT,
        placements__contract_type__in=COMPETITIVE_CONTRACTS,
        placements__started_on__lte=as_of,
    )
    entry = entry_of()
    annotations = {
        "m_entries": _flag(entered_in(start, as_of)),
        "m_exits": _flag(exited_in(start, as_of)),
        "m_cohort": _flag(cohort),
        "m_jobs": CountOf(
            "placements",
            filter=competitive & (Q(placements__ended_on__isnull=True) | Q(placements__ended_on__gte=start)),
        ),
        "m_jobs_after_entry": CountOf(
            "placements",
            filter=competitive
            & (Q(placements__ended_on__isnull=True) | Q(placements__ended_on__gte=entry))
            & Q(
                LessThanOrEqual(
                    month_key("placements__started_on"), month_key(entry) + EMPLOYMENT_RATE_MONTHS * 32
                )
            ),
        ),
    }
    for dimension in dimensions:
        groups = _groups(dimension)
        if dimension == "benefits":
            annotations |= {f"g_benefits_{key}": _flag(condition) for key, _label, condition in groups}
        elif groups is not None:
            annotations[f"g_{dimension}"] = Case(
                *(When(condition, then=Value(key)) for key, _label, condition in groups),
                default=Value(UNKNOWN),
                output_field=CharField(),
            )
        else:
            annotations[f"g_{dimension}"] = F("service_id" if dimension == "service" else "primary_coach_id")
    return pathways(scope).filter(supported_in(start, as_of)).annotate(**annotations).values(*annotations)


# The figures of a group of pathways, over the columns of `_breakdown_source`.
_FIGURES_SQL = (
    "COUNT(*), SUM(m_entries), SUM(m_exits), SUM(CASE WHEN m_jobs > 0 THEN 1 ELSE 0 END), SUM(m_cohort), "
    "SUM(CASE WHEN m_cohort = 1 AND m_jobs_after_entry > 0 THEN 1 ELSE 0 END)"
)


def _grouped_figures(scope: Scope, dimensions) -> dict[tuple[str, str | None], tuple[int, ...]]:
    """(dimension, key) -> (supported, entries, exits, employed, cohort, cohort_employed), in one
    query: the pathways with their figures are computed once (a common table expression), then
    grouped by each dimension in turn. The ORM writes the inner query and its parameters; only the
    grouping around it is written here, from fixed names (`DIMENSIONS`, checked by the caller,
    and the benefits' keys); every value is a parameter."""
    source = _breakdown_source(scope, dimensions)
    try:
        inner, params = source.query.get_compiler(using=source.db).as_sql()
    except EmptyResultSet:  # a scope without services
        return {}
    branches, branch_params = [], []
    for dimension in dimensions:
        if dimension == "benefits":
            for key, _label, _condition in _groups("benefits"):
                branches.append(
                    f"SELECT %s, %s, {_FIGURES_SQL} FROM breakdown_source WHERE g_benefits_{key} = 1"  # noqa: S608
                )
                branch_params += [dimension, key]
        else:
            branches.append(
                f"SELECT %s, CAST(g_{dimension} AS VARCHAR(40)), {_FIGURES_SQL} "  # noqa: S608
                f"FROM breakdown_source GROUP BY g_{dimension}"
            )
            branch_params.append(dimension)
    sql = f"WITH breakdown_source AS ({inner}) " + " UNION ALL ".join(branches)
    with connections[source.db].cursor() as cursor:
        cursor.execute(sql, (*params, *branch_params))
        return {
            (dimension, key): tuple(value or 0 for value in values)
            for dimension, key, *values in cursor.fetchall()
        }


def _rows_of(scope: Scope, dimension: str) -> list[tuple[str | None, str, object]]:
    """Every row of a dimension in order: the key the query groups by, the row's key and label."""
    groups = _groups(dimension)
    if groups is not None:
        rows = [(key, key, label) for key, label, _condition in groups]
        return rows if dimension == "benefits" else [*rows, (UNKNOWN, UNKNOWN, UNKNOWN_LABEL)]
    if dimension == "service":
        services = Service.objects.filter(pk__in=scope.service_ids).order_by("name", "pk")
        return [(str(pk), str(pk), name) for pk, name in services.values_list("pk", "name")]
    # The coaches leading a pathway of the breakdown, by name, then the pathways without one.
    coaches = (
        pathways(scope)
        .filter(supported_in(scope.start, scope.as_of), primary_coach__isnull=False)
        .values_list("primary_coach_id", "primary_coach__full_name")
        .distinct()
        .order_by("primary_coach__full_name", "primary_coach_id")
    )
    return [*((str(pk), str(pk), name) for pk, name in coaches), (None, UNKNOWN, NO_COACH_LABEL)]


def breakdowns(scope: Scope, dimensions=DIMENSIONS) -> list[Breakdown]:
    """The pathways supported in the period by each dimension (`DIMENSIONS`), in one query (and
    one for the list of coaches). A row "unknown" (no situation at entry, no sex recorded, no
    coach) is listed only when it counts someone."""
    for dimension in dimensions:
        if dimension not in DIMENSIONS:
            raise ValueError(dimension)
    figures = _grouped_figures(scope, dimensions)
    result = []
    for dimension in dimensions:
        rows = []
        for group, key, label in _rows_of(scope, dimension):
            supported, entries, exits, employed, cohort, cohort_employed = figures.get(
                (dimension, group), (0,) * 6
            )
            if key == UNKNOWN and not supported:
                continue
            rows.append(
                BreakdownRow(
                    key, str(label), supported, entries, exits, employed, Rate(cohort_employed, cohort)
                )
            )
        result.append(Breakdown(dimension, str(DIMENSION_LABELS[dimension]), rows))
    return result


def breakdown(scope: Scope, dimension: str) -> Breakdown:
    """The pathways supported in the period by one dimension (`DIMENSIONS`)."""
    return breakdowns(scope, (dimension,))[0]


# --- Everything ----------------------------------------------------------------------------------


def summary(scope: Scope) -> Summary:
    """Every measure of the scope, in a constant number of queries."""
    jobs, firsts = _jobs_figures(scope), delays(scope)
    return Summary(
        scope=scope,
        flows=flows(scope),
        employment_rate=employment_rate(scope),
        working_now=working_now(scope),
        first_employer_contact=firsts["employer_contact"],
        first_face_to_face_employer_contact=firsts["face_to_face_employer_contact"],
        first_immersion=firsts["immersion"],
        first_job=firsts["job"],
        employer_contacts=employer_contacts(scope),
        jobs_started=jobs["jobs"],
        durable=_rate(jobs, "durable", "jobs"),
        contract_types=_contract_counts(jobs),
        hours=_hours_counts(jobs),
        retention=retention(scope),
        breakdowns=breakdowns(scope),
    )


def trend(scope: Scope, by: str = "month") -> list[TrendPoint]:
    """Month by month (or quarter by quarter) up to as_of: entries, exits, the share working on
    the point's last day, employer contacts. Three queries, whatever the number of points."""
    points = [p for p in split(Period(scope.start, scope.end, "span"), by) if p.start <= scope.as_of]
    if not points:
        return []
    aggregates, working, contacts = {}, {}, {}
    for index, point in enumerate(points):
        last = min(point.end, scope.as_of)
        aggregates |= {
            f"entries_{index}": CountOf("pk", filter=entered_in(point.start, last)),
            f"exits_{index}": CountOf("pk", filter=exited_in(point.start, last)),
            f"current_{index}": CountOf("pk", filter=current_on(last)),
        }
        working[f"working_{index}"] = CountOf(
            "enrolment",
            distinct=True,
            filter=Q(started_on__lte=last)
            & (Q(ended_on__isnull=True) | Q(ended_on__gte=last))
            & _current_pathway_on(last),
        )
        contacts[f"contacts_{index}"] = CountOf("pk", filter=_within("contacted_on", point.start, last))
    figures = pathways(scope).filter(supported_in(scope.start, scope.as_of)).aggregate(**aggregates)
    # Working: the pathways, current that day, of the competitive jobs ongoing that day (read from
    # the jobs, so no subquery runs per pathway and per point).
    figures |= competitive_jobs().filter(_of_scope(scope, "enrolment__")).aggregate(**working)
    figures |= _contacts_of(scope, _coach_memberships(scope).values("user_id")).aggregate(**contacts)
    return [
        TrendPoint(
            period=point,
            entries=figures[f"entries_{index}"],
            exits=figures[f"exits_{index}"],
            working=_rate(figures, f"working_{index}", f"current_{index}"),
            employer_contacts=figures[f"contacts_{index}"],
        )
        for index, point in enumerate(points)
    ]


def _follow_along(scope: Scope) -> dict:
    as_of = scope.as_of
    month_ago, quarter_ago, year_ago = add_months(as_of, -1), add_months(as_of, -3), add_months(as_of, -12)
    face_to_face_last_month = SupportContact.objects.filter(
        placement=OuterRef("pk"),
        kind=SupportKind.FACE_TO_FACE,
        contacted_on__gte=month_ago,
        contacted_on__lte=as_of,
    )
    followed_last_quarter = SupportContact.objects.filter(
        placement=OuterRef("pk"), contacted_on__gte=quarter_ago, contacted_on__lte=as_of
    )
    return (
        Placement.objects.jobs()
        .filter(_of_scope(scope, "enrolment__"))
        .ongoing_on(as_of)
        .aggregate(
            month_jobs=CountOf("pk", filter=Q(started_on__lte=month_ago)),
            month_followed=CountOf(
                "pk", filter=Q(started_on__lte=month_ago) & Q(Exists(face_to_face_last_month))
            ),
            year_jobs=CountOf("pk", filter=Q(started_on__lte=year_ago)),
            year_followed=CountOf(
                "pk", filter=Q(started_on__lte=year_ago) & Q(Exists(followed_last_quarter))
            ),
        )
    )


def _outside_office(scope: Scope) -> Rate:
    meetings = Meeting.objects.filter(
        _of_scope(scope, "enrolment__"),
        attendance=Attendance.PRESENT,
        starts_at__gte=_local_midnight(scope.start),
        starts_at__lt=_local_midnight(scope.as_of + timedelta(days=1)),
    ).aggregate(all=CountOf("pk"), outside=CountOf("pk", filter=~Q(kind__in=OFFICE_MEETINGS)))
    support = SupportContact.objects.filter(
        _of_scope(scope, "placement__enrolment__"),
        contacted_on__gte=scope.start,
        contacted_on__lte=scope.as_of,
    ).aggregate(all=CountOf("pk"), outside=CountOf("pk", filter=Q(place__in=OUTSIDE_SUPPORT_PLACES)))
    return Rate(meetings["outside"] + support["outside"], meetings["all"] + support["all"])


def fidelity_evidence(scope: Scope) -> FidelityEvidence:
    """The figures the IPS fidelity review pre-fills its items from."""
    current = pathways(scope).filter(current_on(scope.as_of)).count()
    contacts = employer_contacts(scope)
    face_to_face = first_employer_contact(scope, face_to_face=True)
    jobs = _jobs_figures(scope)
    follow = _follow_along(scope)
    return FidelityEvidence(
        mean_caseload=current / contacts.coaches if contacts.coaches else None,
        coaches=contacts.coaches,
        first_face_to_face_median_days=face_to_face.median_days,
        first_face_to_face_within_30=face_to_face.within_30_days,
        face_to_face_per_coach_week=contacts.face_to_face_per_coach_week,
        jobs=jobs["jobs"],
        distinct_job_titles=jobs["job_titles"],
        distinct_employers=jobs["employers"],
        competitive_jobs=_rate(jobs, "competitive", "jobs"),
        follow_along_monthly=_rate(follow, "month_followed", "month_jobs"),
        follow_along_over_a_year=_rate(follow, "year_followed", "year_jobs"),
        meetings_outside_office=_outside_office(scope),
        distinct_occupations=jobs["occupations"],
    )
