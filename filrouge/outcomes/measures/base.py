"""The conventions every measure shares: the scope, rates, which pathways count on a day or in a
period, medians, and the small expressions the families of measures build on (docs/measures.md,
"Conventions")."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connections
from django.db.models import (
    Case,
    IntegerField,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import Count as CountOf
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.dates import Median
from filrouge.outcomes.periods import Period
from filrouge.pathways.models import (
    EmploymentStatus,
    Enrolment,
    entry_of,
)


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
class Count:
    """One row of a distribution (its label translated)."""

    key: str
    label: str
    count: int


OUT_OF_WORK_AT_ENTRY = (
    EmploymentStatus.OUT_OF_WORK,
    EmploymentStatus.NEVER_WORKED,
    EmploymentStatus.ESAT_WORKER,
)


UNKNOWN = "unknown"


UNKNOWN_LABEL = _("Non renseigné")


def within(field: str, start: date, end: date) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def pathways(scope: Scope):
    """The pathways of the scope (their entry is `pathways.models.entry_of()`)."""
    enrolments = Enrolment.objects.filter(
        organisation_id=scope.organisation_id, service_id__in=scope.service_ids
    ).order_by()
    if scope.coach_id is not None:
        enrolments = enrolments.filter(primary_coach_id=scope.coach_id)
    return enrolments


def of_scope(scope: Scope, prefix: str) -> Q:
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


def supported_in(start: date, end: date) -> Q:
    """A pathway current on at least one day of [start, end]."""
    return Q(LessThanOrEqual(entry_of(), end)) & (Q(exit_date__isnull=True) | Q(exit_date__gte=start))


def entered_in(start: date, end: date) -> Q:
    return Q(GreaterThanOrEqual(entry_of(), start)) & Q(LessThanOrEqual(entry_of(), end))


def exited_in(start: date, end: date) -> Q:
    return within("exit_date", start, end)


def out_of_work_at_entry() -> Q:
    return Q(entry_situation__employment_status__in=OUT_OF_WORK_AT_ENTRY)


def rate_of(figures: dict, numerator: str, denominator: str) -> Rate:
    return Rate(figures[numerator] or 0, figures[denominator] or 0)


def median_of(values, field: str, count: int) -> float | None:
    """The median of `field` over `values` (a queryset), `count` being its number of non-null
    values: the database orders them and returns only the middle one or two. Asked even without
    values, so that the number of queries never depends on the data."""
    middle = list(
        values.filter(**{f"{field}__isnull": False})
        .order_by(field)
        .values_list(field, flat=True)[max(count - 1, 0) // 2 : count // 2 + 1]
    )
    return sum(middle) / len(middle) if middle else None


def aggregate_with_medians(queryset, medians: dict[str, str], aggregates: dict) -> dict:
    """`queryset.aggregate(**aggregates)` plus the median of each field of `medians` (name: field).

    PostgreSQL computes each median in the same query (PERCENTILE_CONT); elsewhere the database
    counts the values, then returns the middle one or two (one more query per median)."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.aggregate(**aggregates, **{name: Median(field) for name, field in medians.items()})
    counts = {f"{name}__count": CountOf(field) for name, field in medians.items()}
    figures = queryset.aggregate(**aggregates, **counts)
    for name, field in medians.items():
        figures[name] = median_of(queryset, field, figures.pop(f"{name}__count"))
    return figures


def weeks_of(scope: Scope) -> float:
    return max(0, (scope.as_of - scope.start).days + 1) / 7


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def subquery_count(queryset, field: str, expression=None):
    """A correlated COUNT (or SUM of `expression`) over `queryset` grouped by `field`, 0 when none."""
    grouped = queryset.order_by().values(field).annotate(figure=expression or CountOf("pk")).values("figure")
    return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)
