"""The employment rates, on hand-built data sets whose figures are worked out in each test from the
published definitions (docs/measures.md, "Employment"). Service A1 of the `world` fixture, in
2024–2025; a pathway of service A2 and one of organisation B sit beside them and never count."""

from datetime import date, timedelta

from filrouge.employers.models import CompanyKind
from filrouge.organisations.models import Role
from filrouge.outcomes import measures
from filrouge.outcomes.measures import Rate, Scope
from filrouge.pathways.models import EmploymentStatus, ExitOutcome
from filrouge.referentials.models import ContractType
from tests.accounts.factories import staff
from tests.employers.factories import CompanyFactory
from tests.organisations.factories import ServiceFactory
from tests.outcomes import factories as f

d = date


def scope_of(world, start, end, *services, coach=None) -> Scope:
    ids = tuple(sorted(s.pk for s in services or (world.a1,)))
    return Scope(world.org_a.pk, ids, start, end, coach_id=coach.pk if coach else None)


def outsiders(world):
    """A pathway of service A2 and one of organisation B, out of work at entry, each in a job."""
    for service in (world.a2, world.b1):
        f.job(f.pathway(service, d(2024, 12, 1)), d(2025, 1, 10))


def company(world, kind):
    return CompanyFactory(organisation=world.org_a, kind=kind)


# --- The IPS quarterly employment rate ---------------------------------------------------------


def quarterly_set(world, coach):
    a1 = world.a1
    in_job_on_the_last_day = f.pathway(a1, d(2024, 10, 1), coach=coach)
    f.job(in_job_on_the_last_day, d(2025, 3, 31))
    job_in_april = f.pathway(a1, d(2025, 1, 15), coach=coach)
    f.job(job_in_april, d(2025, 4, 1))
    open_one_day = f.pathway(a1, d(2024, 6, 1), exit_on=d(2025, 1, 1), outcome=ExitOutcome.WITHDREW)
    f.job(open_one_day, d(2024, 7, 1), end=d(2024, 12, 31))
    f.pathway(a1, d(2024, 6, 1), exit_on=d(2024, 12, 31), outcome=ExitOutcome.WITHDREW)  # never served
    back_again = f.person(world.org_a)
    f.pathway(a1, d(2024, 5, 1), who=back_again, exit_on=d(2025, 1, 20), outcome=ExitOutcome.MOVED)
    f.job(f.pathway(a1, d(2025, 3, 1), who=back_again), d(2025, 3, 15))
    adapted = f.pathway(a1, d(2025, 1, 5))
    f.job(adapted, d(2025, 2, 1), company=company(world, CompanyKind.ADAPTED))
    insertion = f.pathway(a1, d(2025, 1, 5))
    f.job(insertion, d(2025, 2, 1), contract=ContractType.INSERTION, planned_end=d(2025, 12, 31))
    immersion = f.pathway(a1, d(2025, 1, 5))
    f.immersion(immersion, d(2025, 2, 3), d(2025, 2, 14))
    job_before_entry = f.pathway(a1, d(2025, 2, 1), status=EmploymentStatus.AT_RISK)
    f.job(job_before_entry, d(2024, 1, 1))
    outsiders(world)


def test_the_quarterly_rate_counts_people_served_in_the_quarter_who_worked_in_it(world):
    coach = world.users["coach"]
    quarterly_set(world, coach)
    quarters = measures.ips_quarterly_rates(scope_of(world, d(2025, 1, 1), d(2025, 12, 31)))
    # Q1 served: in_job_on_the_last_day, job_in_april, open_one_day (exits on 1 January),
    # back_again (once, two pathways), adapted, insertion, immersion, job_before_entry = 8.
    # Worked in a competitive job: in_job_on_the_last_day (31 March), back_again,
    # job_before_entry (a job held, whenever it began) = 3. An EA job, an insertion contract
    # and an immersion are not competitive employment.
    # Q2 to Q4: open_one_day has gone (7 served); job_in_april now works (4).
    assert [(q.period.key, q.rate, q.complete) for q in quarters] == [
        ("2025-T1", Rate(3, 8), True),
        ("2025-T2", Rate(4, 7), True),
        ("2025-T3", Rate(4, 7), True),
        ("2025-T4", Rate(4, 7), True),
    ]


def test_the_quarterly_rate_of_one_coach_and_of_the_organisation(world):
    coach = world.users["coach"]
    quarterly_set(world, coach)
    q1 = (d(2025, 1, 1), d(2025, 3, 31))
    assert measures.ips_quarterly_rates(scope_of(world, *q1, coach=coach))[0].rate == Rate(1, 2)
    # The organisation: A1's 8 people, and A2's pathway (served, in a job since 10 January).
    organisation = scope_of(world, *q1, world.a1, world.a2)
    assert measures.ips_quarterly_rates(organisation)[0].rate == Rate(4, 9)


def test_the_quarterly_rate_service_by_service_and_coach_by_coach(world):
    coach = world.users["coach"]
    quarterly_set(world, coach)
    year = scope_of(world, d(2025, 1, 1), d(2025, 12, 31), world.a1, world.a2)
    summary = measures.summary(year)
    # A1: the 8 people of Q1 (3 worked); A2: its one pathway, in a job from 10 January.
    assert [(g.label, g.quarters[0].rate) for g in summary.ips_by_service] == [
        ("A1", Rate(3, 8)),
        ("A2", Rate(1, 1)),
    ]
    by_coach = {g.label: [q.rate for q in g.quarters] for g in summary.ips_by_coach}
    assert by_coach[coach.full_name] == [Rate(1, 2), Rate(2, 2), Rate(2, 2), Rate(2, 2)]
    assert by_coach["Sans job coach référent·e"][0] == Rate(3, 7)  # the other 6 of A1 and A2's one
    # The groups' rates are the single scopes' own.
    assert summary.ips_by_service[0].quarters == measures.ips_quarterly_rates(
        scope_of(world, year.start, year.end)
    )


def test_a_person_followed_by_two_services_counts_once(world):
    both = f.person(world.org_a)
    f.job(f.pathway(world.a1, d(2025, 1, 1), who=both), d(2025, 2, 1))
    f.pathway(world.a2, d(2025, 1, 1), who=both)
    q1 = scope_of(world, d(2025, 1, 1), d(2025, 3, 31), world.a1, world.a2)
    assert measures.ips_quarterly_rates(q1)[0].rate == Rate(1, 1)
    # Seen from A2 alone: served there, and the job recorded in A1 is still the person's job.
    assert measures.ips_quarterly_rates(scope_of(world, d(2025, 1, 1), d(2025, 3, 31), world.a2))[
        0
    ].rate == Rate(1, 1)


def test_a_period_cut_inside_a_quarter_gives_a_partial_quarter_never_shown_beside_a_benchmark(world):
    f.job(f.pathway(world.a1, d(2025, 1, 1)), d(2025, 5, 20))
    quarters = measures.ips_quarterly_rates(scope_of(world, d(2025, 2, 15), d(2025, 5, 10)))
    assert [(q.period.start, q.period.end, q.complete) for q in quarters] == [
        (d(2025, 2, 15), d(2025, 3, 31), False),
        (d(2025, 4, 1), d(2025, 5, 10), False),
    ]
    assert [q.rate for q in quarters] == [Rate(0, 1), Rate(0, 1)]


def test_the_running_quarter_is_partial_up_to_today(world):
    today = date.today()
    f.pathway(world.a1, today - timedelta(days=400))
    quarters = measures.ips_quarterly_rates(scope_of(world, d(today.year, 1, 1), d(today.year, 12, 31)))
    assert quarters[-1].period.end == min(today, d(today.year, 12, 31))
    assert all(q.complete for q in quarters[:-1])


def test_the_benchmarks_name_their_source_and_stand_only_beside_their_own_figure():
    quarterly = measures.benchmarks_for("ips_quarterly")
    assert [(b.key, b.value) for b in quarterly] == [("ips_average", 0.41), ("ips_excellent", 0.50)]
    assert [(b.key, b.value) for b in measures.benchmarks_for("served_working_year")] == [
        ("french_service", 0.50)
    ]
    assert all(str(b.source) for b in measures.BENCHMARKS)


def test_the_yearly_figure_is_the_people_served_in_the_year_who_worked_in_it(world):
    quarterly_set(world, world.users["coach"])
    year = scope_of(world, d(2025, 1, 1), d(2025, 12, 31))
    # Served in 2025: the 8 of Q1; worked: the 4 of Q2.
    assert measures.served_and_working(year, year.start, year.as_of) == Rate(4, 8)
    assert measures.is_whole_year(year)
    assert measures.is_whole_year(scope_of(world, d(2024, 3, 1), d(2025, 2, 28)))
    assert not measures.is_whole_year(scope_of(world, d(2025, 1, 1), d(2025, 6, 30)))


# --- The entry-cohort rate ---------------------------------------------------------------------


def test_the_entry_cohort_rate_counts_people_who_moved_into_a_competitive_job(world):
    a1 = world.a1
    f.job(f.pathway(a1, d(2025, 1, 10)), d(2025, 1, 10))  # began on the entry day: not an outcome
    f.job(f.pathway(a1, d(2025, 1, 10)), d(2025, 1, 11))  # the day after: moved into work
    f.job(f.pathway(a1, d(2025, 2, 1), status=EmploymentStatus.AT_RISK), d(2025, 3, 1))  # not in the cohort
    f.job(f.pathway(a1, d(2025, 3, 1)), d(2024, 6, 1))  # a job running at entry: not a move
    back_again = f.person(world.org_a)
    f.pathway(a1, d(2025, 1, 5), who=back_again, exit_on=d(2025, 2, 28), outcome=ExitOutcome.WITHDREW)
    f.job(f.pathway(a1, d(2025, 6, 1), who=back_again), d(2025, 7, 1))  # one person, moved into work
    f.job(f.pathway(a1, d(2024, 3, 1)), d(2025, 2, 1))  # entered before the period
    esat_worker = f.pathway(a1, d(2025, 4, 1), status=EmploymentStatus.ESAT_WORKER)
    f.job(esat_worker, d(2025, 5, 1), company=company(world, CompanyKind.ACI))  # an SIAE: not competitive
    never_worked = f.pathway(a1, d(2025, 5, 1), status=EmploymentStatus.NEVER_WORKED)
    f.job(never_worked, d(2025, 6, 1), company=company(world, CompanyKind.ADAPTED))  # an EA: not competitive
    f.pathway(a1, d(2025, 6, 1), situation=False)  # no situation at entry: in no cohort
    outsiders(world)
    # Cohort: the two entered on 10 January, the job running at entry, back_again (once),
    # the ESAT worker and the one who never worked = 6. Moved into work: the day after, back_again = 2.
    assert measures.entry_cohort_rate(scope_of(world, d(2025, 1, 1), d(2025, 12, 31))) == Rate(2, 6)


def test_a_job_found_in_another_pathway_within_twelve_months_counts(world):
    back_again = f.person(world.org_a)
    f.pathway(world.a1, d(2025, 1, 5), who=back_again, exit_on=d(2025, 2, 28), outcome=ExitOutcome.WITHDREW)
    # Back in at work already (not in the cohort through this pathway): the job began on
    # 1 June, within 12 months of the first entry.
    later = f.pathway(world.a1, d(2025, 6, 2), who=back_again, status=EmploymentStatus.AT_RISK)
    f.job(later, d(2025, 6, 1))
    assert measures.entry_cohort_rate(scope_of(world, d(2025, 1, 1), d(2025, 12, 31))) == Rate(1, 1)


def test_the_entry_cohort_rate_looks_twelve_months_de_date_a_date(world):
    a1 = world.a1
    f.job(
        f.pathway(a1, d(2024, 2, 29)), d(2025, 2, 28)
    )  # 12 months from 29 February 2024 end on 28 February 2025
    f.job(f.pathway(a1, d(2024, 3, 1)), d(2025, 2, 28))  # 12 months from 1 March end on 28 February: in
    f.job(f.pathway(a1, d(2024, 3, 1)), d(2025, 3, 1))  # a day late
    f.job(f.pathway(a1, d(2024, 8, 31)), d(2025, 8, 30))  # 12 months from 31 August end on 30 August: in
    f.job(f.pathway(a1, d(2024, 8, 31)), d(2025, 8, 31))  # a day late
    two_years = scope_of(world, d(2024, 1, 1), d(2025, 12, 31))
    assert measures.entry_cohort_rate(two_years) == Rate(3, 5)
    # Up to as_of only: on 31 December 2024 none of those jobs had begun.
    assert measures.entry_cohort_rate(scope_of(world, d(2024, 1, 1), d(2024, 12, 31))) == Rate(0, 5)


def test_a_half_time_coach_scope_and_another_organisation_change_nothing_in_the_definitions(world):
    half_time = staff(Role.COACH, world.a1)
    half_time.memberships.update(time_share=50)
    f.job(f.pathway(world.a1, d(2025, 1, 10), coach=half_time), d(2025, 2, 1))
    f.pathway(world.a1, d(2025, 1, 10), coach=half_time)
    other = ServiceFactory(organisation=world.org_b)
    f.job(f.pathway(other, d(2025, 1, 10)), d(2025, 2, 1))
    scope = scope_of(world, d(2025, 1, 1), d(2025, 12, 31), coach=half_time)
    assert measures.entry_cohort_rate(scope) == Rate(1, 2)
    assert measures.ips_quarterly_rates(scope)[0].rate == Rate(1, 2)
