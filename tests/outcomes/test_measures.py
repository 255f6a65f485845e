"""Each measure on a small data set built by hand, the expected figures worked out in the test.

The data sets are dated in 2025 (the past), in service A1 of the `world` fixture; a pathway of
service A2 and one of organisation B sit beside them and must never be counted.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from filrouge.employers.models import CompanyKind
from filrouge.followalong.retention import KEPT, LOST, SPANS, milestones
from filrouge.journal.models import Attendance, MeetingKind
from filrouge.organisations.models import Membership, ProgrammeType, Role, Service
from filrouge.outcomes import measures, periods
from filrouge.outcomes.measures import Rate, Scope
from filrouge.pathways.models import EmploymentStatus, ExitOutcome, RqthStatus
from filrouge.placements.models import Placement, PlacementQuerySet
from filrouge.referentials.models import ContractType
from tests.accounts.factories import staff
from tests.employers.factories import CompanyFactory
from tests.outcomes import factories as f

d = date


def year_2025(world, *services, coach=None) -> Scope:
    ids = tuple(sorted(s.pk for s in services or (world.a1,)))
    return Scope(world.org_a.pk, ids, d(2025, 1, 1), d(2025, 12, 31), coach_id=coach.pk if coach else None)


def outsiders(world):
    """A pathway of service A2 and one of organisation B, out of work at entry, each in a job."""
    entry = d(2025, 2, 1)
    for service in (world.a2, world.b1):
        f.job(f.pathway(service, entry), entry + timedelta(days=10))


# --- Scope and Rate --------------------------------------------------------------------------------


def test_scope_of_takes_the_services_the_period_and_the_coach(world):
    scope = Scope.of(
        Service.objects.filter(pk__in=[world.a2.pk, world.a1.pk]),
        periods.quarter(2025, 2),
        coach=world.users["coach"],
    )
    assert scope == Scope(
        world.org_a.pk,
        tuple(sorted([world.a1.pk, world.a2.pk])),
        d(2025, 4, 1),
        d(2025, 6, 30),
        world.users["coach"].pk,
    )
    assert scope.as_of == d(2025, 6, 30)


def test_scope_as_of_stops_at_today(world):
    today = timezone.localdate()
    scope = Scope.of([world.a1], periods.span(today - timedelta(days=10), today + timedelta(days=30)))
    assert scope.as_of == today


def test_scope_of_refuses_services_of_two_organisations(world):
    with pytest.raises(ValueError):
        Scope.of([world.a1, world.b1], periods.year(2025))


def test_rate_value_is_none_without_denominator():
    assert Rate(0, 0).value is None
    assert Rate(1, 4).value == 0.25


# --- Share working on a day (the employment rates: test_employment.py) -----------------------------


def _working_set(world):
    a1 = world.a1
    started = d(2025, 2, 1)
    starts_on_the_day = f.pathway(a1, d(2025, 1, 10))
    f.job(starts_on_the_day, d(2025, 6, 15))
    ends_on_the_day = f.pathway(a1, d(2025, 1, 10))
    f.job(ends_on_the_day, started, end=d(2025, 6, 15))
    ended_the_day_before = f.pathway(a1, d(2025, 1, 10))
    f.job(ended_the_day_before, started, end=d(2025, 6, 14))
    not_competitive = f.pathway(a1, d(2025, 1, 10))
    f.immersion(not_competitive, d(2025, 6, 10), d(2025, 6, 20))
    f.job(not_competitive, started, contract=ContractType.INSERTION)
    exits_on_the_day = f.pathway(
        a1, d(2025, 1, 10), exit_on=d(2025, 6, 15), outcome=ExitOutcome.DURABLE_EMPLOYMENT
    )
    f.job(exits_on_the_day, started)
    exited_the_day_before = f.pathway(a1, d(2025, 1, 10), exit_on=d(2025, 6, 14), outcome=ExitOutcome.MOVED)
    f.job(exited_the_day_before, started)
    f.pathway(a1, d(2025, 6, 10), d(2025, 6, 16))  # enters the day after
    two_jobs = f.pathway(a1, d(2025, 1, 10))
    f.job(two_jobs, d(2025, 3, 1))
    f.job(two_jobs, d(2025, 4, 1))
    outsiders(world)


def test_working_now_on_a_day(world):
    _working_set(world)
    # Current on 15 June: all but exited_the_day_before and the one entering on the 16th = 6.
    # Working: starts_on_the_day, ends_on_the_day, exits_on_the_day, two_jobs (once) = 4.
    assert measures.working_now(year_2025(world), d(2025, 6, 15)) == Rate(4, 6)


def test_working_now_quarter_by_quarter(world):
    _working_set(world)
    points = measures.trend(year_2025(world), by="quarter")
    assert [p.period.key for p in points] == ["2025-T1", "2025-T2", "2025-T3", "2025-T4"]
    # 31 March: current = the 7 entered on 10 January; working = ends_on_the_day,
    # ended_the_day_before, exits_on_the_day, exited_the_day_before, two_jobs = 5.
    assert points[0].working == Rate(5, 7)
    # 30 June: current = starts_on_the_day, ends_on_the_day, ended_the_day_before,
    # not_competitive, the one entered on the 16th, two_jobs = 6; working = starts_on_the_day,
    # two_jobs = 2.
    assert points[1].working == Rate(2, 6)
    assert points[1].working == measures.working_now(year_2025(world), d(2025, 6, 30))


# --- Flows and durations ---------------------------------------------------------------------------


def test_flows_entries_exits_outcomes_and_durations(world):
    a1, coach = world.a1, world.users["coach"]
    before_and_still_in = f.pathway(a1, d(2024, 10, 1))
    reoriented = f.pathway(
        a1, d(2025, 1, 1), d(2025, 1, 15), exit_on=d(2025, 3, 15), outcome=ExitOutcome.REORIENTATION_ESAT
    )
    f.suspension(reoriented, d(2025, 2, 1), d(2025, 2, 10))
    enters_last_day = f.pathway(a1, d(2025, 12, 31))
    exits_first_day = f.pathway(
        a1, d(2024, 5, 1), exit_on=d(2025, 1, 1), outcome=ExitOutcome.DURABLE_EMPLOYMENT
    )
    f.suspension(exits_first_day, d(2024, 12, 20), None)  # open: counts up to the exit
    f.pathway(a1, d(2024, 1, 10), exit_on=d(2024, 12, 31), outcome=ExitOutcome.MOVED)  # gone before
    f.pathway(a1, d(2026, 1, 5))  # comes after
    two_suspensions = f.pathway(
        a1, d(2025, 5, 15), d(2025, 6, 1), exit_on=d(2025, 9, 30), outcome=ExitOutcome.REORIENTATION_EA
    )
    f.suspension(two_suspensions, d(2025, 5, 20), d(2025, 6, 5))  # from before entry: 1-5 June
    f.suspension(two_suspensions, d(2025, 9, 25), d(2025, 10, 10))  # to after exit: 25-30 September
    in_a_job = f.pathway(a1, d(2024, 6, 1))
    placement = f.job(in_a_job, d(2024, 7, 1))
    outsiders(world)
    # Active: a meeting held on 4 December (the 28th day back), a follow-along contact on the 20th;
    # enters_last_day only missed a meeting on the 31st and was met on 3 December (29 days back).
    f.meeting(before_and_still_in, d(2025, 12, 4))
    f.support(placement, d(2025, 12, 20), by=coach)
    f.meeting(enters_last_day, d(2025, 12, 31), attendance=Attendance.ABSENT)
    f.meeting(enters_last_day, d(2025, 12, 3))

    flows = measures.flows(year_2025(world))

    assert (
        flows.supported == 6
    )  # before_and_still_in, reoriented, enters_last_day, exits_first_day, two_suspensions, in_a_job
    assert flows.current == 3  # before_and_still_in, enters_last_day, in_a_job
    assert flows.active == Rate(2, 3)
    assert flows.entries == 3  # reoriented (15 January), enters_last_day, two_suspensions
    assert flows.exits == 3
    assert flows.reorientations == 2
    by_outcome = {c.key: c.count for c in flows.exits_by_outcome}
    assert by_outcome == dict.fromkeys(ExitOutcome.values, 0) | {
        "reorientation_esat": 1,
        "reorientation_ea": 1,
        "durable_employment": 1,
    }
    reoriented_days = (d(2025, 3, 15) - d(2025, 1, 15)).days + 1 - 10  # 50
    first_day_days = (
        (d(2025, 1, 1) - d(2024, 5, 1)).days + 1 - ((d(2025, 1, 1) - d(2024, 12, 20)).days + 1)
    )  # 233
    two_suspensions_days = (d(2025, 9, 30) - d(2025, 6, 1)).days + 1 - 5 - 6  # 111
    assert (reoriented_days, first_day_days, two_suspensions_days) == (50, 233, 111)
    assert flows.mean_duration_days == pytest.approx((50 + 233 + 111) / 3)
    assert flows.median_duration_days == 111
    for enrolment, days in ((reoriented, 50), (exits_first_day, 233), (two_suspensions, 111)):
        enrolment.refresh_from_db()
        assert enrolment.duration_days() == days  # the Python reading agrees


def test_median_duration_of_an_even_number_of_exits_is_the_mean_of_the_middle_two(world):
    for days in (10, 20, 40, 100):
        f.pathway(
            world.a1,
            d(2025, 1, 1),
            exit_on=d(2025, 1, 1) + timedelta(days=days - 1),
            outcome=ExitOutcome.OTHER,
        )
    flows = measures.flows(year_2025(world))
    assert flows.median_duration_days == (20 + 40) / 2
    assert flows.mean_duration_days == (10 + 20 + 40 + 100) / 4


def test_durations_are_none_without_exits(world):
    flows = measures.flows(year_2025(world))
    assert (flows.mean_duration_days, flows.median_duration_days, flows.active) == (None, None, Rate(0, 0))


# --- Delays ----------------------------------------------------------------------------------------


def test_delays_to_the_first_employer_contact_immersion_and_job(world):
    a1, coach = world.a1, world.users["coach"]
    first = f.pathway(a1, d(2025, 1, 20), d(2025, 2, 1))
    f.employer_contact(coach, d(2025, 1, 25), who=first.person)  # before entry: ignored
    f.employer_contact(coach, d(2025, 2, 6), who=first.person)  # 5 days, face to face
    f.immersion(first, d(2025, 2, 11), d(2025, 2, 20))  # 10 days
    f.job(first, d(2025, 1, 10))  # before entry: not a first job after entry
    f.job(first, d(2025, 4, 2))  # 60 days
    second = f.pathway(a1, d(2025, 3, 1))
    f.employer_contact(coach, d(2025, 3, 11), who=second.person, face_to_face=False)  # 10 days
    f.employer_contact(coach, d(2025, 4, 10), who=second.person)  # 40 days, face to face
    f.immersion(second, d(2025, 2, 20), d(2025, 2, 25))  # before entry
    f.immersion(second, d(2025, 3, 21), d(2025, 3, 28))  # 20 days
    f.job(second, d(2025, 3, 31), contract=ContractType.INSERTION)  # 30 days: a job all the same
    exited = f.pathway(a1, d(2025, 4, 1), exit_on=d(2025, 4, 20), outcome=ExitOutcome.WITHDREW)
    f.employer_contact(coach, d(2025, 5, 1), who=exited.person)  # after the exit: not reached
    fourth = f.pathway(a1, d(2025, 5, 1))
    f.employer_contact(coach, d(2025, 5, 31), who=fourth.person)  # 30 days: within 30
    f.job(fourth, d(2025, 5, 1))  # 0 days
    earlier = f.pathway(a1, d(2024, 12, 1))  # entered before the period: not in the cohort
    f.employer_contact(coach, d(2025, 1, 1), who=earlier.person)
    scope = year_2025(world)

    contact = measures.first_employer_contact(scope)
    assert (contact.cohort, contact.reached) == (4, 3)
    assert contact.median_days == 10  # of 5, 10, 30
    assert contact.mean_days == pytest.approx((5 + 10 + 30) / 3)
    assert contact.within_30_days == Rate(3, 4)

    face = measures.first_employer_contact(scope, face_to_face=True)
    assert (face.reached, face.median_days, face.within_30_days) == (3, 30, Rate(2, 4))  # 5, 40, 30
    assert face.mean_days == pytest.approx((5 + 40 + 30) / 3)

    immersion = measures.first_immersion(scope)
    assert (immersion.reached, immersion.median_days, immersion.mean_days) == (2, 15, 15)  # 10, 20
    assert immersion.within_30_days == Rate(2, 4)

    job = measures.first_job(scope)
    assert (job.reached, job.median_days, job.mean_days) == (3, 30, 30)  # 60, 30, 0
    assert job.within_30_days == Rate(2, 4)


def test_delay_without_anyone_reaching_the_event(world):
    f.pathway(world.a1, d(2025, 3, 1))
    delay = measures.first_job(year_2025(world))
    assert delay == measures.Delay(
        cohort=1, reached=0, median_days=None, mean_days=None, within_30_days=Rate(0, 1)
    )


# --- Employer contacts and caseloads ---------------------------------------------------------------


def test_employer_contacts_per_coach_per_week_and_caseloads(world):
    a1, coach = world.a1, world.users["coach"]
    other = staff(Role.COACH, a1, full_name="Zoé Valette")
    Membership.objects.filter(user=other).update(time_share=50)
    for day, face in ((d(2025, 3, 1), True), (d(2025, 3, 15), False), (d(2025, 3, 31), True)):
        f.employer_contact(coach, day, face_to_face=face)
    f.employer_contact(coach, d(2025, 2, 28))  # before the month
    f.employer_contact(coach, d(2025, 4, 1))  # after it
    f.employer_contact(other, d(2025, 3, 10))
    f.employer_contact(world.users["other_service_coach"], d(2025, 3, 10))  # a coach of A2
    f.employer_contact(world.users["head_of_service"], d(2025, 3, 10))  # not a coach
    f.pathway(a1, d(2025, 1, 10), coach=coach)
    f.pathway(
        a1, d(2025, 2, 1), coach=coach, exit_on=d(2025, 3, 31), outcome=ExitOutcome.OTHER
    )  # current that day
    f.pathway(a1, d(2025, 2, 1), coach=coach, exit_on=d(2025, 3, 30), outcome=ExitOutcome.OTHER)
    f.pathway(world.a2, d(2025, 1, 10), coach=coach)  # another service
    f.pathway(a1, d(2025, 1, 10), coach=other)
    march = Scope(world.org_a.pk, (a1.pk,), d(2025, 3, 1), d(2025, 3, 31))

    contacts = measures.employer_contacts(march)

    weeks = 31 / 7
    assert (contacts.coaches, contacts.total, contacts.face_to_face) == (2, 4, 3)
    assert contacts.weeks == pytest.approx(weeks)
    assert contacts.per_coach_week == pytest.approx(4 / (2 * weeks))
    assert contacts.face_to_face_per_coach_week == pytest.approx(3 / (2 * weeks))
    first, second = contacts.by_coach
    assert (first.coach_id, first.caseload, first.target, first.employer_contacts, first.face_to_face) == (
        coach.pk, 2, 20, 3, 2,
    )  # fmt: skip
    assert (second.coach_id, second.name, second.caseload, second.target) == (other.pk, "Zoé Valette", 1, 10)
    assert first.per_week == pytest.approx(3 / weeks)
    assert second.face_to_face_per_week == pytest.approx(1 / weeks)

    alone = measures.employer_contacts(
        Scope(world.org_a.pk, (a1.pk,), d(2025, 3, 1), d(2025, 3, 31), other.pk)
    )
    assert (alone.coaches, alone.total, alone.face_to_face) == (1, 1, 1)
    assert alone.per_coach_week == pytest.approx(7 / 31)


# --- Jobs ------------------------------------------------------------------------------------------


def test_jobs_started_durable_contract_types_and_hours(world):
    a1 = world.a1
    pathway = f.pathway(a1, d(2024, 12, 1))
    f.job(pathway, d(2025, 1, 10), hours=14)  # CDI: durable
    f.job(pathway, d(2025, 2, 1), contract=ContractType.CDD_LONG, hours=15)  # durable
    f.job(pathway, d(2025, 3, 1), contract=ContractType.CDD_SHORT, hours=24)
    f.job(
        pathway, d(2025, 4, 1), contract=ContractType.TEMPORARY, planned_end=d(2025, 9, 30), hours=25
    )  # 6 months de date à date (1 April to 30 September): durable
    f.job(pathway, d(2025, 4, 1), contract=ContractType.TEMPORARY, planned_end=d(2025, 9, 29), hours=34)
    f.job(pathway, d(2025, 5, 1), contract=ContractType.INSERTION, hours=35)
    f.job(pathway, d(2024, 12, 15))  # started before the period
    f.immersion(pathway, d(2025, 6, 1), d(2025, 6, 10))  # not a job
    outsiders(world)
    scope = year_2025(world)

    assert measures.jobs_started(scope) == 6
    assert measures.durable(scope) == Rate(3, 6)
    assert measures.transition(scope) == Rate(2, 6)  # the short CDD and the mission of 29 September
    assert {c.key: c.count for c in measures.contract_types(scope)} == dict.fromkeys(
        ContractType.values, 0
    ) | {
        "cdi": 1,
        "cdd_long": 1,
        "cdd_short": 1,
        "temporary": 2,
        "insertion": 1,
    }
    assert [(c.key, c.count) for c in measures.hours(scope)] == [
        ("under_15", 1),
        ("15_24", 2),
        ("25_34", 2),
        ("35_plus", 1),
    ]


@pytest.mark.parametrize(
    ("started", "planned_end", "durable"),
    [
        (d(2025, 8, 31), d(2026, 2, 28), True),  # no 31 February: six months end on the 28th
        (d(2025, 8, 31), d(2026, 2, 27), False),
        (d(2023, 8, 31), d(2024, 2, 29), True),  # leap year: 29 February
        (d(2023, 8, 31), d(2024, 2, 28), False),
        (d(2024, 2, 29), d(2024, 8, 28), True),  # the day before 29 August
        (d(2024, 2, 29), d(2024, 8, 27), False),
        (d(2025, 3, 31), d(2025, 9, 30), True),  # 30 September is the last day
        (d(2025, 3, 31), d(2025, 9, 29), False),
        (d(2025, 1, 15), d(2025, 7, 14), True),
        (d(2025, 1, 15), d(2025, 7, 13), False),
        (d(2025, 3, 1), d(2025, 8, 31), True),  # 1 March to 31 August
        (d(2025, 3, 1), d(2025, 8, 30), False),
        (d(2025, 1, 15), d(2026, 1, 1), True),
    ],
)
def test_with_durable_agrees_with_is_durable_on_month_ends(world, started, planned_end, durable):
    pathway = f.pathway(world.a1, d(2023, 1, 1))
    job = f.job(pathway, started, contract=ContractType.TEMPORARY, planned_end=planned_end)
    assert job.is_durable is durable
    assert Placement.objects.with_durable().get(pk=job.pk).durable is durable


def test_with_durable_agrees_with_is_durable_for_every_contract_and_kind(world):
    pathway = f.pathway(world.a1, d(2023, 1, 1))
    jobs = [f.job(pathway, d(2025, 1, 1), contract=contract) for contract in ContractType]
    jobs.append(f.job(pathway, d(2025, 1, 1), contract=ContractType.TEMPORARY))  # no planned end
    jobs.append(f.immersion(pathway, d(2025, 1, 1), d(2025, 1, 20)))
    for kind in CompanyKind:
        jobs.append(
            f.job(pathway, d(2025, 1, 1), company=CompanyFactory(organisation=world.org_a, kind=kind))
        )
    annotated = dict(Placement.objects.with_durable().values_list("pk", "durable"))
    assert {job.pk: job.is_durable for job in jobs} == {job.pk: annotated[job.pk] for job in jobs}
    # CDI, CDD of 6 months or more, tenure, business creation, and CDIs at an ordinary employer
    # and at an EA; a CDI in an ESAT or an SIAE is no exit into employment.
    assert sum(annotated.values()) == 6
    transition = set(
        Placement.objects.filter(PlacementQuerySet.transition_condition()).values_list("pk", flat=True)
    )
    assert {job.pk for job in jobs if job.employment_outcome == "transition"} == transition
    # The short CDD, the subsidised contract, the two missions and the work-study without end.
    assert len(transition) == 5


# --- Retention -------------------------------------------------------------------------------------


def test_retention_counts_the_milestones_that_fell_due_in_the_period(world):
    pathway = f.pathway(world.a1, d(2024, 1, 1))
    jobs = [
        # Milestones fall on the last day of each span, de date à date.
        f.job(pathway, d(2025, 1, 1)),  # r1: 13 w on 1 April, 6 m on 30 June, 12 m on 31 December: kept
        f.job(pathway, d(2024, 12, 1), end=d(2025, 2, 1)),  # r2: lost at 13 w (1 March), 6 m, 12 m (30 Nov)
        f.job(pathway, d(2024, 9, 1)),  # r3: 13 w in 2024; 6 m (28 February) and 12 m (31 August) kept
        f.job(pathway, d(2025, 11, 1)),  # r4: nothing due in 2025
        f.job(pathway, d(2024, 10, 2)),  # r5: 13 w on 31 December 2024 (before); 6 m, 12 m kept
        f.job(
            pathway, d(2024, 8, 31), end=d(2025, 2, 28)
        ),  # r6: 6 m on 28 February (kept, its last day); 12 m (30 August) lost
        f.job(pathway, d(2024, 5, 1), end=d(2025, 4, 30)),  # r7: 12 m on 30 April 2025, its last day: kept
        f.job(pathway, d(2024, 10, 1)),  # r8: 13 w on 30 December 2024, before the period
    ]
    f.immersion(pathway, d(2025, 1, 1), d(2025, 1, 20))  # no milestones
    outsiders(world)
    scope = year_2025(world)

    figures = {r.key: r.rate for r in measures.retention(scope)}

    assert figures == {"13_weeks": Rate(1, 2), "6_months": Rate(5, 6), "12_months": Rate(5, 7)}
    # The same, read job by job with the follow-along's own rule.
    for span in SPANS:
        due = [
            m
            for job in jobs
            for m in milestones(job, scope.as_of)
            if m.key == span.key and scope.start <= m.due_on <= scope.as_of
        ]
        kept = [m for m in due if m.status == KEPT]
        assert all(m.status in (KEPT, LOST) for m in due)
        assert figures[span.key] == Rate(len(kept), len(due))


# --- Breakdowns ------------------------------------------------------------------------------------


def test_breakdowns_by_every_dimension(world):
    a1, a2, coach = world.a1, world.a2, world.users["coach"]
    Service.objects.filter(pk=a2.pk).update(programme_type=ProgrammeType.MINIMUM_INCOME)
    other = staff(Role.COACH, a1, full_name="Zoé Valette")
    young = f.pathway(
        a1, d(2025, 3, 9), coach=coach, who=f.person(world.org_a, born=d(1999, 3, 10)),
        receives_rsa=True, receives_aah=True, education_level="3",
    )  # fmt: skip
    f.job(young, d(2025, 5, 1))
    f.pathway(
        a1, d(2025, 3, 10), coach=coach, who=f.person(world.org_a, born=d(1999, 3, 10), sex="male"),
        rqth_status=RqthStatus.REQUESTED,
    )  # fmt: skip  # 26 on the day of entry
    fifty = f.pathway(
        a1, d(2025, 1, 1), who=f.person(world.org_a, born=d(1975, 1, 1), sex=""),
        status=EmploymentStatus.AT_RISK, rqth_status=RqthStatus.NONE, receives_unemployment_benefit=True,
    )  # fmt: skip
    f.job(fifty, d(2020, 1, 1))
    f.pathway(
        a1, d(2024, 6, 1), coach=other, situation=False, exit_on=d(2025, 2, 1), outcome=ExitOutcome.OTHER
    )
    f.pathway(a2, d(2025, 4, 1), coach=world.users["other_service_coach"])
    f.pathway(world.b1, d(2025, 4, 1))  # another organisation
    scope = year_2025(world, a1, a2)

    def rows(dimension):
        result = measures.breakdown(scope, dimension)
        assert result.dimension == dimension
        return {r.key: (r.supported, r.entries, r.exits, r.employed, r.employment_rate) for r in result.rows}

    assert rows("age_band") == {
        "under_26": (1, 1, 0, 1, Rate(1, 1)),  # 25 the day before the 26th birthday
        "26_49": (3, 2, 1, 0, Rate(0, 2)),
        "50_plus": (1, 1, 0, 1, Rate(0, 0)),  # in work at entry: not in the IPS cohort
    }
    assert {k: v[0] for k, v in rows("sex").items()} == {"female": 3, "male": 1, "other": 0, "unknown": 1}
    assert {k: v[0] for k, v in rows("rqth").items()} == {
        "none": 1,
        "requested": 1,
        "granted": 2,
        "unknown": 1,
    }
    # Two benefits: two rows.
    assert {k: v[0] for k, v in rows("benefits").items()} == {
        "rsa": 1,
        "aah": 1,
        "are": 1,
        "none": 2,
        "unknown": 1,
    }
    education = {k: v[0] for k, v in rows("education").items()}
    assert (education["3"], education["4"], education["unknown"], sum(education.values())) == (1, 3, 1, 5)
    programme = {k: v[0] for k, v in rows("programme").items()}
    assert (programme["supported_employment"], programme["minimum_income"], sum(programme.values())) == (
        4,
        1,
        5,
    )
    services = measures.breakdown(scope, "service").rows
    assert [(r.label, r.supported) for r in services] == [("A1", 4), ("A2", 1)]
    coaches = measures.breakdown(scope, "coach").rows
    # Ordered by name (the database's collation), without a coach last.
    assert sorted((r.label, r.supported) for r in coaches[:-1]) == sorted(
        [(coach.full_name, 2), ("Zoé Valette", 1), (world.users["other_service_coach"].full_name, 1)]
    )
    assert (coaches[-1].key, coaches[-1].label, coaches[-1].supported) == (
        "unknown",
        "Sans job coach référent·e",
        1,
    )


def test_breakdown_refuses_an_unknown_dimension(world):
    with pytest.raises(ValueError):
        measures.breakdown(year_2025(world), "shoe_size")


# --- Scope: coach, services, organisations ---------------------------------------------------------


def test_a_coach_scope_counts_only_the_pathways_they_lead(world):
    coach, other = world.users["coach"], staff(Role.COACH, world.a1)
    mine = f.pathway(world.a1, d(2025, 2, 1), coach=coach)
    f.job(mine, d(2025, 3, 1))
    f.pathway(world.a1, d(2025, 2, 1), coach=coach)
    theirs = f.pathway(world.a1, d(2025, 2, 1), coach=other)
    f.job(theirs, d(2025, 3, 1))
    f.job(theirs, d(2025, 4, 1))
    scope = year_2025(world, coach=coach)
    assert measures.entry_cohort_rate(scope) == Rate(1, 2)
    assert measures.flows(scope).entries == 2
    assert measures.jobs_started(scope) == 1
    assert measures.entry_cohort_rate(year_2025(world)) == Rate(2, 3)


def test_services_outside_the_scope_and_other_organisations_are_never_counted(world):
    outsiders(world)
    for service, coach in ((world.a2, "other_service_coach"), (world.b1, "other_org_coach")):
        pathway = f.pathway(service, d(2025, 3, 1), exit_on=d(2025, 6, 1), outcome=ExitOutcome.OTHER)
        f.employer_contact(world.users[coach], d(2025, 3, 5), who=pathway.person)
    summary = measures.summary(year_2025(world))
    assert (summary.flows.supported, summary.flows.entries, summary.flows.exits) == (0, 0, 0)
    assert (summary.entry_cohort_rate, summary.jobs_started, summary.employer_contacts.total) == (
        Rate(0, 0),
        0,
        0,
    )
    assert all(q.rate == Rate(0, 0) for q in summary.ips_quarters)
    assert summary.first_employer_contact.cohort == 0
    assert all(r.rate == Rate(0, 0) for r in summary.retention)
    # The scope of A2 sees its own.
    a2 = measures.summary(year_2025(world, world.a2))
    assert (a2.flows.supported, a2.entry_cohort_rate) == (2, Rate(1, 2))


def test_a_scope_without_services_counts_nothing(world):
    f.pathway(world.a1, d(2025, 3, 1))
    summary = measures.summary(Scope.of([], periods.year(2025)))
    assert (summary.flows.supported, summary.entry_cohort_rate, summary.employer_contacts.coaches) == (
        0,
        Rate(0, 0),
        0,
    )
    assert all(row.supported == 0 for breakdown in summary.breakdowns for row in breakdown.rows)


def test_period_boundaries_are_inclusive(world):
    for entry in (d(2024, 12, 31), d(2025, 1, 1), d(2025, 12, 31), d(2026, 1, 1)):
        f.pathway(world.a1, entry)
    for exit_on in (d(2024, 12, 31), d(2025, 1, 1), d(2025, 12, 31)):
        f.pathway(world.a1, d(2024, 6, 1), exit_on=exit_on, outcome=ExitOutcome.OTHER)
    flows = measures.flows(year_2025(world))
    assert (flows.entries, flows.exits) == (2, 2)
    assert flows.supported == 1 + 2 + 2  # 31 Dec 2024 (still in), the two entries, the two exits


# --- Trend -----------------------------------------------------------------------------------------


def test_trend_month_by_month(world):
    a1, coach = world.a1, world.users["coach"]
    jan = f.pathway(a1, d(2025, 1, 5), coach=coach)
    f.job(jan, d(2025, 2, 10))
    f.pathway(a1, d(2025, 1, 20), coach=coach, exit_on=d(2025, 3, 3), outcome=ExitOutcome.MOVED)
    f.pathway(a1, d(2025, 3, 31), coach=coach)
    for day in (d(2025, 1, 31), d(2025, 3, 1), d(2025, 3, 31), d(2025, 4, 1)):
        f.employer_contact(coach, day)
    quarter = Scope(world.org_a.pk, (a1.pk,), d(2025, 1, 1), d(2025, 3, 31))

    points = measures.trend(quarter)

    assert [p.period.key for p in points] == ["2025-01", "2025-02", "2025-03"]
    assert [(p.entries, p.exits, p.employer_contacts) for p in points] == [(2, 0, 1), (0, 0, 0), (1, 1, 2)]
    # On 31 January 2 current, none working; 28 February 2, jan working; 31 March: jan and the
    # one entered that day, jan working.
    assert [p.working for p in points] == [Rate(0, 2), Rate(1, 2), Rate(1, 2)]


def test_trend_stops_at_today(world):
    today = timezone.localdate()
    scope = Scope.of([world.a1], periods.span(today - timedelta(days=40), today + timedelta(days=100)))
    points = measures.trend(scope)
    assert points[-1].period.start <= today < points[-1].period.end + timedelta(days=1)
    assert all(p.period.start <= today for p in points)


def test_trend_refuses_an_unknown_step(world):
    with pytest.raises(ValueError):
        measures.trend(year_2025(world), by="week")


# --- Query counts (the fidelity evidence itself: test_fidelity_evidence.py) ------------------------


def _family(world, index: int):
    """A few pathways with everything the measures read: jobs, an immersion, a suspension, an
    exit, employer and follow-along contacts, meetings, one without a situation at entry."""
    a1, coach = world.a1, world.users["coach"]
    offset = timedelta(days=index)
    entered = f.pathway(a1, d(2025, 1, 10) + offset, d(2025, 1, 20) + offset, coach=coach)
    job = f.job(entered, d(2025, 3, 1) + offset, contract=ContractType.TEMPORARY, planned_end=d(2025, 12, 1))
    f.immersion(entered, d(2025, 2, 1) + offset, d(2025, 2, 10) + offset)
    f.support(job, d(2025, 12, 10), by=coach)
    f.employer_contact(coach, d(2025, 2, 1) + offset, who=entered.person)
    f.meeting(entered, d(2025, 12, 15), kind=MeetingKind.WORKPLACE)
    left = f.pathway(
        a1, d(2024, 6, 1) + offset, exit_on=d(2025, 5, 1) + offset, outcome=ExitOutcome.REORIENTATION_EA
    )
    f.suspension(left, d(2024, 9, 1), d(2024, 9, 30))
    f.job(left, d(2024, 7, 1), end=d(2025, 4, 1))
    f.pathway(a1, d(2025, 4, 1) + offset, situation=False, coach=coach)


def _queries(scope) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        measures.summary(scope)
        measures.trend(scope)
        measures.fidelity_evidence(scope)
    return len(captured.captured_queries)


def test_summary_trend_and_evidence_cost_the_same_queries_for_three_times_the_data(
    world, django_assert_max_num_queries
):
    scope = year_2025(world)
    _family(world, 0)
    small = _queries(scope)
    _family(world, 1)
    _family(world, 2)
    assert measures.flows(scope).supported == 9
    assert _queries(scope) == small
    with django_assert_max_num_queries(30):
        measures.summary(scope)


def test_a_re_enrolled_person_has_each_pathway_timed_from_its_own_entry(world):
    coach, who = world.users["coach"], f.person(world.org_a)
    first = f.pathway(world.a1, d(2025, 1, 1), who=who, exit_on=d(2025, 2, 28), outcome=ExitOutcome.WITHDREW)
    f.employer_contact(coach, d(2025, 1, 11), who=who)  # 10 days into the first pathway
    second = f.pathway(world.a1, d(2025, 6, 1), who=who)
    f.employer_contact(coach, d(2025, 6, 21), who=who)  # 20 days into the second
    delay = measures.first_employer_contact(year_2025(world))
    assert (delay.cohort, delay.reached, delay.median_days, delay.mean_days) == (2, 2, 15, 15)
    assert set(measures.pathways(year_2025(world)).filter(person=who).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_the_summary_holds_the_single_measures(world):
    _family(world, 0)
    scope = year_2025(world)
    summary = measures.summary(scope)
    assert summary.flows == measures.flows(scope)
    assert summary.entry_cohort_rate == measures.entry_cohort_rate(scope)
    assert summary.ips_quarters == measures.ips_quarterly_rates(scope)
    assert summary.served_working == measures.served_and_working(scope, scope.start, scope.as_of)
    assert summary.working_now == measures.working_now(scope)
    assert summary.first_face_to_face_employer_contact == measures.first_employer_contact(
        scope, face_to_face=True
    )
    assert (summary.first_immersion, summary.first_job) == (
        measures.first_immersion(scope),
        measures.first_job(scope),
    )
    assert summary.employer_contacts == measures.employer_contacts(scope)
    assert (summary.jobs_started, summary.durable, summary.transition) == (
        measures.jobs_started(scope),
        measures.durable(scope),
        measures.transition(scope),
    )
    assert (summary.contract_types, summary.hours) == (measures.contract_types(scope), measures.hours(scope))
    assert summary.retention == measures.retention(scope)
    assert summary.breakdowns == [measures.breakdown(scope, dimension) for dimension in measures.DIMENSIONS]
    assert [b.dimension for b in summary.breakdowns] == list(measures.DIMENSIONS)
    # Every service of the scope has its row, even without anyone.
    both = measures.breakdown(year_2025(world, world.a1, world.a2), "service").rows
    assert [(r.label, r.supported) for r in both] == [("A1", 3), ("A2", 0)]


def test_people_supported_current_and_active_count_a_person_once_and_entries_count_pathways(world):
    who = f.person(world.org_a)
    first = f.pathway(world.a1, d(2025, 1, 1), who=who, exit_on=d(2025, 3, 31), outcome=ExitOutcome.MOVED)
    again = f.pathway(world.a1, d(2025, 6, 1), who=who)
    elsewhere = f.pathway(world.a2, d(2025, 7, 1), who=who)
    f.meeting(again, d(2025, 12, 20))
    f.meeting(elsewhere, d(2025, 12, 21))
    flows = measures.flows(year_2025(world, world.a1, world.a2))
    assert (flows.supported, flows.current, flows.active) == (1, 1, Rate(1, 1))
    assert (flows.entries, flows.exits) == (3, 1)
    assert first.person_id == again.person_id == elsewhere.person_id
