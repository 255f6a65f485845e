"""What the action plan adds to the person's timeline: its versions, the person's agreements, and
the actions that ended (done, abandoned, cancelled), in two queries."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.people.timeline import Event, provider
from filrouge.plans.models import FINISHED_STATUSES, ActionPlan, PlanAction

KIND = "plan"


@provider(KIND, gettext_lazy("Plan d'action"))
def plan_events(person, enrolments, user):
    plans = ActionPlan.objects.filter(enrolment__in=enrolments).select_related(
        "enrolment__service", "created_by", "agreement_recorded_by"
    )
    for plan in plans:
        service = plan.enrolment.service.name
        yield Event(
            on=timezone.localdate(plan.created_at),
            kind=KIND,
            title=_("Plan d'action : version %(version)s créée") % {"version": plan.version},
            by=plan.created_by.full_name if plan.created_by else "",
            at=plan.created_at,
            service=service,
        )
        if plan.agreed_on:
            yield Event(
                on=plan.agreed_on,
                kind=KIND,
                title=_("Accord de la personne sur le plan d'action (version %(version)s)")
                % {"version": plan.version},
                detail=plan.get_agreement_method_display(),
                by=plan.agreement_recorded_by.full_name if plan.agreement_recorded_by else "",
                service=service,
            )
    actions = (
        PlanAction.objects.filter(objective__plan__enrolment__in=enrolments, status__in=FINISHED_STATUSES)
        .select_related("objective__plan__enrolment__service", "action_kind", "updated_by")
        .order_by("pk")
    )
    seen = set()
    for action in actions:
        # A finished action copied into later versions of the plan counts once.
        key = (action.origin_id or action.pk, action.status, action.status_changed_on)
        if key in seen:
            continue
        seen.add(key)
        yield Event(
            on=action.status_changed_on,
            kind=KIND,
            title=_("Action « %(label)s » : %(status)s")
            % {"label": action.label, "status": action.get_status_display().lower()},
            detail=action.outcome_note,
            by=action.updated_by.full_name if action.updated_by else "",
            service=action.objective.plan.enrolment.service.name,
        )
