"""Job retention: is the person still in the job 13 weeks, 6 months and 12 months after it began?

A milestone is reached on its due date: 13 weeks is `started_on + 91 days`, 6 and 12 months are
`add_months(started_on, n)` (31 August + 6 months = the last day of February). Its status is
- "lost" when the job ended before the due date,
- "kept" when the due date has come (on or before `on`) and the job had not ended before it,
- "pending" otherwise (not reached yet, still in the job).
A job that ends exactly on the due date counts as **kept**: the person was in the job that day,
as `Placement.objects.ongoing_on(day)` counts the last day in. Only jobs (kind EMPLOYMENT) have
milestones; immersions and internships have none.

Two ways to read it, which always agree:
- `milestones(placement, on)` for one placement (the placement's page);
- `with_retention(placements, span, on)` / `retained_at(...)` / `due_by(...)` on a queryset,
  computed by the database (no Python loop), for counts and figures (outcomes).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Mod
from django.utils.translation import gettext_lazy as _

from filrouge.placements.models import PlacementKind, add_months

KEPT, LOST, PENDING = "kept", "lost", "pending"
STATUS_LABELS = {
    KEPT: _("Toujours en poste"),
    LOST: _("Emploi terminé avant"),
    PENDING: _("À venir"),
}


@dataclass(frozen=True)
class Span:
    """How long after the start a milestone falls: a number of days or of calendar months."""

    key: str
    label: str
    days: int = 0
    months: int = 0

    def due_on(self, started_on: date) -> date:
        if self.months:
            return add_months(started_on, self.months)
        return started_on + timedelta(days=self.days)


THIRTEEN_WEEKS = Span("13_weeks", _("13 semaines"), days=91)
SIX_MONTHS = Span("6_months", _("6 mois"), months=6)
TWELVE_MONTHS = Span("12_months", _("12 mois"), months=12)
SPANS = (THIRTEEN_WEEKS, SIX_MONTHS, TWELVE_MONTHS)


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    due_on: date
    status: str  # KEPT, LOST or PENDING

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def status_at(due_on: date, ended_on: date | None, on: date) -> str:
    if ended_on is not None and ended_on < due_on:
        return LOST
    return KEPT if due_on <= on else PENDING


def milestones(placement, on: date) -> list[Milestone]:
    """The three retention milestones of a job as they stand on `on` (none for other placements)."""
    if placement.kind != PlacementKind.EMPLOYMENT:
        return []
    result = []
    for span in SPANS:
        due = span.due_on(placement.started_on)
        result.append(Milestone(span.key, span.label, due, status_at(due, placement.ended_on, on)))
    return result


# --- The same rule, computed by the database ---------------------------------------------------


def latest_start_due_by(span: Span, on: date) -> date:
    """The latest start date whose milestone falls on or before `on` (due dates grow with the
    start date, so "due by `on`" is "started on or before this day", a constant the database can
    compare with)."""
    if not span.months:
        return on - timedelta(days=span.days)
    start = add_months(on, -span.months)
    # Month ends: 28, 29, 30 and 31 August all reach 6 months on 28 February.
    while span.due_on(start + timedelta(days=1)) <= on:
        start += timedelta(days=1)
    return start


def _month_length(year: str, month: str) -> Case:
    """The number of days of a month, from annotations holding its year's remainders and its month."""
    leap = (Q(**{f"{year}_mod4": 0}) & ~Q(**{f"{year}_mod100": 0})) | Q(**{f"{year}_mod400": 0})
    return Case(
        When(Q(**{f"{month}__in": (4, 6, 9, 11)}), then=Value(30)),
        When(Q(**{month: 2}) & leap, then=Value(29)),
        When(Q(**{month: 2}), then=Value(28)),
        default=Value(31),
        output_field=IntegerField(),
    )


def _ended_before(placements, span: Span):
    """`placements` with the helper annotations it needs, and the condition "ended before the due
    date of `span`" over them."""
    if not span.months:
        tenure = ExpressionWrapper(F("ended_on") - F("started_on"), output_field=DurationField())
        return placements.annotate(_tenure=tenure), Q(
            ended_on__isnull=False, _tenure__lt=timedelta(days=span.days)
        )
    # add_months(start, n) > end, in integers: a month index (year * 12 + month) and the day,
    # the start's day being cut to the end's month length when that month is shorter.
    placements = placements.annotate(
        _s_index=ExtractYear("started_on") * 12 + ExtractMonth("started_on"),
        _s_day=ExtractDay("started_on"),
        _e_year=ExtractYear("ended_on"),
        _e_month=ExtractMonth("ended_on"),
        _e_day=ExtractDay("ended_on"),
    ).annotate(
        _e_index=F("_e_year") * 12 + F("_e_month"),
        _e_year_mod4=Mod("_e_year", 4),
        _e_year_mod100=Mod("_e_year", 100),
        _e_year_mod400=Mod("_e_year", 400),
    )
    placements = placements.annotate(
        _e_month_length=_month_length("_e_year", "_e_month"), _due_index=F("_s_index") + span.months
    )
    before = Q(ended_on__isnull=False) & (
        Q(_e_index__lt=F("_due_index"))
        | Q(_e_index=F("_due_index"), _s_day__gt=F("_e_day"), _e_day__lt=F("_e_month_length"))
    )
    return placements, before


def with_retention(placements, span: Span, on: date):
    """Jobs of `placements` annotated with `retention_status` ("kept", "lost", "pending") for the
    milestone `span` (THIRTEEN_WEEKS, SIX_MONTHS, TWELVE_MONTHS) as it stands on `on`, exactly as
    `milestones()` says it. One span per queryset: called again, the last span's status applies."""
    placements, ended_before = _ended_before(placements.filter(kind=PlacementKind.EMPLOYMENT), span)
    return placements.annotate(
        retention_status=Case(
            When(ended_before, then=Value(LOST)),
            When(started_on__lte=latest_start_due_by(span, on), then=Value(KEPT)),
            default=Value(PENDING),
            output_field=CharField(),
        )
    )


def due_by(placements, span: Span, on: date):
    """Jobs whose milestone has come by `on`, or which ended before it: the denominator of a
    retention rate (kept + lost)."""
    return with_retention(placements, span, on).exclude(retention_status=PENDING)


def retained_at(placements, span: Span, on: date):
    """Jobs still held at their milestone `span`, the milestone having come by `on`.

    `retained_at(qs, SIX_MONTHS, today).count() / due_by(qs, SIX_MONTHS, today).count()` is the
    six-month retention rate; one query each, whatever the number of jobs."""
    return with_retention(placements, span, on).filter(retention_status=KEPT)
