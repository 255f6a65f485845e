"""What experiences in work add to the person's timeline: each immersion, internship or job that
began, and how it ended, in one query."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.people.timeline import Event, provider
from filrouge.placements.models import Placement, PlacementKind

KIND = "placement"


@provider(KIND, gettext_lazy("Expériences en emploi"))
def placement_events(person, enrolments, user):
    placements = Placement.objects.filter(enrolment__in=enrolments).select_related(
        "enrolment__service", "company", "job_title", "created_by"
    )
    for placement in placements:
        what = {
            "kind": placement.get_kind_display(),
            "job": placement.job_title.label,
            "company": placement.company.name,
        }
        service = placement.enrolment.service.name
        started = [placement.get_contract_type_display()] if placement.contract_type else []
        started.append(_("%(hours)s h par semaine") % {"hours": placement.hours_per_week})
        yield Event(
            on=placement.started_on,
            kind=KIND,
            title=_("Début : %(kind)s — %(job)s chez %(company)s") % what,
            detail=" · ".join(started),
            by=placement.created_by.full_name if placement.created_by else "",
            at=placement.created_at,
            service=service,
        )
        if placement.ended_on is not None:
            ended = [placement.get_end_reason_display()]
            if placement.kind == PlacementKind.IMMERSION and placement.assessment:
                ended.append(placement.get_assessment_display())
            yield Event(
                on=placement.ended_on,
                kind=KIND,
                title=_("Fin : %(kind)s — %(job)s chez %(company)s") % what,
                detail=" · ".join(ended),
                service=service,
            )
