"""What the support report (*bilan*) says about one pathway, gathered in a few queries.

It names no note and no meeting summary: only counts of meetings, the plan's actions, the
barriers' statuses and the pathway's dates, so that it can go to the person and the funder.
"""

from collections import Counter
from dataclasses import dataclass, field

from filrouge.journal.models import Meeting
from filrouge.pathways.models import EntrySituation
from filrouge.plans.models import ActionPlan, PlanAction
from filrouge.profiles.models import Barrier, BarrierStatus
from filrouge.workshops.models import Attendance, Registration


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


def support_report(enrolment) -> Report:
    barriers = Barrier.objects.filter(person=enrolment.person).select_related("situation__theme")
    plan = ActionPlan.objects.filter(enrolment=enrolment, superseded_at__isnull=True).first()
    actions = list(
        PlanAction.objects.filter(objective__plan=plan).select_related("action_kind", "objective__theme")
        if plan
        else []
    )
    meetings = Counter(
        (m.get_kind_display(), m.get_attendance_display() or "—")
        for m in Meeting.objects.filter(enrolment=enrolment).only("kind", "attendance")
    )
    return Report(
        enrolment=enrolment,
        entry=EntrySituation.objects.filter(enrolment=enrolment).first(),
        phases=list(enrolment.phase_changes.order_by("changed_on", "recorded_at")),
        duration_days=enrolment.duration_days(),
        barriers_lifted=[b for b in barriers if b.status == BarrierStatus.RESOLVED],
        barriers_open=[b for b in barriers if b.status in (BarrierStatus.PRESENT, BarrierStatus.WORKING_ON)],
        actions=actions,
        action_counts=sorted(Counter(a.get_status_display() for a in actions).items()),
        meeting_counts=sorted((kind, attendance, n) for (kind, attendance), n in meetings.items()),
        workshops_attended=Registration.objects.filter(
            enrolment=enrolment, attendance=Attendance.PRESENT
        ).count(),
    )
