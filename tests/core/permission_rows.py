from datetime import timedelta

from django.utils import timezone

from tests.journal.factories import MeetingFactory
from tests.matrix import PERSON_TEAM, Row


def meeting_awaiting_attendance(w):
    meeting = MeetingFactory(
        enrolment=w.enrolment, starts_at=timezone.now() - timedelta(days=1), attendance=""
    )
    return {"pk": meeting.pk}


ROWS = [
    # The work list's one click: whoever may edit the meeting, back to the home page.
    Row(
        "core:record_attendance",
        "POST",
        PERSON_TEAM,
        kwargs=meeting_awaiting_attendance,
        ok=302,
        data={"attendance": "present", "version": "1"},
    ),
]
