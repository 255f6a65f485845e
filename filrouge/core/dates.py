"""Date arithmetic: the French "de date à date" convention for spans (contracts, immersions,
retention milestones, the employment rate's twelve months), in Python and in the database, the
same on SQLite and PostgreSQL.

**De date à date** (docs/measures.md, "Durations"): a span's first day is included and it ends
the day before the same date comes round again. A 6-month contract starting 1 March ends on
31 August; a one-month immersion starting 3 March ends on 2 April; 13 weeks starting on a Monday
end on the Sunday 13 weeks later (91 days, the first included). When the target month has no such
date (31 January + 1 month), the span ends on that month's last day (28 or 29 February): a job
started on 31 January is one month old on 28 February. `span_end` states it in Python,
`within_span` and `span_reached` in the database; the tests check they agree on every start
day of two month-end seasons and a leap February.

In the database, dates are compared as integers: a day number (days since 1 January 1970) for
spans of days, and a "month key" `(year × 12 + month) × 32 + day` for spans of calendar months,
so that the database never has to build a date.
"""

import calendar
from datetime import date, timedelta

from django.db.models import Aggregate, Case, F, FloatField, Func, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Mod
from django.db.models.lookups import Exact, GreaterThanOrEqual, In, LessThan, LessThanOrEqual

JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01') in SQLite


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (or earlier), cut to the last day of a target
    month too short to hold it (31 August + 6 months = the last day of February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def span_end(start: date, *, months: int = 0, weeks: int = 0, days: int = 0) -> date:
    """The last day of a span beginning on `start`, counted de date à date (module docstring).
    Give one of `months`, `weeks` or `days` (at least 1)."""
    if months:
        same_day = add_months(start, months)
        # The target month holds the start's day: end the day before it; else on its last day.
        return same_day - timedelta(days=1) if same_day.day == start.day else same_day
    return start + timedelta(days=7 * weeks + days - 1)


def span_restart(start: date, **span) -> date:
    """The day after the span: where a following span (a renewal) begins."""
    return span_end(start, **span) + timedelta(days=1)


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


def within_span(day, start, *, months: int = 0, days: int = 0) -> Q:
    """`day <= span_end(start, ...)`, in the database. For months this is exactly
    `month_key(day) < month_key(start) + 32 × months`: the span ends the day before the start's
    day comes round in the target month, or on that month's last day when it has no such day."""
    if months:
        return Q(LessThan(month_key(day), month_key(start) + months * 32))
    return Q(LessThanOrEqual(DayNumber(_as(day)) - DayNumber(_as(start)), days - 1))


def span_reached(day, start, *, months: int = 0, days: int = 0) -> Q:
    """`day >= span_end(start, ...)`, in the database: the span is complete on `day`."""
    if not months:
        return Q(GreaterThanOrEqual(DayNumber(_as(day)) - DayNumber(_as(start)), days - 1))
    target = month_index(start) + months
    last_day = Q(Exact(ExtractDay(_as(day)), month_length(day)))
    return (
        # On or after (target month, the start's day − 1): a real date when the start's day is
        # 2 or more and the target month holds it.
        Q(GreaterThanOrEqual(month_key(day), month_key(start) + months * 32 - 1))
        # The target month too short for the start's day: its last day ends the span.
        | (Q(Exact(month_index(day), target)) & last_day)
        # A start on the 1st: the span ends on the last day of the month before the target.
        | (Q(Exact(ExtractDay(_as(start)), 1)) & Q(Exact(month_index(day), target - 1)) & last_day)
    )


class Median(Aggregate):
    """The median (the mean of the middle two for an even count), PostgreSQL only: other
    databases use a count and an offset (`outcomes.measures.aggregate_with_medians`)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
