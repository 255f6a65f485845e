"""Job retention at 13 weeks, 6 months and 12 months (docs/measures.md, "Job retention"); the rule
itself is `followalong.retention`, shared with a placement's page."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count as CountOf
from django.db.models import (
    Q,
)

from filrouge.followalong.retention import KEPT, SPANS, latest_start_due_by, with_retention
from filrouge.outcomes.measures.base import Rate, Scope, of_scope, rate_of
from filrouge.placements.models import Placement


@dataclass(frozen=True)
class Retention:
    key: str  # followalong.retention.SPANS: "13_weeks", "6_months", "12_months"
    label: str
    rate: Rate  # kept / due (jobs whose milestone fell due in the period)


def retention(scope: Scope) -> list[Retention]:
    """For each span, the jobs whose milestone fell due in [start, as_of], and those still held then."""
    result = []
    jobs = Placement.objects.jobs().filter(of_scope(scope, "enrolment__"))
    for span in SPANS:
        due = jobs.filter(
            started_on__gt=latest_start_due_by(span, scope.start - timedelta(days=1)),
            started_on__lte=latest_start_due_by(span, scope.as_of),
        )
        figures = with_retention(due, span, scope.as_of).aggregate(
            due=CountOf("pk"), kept=CountOf("pk", filter=Q(retention_status=KEPT))
        )
        result.append(Retention(span.key, str(span.label), rate_of(figures, "kept", "due")))
    return result
