"""The meetings and notes a user may read: every list, page, export and PDF goes through here."""

from collections.abc import Iterable

from django.db.models import QuerySet

from filrouge import policy
from filrouge.core.text import fold
from filrouge.journal.models import Meeting, Note, Writing


def readable_meetings(user, enrolments: QuerySet | None = None) -> QuerySet:
    """The meetings of `enrolments` (all reachable ones when None) the user may read, by the
    confidentiality rule of `policy.scoped_writings`."""
    meetings = (
        Meeting.objects.all() if enrolments is None else Meeting.objects.filter(enrolment__in=enrolments)
    )
    return policy.scoped_writings(user, meetings)


def readable_notes(user, enrolments: QuerySet | None = None) -> QuerySet:
    notes = Note.objects.all() if enrolments is None else Note.objects.filter(enrolment__in=enrolments)
    return policy.scoped_writings(user, notes)


def editable_meetings(user) -> QuerySet:
    """Meetings the user may change: readable, in a service where they may edit cases."""
    return policy.scoped_case_records(user, readable_meetings(user), policy.Action.EDIT_CASES)


def editable_notes(user) -> QuerySet:
    """Notes the user may correct: their own, still readable and editable in the service."""
    return policy.scoped_case_records(user, readable_notes(user), policy.Action.EDIT_CASES).filter(
        author=user
    )


def printable_writings(writings: QuerySet) -> QuerySet:
    """The notes or meetings a document may use: a PDF leaves the service (for the person, the
    funder), so a writing kept for a profession never goes in, whoever prints it, a member of
    that profession included. The caller has already scoped the pathway to the user."""
    return writings.filter(confidentiality__in=policy.OPEN_LEVELS)


def search_writings(writings: Iterable[Writing], text: str) -> list[Writing]:
    """The writings holding `text`, ignoring accents and case. Their text is encrypted at rest,
    so the search runs here, over writings already read through `readable_meetings` or
    `readable_notes` (one person's journal): it never sees a writing the user may not read."""
    folded = fold(text)
    return [w for w in writings if w.matches(folded)] if folded else list(writings)
