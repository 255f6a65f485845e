"""The periods figures are computed over: a year, a quarter, a month or any span of days.

A period is inclusive at both ends. Its text form is what URLs carry: "2026" (a year), "2026-T3"
(a quarter), "2026-03" (a month) or "2026-01-15_2026-06-30" (any span).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from filrouge.core.dates import add_months, span_end

LONGEST_DAYS = 366 * 10  # ten years: longer spans are refused (and mean a typing mistake)
# Beyond them a period is a typing mistake (and the measures' date arithmetic, which looks a year
# or more around the period, would leave the calendar).
FIRST_YEAR, LAST_YEAR = 1950, 2100

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-T([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """A period that cannot be read; its message is shown to the user."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str  # "year", "quarter", "month" or "span"

    @property
    def key(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-T{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Année %(year)s") % {"year": self.start.year}
        if self.kind == "quarter":
            return _("T%(quarter)s %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "month":
            return formats.date_format(self.start, "F Y")
        return _("Du %(start)s au %(end)s") % {
            "start": formats.date_format(self.start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(self.end, "SHORT_DATE_FORMAT"),
        }

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), "year")


def quarter(number: int, index: int) -> Period:
    start = date(number, 3 * (index - 1) + 1, 1)
    return Period(start, span_end(start, months=3), "quarter")


def month(number: int, index: int) -> Period:
    start = date(number, index, 1)
    return Period(start, span_end(start, months=1), "month")


def span(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError(_("La fin de la période précède son début."))
    if (end - start).days + 1 > LONGEST_DAYS:
        raise PeriodError(_("Une période ne peut dépasser dix ans."))
    return _within_bounds(Period(start, end, "span"))


def parse(text: str) -> Period:
    """Reads a period from its text form; a PeriodError (with a message for the user) otherwise."""
    text = (text or "").strip()
    if re.match(r"\d{4}", text) and not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        raise _out_of_bounds()
    return _within_bounds(_read(text))


def _out_of_bounds() -> PeriodError:
    return PeriodError(
        _("Choisissez une période entre %(first)s et %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    )


def _within_bounds(period: Period) -> Period:
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise _out_of_bounds()
    return period


def _read(text: str) -> Period:
    try:
        if match := _YEAR.match(text):
            return year(int(match[1]))
        if match := _QUARTER.match(text):
            return quarter(int(match[1]), int(match[2]))
        if match := _MONTH.match(text):
            return month(int(match[1]), int(match[2]))
        if match := _SPAN.match(text):
            return span(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
    except ValueError as error:
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(_("Cette date n'existe pas.")) from None
    raise PeriodError(_("Période non reconnue : indiquez une année, un trimestre, un mois ou deux dates."))


def current_year(today: date) -> Period:
    return year(today.year)


def split(period: Period, by: str) -> list[Period]:
    """The months ("month") or quarters ("quarter") a period overlaps, cut to the period."""
    if by not in ("month", "quarter"):
        raise ValueError(by)
    step = 1 if by == "month" else 3
    first_month = period.start.month if by == "month" else 3 * ((period.start.month - 1) // 3) + 1
    cursor = date(period.start.year, first_month, 1)
    parts = []
    while cursor <= period.end:
        following = add_months(cursor, step)
        part = (
            month(cursor.year, cursor.month)
            if by == "month"
            else quarter(cursor.year, (cursor.month - 1) // 3 + 1)
        )
        start, end = max(part.start, period.start), min(following - timedelta(days=1), period.end)
        parts.append(
            Period(start, end, part.kind)
            if (start, end) == (part.start, part.end)
            else Period(start, end, "span")
        )
        cursor = following
    return parts
