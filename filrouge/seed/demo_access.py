"""The demo's right-of-access requests, in the first organisation: one received ten days ago and
still in review (the psychologist and the data protection officer see it to do), and an older
one reviewed and answered.

Written through `privacy.access` like a data protection officer and a psychologist would. An
organisation that already has a request is left alone: loading the demo twice adds nothing.
"""

from datetime import timedelta

from filrouge import policy
from filrouge.journal import domain as journal
from filrouge.journal.models import Confidentiality, Note
from filrouge.organisations.models import Membership, Role
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment
from filrouge.privacy import access
from filrouge.privacy.models import AccessRequest, Decision

# Stored data, always French like the rest of the demo (not interface text).
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
OPEN_DAYS_AGO = 10
ANSWERED_DAYS_AGO = 24
FALLBACK_NOTE = "Échange sur le rythme de travail supportable ; à revoir dans un mois."


def letter_of(day) -> str:
    return f"Courrier du {day.day} {MONTHS[day.month - 1]}"


def seed_access_requests(organisation, service) -> None:
    """The requests of `organisation` about people of `service` (its first), when it has none yet."""
    if AccessRequest.objects.filter(organisation=organisation).exists():
        return
    officer = Membership.objects.active().filter(organisation=organisation, role=Role.DPO).users().first()
    psychologist = Membership.objects.active().filter(service=service, role=Role.PSYCHOLOGIST).users().first()
    if officer is None or psychologist is None:
        return
    people = people_with_restricted_notes(service, psychologist)
    if not people:
        people = [write_restricted_note(service, psychologist)]
        if people[0] is None:
            return
    received_on = today() - timedelta(days=OPEN_DAYS_AGO)
    access.open_request(people[0], received_on=received_on, requested_by=letter_of(received_on), by=officer)
    if len(people) < 2:
        return
    received_on = today() - timedelta(days=ANSWERED_DAYS_AGO)
    answered = access.open_request(
        people[1], received_on=received_on, requested_by=letter_of(received_on), by=officer
    )
    for review in access.reviews_of(answered):
        reviewer = policy.access_reviewers(review.writing).first() or psychologist
        access.record_review(
            review,
            decision=Decision.INCLUDE,
            ground="",
            explanation="",
            withheld_passages="",
            writing_version=review.writing.version,
            by=reviewer,
        )
    access.answer(answered, by=officer)


def people_with_restricted_notes(service, psychologist) -> list:
    """The people of the service, in a steady order, with a note the psychologist kept for the
    profession."""
    notes = (
        Note.objects.filter(
            enrolment__service=service,
            author=psychologist,
            confidentiality=Confidentiality.PROFESSION,
            enrolment__person__anonymised_at__isnull=True,
        )
        .select_related("enrolment__person")
        .order_by("enrolment__person_id", "pk")
    )
    people = {}
    for note in notes:
        people.setdefault(note.enrolment.person_id, note.enrolment.person)
    return list(people.values())


def write_restricted_note(service, psychologist):
    """A note kept for psychologists on the first current pathway of the service; its person."""
    enrolment = (
        Enrolment.objects.current()
        .filter(service=service, person__anonymised_at__isnull=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if enrolment is None:
        return None
    written_on = min(today(), max(enrolment.entry_date, today() - timedelta(days=OPEN_DAYS_AGO + 7)))
    journal.write_note(enrolment, psychologist, FALLBACK_NOTE, Confidentiality.PROFESSION, written_on)
    return enrolment.person
