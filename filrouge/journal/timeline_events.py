"""What meetings and notes add to the person's timeline, within the confidentiality rule."""

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge import policy
from filrouge.journal.models import Meeting, Note
from filrouge.journal.selectors import withheld_writings
from filrouge.people.timeline import Event, provider

EXCERPT_LENGTH = 240


@provider("meeting", gettext_lazy("Entretiens"))
def meeting_events(person, enrolments, user):
    """Meetings held or due so far, only those the user may read (as on the journal page)."""
    meetings = policy.scoped_writings(
        user, Meeting.objects.filter(enrolment__in=enrolments, starts_at__lte=timezone.now())
    )
    for meeting in meetings.select_related("enrolment__service", "created_by"):
        title = _("Entretien : %(kind)s") % {"kind": meeting.get_kind_display()}
        if meeting.attendance:
            title = f"{title} — {meeting.get_attendance_display()}"
        yield Event(
            on=timezone.localdate(meeting.starts_at),
            kind="meeting",
            title=title,
            detail=meeting.summary,
            by=meeting.created_by.full_name if meeting.created_by else "",
            at=meeting.starts_at,
            service=meeting.enrolment.service.name,
        )


@provider("note", gettext_lazy("Notes"))
def note_events(person, enrolments, user):
    """Only the notes the user may read."""
    notes = policy.scoped_writings(user, Note.objects.filter(enrolment__in=enrolments))
    for note in notes.select_related("enrolment__service", "author"):
        yield Event(
            on=note.written_on,
            kind="note",
            title=_("Note"),
            detail=Truncator(note.text).chars(EXCERPT_LENGTH),
            by=note.author.full_name,
            at=note.created_at,
            service=note.enrolment.service.name,
        )


@provider("withheld", gettext_lazy("Écrits réservés à une autre profession"))
def withheld_events(person, enrolments, user):
    """That a writing kept for a profession the user does not hold exists: its day and for whom,
    never its text, its kind nor its author (`selectors.withheld_writings`)."""
    for withheld in withheld_writings(user, enrolments):
        yield Event(on=withheld.on, kind="withheld", title=withheld.label, service=withheld.service)
