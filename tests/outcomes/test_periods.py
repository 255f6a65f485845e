"""Periods: their text form, their labels, and their months and quarters."""

from datetime import date

import pytest
from django.utils import translation

from filrouge.outcomes import periods
from filrouge.outcomes.periods import PeriodError


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026-T1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("2024-T1", date(2024, 1, 1), date(2024, 3, 31), "quarter"),
        ("2026-T4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28), "month"),
        (" 2026-01-15_2026-06-30 ", date(2026, 1, 15), date(2026, 6, 30), "span"),
        ("2026-03-01_2026-03-01", date(2026, 3, 1), date(2026, 3, 1), "span"),
    ],
)
def test_a_period_is_read_from_its_text_form_and_written_back_the_same(text, start, end, kind):
    period = periods.parse(text)
    assert (period.start, period.end, period.kind) == (start, end, kind)
    assert periods.parse(period.key) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Période non reconnue"),
        ("2026-T5", "Période non reconnue"),
        ("26", "Période non reconnue"),
        ("2026-13", "Cette date n'existe pas"),
        ("2026-02-30_2026-03-01", "Cette date n'existe pas"),
        ("2026-06-30_2026-01-15", "La fin de la période précède son début"),
        ("2000-01-01_2026-01-01", "dix ans"),
        ("<script>", "Période non reconnue"),
        ("0001", "entre 1950 et 2100"),
        ("9999-T4", "entre 1950 et 2100"),
        ("1949-12-01_1950-01-31", "entre 1950 et 2100"),
    ],
)
def test_a_period_that_cannot_be_read_says_why(text, message):
    with translation.override("fr"), pytest.raises(PeriodError, match=message):
        periods.parse(text)


def test_labels_are_french_by_default():
    with translation.override("fr"):
        assert periods.year(2026).label == "Année 2026"
        assert periods.quarter(2026, 3).label == "T3 2026"
        assert periods.month(2026, 3).label == "mars 2026"
        assert periods.span(date(2026, 1, 15), date(2026, 6, 30)).label == "Du 15/01/2026 au 30/06/2026"


def test_a_period_counts_its_days_both_ends_included():
    assert periods.year(2024).days == 366
    assert periods.span(date(2026, 3, 1), date(2026, 3, 1)).days == 1


def test_a_year_splits_into_its_twelve_months_and_four_quarters():
    months = periods.split(periods.year(2026), "month")
    assert [p.key for p in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    quarters = periods.split(periods.year(2026), "quarter")
    assert [p.key for p in quarters] == ["2026-T1", "2026-T2", "2026-T3", "2026-T4"]


def test_a_span_splits_into_parts_cut_to_its_ends():
    parts = periods.split(periods.span(date(2026, 2, 15), date(2026, 7, 10)), "quarter")
    assert [(p.start, p.end) for p in parts] == [
        (date(2026, 2, 15), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 7, 10)),
    ]
    assert [p.kind for p in parts] == ["span", "quarter", "span"]
    assert sum(p.days for p in parts) == periods.span(date(2026, 2, 15), date(2026, 7, 10)).days


def test_splitting_by_anything_else_is_a_programming_error():
    with pytest.raises(ValueError):
        periods.split(periods.year(2026), "week")
