"""The evidence of the IPS-25 fidelity review, computed by the database on small data sets built by
hand (the expected figures worked out in each test), and the suggestions it gives.

The data sets are dated in 2025, in service A1 of the `world` fixture, whose one coach holds a
full-time role (time share 100 %, all of it on employment services) unless a test says otherwise.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filrouge.employers.models import CompanyKind, EmployerContact, EmployerContactKind
from filrouge.fidelity import prefill
from filrouge.followalong.models import SupportPlace
from filrouge.journal.models import Attendance, MeetingKind
from filrouge.organisations.models import Membership, Role
from filrouge.outcomes import measures
from filrouge.outcomes.measures import Rate, Scope
from filrouge.pathways.models import ExitOutcome
from filrouge.referentials.models import ContractType, JobTitle
from tests.accounts.factories import staff
from tests.employers.factories import CompanyFactory
from tests.outcomes import factories as f

pytestmark = pytest.mark.django_db

d = date
Kind = EmployerContactKind


YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


def scope_of(world, start=YEAR_2025[0], end=YEAR_2025[1], *services) -> Scope:
    return Scope(world.org_a.pk, tuple(sorted(s.pk for s in services or (world.a1,))), start, end)


def evidence_of(world, *args, **kwargs):
    return measures.fidelity_evidence(scope_of(world, *args, **kwargs))


def set_role(user, service, time_share=100, employment_services_share=100):
    Membership.objects.filter(user=user, service=service).update(
        time_share=time_share, employment_services_share=employment_services_share
    )


def coach_in(service, time_share=100, employment_services_share=100, **fields):
    user = staff(Role.COACH, service, **fields)
    set_role(user, service, time_share, employment_services_share)
    return user


def contact(coach, on, kind=Kind.PROSPECTING_VISIT, who=None, face_to_face=None, company_kind=None):
    """An employer contact; a kind that is always or never face to face says so by itself."""
    company = CompanyFactory(organisation=coach.organisation, kind=company_kind or CompanyKind.ORDINARY)
    return EmployerContact.objects.create(
        organisation=coach.organisation,
        company=company,
        coach=coach,
        kind=kind,
        face_to_face=kind != Kind.PHONE_CALL if face_to_face is None else face_to_face,
        contacted_on=on,
        person=who,
    )


# --- Staffing 1: caseload size, people per full-time equivalent ------------------------------------


def test_a_half_time_coach_with_10_people_has_20_per_fte(world):
    set_role(world.users["coach"], world.a1, time_share=50)
    for day in range(10):
        f.pathway(world.a1, d(2025, 3, 1) + timedelta(days=day))
    f.pathway(world.a1, d(2025, 2, 1), exit_on=d(2025, 12, 30), outcome=ExitOutcome.MOVED)  # left
    f.pathway(world.a1, d(2026, 1, 2))  # after as_of

    evidence = evidence_of(world)

    assert (evidence.people, evidence.coaches, evidence.coach_fte) == (10, 1, 0.5)
    assert evidence.people_per_fte == 20
    suggestion = prefill.caseload(evidence)
    assert suggestion.score == 5
    assert "20 personnes par ETP de job coach (1 job coach, 0,5 ETP)" in suggestion.evidence


def test_two_coaches_full_and_half_time_with_33_people_have_22_per_fte(world):
    coach_in(world.a1, time_share=50)
    for day in range(33):
        f.pathway(world.a1, d(2025, 1, 1) + timedelta(days=day))

    evidence = evidence_of(world)

    assert (evidence.people, evidence.coaches, evidence.coach_fte) == (33, 2, 1.5)
    assert evidence.people_per_fte == 22
    suggestion = prefill.caseload(evidence)
    assert suggestion.score == 4
    assert "22 personnes par ETP de job coach (2 job coachs, 1,5 ETP)" in suggestion.evidence


def test_people_are_counted_once_and_a_coach_at_most_full_time(world):
    """Scope A1 + A2: a person followed by both services is one person; a coach with 60 % in each
    counts for one FTE, not 1.2; A2's own coach adds a full time."""
    shared = coach_in(world.a1, time_share=60, employment_services_share=80)
    Membership.objects.create(
        user=shared, role=Role.COACH, service=world.a2, time_share=60, employment_services_share=100
    )
    both = f.pathway(world.a1, d(2025, 3, 1))
    f.pathway(world.a2, d(2025, 4, 1), who=both.person)
    f.pathway(world.a2, d(2025, 5, 1))
    Membership.objects.filter(user=world.users["coach"]).delete()

    evidence = evidence_of(world, *YEAR_2025, world.a1, world.a2)

    # Coaches: the shared one (1 FTE) and A2's other coach (1 FTE).
    assert (evidence.people, evidence.coaches, evidence.coach_fte) == (2, 2, 2.0)
    # The shared coach: (60 × 80 + 60 × 100) / 120 = 90 %; A2's coach: 100 %.
    assert evidence.employment_services_share == pytest.approx(95)


# --- Staffing 2: employment services staff -----------------------------------------------------


def test_the_employment_services_share_is_the_mean_weighted_by_fte(world):
    set_role(world.users["coach"], world.a1, time_share=100, employment_services_share=95)
    coach_in(world.a1, time_share=50, employment_services_share=100)

    evidence = evidence_of(world)

    # (1 × 95 + 0.5 × 100) / 1.5 = 96.67 % → 5 (the unweighted mean, 97.5, would say 5 too).
    assert evidence.employment_services_share == pytest.approx(96.667, abs=0.001)
    suggestion = prefill.employment_services(evidence)
    assert suggestion.score == 5
    assert "96,7 % en moyenne, pondérée par le temps de travail" in suggestion.evidence
    assert "(2 job coachs, 1,5 ETP)" in suggestion.evidence


def test_the_weighting_can_change_the_score(world):
    set_role(world.users["coach"], world.a1, time_share=50, employment_services_share=90)
    coach_in(world.a1, time_share=100, employment_services_share=100)

    evidence = evidence_of(world)

    # (0.5 × 90 + 1 × 100) / 1.5 = 96.67 % → 5, where the plain mean of 90 and 100 (95) gives 4.
    assert prefill.employment_services(evidence).score == 5
    assert prefill.employment_services_score(95) == 4


def test_without_a_coach_nothing_is_suggested(world, django_assert_num_queries):
    Membership.objects.filter(role=Role.COACH).delete()
    with django_assert_num_queries(9):
        evidence = evidence_of(world)
    assert (evidence.coaches, evidence.coach_fte, evidence.employment_services_share) == (0, 0, None)
    assert evidence.people_per_fte is None and evidence.job_development_per_coach_week is None
    assert prefill.caseload(evidence).score is None
    assert prefill.employment_services(evidence).score is None


# --- Services 4: rapid job search --------------------------------------------------------------


def test_the_rapid_search_is_the_average_delay_counting_those_still_waiting(world):
    coach = world.users["coach"]
    p1 = f.pathway(world.a1, d(2025, 2, 20), d(2025, 3, 1))  # entered on 1 March (intake)
    contact(coach, d(2025, 2, 25), Kind.CANDIDATE_PRESENTATION, who=p1.person)  # before entry
    contact(coach, d(2025, 3, 11), Kind.CANDIDATE_PRESENTATION, who=p1.person)  # 10 days
    contact(coach, d(2025, 3, 20), Kind.PROSPECTING_VISIT, who=p1.person)  # not the first
    p2 = f.pathway(world.a1, d(2025, 6, 1))
    contact(coach, d(2025, 6, 5), Kind.PHONE_CALL, who=p2.person)  # not face to face
    contact(coach, d(2025, 6, 8), Kind.CANDIDATE_PRESENTATION, who=p2.person, face_to_face=False)  # video
    contact(coach, d(2025, 6, 15), Kind.CANDIDATE_PRESENTATION, who=p2.person, company_kind=CompanyKind.ESAT)
    contact(coach, d(2025, 7, 1), Kind.AWARENESS_SESSION, who=p2.person)  # 30 days: any kind met face to face
    f.pathway(world.a1, d(2025, 12, 1))  # still waiting: 30 days so far, to 31 December
    p4 = f.pathway(world.a1, d(2025, 10, 1), exit_on=d(2025, 10, 21), outcome=ExitOutcome.MOVED)
    contact(coach, d(2025, 11, 5), Kind.PROSPECTING_VISIT, who=p4.person)  # after the exit: 20 days
    old = f.pathway(world.a1, d(2024, 6, 1))  # entered before the period
    contact(coach, d(2025, 2, 1), Kind.PROSPECTING_VISIT, who=old.person)

    evidence = evidence_of(world)

    assert (evidence.entries, evidence.met_an_employer, evidence.still_waiting) == (4, 2, 2)
    assert evidence.first_employer_mean_days == pytest.approx((10 + 30 + 30 + 20) / 4)  # 22.5
    suggestion = prefill.rapid_search(evidence)
    assert suggestion.score == 5
    assert "22,5 jours après l'entrée en moyenne" in suggestion.evidence
    assert "avec une rencontre, 2 ; sans rencontre pour l'instant, 2" in suggestion.evidence


def test_one_person_waiting_long_moves_the_average_to_a_later_anchor(world):
    coach = world.users["coach"]
    met = f.pathway(world.a1, d(2025, 6, 1))
    contact(coach, d(2025, 6, 11), Kind.PROSPECTING_VISIT, who=met.person)  # 10 days
    f.pathway(world.a1, d(2025, 4, 1))  # 274 days so far on 31 December

    evidence = evidence_of(world)

    assert evidence.first_employer_mean_days == pytest.approx((10 + 274) / 2)  # 142 → 3
    assert prefill.rapid_search(evidence).score == 3


# --- Services 6: job development -----------------------------------------------------------------

FOUR_WEEKS = (d(2025, 3, 3), d(2025, 3, 30))


def test_job_development_counts_face_to_face_search_contacts_for_people_not_in_a_job(world):
    coach, other = world.users["coach"], coach_in(world.a1)
    in_a_job = f.pathway(world.a1, d(2024, 10, 1))
    f.job(in_a_job, d(2025, 1, 1))
    job_ended = f.pathway(world.a1, d(2024, 10, 1))
    f.job(job_ended, d(2024, 11, 1), end=d(2025, 2, 28))
    day = d(2025, 3, 10)
    for _ in range(8):
        contact(coach, day, Kind.PROSPECTING_VISIT)
    contact(coach, day, Kind.CANDIDATE_PRESENTATION, who=job_ended.person)  # looking again: counts
    contact(coach, day, Kind.CANDIDATE_PRESENTATION, who=in_a_job.person)  # holds a job that day
    contact(coach, day, Kind.FOLLOW_UP_VISIT)
    contact(coach, day, Kind.TUTOR_TRAINING, face_to_face=True)
    contact(coach, day, Kind.AWARENESS_SESSION, face_to_face=True)
    contact(coach, day, Kind.PHONE_CALL)
    contact(coach, day, Kind.CANDIDATE_PRESENTATION, face_to_face=False)
    contact(coach, d(2025, 3, 2), Kind.PROSPECTING_VISIT)  # the day before the period
    contact(coach, d(2025, 3, 31), Kind.PROSPECTING_VISIT)  # the day after
    for _ in range(27):
        contact(other, day, Kind.CANDIDATE_PRESENTATION)
    contact(world.users["other_service_coach"], day, Kind.PROSPECTING_VISIT)  # another service

    evidence = evidence_of(world, *FOUR_WEEKS)

    assert evidence.weeks == 4 and evidence.job_development_contacts == 9 + 27
    # 9 / 4 = 2.25 and 27 / 4 = 6.75 a week: their mean, 4.5, is midway between the points 4 (3)
    # and 5 (4): the higher score.
    assert evidence.job_development_per_coach_week == 4.5
    suggestion = prefill.employer_contacts(evidence)
    assert suggestion.score == 4
    assert "4,5 rencontres d'employeurs en face à face par job coach et par semaine" in suggestion.evidence
    assert "36 rencontres comptées sur 4 semaines" in suggestion.evidence


def test_a_coach_without_contacts_counts_in_the_mean_of_the_rates(world):
    coach_in(world.a1)
    for _ in range(24):
        contact(world.users["coach"], d(2025, 3, 12))

    evidence = evidence_of(world, *FOUR_WEEKS)

    assert evidence.job_development_per_coach_week == 3  # (6 + 0) / 2: midway between 2 and 4
    assert prefill.employer_contacts(evidence).score == 3


# --- Services 10: competitive jobs ---------------------------------------------------------------


def test_jobs_in_an_esat_an_ea_an_siae_or_on_an_insertion_contract_are_not_competitive(world):
    person = f.pathway(world.a1, d(2025, 1, 10))
    org = world.org_a
    f.job(person, d(2025, 2, 1))
    for kind in (CompanyKind.ESAT, CompanyKind.ADAPTED, CompanyKind.ACI):
        f.job(person, d(2025, 3, 1), company=CompanyFactory(organisation=org, kind=kind))
    f.job(person, d(2025, 4, 1), contract=ContractType.INSERTION)

    evidence = evidence_of(world)

    assert evidence.competitive_jobs == Rate(1, 5)
    assert prefill.competitive(evidence).score == 1


# --- Services 8, 9 and 13: job types, employers, community-based services (unchanged) ------------


def test_job_types_employers_and_meetings_outside_the_office(world):
    coach = world.users["coach"]
    titles = list(JobTitle.objects.order_by("pk")[:2])
    company = CompanyFactory(organisation=world.org_a)
    new = f.pathway(world.a1, d(2025, 9, 20), d(2025, 10, 1), coach=coach)
    j1 = f.job(new, d(2025, 11, 15), job_title=titles[0], company=company)
    f.job(new, d(2025, 12, 10), job_title=titles[1], company=company)
    f.job(new, d(2024, 12, 10), job_title=titles[1])  # started before the period
    old = f.pathway(world.a1, d(2024, 1, 1), coach=coach)
    j3 = f.job(old, d(2024, 6, 1))
    f.support(j1, d(2025, 12, 5), by=coach)  # at work
    f.support(j3, d(2025, 11, 1), by=coach, face_to_face=False)  # by phone
    f.support(j3, d(2025, 11, 30), by=coach, place=SupportPlace.OFFICE)
    for kind in (MeetingKind.OFFICE, MeetingKind.PHONE, MeetingKind.HOME_VISIT, MeetingKind.WORKPLACE):
        f.meeting(old, d(2025, 5, 1), kind=kind)
    f.meeting(old, d(2025, 5, 2), kind=MeetingKind.EMPLOYER, attendance=Attendance.ABSENT)  # not held
    f.meeting(old, d(2024, 5, 2), kind=MeetingKind.EMPLOYER)  # before the period

    evidence = evidence_of(world)

    assert (evidence.jobs, evidence.distinct_job_titles, evidence.distinct_employers) == (2, 2, 1)
    assert prefill.job_types(evidence).score == 5 and prefill.employers(evidence).score == 2
    # Meetings held: 4, of which the home visit and the workplace; follow-along contacts: 3, of
    # which j1's at work.
    assert evidence.meetings_outside_office == Rate(2 + 1, 4 + 3)
    assert prefill.community(evidence).score == 3


# --- Services 12: time-unlimited follow-along ----------------------------------------------------

HALF_YEAR = (d(2025, 1, 1), d(2025, 6, 30))


def test_follow_along_by_weeks_and_months_de_date_a_date(world):
    coach = world.users["coach"]
    pathway = f.pathway(world.a1, d(2024, 9, 1))

    def met(job, *days, face_to_face=True):
        for day in days:
            f.support(job, day, by=coach, face_to_face=face_to_face)

    # Started 31 January: one month old on 28 February; month 2 is 1–30 March, month 3 31 March –
    # 30 April, month 4 1–30 May, month 5 31 May – 30 June (due); month 6 ends after as_of.
    j1 = f.job(pathway, d(2025, 1, 31))
    met(j1, d(2025, 2, 2), d(2025, 2, 10), d(2025, 2, 20), d(2025, 2, 27))  # weeks 1–4
    met(j1, d(2025, 2, 28))  # still month 1: month 2 has no face-to-face contact
    met(j1, d(2025, 3, 15), face_to_face=False)  # by phone
    met(j1, d(2025, 3, 31), d(2025, 5, 15), d(2025, 6, 30))  # months 3, 4 and 5
    # Started 1 March: weeks 1–7, 8–14, 15–21, 22–28 March; months are calendar months.
    j2 = f.job(pathway, d(2025, 3, 1))
    met(j2, d(2025, 3, 3), d(2025, 3, 12), d(2025, 3, 29), d(2025, 4, 15), d(2025, 5, 10), d(2025, 6, 5))
    # Started 15 November 2024: months 3 (15 January – 14 February) to 7 (15 May – 14 June) due.
    j3 = f.job(pathway, d(2024, 11, 15))
    met(j3, d(2024, 12, 1), d(2025, 1, 20), d(2025, 3, 1), d(2025, 4, 1), d(2025, 5, 1))
    # Held 1 April – 10 May: its first month and four weeks due, month 2 not (the job ended).
    f.job(pathway, d(2025, 4, 1), end=d(2025, 5, 10))
    # Started 20 June: only its first week is due.
    j5 = f.job(pathway, d(2025, 6, 20))
    met(j5, d(2025, 6, 21))
    met(f.immersion(pathway, d(2025, 2, 3), d(2025, 2, 28)), d(2025, 2, 4))  # not a job
    met(f.job(f.pathway(world.a2, d(2025, 1, 2)), d(2025, 1, 6)), d(2025, 1, 7))  # another service
    f.job(pathway, d(2023, 5, 1))  # its first year is over

    evidence = evidence_of(world, *HALF_YEAR)

    # First week: j1, j2, j5 met; j4 not.
    assert evidence.follow_along_first_week == Rate(3, 4)
    # Weeks: j1 4/4, j2 2/4 (3 and 12 March), j4 0/4, j5 1/1.
    assert evidence.follow_along_weekly == Rate(7, 13)
    # Months: j1 4/5 (not month 2), j2 4/4, j3 4/5 (not month 7), j4 0/1.
    assert evidence.follow_along_monthly == Rate(12, 15)
    assert evidence.follow_along_after_first_month == Rate(3 + 3 + 4, 4 + 3 + 5)
    # Months 1–4 all due: j1 (month 2 missed) and j2 (each met).
    assert evidence.follow_along_four_months == Rate(1, 2)
    suggestion = prefill.follow_along(evidence)
    assert suggestion.score == 3  # half the jobs followed 4 months; weeks 54 %: no 4
    assert "chaque semaine du premier mois, 53,8 % (7 sur 13) des semaines" in suggestion.evidence


def test_a_job_met_every_week_then_every_month_suggests_4(world):
    coach = world.users["coach"]
    job = f.job(f.pathway(world.a1, d(2024, 12, 1)), d(2025, 1, 31))
    for day in (d(2025, 2, 1), d(2025, 2, 7), d(2025, 2, 14), d(2025, 2, 21)):  # weeks 1–4
        f.support(job, day, by=coach)
    for day in (d(2025, 3, 1), d(2025, 3, 31), d(2025, 5, 1), d(2025, 5, 31)):  # months 2–5
        f.support(job, day, by=coach, place=SupportPlace.ELSEWHERE)

    evidence = evidence_of(world, *HALF_YEAR)

    assert evidence.follow_along_weekly == Rate(4, 4)
    assert evidence.follow_along_monthly == Rate(5, 5)
    assert prefill.follow_along(evidence).score == 4


def test_no_face_to_face_after_the_first_month_suggests_1(world):
    coach = world.users["coach"]
    job = f.job(f.pathway(world.a1, d(2024, 12, 1)), d(2025, 3, 1))
    f.support(job, d(2025, 3, 2), by=coach)
    f.support(job, d(2025, 4, 15), by=coach, face_to_face=False)

    evidence = evidence_of(world, *HALF_YEAR)

    assert evidence.follow_along_after_first_month == Rate(0, 3)  # April, May, June
    assert prefill.follow_along(evidence).score == 1


# --- Cost -----------------------------------------------------------------------------------------


def _family(world, index: int):
    coach = world.users["coach"]
    offset = timedelta(days=index)
    entered = f.pathway(world.a1, d(2025, 1, 10) + offset, coach=coach)
    job = f.job(entered, d(2025, 3, 1) + offset)
    f.support(job, d(2025, 3, 2) + offset, by=coach)
    f.support(job, d(2025, 5, 2) + offset, by=coach)
    contact(coach, d(2025, 2, 1) + offset, Kind.CANDIDATE_PRESENTATION, who=entered.person)
    contact(coach, d(2025, 4, 1) + offset, Kind.CANDIDATE_PRESENTATION, who=entered.person)
    f.meeting(entered, d(2025, 6, 1) + offset)
    coach_in(world.a1, time_share=50)


def test_the_evidence_costs_nine_queries_whatever_the_data(world):
    _family(world, 0)
    scope = scope_of(world)
    with CaptureQueriesContext(connection) as small:
        measures.fidelity_evidence(scope)
    _family(world, 1)
    _family(world, 2)
    with CaptureQueriesContext(connection) as large:
        evidence = measures.fidelity_evidence(scope)
    assert len(small.captured_queries) == len(large.captured_queries) == 9
    assert (evidence.entries, evidence.jobs, evidence.coaches) == (3, 3, 4)
