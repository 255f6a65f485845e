"""The figures of the pathways supported in the period, by age band, sex, RQTH, benefits, education,
programme, service and coach (docs/measures.md, "Breakdowns")."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils.translation import gettext_lazy as _

from filrouge.organisations.models import ProgrammeType, Service
from filrouge.outcomes.measures.base import (
    UNKNOWN,
    UNKNOWN_LABEL,
    Rate,
    Scope,
    entered_in,
    exited_in,
    flag,
    out_of_work_at_entry,
    pathways,
    supported_in,
)
from filrouge.outcomes.measures.employment import moved_into_work, people_who_worked
from filrouge.pathways.models import (
    EducationLevel,
    RqthStatus,
    entry_of,
)
from filrouge.people.models import Sex

DIMENSIONS = ("age_band", "sex", "rqth", "benefits", "education", "programme", "service", "coach")


AGE_BANDS = (
    ("under_26", _("Moins de 26 ans"), 26),
    ("26_49", _("De 26 à 49 ans"), 50),
    ("50_plus", _("50 ans et plus"), None),
)


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


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    supported: int
    entries: int
    exits: int
    employed: int  # people of the group who worked in a competitive job during the period
    employment_rate: Rate  # the entry-cohort rate, restricted to the group


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    rows: list[BreakdownRow]


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


def _breakdown_source(scope: Scope, dimensions):
    """The pathways supported in the period, each with its person, its flags (0 or 1) and, for
    each of `dimensions`, its group key (benefits: one flag per benefit), computed once per
    pathway. The employment figures are the person's (`employment.py`): counted once per person."""
    start, as_of = scope.start, scope.as_of
    cohort = entered_in(start, as_of) & out_of_work_at_entry()
    annotations = {
        "m_person": F("person_id"),
        "m_entries": flag(entered_in(start, as_of)),
        "m_exits": flag(exited_in(start, as_of)),
        "m_worked": flag(Q(person__in=people_who_worked(scope, start, as_of))),
        "m_cohort": flag(cohort),
        "m_moved": flag(cohort & Q(moved_into_work(scope))),
    }
    for dimension in dimensions:
        groups = _groups(dimension)
        if dimension == "benefits":
            annotations |= {f"g_benefits_{key}": flag(condition) for key, _label, condition in groups}
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
    "COUNT(DISTINCT m_person), SUM(m_entries), SUM(m_exits), "
    "COUNT(DISTINCT CASE WHEN m_worked = 1 THEN m_person END), "
    "COUNT(DISTINCT CASE WHEN m_cohort = 1 THEN m_person END), "
    "COUNT(DISTINCT CASE WHEN m_moved = 1 THEN m_person END)"
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
