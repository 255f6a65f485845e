"""What the pathway adds to the person's timeline."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.pathways.models import LeadCoachChange, Phase, PhaseChange, Renewal, Suspension
from filrouge.people.timeline import Event, provider


@provider("phase", gettext_lazy("Étapes du parcours"))
def phase_events(person, enrolments, user):
    changes = PhaseChange.objects.filter(enrolment__in=enrolments).select_related(
        "enrolment__service", "enrolment", "recorded_by"
    )
    for change in changes:
        enrolment = change.enrolment
        if change.phase == Phase.REFERRAL:
            title = _("Orientation vers %(service)s") % {"service": enrolment.service.name}
            detail = enrolment.referral_reason
        elif change.phase == Phase.EXIT:
            title = _("Sortie : %(outcome)s") % {"outcome": enrolment.get_exit_outcome_display()}
            detail = " — ".join(filter(None, [enrolment.reoriented_to, change.comment]))
        else:
            title = _("Étape : %(phase)s") % {"phase": change.get_phase_display()}
            detail = change.comment
        yield Event(
            on=change.changed_on,
            kind="phase",
            title=title,
            detail=detail,
            by=change.recorded_by.full_name if change.recorded_by else "",
            at=change.recorded_at,
            service=enrolment.service.name,
        )


@provider("suspension", gettext_lazy("Suspensions"))
def suspension_events(person, enrolments, user):
    for suspension in Suspension.objects.filter(enrolment__in=enrolments).select_related(
        "enrolment__service"
    ):
        service = suspension.enrolment.service.name
        yield Event(
            on=suspension.start_date,
            kind="suspension",
            title=_("Début de suspension : %(reason)s") % {"reason": suspension.get_reason_display()},
            detail=suspension.comment,
            at=suspension.recorded_at,
            service=service,
        )
        if suspension.end_date:
            yield Event(
                on=suspension.end_date, kind="suspension", title=_("Fin de suspension"), service=service
            )


@provider("renewal", gettext_lazy("Renouvellements"))
def renewal_events(person, enrolments, user):
    for renewal in Renewal.objects.filter(enrolment__in=enrolments).select_related(
        "enrolment__service", "decided_by"
    ):
        title = _("Accompagnement renouvelé") if renewal.renewed else _("Accompagnement non renouvelé")
        yield Event(
            on=renewal.decided_on,
            kind="renewal",
            title=title,
            detail=renewal.comment,
            by=renewal.decided_by.full_name if renewal.decided_by else "",
            at=renewal.recorded_at,
            service=renewal.enrolment.service.name,
        )


@provider("lead_coach", gettext_lazy("Job coach référent·e"))
def lead_coach_events(person, enrolments, user):
    changes = LeadCoachChange.objects.filter(enrolment__in=enrolments).select_related(
        "enrolment__service", "coach", "recorded_by"
    )
    for change in changes:
        names = {"coach": change.coach.full_name}
        if change.taken:
            title = _("%(coach)s prend en charge le parcours comme job coach référent·e") % names
        else:
            title = _("Nouveau job coach référent·e : %(coach)s") % names
        yield Event(
            on=timezone.localtime(change.recorded_at).date(),
            kind="lead_coach",
            title=title,
            by=change.recorded_by.full_name if change.recorded_by else "",
            at=change.recorded_at,
            service=change.enrolment.service.name,
        )
