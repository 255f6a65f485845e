"""The workshop sessions a staff member facilitates, for their agenda (no participant's name)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.agenda import Entry, source
from filrouge.workshops.models import WorkshopSession


@source("workshop")
def facilitated_sessions(owner, start, end, viewer=None):
    """The sessions the owner facilitates; for another viewer, those of services they may see."""
    sessions = policy.scoped_sessions(
        owner, policy.Action.VIEW_CASES, WorkshopSession.objects.filter(facilitator=owner)
    ).filter(starts_at__gte=start, starts_at__lt=end)
    if viewer is not None and viewer.pk != owner.pk:
        sessions = policy.scoped_sessions(viewer, policy.Action.VIEW_CASES, sessions)
    for session in sessions.select_related("type"):
        yield Entry(
            uid=f"workshop-{session.pk}@filrouge",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            title=_("Atelier — %(type)s") % {"type": session.type.name},
            place=session.place,
            url=reverse("workshops:session_detail", kwargs={"pk": session.pk}),
            cancelled=session.is_cancelled,
        )
