"""Working days: Monday to Friday, except the French public holidays (Code du travail, L3133-1)."""

from datetime import date

import pytest

from filrouge.core.workdays import easter_sunday, is_public_holiday, is_working_day, public_holidays


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_the_eleven_holidays_of_2026():
    assert sorted(public_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # Whit Monday
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ]


def test_the_easter_based_holidays_of_2027():
    holidays = public_holidays(2027)
    assert holidays[date(2027, 3, 29)] == "Lundi de Pâques"
    assert holidays[date(2027, 5, 6)] == "Ascension"
    assert holidays[date(2027, 5, 17)] == "Lundi de Pentecôte"
    assert len(holidays) == 11


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 14),  # Ascension, a Thursday
        date(2026, 5, 25),  # Whit Monday
        date(2026, 7, 14),  # a Tuesday
        date(2026, 11, 11),  # a Wednesday
        date(2027, 3, 29),
        date(2027, 5, 6),
        date(2027, 5, 17),
        date(2027, 1, 1),  # a Friday
    ],
)
def test_a_weekday_holiday_is_not_a_working_day(day):
    assert day.weekday() < 5
    assert is_public_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 3),  # Good Friday: a holiday in Alsace-Moselle only, out of scope
        date(2026, 4, 7),  # the Tuesday after Easter
        date(2026, 5, 15),  # the Friday after Ascension ("pont": a working day)
        date(2026, 12, 24),
        date(2026, 12, 28),  # 26 December is Alsace-Moselle's only
        date(2027, 3, 26),
    ],
)
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 12, 5), date(2026, 12, 6), date(2027, 5, 8), date(2027, 8, 15)])
def test_weekends_are_not_working_days_holiday_or_not(day):
    assert day.weekday() >= 5
    assert not is_working_day(day)
