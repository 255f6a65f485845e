"""What meetings add to a staff member's agenda (the week page and the calendar feed)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.agenda import Entry, source
from filrouge.journal.models import Meeting


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def meeting_title(meeting: Meeting) -> str:
    """The person's first name and the kind of meeting: nothing about health, no last name."""
    return _("Entretien — %(first_name)s (%(kind)s)") % {
        "first_name": meeting.enrolment.person.first_name,
        "kind": lower_first(str(meeting.get_kind_display())),
    }


@source("meetings")
def meeting_entries(owner, start, end, viewer=None):
    """Meetings the owner attends, and those of the pathways they lead that they may read; when
    someone else reads the owner's week, only those of them the viewer may read."""
    attends = Exists(Meeting.staff.through.objects.filter(meeting=OuterRef("pk"), user=owner.pk))
    leads = Q(
        enrolment__primary_coach=owner.pk,
        pk__in=policy.scoped_writings(owner, Meeting.objects.all()).values("pk"),
    )
    meetings = policy.scoped_case_records(
        owner, Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
    ).filter(Q(attends) | leads)
    if viewer is not None and viewer.pk != owner.pk:
        # Attending a confidential meeting puts it in one's own week, not in a reader's.
        meetings = policy.scoped_writings(viewer, meetings)
    meetings = meetings.select_related("enrolment__person").order_by("starts_at", "pk")
    for meeting in meetings:
        yield Entry(
            uid=f"meeting-{meeting.pk}@filrouge",
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            title=meeting_title(meeting),
            place=meeting.place,
            url=reverse("journal:meeting_detail", args=[meeting.pk]),
            cancelled=meeting.is_cancelled,
        )
