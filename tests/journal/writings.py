"""The psychologist's restricted writings that the confidentiality tests read, or may not."""

from tests.journal.factories import MeetingFactory, NoteFactory

SECRET = "angoisses"  # a word only the psychologist's writings contain
NOT_THE_PROFESSION = ["coach", "head_of_service", "social_worker", "educator", "director"]


def psychologist_writings(world, **meeting) -> dict:
    """A note and a meeting kept for the psychologists of the world's service (`meeting`: the
    meeting's other fields)."""
    psychologist = world.users["psychologist"]
    return {
        "note": NoteFactory(enrolment=world.enrolment, author=psychologist, restricted=True),
        "meeting": MeetingFactory(
            enrolment=world.enrolment,
            restricted=True,
            created_by=psychologist,
            summary=f"Séance : {SECRET} au travail.",
            **meeting,
        ),
    }
