"""What the profile adds to the person's timeline: each save, and the barriers lifted by it."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.people.timeline import Event, provider
from filrouge.profiles.models import BarrierStatus, ProfileRevision


def resolved(data) -> set[str]:
    return {b["situation"] for b in data.get("barriers", []) if b["status"] == BarrierStatus.RESOLVED}


@provider("profile", gettext_lazy("Profil professionnel"))
def profile_events(person, enrolments, user):
    # The profile is the person's, seen by whoever sees one of their pathways (the caller checked).
    revisions = list(
        ProfileRevision.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("recorded_at", "pk")
    )
    before: set[str] = set()
    for revision in revisions:
        now_resolved = resolved(revision.data)
        lifted = sorted(now_resolved - before)
        before = now_resolved
        yield Event(
            on=timezone.localdate(revision.recorded_at),
            kind="profile",
            title=_("Profil professionnel mis à jour"),
            detail=_("Frein levé : %(items)s") % {"items": ", ".join(lifted)} if lifted else "",
            by=revision.recorded_by.full_name if revision.recorded_by else "",
            at=revision.recorded_at,
        )
