"""What the follow-along adds to the person's timeline: each contact of support after hiring,
in one query."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.followalong.models import SupportContact
from filrouge.people.timeline import Event, provider
from filrouge.policy import scoped_support_contacts

KIND = "follow_along"


@provider(KIND, gettext_lazy("Suivi dans l'emploi"))
def follow_along_events(person, enrolments, user):
    contacts = scoped_support_contacts(
        user, queryset=SupportContact.objects.filter(placement__enrolment__in=enrolments)
    ).select_related("placement__enrolment__service", "placement__company", "placement__job_title", "by")
    for contact in contacts:
        placement = contact.placement
        yield Event(
            on=contact.contacted_on,
            kind=KIND,
            title=_("Suivi dans l'emploi : %(kind)s avec %(party)s (%(job)s, %(company)s)")
            % {
                "kind": contact.get_kind_display().lower(),
                "party": contact.get_party_display().lower(),
                "job": placement.job_title,
                "company": placement.company.name,
            },
            detail=contact.notes,
            by=contact.by.full_name,
            at=contact.created_at,
            service=placement.enrolment.service.name,
        )
