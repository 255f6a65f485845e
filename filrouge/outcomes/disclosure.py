"""Figures shown to someone who may not see the cases (a funder viewer): no count under 5.

A count of fewer than 5 people could point to someone, so it is shown as "< 5"; a share is
hidden with it when its numerator or its denominator is under 5, and so is a mean or a median
computed on fewer than 5 people (it would be one person's own figure). One rule for the pages,
the PDFs and the workbooks.
"""

from django.utils.translation import gettext as _

SMALLEST_SHOWN = 5


def is_small(count: int) -> bool:
    return count < SMALLEST_SHOWN


def hidden_label() -> str:
    return _("< %(count)s") % {"count": SMALLEST_SHOWN}


def count(value: int, hide: bool) -> int | str:
    """The count itself, or "< 5" when small counts are hidden."""
    return hidden_label() if hide and is_small(value) else value


def share(numerator: int, denominator: int, hide: bool) -> float | str | None:
    """The share (0 to 1), None without a denominator, "< 5" when either count is small and hidden."""
    if hide and (is_small(numerator) or is_small(denominator)):
        return hidden_label()
    if not denominator:
        return None
    return numerator / denominator


def about(value: float | None, people: int, hide: bool) -> float | str | None:
    """A figure computed on `people` people (a median delay, a mean duration), or "< 5"."""
    return hidden_label() if hide and is_small(people) else value
