from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filrouge.followalong import domain
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.organisations.models import Role
from filrouge.pathways.domain import today
from filrouge.people.models import Person
from filrouge.placements.models import EndReason, Placement, PlacementKind
from tests.accounts.factories import staff
from tests.followalong.factories import SupportContactFactory, phone_call
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db
TODAY = today()


@pytest.fixture
def coach(db):
    return staff(Role.COACH, ServiceFactory())


@pytest.fixture
def job(coach):
    """A job that began 60 days ago."""
    return PlacementFactory(enrolment=enrol(coach.memberships.get().service, coach))


def record(placement, by, **fields):
    values = {
        "party": Party.TUTOR,
        "kind": SupportKind.FACE_TO_FACE,
        "place": SupportPlace.WORKPLACE,
        "contacted_on": TODAY - timedelta(days=3),
        "notes": "Le tuteur est satisfait.",
    }
    return domain.record_support_contact(placement, by, **(values | fields))


def refusal(field, placement, by, **fields) -> str:
    with pytest.raises(ValidationError) as raised:
        record(placement, by, **fields)
    return " ".join(raised.value.message_dict[field])


def test_a_face_to_face_contact_is_recorded_with_its_place_and_author(job, coach):
    contact = record(job, coach)
    assert (contact.kind, contact.place, contact.by, contact.organisation_id) == (
        SupportKind.FACE_TO_FACE,
        SupportPlace.WORKPLACE,
        coach,
        job.organisation_id,
    )
    assert SupportContact.objects.get().notes == "Le tuteur est satisfait."


def test_a_contact_at_a_distance_is_always_remote(job, coach):
    assert (
        record(job, coach, kind=SupportKind.PHONE, place=SupportPlace.WORKPLACE).place == SupportPlace.REMOTE
    )
    assert record(job, coach, kind=SupportKind.MESSAGE, place="").place == SupportPlace.REMOTE


@pytest.mark.parametrize("place", [SupportPlace.REMOTE, "", "moon"])
def test_face_to_face_needs_a_place_that_is_not_remote(job, coach, place):
    assert "choisissez le lieu" in refusal("place", job, coach, place=place)
    assert not SupportContact.objects.exists()


def test_a_contact_cannot_be_in_the_future(job, coach):
    assert "futur" in refusal("contacted_on", job, coach, contacted_on=TODAY + timedelta(days=1))


def test_a_contact_cannot_precede_the_start_of_the_placement(job, coach):
    assert "précéder le début" in refusal(
        "contacted_on", job, coach, contacted_on=job.started_on - timedelta(days=1)
    )
    assert record(job, coach, contacted_on=job.started_on).contacted_on == job.started_on


def test_after_the_end_a_contact_is_accepted_for_thirty_days_only(job, coach):
    Placement.objects.filter(pk=job.pk).update(
        ended_on=TODAY - timedelta(days=40), end_reason=EndReason.END_OF_TRIAL
    )
    job.refresh_from_db()
    assert record(job, coach, contacted_on=TODAY - timedelta(days=10)).pk  # 30 days after the end
    message = refusal("contacted_on", job, coach, contacted_on=TODAY - timedelta(days=9))
    assert "jusqu'à 30 jours après" in message


def test_unknown_party_or_kind_are_refused_by_field(job, coach):
    assert refusal("party", job, coach, party="cousin")
    assert refusal("kind", job, coach, kind="telepathy")


def test_an_anonymised_record_takes_no_contact(job, coach):
    # (The record of a current pathway cannot be anonymised through the rules; the refusal is ours.)
    Person.objects.filter(pk=job.enrolment.person_id).update(anonymised_at=timezone.now())
    job = Placement.objects.select_related("enrolment__person").get(pk=job.pk)
    with pytest.raises(ValidationError, match="anonymisé"):
        record(job, coach)


def test_a_placement_not_saved_takes_no_contact(job, coach):
    unsaved = Placement(enrolment=job.enrolment, kind=PlacementKind.EMPLOYMENT, started_on=job.started_on)
    with pytest.raises(ValidationError, match="enregistré"):
        record(unsaved, coach)


def test_internships_and_immersions_take_contacts_too(job, coach):
    internship = PlacementFactory(enrolment=job.enrolment, kind=PlacementKind.INTERNSHIP, contract_type="")
    assert record(internship, coach).placement == internship


def test_a_correction_follows_the_same_rules(job, coach):
    contact = record(job, coach)
    domain.update_support_contact(contact, kind=SupportKind.VIDEO, notes="Finalement en visio.")
    contact.refresh_from_db()
    assert (contact.kind, contact.place, contact.notes) == (
        SupportKind.VIDEO,
        SupportPlace.REMOTE,
        "Finalement en visio.",
    )
    with pytest.raises(ValidationError):
        domain.update_support_contact(contact, contacted_on=TODAY + timedelta(days=2))
    contact.refresh_from_db()
    assert contact.contacted_on == TODAY - timedelta(days=3)


def test_the_last_face_to_face_contact_ignores_calls(job, coach):
    assert domain.last_face_to_face(job) is None
    older = SupportContactFactory(placement=job, by=coach, contacted_on=TODAY - timedelta(days=20))
    phone_call(placement=job, by=coach, contacted_on=TODAY - timedelta(days=2))
    assert domain.last_face_to_face(job) == older


def test_the_monthly_contact_is_due_thirty_days_after_the_last_one(job, coach):
    # No contact yet: due 30 days after the start (60 days ago), so late.
    state = domain.monthly_contact(job, TODAY)
    assert (state.last_on, state.next_due_on, state.overdue) == (
        None,
        job.started_on + timedelta(days=30),
        True,
    )
    SupportContactFactory(placement=job, by=coach, contacted_on=TODAY - timedelta(days=10))
    state = domain.monthly_contact(job, TODAY)
    assert (state.last_on, state.next_due_on, state.overdue) == (
        TODAY - timedelta(days=10),
        TODAY + timedelta(days=20),
        False,
    )


def test_a_new_job_is_not_late_for_its_first_face_to_face_contact(coach):
    job = PlacementFactory(
        enrolment=enrol(coach.memberships.get().service, coach), started_on=TODAY - timedelta(days=10)
    )
    assert domain.monthly_contact(job, TODAY).overdue is False


def test_the_monthly_contact_applies_to_ongoing_jobs_only(job, coach):
    internship = PlacementFactory(enrolment=job.enrolment, kind=PlacementKind.INTERNSHIP, contract_type="")
    assert domain.monthly_contact(internship, TODAY) is None
    Placement.objects.filter(pk=job.pk).update(
        ended_on=TODAY - timedelta(days=1), end_reason=EndReason.RESIGNATION
    )
    job.refresh_from_db()
    assert domain.monthly_contact(job, TODAY) is None
