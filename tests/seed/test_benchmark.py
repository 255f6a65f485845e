"""The employment histories of the benchmark preset: present, within the models' rules, and the
same on every run."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from filrouge.core.dates import span_end
from filrouge.employers.models import ALWAYS_FACE_TO_FACE, NEVER_FACE_TO_FACE, Company, EmployerContact
from filrouge.followalong.models import SupportContact, SupportKind, SupportPlace
from filrouge.journal.models import Attendance, Meeting, MeetingKind
from filrouge.organisations.models import Membership, Role
from filrouge.organisations.validators import siret_is_valid
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment, ExitOutcome, Phase, PhaseChange
from filrouge.people.models import Contact, ContactKind, PersonContact
from filrouge.placements.models import IMMERSION_MAX_MONTHS, Placement, PlacementKind
from filrouge.referentials.models import ContractType

pytestmark = pytest.mark.django_db

# Enough people for every story the preset tells, whatever the day it is seeded on (its dates
# follow today: at 200, some days drew no job held for a year).
PEOPLE = 300


@pytest.fixture
def seeded():
    call_command("seed", preset="benchmark", people=PEOPLE)


def phase_days(enrolment_id, phase):
    return set(
        PhaseChange.objects.filter(enrolment_id=enrolment_id, phase=phase).values_list(
            "changed_on", flat=True
        )
    )


def test_every_organisation_has_companies_with_valid_sirets_and_their_people(seeded):
    companies = Company.objects.all()
    coaches = Membership.objects.filter(role=Role.COACH).values("user").distinct().count()
    assert coaches >= 10 and companies.count() == 3 * coaches  # three per coach
    assert all(siret_is_valid(siret) for siret in companies.values_list("siret", flat=True))
    assert companies.values("siret").distinct().count() == companies.count()
    staff = Contact.objects.filter(company__isnull=False)
    assert not staff.exclude(kind=ContactKind.EMPLOYER).exists()
    assert not companies.filter(contacts=None).exists()
    for company in companies[:5]:
        company.full_clean()


def test_employer_contacts_are_logged_by_the_coaches_within_the_kinds_rules(seeded):
    contacts = EmployerContact.objects.all()
    assert not contacts.filter(kind__in=NEVER_FACE_TO_FACE, face_to_face=True).exists()
    assert not contacts.filter(kind__in=ALWAYS_FACE_TO_FACE, face_to_face=False).exists()
    assert contacts.filter(face_to_face=True).exists() and contacts.filter(face_to_face=False).exists()
    assert not contacts.filter(contacted_on__gt=today()).exists()
    about = contacts.filter(person__isnull=False)
    assert about.exists() and contacts.filter(person__isnull=True).exists()
    # Every contact about a person falls within one of the person's pathways that reached job search.
    for contact in about.select_related("person"):
        assert (
            Enrolment.objects.filter(
                person_id=contact.person_id,
                phase_changes__phase=Phase.JOB_SEARCH,
                phase_changes__changed_on__lte=contact.contacted_on,
            )
            .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=contact.contacted_on))
            .exists()
        )
    # Logged by coaches of the person's service.
    assert not about.exclude(person__enrolments__primary_coach=F("coach")).exists()
    for contact in contacts[::25]:
        contact.full_clean()


def test_immersions_and_jobs_follow_the_phases_of_their_pathway(seeded):
    placements = Placement.objects.select_related("enrolment")
    assert placements.filter(kind=PlacementKind.IMMERSION).exists()
    for placement in placements:
        placement.full_clean()
        enrolment = placement.enrolment
        if placement.kind == PlacementKind.IMMERSION:
            assert placement.planned_end_on <= span_end(placement.started_on, months=IMMERSION_MAX_MONTHS)
            assert phase_days(enrolment.pk, Phase.ACCESS)
            assert not placement.contract_type
        else:
            # A job begins on the first day of an "in employment" phase.
            assert placement.started_on in phase_days(enrolment.pk, Phase.IN_EMPLOYMENT)
            assert placement.contract_type
            if placement.contract_type == ContractType.CDI:
                assert placement.planned_end_on is None
            if placement.contract_type in (ContractType.CDD_SHORT, ContractType.CDD_LONG):
                assert placement.is_durable == (placement.contract_type == ContractType.CDD_LONG)
        assert placement.started_on <= today()
    # Every pathway in employment now holds a job; every job of a pathway back to job search ended.
    for enrolment in Enrolment.objects.filter(phase=Phase.IN_EMPLOYMENT):
        assert enrolment.placements.jobs().ongoing_on(today()).exists()
    durable_exits = Enrolment.objects.filter(exit_outcome=ExitOutcome.DURABLE_EMPLOYMENT)
    assert (
        not Placement.objects.jobs()
        .filter(enrolment__in=durable_exits)
        .exclude(Q(contract_type__in=[ContractType.CDI, ContractType.CDD_LONG]))
        .exists()
    )


def test_the_jobs_tell_every_retention_story_and_have_their_follow_along(seeded):
    jobs = Placement.objects.jobs()
    day = today()
    assert len(set(jobs.values_list("contract_type", flat=True))) >= 5
    assert len(set(jobs.values_list("hours_per_week", flat=True))) >= 5
    assert jobs.filter(ended_on__isnull=False).exists() and jobs.filter(ended_on__isnull=True).exists()
    assert jobs.filter(ended_on__lt=F("started_on") + timedelta(days=91)).exists()  # lost before 13 weeks
    assert jobs.filter(started_on__lte=day - timedelta(days=366), ended_on__isnull=True).exists()  # a year
    supports = SupportContact.objects.select_related("placement", "placement__enrolment")
    assert supports.filter(kind=SupportKind.FACE_TO_FACE, place=SupportPlace.WORKPLACE).exists()
    assert supports.exclude(kind=SupportKind.FACE_TO_FACE).exists()
    assert not supports.exclude(placement__kind=PlacementKind.EMPLOYMENT).exists()
    for support in supports:
        placement, enrolment = support.placement, support.placement.enrolment
        assert placement.started_on <= support.contacted_on <= (placement.ended_on or day)
        assert support.contacted_on <= (enrolment.exit_date or day)
        assert support.contacted_on <= day
    for support in supports[::10]:
        support.full_clean()
    # Tutors become partners of the person.
    for placement in Placement.objects.filter(tutor__isnull=False)[:20]:
        assert PersonContact.objects.filter(
            person_id=placement.enrolment.person_id,
            contact_id=placement.tutor_id,
            relation=ContactKind.EMPLOYER,
        ).exists()


def test_meetings_are_within_a_year_and_match_the_last_contact_and_the_next_appointment(seeded):
    meetings = Meeting.objects.all()
    kinds = set(meetings.values_list("kind", flat=True))
    assert {MeetingKind.OFFICE, MeetingKind.WORKPLACE, MeetingKind.PHONE} <= kinds
    assert set(meetings.values_list("attendance", flat=True)) == {*Attendance.values, ""}
    now = timezone.now()
    assert not meetings.filter(starts_at__lt=now - timedelta(days=366)).exists()
    assert not meetings.filter(starts_at__gt=now).exclude(attendance="").exists()
    assert not meetings.filter(starts_at__lte=now, attendance="").exists()
    assert not meetings.annotate(n=Count("staff")).exclude(n=1).exists()
    for enrolment in Enrolment.objects.exclude(last_contact_on=None):
        entry = enrolment.entry_date
        mine = enrolment.meetings.all()
        assert not mine.filter(starts_at__date__lt=entry).exists()
        attended = mine.filter(attendance=Attendance.PRESENT).order_by("-starts_at").first()
        if attended is not None:
            assert timezone.localdate(attended.starts_at) <= enrolment.last_contact_on
            assert (enrolment.last_contact_on - timezone.localdate(attended.starts_at)).days <= 1
    for enrolment in Enrolment.objects.exclude(next_appointment_at=None):
        assert enrolment.meetings.filter(starts_at=enrolment.next_appointment_at, attendance="").exists()
    for meeting in meetings[::20]:
        meeting.full_clean()


def test_the_histories_are_the_same_on_every_run():
    def snapshot():
        return (
            Counter(Placement.objects.values_list("kind", "contract_type", "started_on", "ended_on")),
            Counter(EmployerContact.objects.values_list("kind", "face_to_face", "contacted_on")),
            Counter(SupportContact.objects.values_list("kind", "place", "contacted_on")),
            Counter(Meeting.objects.values_list("kind", "attendance", "starts_at")),
        )

    with transaction.atomic():
        call_command("seed", preset="benchmark", people=PEOPLE)
        first = snapshot()
        transaction.set_rollback(True)
    assert not Placement.objects.exists()
    call_command("seed", preset="benchmark", people=PEOPLE)
    assert snapshot() == first
    assert all(first)
