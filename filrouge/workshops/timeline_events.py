"""What group workshops add to the person's timeline: each attendance recorded."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.people.timeline import Event, provider
from filrouge.workshops.models import Registration, RegistrationStatus


@provider("workshop", gettext_lazy("Ateliers"))
def attendance_events(person, enrolments, user):
    registrations = (
        Registration.objects.filter(enrolment__in=enrolments, status=RegistrationStatus.REGISTERED)
        .exclude(attendance="")
        .select_related("session__type", "enrolment__service", "recorded_by")
    )
    for registration in registrations:
        session = registration.session
        yield Event(
            on=timezone.localdate(session.starts_at),
            kind="workshop",
            title=_("Atelier %(type)s : %(attendance)s")
            % {"type": session.type.name, "attendance": registration.get_attendance_display().lower()},
            by=registration.recorded_by.full_name if registration.recorded_by else "",
            at=registration.recorded_at,
            service=registration.enrolment.service.name,
        )
