"""The "de date à date" convention: hand-computed spans, and the database agreeing with Python."""

from datetime import date, timedelta

import pytest
from django.db.models import BooleanField, ExpressionWrapper

from filrouge.core.dates import add_months, span_end, span_reached, span_restart, within_span
from filrouge.placements.models import Placement
from tests.employers.factories import CompanyFactory
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory

d = date


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(d(2026, 1, 31), 1) == d(2026, 2, 28)
    assert add_months(d(2026, 11, 15), 12) == d(2027, 11, 15)
    assert add_months(d(2026, 3, 31), -1) == d(2026, 2, 28)


@pytest.mark.parametrize(
    ("start", "span", "end"),
    [
        (d(2026, 3, 1), {"months": 6}, d(2026, 8, 31)),  # a 6-month contract from 1 March
        (d(2026, 3, 3), {"months": 1}, d(2026, 4, 2)),  # a one-month immersion from 3 March
        (d(2026, 3, 2), {"weeks": 13}, d(2026, 5, 31)),  # Monday to the Sunday 13 weeks later
        (d(2026, 3, 2), {"days": 91}, d(2026, 5, 31)),
        (d(2025, 1, 31), {"months": 1}, d(2025, 2, 28)),  # no 31 February: its last day
        (d(2024, 1, 31), {"months": 1}, d(2024, 2, 29)),  # leap year
        (d(2024, 1, 30), {"months": 1}, d(2024, 2, 29)),
        (d(2024, 1, 29), {"months": 1}, d(2024, 2, 28)),  # 29 February exists in 2024
        (d(2025, 1, 29), {"months": 1}, d(2025, 2, 28)),
        (d(2025, 1, 28), {"months": 1}, d(2025, 2, 27)),
        (d(2025, 8, 31), {"months": 6}, d(2026, 2, 28)),
        (d(2025, 3, 31), {"months": 6}, d(2025, 9, 30)),
        (d(2024, 2, 29), {"months": 12}, d(2025, 2, 28)),
        (d(2025, 12, 1), {"months": 1}, d(2025, 12, 31)),
        (d(2025, 12, 15), {"months": 12}, d(2026, 12, 14)),
        (d(2026, 1, 15), {"days": 1}, d(2026, 1, 15)),  # one day: the first is the last
    ],
)
def test_span_end_counts_de_date_a_date(start, span, end):
    assert span_end(start, **span) == end
    assert span_restart(start, **span) == end + timedelta(days=1)


def test_span_ends_never_go_back_as_the_start_moves_on():
    day = d(2023, 1, 1)
    while day < d(2025, 1, 1):
        for months in (1, 6, 12):
            assert span_end(day, months=months) <= span_end(day + timedelta(days=1), months=months)
        day += timedelta(days=1)


# Every start of two month-end seasons and a leap February, each with ends around its span's end.
STARTS = [
    *(d(2023, 12, 24) + timedelta(days=n) for n in range(72)),  # to 5 March 2024
    *(d(2025, 8, 24) + timedelta(days=n) for n in range(12)),
    *(d(2025, 1, 24) + timedelta(days=n) for n in range(12)),
]
SPANS = ({"months": 1}, {"months": 6}, {"months": 12}, {"days": 91})


@pytest.mark.django_db
def test_the_database_reads_spans_as_python_does():
    service = ServiceFactory()
    enrolment = enrol(service)
    company = CompanyFactory(organisation=service.organisation)
    rows = []
    for start in STARTS:
        for span in SPANS:
            for shift in (-2, -1, 0, 1, 2):
                end = span_end(start, **span) + timedelta(days=shift)
                rows.append(
                    PlacementFactory.build(
                        enrolment=enrolment, company=company, started_on=start, planned_end_on=end
                    )
                )
    Placement.objects.bulk_create(rows)
    annotations = {}
    for index, span in enumerate(SPANS):
        annotations[f"reached_{index}"] = ExpressionWrapper(
            span_reached("planned_end_on", "started_on", **span), output_field=BooleanField()
        )
        annotations[f"within_{index}"] = ExpressionWrapper(
            within_span("planned_end_on", "started_on", **span), output_field=BooleanField()
        )
    found = Placement.objects.filter(enrolment=enrolment).annotate(**annotations)
    checked = 0
    for row in found.values("started_on", "planned_end_on", *annotations):
        for index, span in enumerate(SPANS):
            end = span_end(row["started_on"], **span)
            assert row[f"reached_{index}"] is (row["planned_end_on"] >= end), (row, span)
            assert row[f"within_{index}"] is (row["planned_end_on"] <= end), (row, span)
            checked += 1
    assert checked == len(STARTS) * len(SPANS) * 5 * len(SPANS)
