from filrouge.journal.domain import create_feed
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.matrix import CASE_WORKERS, PERSON_TEAM, Row, enrolment, person

PSYCHOLOGIST = frozenset({"psychologist"})
AUTHOR = frozenset({"coach"})


def team_meeting(w):
    return {"pk": MeetingFactory(enrolment=w.enrolment).pk}


def restricted_meeting(w):
    return {
        "pk": MeetingFactory(enrolment=w.enrolment, restricted=True, created_by=w.users["psychologist"]).pk
    }


def team_note(w):
    return {"pk": NoteFactory(enrolment=w.enrolment, author=w.users["coach"]).pk}


def restricted_note(w):
    return {"pk": NoteFactory(enrolment=w.enrolment, author=w.users["psychologist"], restricted=True).pk}


def coach_feed(w):
    return {"token": create_feed(w.users["coach"])}


ROWS = [
    # The person's meetings and notes: whoever works the case; restricted writings: the profession only.
    Row("journal:person_journal", "GET", PERSON_TEAM, kwargs=person),
    Row("journal:meeting_add", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("journal:meeting_add", "POST", PERSON_TEAM, kwargs=enrolment),
    Row("journal:meeting_detail", "GET", PERSON_TEAM, kwargs=team_meeting),
    Row("journal:meeting_detail", "GET", PSYCHOLOGIST, kwargs=restricted_meeting),
    Row("journal:meeting_edit", "GET", PERSON_TEAM, kwargs=team_meeting),
    Row("journal:meeting_edit", "POST", PERSON_TEAM, kwargs=team_meeting),
    Row("journal:meeting_edit", "GET", PSYCHOLOGIST, kwargs=restricted_meeting),
    Row("journal:meeting_edit", "POST", PSYCHOLOGIST, kwargs=restricted_meeting),
    Row("journal:note_add", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("journal:note_add", "POST", PERSON_TEAM, kwargs=enrolment),
    Row("journal:note_detail", "GET", PERSON_TEAM, kwargs=team_note),
    Row("journal:note_detail", "GET", PSYCHOLOGIST, kwargs=restricted_note),
    # A note is corrected by its author only.
    Row("journal:note_edit", "GET", AUTHOR, kwargs=team_note),
    Row("journal:note_edit", "POST", AUTHOR, kwargs=team_note),
    Row("journal:note_edit", "GET", PSYCHOLOGIST, kwargs=restricted_note),
    Row("journal:note_edit", "POST", PSYCHOLOGIST, kwargs=restricted_note),
    # One's own agenda and its private address: whoever works cases somewhere.
    Row("journal:agenda", "GET", CASE_WORKERS, denied=403),
    # A new appointment from the agenda: the person is chosen among the pathways the user may write in.
    Row("journal:appointment_new", "GET", CASE_WORKERS, denied=403),
    Row("journal:calendar_feed", "GET", CASE_WORKERS, denied=403),
    Row("journal:calendar_feed", "POST", CASE_WORKERS, denied=403, ok=302, data={"action": "create"}),
    Row("journal:calendar_feed", "POST", CASE_WORKERS, denied=403, ok=302, data={"action": "revoke"}),
    # The feed answers whoever holds the secret address (calendar applications are not logged in).
    Row("journal:ics", "GET", public=True, kwargs=coach_feed),
]
