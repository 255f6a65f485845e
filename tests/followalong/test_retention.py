from datetime import date, timedelta

import pytest

from filrouge.followalong import retention
from filrouge.followalong.retention import KEPT, LOST, PENDING, SPANS, milestones
from filrouge.placements.models import EndReason, Placement, PlacementKind
from tests.employers.factories import CompanyFactory
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory

# De date à date (first day included): 13 weeks end on 15 April 2025 (91 days); 6 months on
# 14 July 2025; 12 months on 14 January 2026.
START = date(2025, 1, 15)
ON = date(2026, 6, 1)


def job(started_on=START, ended_on=None, kind=PlacementKind.EMPLOYMENT):
    return Placement(kind=kind, started_on=started_on, ended_on=ended_on)


def statuses(placement, on=ON):
    return [m.status for m in milestones(placement, on)]


def test_the_three_milestones_fall_on_the_last_day_of_13_weeks_6_months_and_12_months():
    found = milestones(job(), ON)
    assert [(m.key, str(m.label), m.due_on) for m in found] == [
        ("13_weeks", "13 semaines", date(2025, 4, 15)),
        ("6_months", "6 mois", date(2025, 7, 14)),
        ("12_months", "12 mois", date(2026, 1, 14)),
    ]


def test_thirteen_weeks_from_a_monday_end_on_the_sunday_thirteen_weeks_later():
    monday = date(2025, 3, 3)
    due = milestones(job(started_on=monday), ON)[0].due_on
    assert due == date(2025, 6, 1) and due.isoweekday() == 7 and (due - monday).days + 1 == 91


def test_six_months_from_the_first_of_march_end_on_the_31st_of_august():
    assert milestones(job(started_on=date(2025, 3, 1)), ON)[1].due_on == date(2025, 8, 31)


@pytest.mark.parametrize(
    ("started_on", "ended_on", "expected"),
    [
        (START, None, [KEPT, KEPT, KEPT]),  # still in the job after a year and more
        (START, date(2025, 3, 15), [LOST, LOST, LOST]),  # left after two months
        (START, date(2025, 5, 2), [KEPT, LOST, LOST]),  # past 13 weeks, not 6 months
        (START, date(2026, 1, 20), [KEPT, KEPT, KEPT]),  # kept a year, ended after
        (ON - timedelta(days=20), None, [PENDING, PENDING, PENDING]),  # began three weeks ago
        (ON - timedelta(days=100), None, [KEPT, PENDING, PENDING]),
        (
            ON - timedelta(days=100),
            ON - timedelta(days=50),
            [LOST, LOST, LOST],
        ),  # ended, future milestones lost
    ],
)
def test_each_milestone_is_kept_lost_or_pending(started_on, ended_on, expected):
    assert statuses(job(started_on, ended_on)) == expected


def test_a_job_ending_on_the_milestone_day_keeps_it_and_the_day_before_loses_it():
    # Ending on the 13 weeks' last day, the person held the job the whole 13 weeks.
    assert statuses(job(ended_on=date(2025, 4, 15))) == [KEPT, LOST, LOST]
    assert statuses(job(ended_on=date(2025, 4, 14))) == [LOST, LOST, LOST]
    assert statuses(job(ended_on=date(2025, 7, 14))) == [KEPT, KEPT, LOST]
    assert statuses(job(ended_on=date(2025, 7, 13))) == [KEPT, LOST, LOST]


def test_a_milestone_is_reached_on_its_due_date_not_the_day_before():
    assert statuses(job(), on=date(2025, 4, 15))[0] == KEPT
    assert statuses(job(), on=date(2025, 4, 14))[0] == PENDING


def test_months_end_on_the_last_day_of_a_shorter_month():
    # 31 August: February has no 31st, so six months end on its last day (29th in a leap year).
    assert milestones(job(started_on=date(2025, 8, 31)), ON)[1].due_on == date(2026, 2, 28)
    assert milestones(job(started_on=date(2023, 8, 31)), ON)[1].due_on == date(2024, 2, 29)
    assert milestones(job(started_on=date(2025, 8, 28)), ON)[1].due_on == date(2026, 2, 27)
    # 29 February + 12 months: no 29 February in 2025, the year ends on the 28th.
    assert milestones(job(started_on=date(2024, 2, 29)), ON)[2].due_on == date(2025, 2, 28)


def test_only_jobs_have_milestones():
    assert milestones(job(kind=PlacementKind.IMMERSION), ON) == []
    assert milestones(job(kind=PlacementKind.INTERNSHIP), ON) == []


def test_the_latest_start_due_by_a_day_agrees_with_the_due_dates():
    day, end = date(2023, 12, 1), date(2025, 4, 1)
    while day < end:
        for span in SPANS:
            latest = retention.latest_start_due_by(span, day)
            assert span.due_on(latest) <= day < span.due_on(latest + timedelta(days=1)), (span.key, day)
        day += timedelta(days=1)


# --- The database agrees with the Python rule --------------------------------------------------

STARTS = [
    date(2025, 8, 28),
    date(2025, 8, 30),
    date(2025, 8, 31),
    date(2024, 2, 29),
    date(2023, 12, 31),
    date(2025, 1, 31),
    date(2025, 3, 31),
    date(2024, 5, 15),
]


def ends_around(started_on):
    """No end, and the days around each milestone (and the last day of its month)."""
    ends = {None}
    for span in SPANS:
        due = span.due_on(started_on)
        month_end = (due.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        ends |= {due - timedelta(days=1), due, due + timedelta(days=1), month_end}
    return sorted(ends, key=lambda d: d or date.max)


@pytest.mark.django_db
def test_the_database_computes_the_same_statuses_as_the_python_rule():
    service = ServiceFactory()
    enrolment = enrol(service)
    company = CompanyFactory(organisation=service.organisation)
    expected = {}
    for started_on in STARTS:
        for ended_on in ends_around(started_on):
            end = {"ended_on": ended_on, "end_reason": EndReason.RESIGNATION} if ended_on else {}
            placement = PlacementFactory(enrolment=enrolment, company=company, started_on=started_on, **end)
            expected[placement.pk] = placement
    PlacementFactory(enrolment=enrolment, company=company, kind=PlacementKind.INTERNSHIP, contract_type="")
    placements = Placement.objects.filter(enrolment=enrolment)
    for on in (date(2024, 8, 29), date(2025, 2, 28), date(2026, 2, 27), date(2026, 2, 28), date(2026, 9, 1)):
        for index, span in enumerate(SPANS):
            found = dict(retention.with_retention(placements, span, on).values_list("pk", "retention_status"))
            wanted = {pk: milestones(p, on)[index].status for pk, p in expected.items()}
            assert found == wanted, (span.key, on)
            assert set(retention.retained_at(placements, span, on).values_list("pk", flat=True)) == {
                pk for pk, status in wanted.items() if status == KEPT
            }
            assert set(retention.due_by(placements, span, on).values_list("pk", flat=True)) == {
                pk for pk, status in wanted.items() if status != PENDING
            }


@pytest.mark.django_db
def test_retention_counts_cost_one_query_whatever_the_number_of_jobs(django_assert_num_queries):
    service = ServiceFactory()
    company = CompanyFactory(organisation=service.organisation)
    for _ in range(3):
        PlacementFactory(enrolment=enrol(service), company=company, started_on=date(2025, 1, 1))
    placements = Placement.objects.all()
    with django_assert_num_queries(1):
        assert retention.retained_at(placements, retention.SIX_MONTHS, ON).count() == 3
