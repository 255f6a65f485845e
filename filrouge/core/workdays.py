"""Working days: Monday to Friday, except the French public holidays.

The public holidays (*fêtes légales*) are those of the Code du travail, article L3133-1:
1 January, Easter Monday, 1 May, 8 May, Ascension Day, Whit Monday, 14 July, Assumption
(15 August), All Saints' Day (1 November), 11 November and Christmas Day (25 December).
https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000033020517

Out of scope: the two extra days of Alsace-Moselle (Good Friday and 26 December, article
L3134-13), the abolition-of-slavery day of each overseas department (set by decree, a different
date in each) and the "journée de solidarité", which an employer may set on Whit Monday (article
L3133-7): Whit Monday stays a holiday here.
"""

from datetime import date, timedelta
from functools import cache

SATURDAY = 5


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar ("anonymous Gregorian algorithm", Meeus/Jones/
    Butcher, as given in J. Meeus, *Astronomical Algorithms*, 1991, chapter 8)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int) -> dict[date, str]:
    """The French public holidays of `year` (Code du travail, L3133-1), each with its name."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "Jour de l'an",
        easter + timedelta(days=1): "Lundi de Pâques",
        date(year, 5, 1): "Fête du Travail",
        date(year, 5, 8): "Victoire 1945",
        easter + timedelta(days=39): "Ascension",
        easter + timedelta(days=50): "Lundi de Pentecôte",
        date(year, 7, 14): "Fête nationale",
        date(year, 8, 15): "Assomption",
        date(year, 11, 1): "Toussaint",
        date(year, 11, 11): "Armistice 1918",
        date(year, 12, 25): "Noël",
    }


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < SATURDAY and not is_public_holiday(day)
