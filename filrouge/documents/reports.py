"""What the support report (*bilan*) says about one pathway, gathered in a few queries.

It names no note and no meeting summary: only counts of meetings (never one kept for a
profession), the plan's actions, the barriers' statuses and the pathway's dates, so that it can
go to the person and the funder.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from filrouge.journal.models import Meeting
from filrouge.journal.selectors import printable_writings
from filrouge.pathways.domain import today
from filrouge.pathways.models import EntrySituation, Phase
from filrouge.plans.models import ActionPlan, PlanAction
from filrouge.profiles.models import Barrier, BarrierStatus
from filrouge.referentials.models import SituationKind
from filrouge.workshops.models import Attendance, Registration

# Until placements and employers have their own records, the time spent in these phases is
# what the report can say about work.
EMPLOYMENT_PHASES = frozenset({Phase.ACCESS, Phase.IN_EMPLOYMENT})


@dataclass(frozen=True)
class Period:
    """A span of the pathway in one phase: from its change to the next one, or still going on."""

    phase: str
    start: date
    end: date | None  # None: the pathway is still in this phase
    days: int

    @property
    def label(self):
        return Phase(self.phase).label


def employment_periods(changes, exit_date: date | None = None, until: date | None = None) -> list[Period]:
    """The periods spent in the employment phases, from the pathway's history (oldest first).

    A period ends on the day of the next change (the exit is one) or, with none, at the exit;
    a period still going on is counted until `until` (today)."""
    changes = list(changes)
    until = until or today()
    periods = []
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        if change.phase not in EMPLOYMENT_PHASES:
            continue
        end = following.changed_on if following is not None else exit_date
        days = max(0, ((end or until) - change.changed_on).days)
        periods.append(Period(change.phase, change.changed_on, end, days))
    return periods


@dataclass
class Report:
    enrolment: object
    entry: EntrySituation | None
    phases: list
    duration_days: int
    barriers_lifted: list = field(default_factory=list)
    barriers_open: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    action_counts: list = field(default_factory=list)
    meeting_counts: list = field(default_factory=list)
    workshops_attended: int = 0
    employment: list[Period] = field(default_factory=list)


def support_report(enrolment) -> Report:
    # Resources ("Permis B") are not barriers: neither open nor lifted.
    barriers = Barrier.objects.filter(
        person=enrolment.person, situation__kind=SituationKind.BARRIER
    ).select_related("situation__theme")
    plan = ActionPlan.objects.filter(enrolment=enrolment, superseded_at__isnull=True).first()
    actions = list(
        # A withdrawn objective is left out, as in the action plan's own document.
        PlanAction.objects.in_plan()
        .filter(objective__plan=plan)
        .select_related("action_kind", "objective__theme")
        if plan
        else []
    )
    meetings = Counter(
        (m.get_kind_display(), m.get_attendance_display() or "—")
        for m in printable_writings(Meeting.objects.filter(enrolment=enrolment)).only("kind", "attendance")
    )
    phases = list(enrolment.phase_changes.order_by("changed_on", "recorded_at", "pk"))
    return Report(
        enrolment=enrolment,
        entry=EntrySituation.objects.filter(enrolment=enrolment).first(),
        phases=phases,
        duration_days=enrolment.duration_days(),
        barriers_lifted=[b for b in barriers if b.status == BarrierStatus.RESOLVED],
        barriers_open=[b for b in barriers if b.status in (BarrierStatus.PRESENT, BarrierStatus.WORKING_ON)],
        actions=actions,
        action_counts=sorted(Counter(a.get_status_display() for a in actions).items()),
        meeting_counts=sorted((kind, attendance, n) for (kind, attendance), n in meetings.items()),
        workshops_attended=Registration.objects.filter(
            enrolment=enrolment, attendance=Attendance.PRESENT
        ).count(),
        employment=employment_periods(phases, enrolment.exit_date),
    )
