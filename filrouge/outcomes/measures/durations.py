"""Durations and exits: flows (entries, exits by outcome, durations of support), delays from entry
to a first event, and the jobs started with their kinds (docs/measures.md, "Durations and exits").
Every span is counted de date à date (`core.dates`)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models import Count as CountOf
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext_lazy as _

from filrouge.core.dates import DayNumber
from filrouge.employers.models import CompanyKind, EmployerContact
from filrouge.followalong.models import SupportContact
from filrouge.journal.models import Attendance, Meeting
from filrouge.outcomes.measures.base import (
    Count,
    Rate,
    Scope,
    aggregate_with_medians,
    current_on,
    entered_in,
    exited_in,
    local_midnight,
    of_scope,
    pathways,
    rate_of,
    supported_in,
)
from filrouge.outcomes.measures.employment import competitive_condition
from filrouge.pathways.models import (
    ExitOutcome,
    Suspension,
    entry_of,
)
from filrouge.placements.models import Placement, PlacementKind, PlacementQuerySet
from filrouge.referentials.models import ContractType


@dataclass(frozen=True)
class Delay:
    """Days from entry to a first event, for the pathways that entered in the period."""

    cohort: int  # pathways entered in the period
    reached: int  # of which reached the event by as_of
    median_days: float | None
    mean_days: float | None
    within_30_days: Rate  # reached within 30 days of entry / cohort


@dataclass(frozen=True)
class Flows:
    supported: int  # people with a pathway current on at least one day of the period
    current: int  # people with a pathway current on as_of
    active: Rate  # of them, those with a contact in the 28 days up to as_of
    entries: int  # pathways
    exits: int  # pathways
    exits_by_outcome: list[Count]  # every pathways.ExitOutcome
    reorientations: int
    mean_duration_days: float | None  # exits of the period, suspended days left out
    median_duration_days: float | None


ACTIVE_DAYS = 28


WITHIN_DAYS = 30


HOURS_BANDS = (
    ("under_15", _("Moins de 15 h"), 15),
    ("15_24", _("De 15 à 24 h"), 25),
    ("25_34", _("De 25 à 34 h"), 35),
    ("35_plus", _("35 h et plus"), None),
)


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
    figures = aggregate_with_medians(exits, {"median": "duration"}, {"mean": Avg("duration")})
    return figures["mean"], figures["median"]


def _active_on(day: date) -> Q:
    """A meeting held with the person present, or a follow-along contact, in the 28 days up to `day`."""
    first = day - timedelta(days=ACTIVE_DAYS - 1)
    meetings = Meeting.objects.filter(
        enrolment=OuterRef("pk"),
        attendance=Attendance.PRESENT,
        starts_at__gte=local_midnight(first),
        starts_at__lt=local_midnight(day + timedelta(days=1)),
    )
    support = SupportContact.objects.filter(
        placement__enrolment=OuterRef("pk"), contacted_on__gte=first, contacted_on__lte=day
    )
    return Q(Exists(meetings)) | Q(Exists(support))


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
            # People (a person followed twice counts once); entries and exits are pathways.
            supported=CountOf("person", distinct=True),
            current=CountOf("person", distinct=True, filter=current_on(as_of)),
            active=CountOf("person", distinct=True, filter=current_on(as_of) & _active_on(as_of)),
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
        active=rate_of(figures, "active", "current"),
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


DELAYS = ("employer_contact", "face_to_face_employer_contact", "immersion", "job")


def first_events(scope: Scope) -> dict:
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


def entered_with_window(scope: Scope):
    """The pathways entered in the period, annotated with `entry_on` and `until` (their exit, or
    as_of if sooner): the window in which a first event after entry is looked for."""
    as_of = scope.as_of
    return (
        pathways(scope)
        .filter(entered_in(scope.start, as_of))
        .annotate(
            entry_on=entry_of(),
            until=Least(Coalesce("exit_date", Value(as_of)), Value(as_of), output_field=DateField()),
        )
    )


def delays(scope: Scope) -> dict[str, Delay]:
    """The four delays (`DELAYS`) of the pathways entered in the period, in one query (and, on a
    database without a median aggregate, one more per delay)."""
    cohort = (
        entered_with_window(scope)
        .annotate(
            **{
                f"{name}_on": Subquery(event, output_field=DateField())
                for name, event in first_events(scope).items()
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
    figures = aggregate_with_medians(
        cohort, {f"{name}_median": f"{name}_days" for name in DELAYS}, aggregates
    )
    return {
        name: Delay(
            cohort=figures["cohort"],
            reached=figures[f"{name}_reached"],
            median_days=figures[f"{name}_median"],
            mean_days=figures[f"{name}_mean"],
            within_30_days=rate_of(figures, f"{name}_within", "cohort"),
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


def jobs_of(scope: Scope):
    """The jobs (kind EMPLOYMENT) of the scope's pathways started in [start, as_of]."""
    return Placement.objects.jobs().filter(
        of_scope(scope, "enrolment__"), started_on__gte=scope.start, started_on__lte=scope.as_of
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


def jobs_figures(scope: Scope) -> dict:
    """Every count over the jobs started in the period, in one query."""
    return jobs_of(scope).aggregate(
        jobs=CountOf("pk"),
        durable=CountOf("pk", filter=PlacementQuerySet.durable_condition()),
        transition=CountOf("pk", filter=PlacementQuerySet.transition_condition()),
        competitive=CountOf("pk", filter=competitive_condition()),
        **{f"employer_{k.value}": CountOf("pk", filter=Q(company__kind=k)) for k in CompanyKind},
        job_titles=CountOf("job_title", distinct=True),
        occupations=CountOf("job_title__occupation", distinct=True),
        employers=CountOf("company", distinct=True),
        **{f"contract_{c.value}": CountOf("pk", filter=Q(contract_type=c)) for c in ContractType},
        **{
            f"hours_{key}": CountOf("pk", filter=_hours_band(index))
            for index, (key, _l, _u) in enumerate(HOURS_BANDS)
        },
    )


def contract_counts(figures: dict) -> list[Count]:
    return [Count(c.value, str(c.label), figures[f"contract_{c.value}"]) for c in ContractType]


def employer_counts(figures: dict) -> list[Count]:
    """The jobs started by kind of employer: those outside the ordinary market (EA, ESAT, SIAE)
    are not competitive employment, and the report counts them under their own heading."""
    return [Count(k.value, str(k.label), figures[f"employer_{k.value}"]) for k in CompanyKind]


def hours_counts(figures: dict) -> list[Count]:
    return [Count(key, str(label), figures[f"hours_{key}"]) for key, label, _limit in HOURS_BANDS]


def jobs_started(scope: Scope) -> int:
    return jobs_figures(scope)["jobs"]


def durable(scope: Scope) -> Rate:
    """Durable jobs (`Placement.is_durable`, DGEFP) among the jobs started in the period."""
    return rate_of(jobs_figures(scope), "durable", "jobs")


def transition(scope: Scope) -> Rate:
    """Transition jobs (DGEFP) among the jobs started in the period."""
    return rate_of(jobs_figures(scope), "transition", "jobs")


def contract_types(scope: Scope) -> list[Count]:
    return contract_counts(jobs_figures(scope))


def hours(scope: Scope) -> list[Count]:
    return hours_counts(jobs_figures(scope))
