"""Date arithmetic done by the database, the same on SQLite and PostgreSQL (the retention
milestones, durable jobs and every measure of `outcomes.measures` use it).

Dates are compared as integers: a day number (days since 1 January 1970) for spans of days, and a
"month key" `(year × 12 + month) × 32 + day` for spans of calendar months, which follows
`pathways.domain.add_months` (31 August + 6 months = the last day of February) without the
database having to build a date.
"""

from django.db.models import Aggregate, Case, F, FloatField, Func, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Mod
from django.db.models.lookups import Exact, GreaterThanOrEqual, In

JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01') in SQLite


class DayNumber(Func):
    """Days since 1 January 1970 of a date expression: differences of two are days between."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template=f"CAST(julianday(%(expressions)s) - {JULIAN_EPOCH} AS INTEGER)"
        )


def _as(expression):
    return F(expression) if isinstance(expression, str) else expression


def month_index(expression):
    expression = _as(expression)
    return ExtractYear(expression) * 12 + ExtractMonth(expression)


def month_key(expression):
    """`(year × 12 + month) × 32 + day`: ordered as the dates are, with room for any day.

    `month_key(day) <= month_key(start) + 32 × n` is exactly `day <= add_months(start, n)`: a
    target month too short cuts the start's day to its last day, and no day of it lies beyond."""
    return month_index(expression) * 32 + ExtractDay(_as(expression))


def month_length(expression) -> Case:
    expression = _as(expression)
    year, month = ExtractYear(expression), ExtractMonth(expression)
    leap = (Q(Exact(Mod(year, 4), 0)) & ~Q(Exact(Mod(year, 100), 0))) | Q(Exact(Mod(year, 400), 0))
    return Case(
        When(In(month, (4, 6, 9, 11)), then=Value(30)),
        When(Q(Exact(month, 2)) & leap, then=Value(29)),
        When(Exact(month, 2), then=Value(28)),
        default=Value(31),
        output_field=IntegerField(),
    )


def reached_months(day, start, months: int) -> Q:
    """`day >= add_months(start, months)`: later in the target month than the start's day, or the
    last day of a target month too short to hold it."""
    return Q(GreaterThanOrEqual(month_key(day), month_key(start) + months * 32)) | (
        Q(Exact(month_index(day), month_index(start) + months))
        & Q(Exact(ExtractDay(_as(day)), month_length(day)))
    )


class Median(Aggregate):
    """The median (the mean of the middle two for an even count), PostgreSQL only: other
    databases use a count and an offset (`outcomes.measures._aggregate_with_medians`)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
