"""Employment: competitive jobs, the IPS employment rates, the share working on a day, and the
benchmarks shown beside them (docs/measures.md, "Employment").

Every rate here counts **people**, not pathways: a person who leaves and comes back, or who is
followed by two services of the scope, is one person. A person's jobs are those recorded in any of
their pathways in the organisation.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count as CountOf
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from filrouge.core.dates import span_end, within_span
from filrouge.employers.models import CompanyKind
from filrouge.outcomes.measures.base import (
    Rate,
    Scope,
    entered_in,
    out_of_work_at_entry,
    pathways,
    rate_of,
    supported_in,
)
from filrouge.outcomes.periods import Period, split
from filrouge.pathways.models import entry_of
from filrouge.placements.models import Placement, PlacementKind, held_through
from filrouge.referentials.models import ContractType

EMPLOYMENT_RATE_MONTHS = 12  # the entry-cohort rate looks 12 months after entry, de date à date


@dataclass(frozen=True)
class Benchmark:
    """A published figure shown beside ours, only where ours is computed the same way."""

    key: str
    label: str
    value: float
    measure: str  # "ips_quarterly" or "served_working_year": the figure it may stand beside
    source: str  # who publishes it and how it is defined (shown in a footnote)


BENCHMARKS = (
    Benchmark(
        "ips_average",
        _("Moyenne des programmes IPS"),
        0.41,
        "ips_quarterly",
        _(  # xgettext:no-python-format
            "Communauté d'apprentissage IPS (IPS Employment Center) : environ 41 % des personnes "
            "accompagnées dans le trimestre ont travaillé en milieu ordinaire au cours du trimestre."
        ),
    ),
    Benchmark(
        "ips_excellent",
        _("Programmes IPS excellents"),
        0.50,
        "ips_quarterly",
        _(  # xgettext:no-python-format
            "IPS Employment Center : un programme excellent atteint 50 % de taux d'emploi "
            "trimestriel (même définition)."
        ),
    ),
    Benchmark(
        "french_service",
        _("Service d'emploi accompagné de nos sources"),
        0.50,
        "served_working_year",
        _(  # xgettext:no-python-format
            "Messidor (emploi accompagné, Lyon) : « en général 50 % des bénéficiaires ont été en "
            "situation d'emploi sur une année » — personnes accompagnées dans l'année, en emploi "
            "au moins un jour de l'année."
        ),
    ),
)


def benchmarks_for(measure: str) -> list[Benchmark]:
    return [benchmark for benchmark in BENCHMARKS if benchmark.measure == measure]


def competitive_condition(prefix: str = "") -> Q:
    """A competitive job (IPS): a job (kind employment) in the ordinary labour market — not an
    insertion contract, and not with an adapted company (EA), an ESAT or an insertion structure
    (SIAE). `prefix` reads the placement through a relation ("placements__")."""
    return Q(
        **{f"{prefix}kind": PlacementKind.EMPLOYMENT, f"{prefix}company__kind": CompanyKind.ORDINARY}
    ) & ~Q(**{f"{prefix}contract_type": ContractType.INSERTION})


def competitive_jobs():
    return Placement.objects.filter(competitive_condition())


def _held_between(start: date, end: date) -> Q:
    """A placement held on at least one day of [start, end] (past its planned end with no end
    recorded, it is no longer held: `placements.models.held_through`)."""
    return Q(started_on__lte=end) & held_through(start)


def served_and_working(scope: Scope, start: date, end: date) -> Rate:
    """Of the people with a pathway of the scope open on at least one day of [start, end], those
    who worked in a competitive job on at least one day of it."""
    return _served_and_working(scope, [(start, end)])[0]


def people_who_worked(scope: Scope, start: date, end: date):
    """The people of the organisation who held a competitive job on at least one day of
    [start, end] (a subquery the database runs once, not once per pathway)."""
    return (
        competitive_jobs()
        .filter(_held_between(start, end), organisation_id=scope.organisation_id)
        .values("enrolment__person")
    )


def _served_and_working_figures(scope: Scope, spans: list[tuple[date, date]]) -> dict:
    """The counts of `served_and_working` for each span (`served_<i>`, `worked_<i>`), over the
    scope's pathways: a queryset to aggregate, or to group first."""
    counts = {}
    for index, (start, end) in enumerate(spans):
        served = supported_in(start, end)
        counts[f"served_{index}"] = CountOf("person", distinct=True, filter=served)
        counts[f"worked_{index}"] = CountOf(
            "person", distinct=True, filter=served & Q(person__in=people_who_worked(scope, start, end))
        )
    return counts


def _served_and_working(scope: Scope, spans: list[tuple[date, date]]) -> list[Rate]:
    """`served_and_working` for several spans, in one query whatever their number."""
    if not spans or not scope.service_ids:
        return [Rate(0, 0) for _span in spans]
    figures = pathways(scope).aggregate(**_served_and_working_figures(scope, spans))
    return [rate_of(figures, f"worked_{index}", f"served_{index}") for index in range(len(spans))]


@dataclass(frozen=True)
class QuarterRate:
    """The IPS quarterly employment rate of one calendar quarter."""

    period: Period  # the quarter, cut to the scope's period and to as_of when they cut it
    rate: Rate  # people who worked in a competitive job in it / people served in it
    complete: bool  # the whole calendar quarter, and over: only then beside the benchmarks

    @property
    def label(self) -> str:
        if self.complete:
            return self.period.label
        return _("%(quarter)s (incomplet)") % {"quarter": self.period.label}


def quarters_of(scope: Scope) -> list[Period]:
    """The calendar quarters overlapping the scope's period up to as_of, cut to them."""
    return [
        Period(
            quarter.start,
            min(quarter.end, scope.as_of),
            quarter.kind if quarter.end <= scope.as_of else "span",
        )
        for quarter in split(Period(scope.start, scope.end, "span"), "quarter")
        if quarter.start <= scope.as_of
    ]


def ips_quarterly_rates(scope: Scope) -> list[QuarterRate]:
    """The IPS quarterly employment rate of each quarter of the period: of the **people** served
    during the quarter (at least one day of an open pathway in it), those who worked in a
    competitive job on at least one day of it. One query for all the quarters (`people_working`)."""
    return people_working(scope)[0]


def people_working(scope: Scope) -> tuple[list[QuarterRate], Rate, Rate]:
    """The IPS quarterly rates, `served_and_working` over the period and `working_now`, in the
    one query they share (the summary's)."""
    quarters = quarters_of(scope)
    spans = [(q.start, q.end) for q in quarters] + [(scope.start, scope.as_of), (scope.as_of, scope.as_of)]
    *by_quarter, over_period, on_as_of = _served_and_working(scope, spans)
    rates = [QuarterRate(q, rate, q.kind == "quarter") for q, rate in zip(quarters, by_quarter, strict=True)]
    return rates, over_period, on_as_of


GROUPS = {"service": "service_id", "coach": "primary_coach_id"}


def ips_quarterly_rates_by(scope: Scope, group: str) -> dict[int | None, list[QuarterRate]]:
    """The IPS quarterly rates of each service ("service") or each lead coach ("coach", None for
    the pathways without one) of the scope, in one query: a person is counted in each group where
    they were served (a person followed by two coaches in a quarter is in both rows)."""
    quarters = quarters_of(scope)
    if not quarters or not scope.service_ids:
        return {}
    column = GROUPS[group]
    rows = (
        pathways(scope)
        .filter(supported_in(scope.start, scope.as_of))
        .values(column)
        .annotate(**_served_and_working_figures(scope, [(q.start, q.end) for q in quarters]))
        .order_by()
    )
    return {
        row[column]: [
            QuarterRate(
                quarter, rate_of(row, f"worked_{index}", f"served_{index}"), quarter.kind == "quarter"
            )
            for index, quarter in enumerate(quarters)
        ]
        for row in rows
    }


def is_whole_year(scope: Scope) -> bool:
    """The period is twelve months de date à date, and over: the French benchmark's span."""
    return scope.end == span_end(scope.start, months=12) and scope.as_of == scope.end


def moved_into_work(scope: Scope) -> Exists:
    """The person of the outer pathway started a competitive job after the pathway's entry day and
    within 12 months of it (de date à date), by as_of, recorded in any of their pathways."""
    entry = entry_of(outer=True)
    return Exists(
        competitive_jobs().filter(
            GreaterThan(F("started_on"), entry),
            within_span("started_on", entry, months=EMPLOYMENT_RATE_MONTHS),
            organisation_id=scope.organisation_id,
            enrolment__person=OuterRef("person"),
            started_on__lte=scope.as_of,
        )
    )


def entry_cohort_rate(scope: Scope) -> Rate:
    """Of the **people** who entered a pathway of the scope in the period out of work, those who
    moved into a competitive job within 12 months of that entry (de date à date), by as_of: a job
    starting after the entry day, recorded in any of their pathways. A job started on or before
    the entry day is not an outcome, whatever the situation at entry says."""
    figures = (
        pathways(scope)
        .filter(entered_in(scope.start, scope.as_of), out_of_work_at_entry())
        .aggregate(
            cohort=CountOf("person", distinct=True),
            employed=CountOf("person", distinct=True, filter=Q(moved_into_work(scope))),
        )
    )
    return rate_of(figures, "employed", "cohort")


def working_on(scope: Scope, days: list[date]) -> list[Rate]:
    """For each day, of the people with a pathway of the scope current that day, those holding a
    competitive job that day (the "share working now", a snapshot): `served_and_working` over
    that one day."""
    return _served_and_working(scope, [(day, day) for day in days])


def working_now(scope: Scope, day: date | None = None) -> Rate:
    return working_on(scope, [day or scope.as_of])[0]
