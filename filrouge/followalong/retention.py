"""Job retention: is the person still in the job 13 weeks, 6 months and 12 months after it began?

A milestone falls due on the last day of its span, counted de date à date (`core.dates.span_end`):
13 weeks from a Monday end on the Sunday 13 weeks later (`started_on + 90 days`, 91 days with the
first); 6 months from 1 March end on 31 August; 6 months from 31 August end on the last day of
February. Its status is
- "lost" when the job ended before the due date,
- "kept" when the due date has come (on or before `on`) and the job had not ended before it,
- "pending" otherwise (not reached yet, still in the job).
A job that ends exactly on the due date counts as **kept**: the person held it the whole span,
as `Placement.objects.ongoing_on(day)` counts the last day in. A job with no end recorded whose
planned end has passed by `on` is held until that planned end, no longer (`held_through`): a
milestone after it is "lost" until the coach records the renewal. Only jobs (kind EMPLOYMENT) have
milestones; immersions and internships have none.

Two ways to read it, which always agree:
- `milestones(placement, on)` for one placement (the placement's page);
- `with_retention(placements, span, on)` / `retained_at(...)` / `due_by(...)` on a queryset,
  computed by the database (no Python loop), for counts and figures (outcomes).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from filrouge.core.dates import add_months, span_end, span_reached
from filrouge.placements.models import PlacementKind

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
        """The span's last day, de date à date."""
        return span_end(started_on, months=self.months, days=self.days)


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


def last_day_held(placement, on: date) -> date | None:
    """The job's end, or, with no end recorded, its planned end once it has passed by `on`."""
    if placement.ended_on is not None:
        return placement.ended_on
    planned = placement.planned_end_on
    return planned if planned is not None and planned < on else None


def milestones(placement, on: date) -> list[Milestone]:
    """The three retention milestones of a job as they stand on `on` (none for other placements)."""
    if placement.kind != PlacementKind.EMPLOYMENT:
        return []
    result = []
    last = last_day_held(placement, on)
    for span in SPANS:
        due = span.due_on(placement.started_on)
        result.append(Milestone(span.key, span.label, due, status_at(due, last, on)))
    return result


# --- The same rule, computed by the database ---------------------------------------------------


def latest_start_due_by(span: Span, on: date) -> date:
    """The latest start date whose milestone falls on or before `on` (due dates grow with the
    start date, so "due by `on`" is "started on or before this day", a constant the database can
    compare with)."""
    if not span.months:
        return on - timedelta(days=span.days - 1)
    start = add_months(on, -span.months)
    # Month ends: 29, 30 and 31 August all reach 6 months on 28 February.
    while span.due_on(start + timedelta(days=1)) <= on:
        start += timedelta(days=1)
    return start


def _ended_before(span: Span, on: date) -> Q:
    """The condition "ended before the due date of `span`", in the database's date arithmetic:
    its end, or its planned end passed by `on` with no end recorded (`last_day_held`)."""
    reached = span_reached("ended_on", "started_on", months=span.months, days=span.days)
    planned_reached = span_reached("planned_end_on", "started_on", months=span.months, days=span.days)
    return (Q(ended_on__isnull=False) & ~reached) | (
        Q(ended_on__isnull=True, planned_end_on__isnull=False, planned_end_on__lt=on) & ~planned_reached
    )


def with_retention(placements, span: Span, on: date):
    """Jobs of `placements` annotated with `retention_status` ("kept", "lost", "pending") for the
    milestone `span` (THIRTEEN_WEEKS, SIX_MONTHS, TWELVE_MONTHS) as it stands on `on`, exactly as
    `milestones()` says it. One span per queryset: called again, the last span's status applies."""
    return placements.filter(kind=PlacementKind.EMPLOYMENT).annotate(
        retention_status=Case(
            When(_ended_before(span, on), then=Value(LOST)),
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
