"""What meetings add to a staff member's agenda (the week page and the calendar feed)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.agenda import Entry, source
from filrouge.journal.models import Meeting
from filrouge.workshops.domain import clash_warning, sessions_with_a_place


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def meeting_title(meeting: Meeting) -> str:
    """The person's first name and the kind of meeting: nothing about health, no last name."""
    return _("Entretien — %(first_name)s (%(kind)s)") % {
        "first_name": meeting.enrolment.person.first_name,
        "kind": lower_first(str(meeting.get_kind_display())),
    }


def meeting_full_title(meeting: Meeting) -> str:
    """Inside the app, the person is named in full (the feed, which leaves it, keeps the first name)."""
    return _("Entretien — %(name)s (%(kind)s)") % {
        "name": meeting.enrolment.person.full_name,
        "kind": lower_first(str(meeting.get_kind_display())),
    }


def meeting_warnings(meeting: Meeting, sessions) -> tuple[str, ...]:
    """What is still to do on a meeting, and the workshop sessions it clashes with."""
    if meeting.is_cancelled:
        return ()
    warnings = []
    if meeting.lacks_attendance:
        warnings.append(_("Présence à noter"))
    elif meeting.lacks_summary:
        warnings.append(_("Compte rendu à écrire"))
    warnings += [
        clash_warning(session)
        for session in sessions
        if session.starts_at < meeting.ends_at and meeting.starts_at < session.ends_at
    ]
    return tuple(warnings)


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
    meetings = list(meetings.select_related("enrolment__person").order_by("starts_at", "pk"))
    # The sessions the people met hold a place in, as the reader may see them: one query.
    sessions = sessions_with_a_place(
        {m.enrolment.person_id for m in meetings}, start, end, owner if viewer is None else viewer
    )
    for meeting in meetings:
        yield Entry(
            uid=f"meeting-{meeting.pk}@filrouge",
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            title=meeting_title(meeting),
            place=meeting.place,
            url=reverse("journal:meeting_detail", args=[meeting.pk]),
            cancelled=meeting.is_cancelled,
            full_title=meeting_full_title(meeting),
            warnings=meeting_warnings(meeting, sessions.get(meeting.enrolment.person_id, [])),
        )
