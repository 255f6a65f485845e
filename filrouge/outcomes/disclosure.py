"""Figures shown to someone who may not see the cases (a funder viewer): no count under 5.

A count of fewer than 5 people could point to someone, so it is shown as "< 5". The rule applies
to counts: a share, a mean or a median is shown when it is computed over 5 people or more (it
describes a group, whatever its numerator), and hidden when computed over fewer (it would be one
person's own figure). One rule for the pages, the PDFs and the workbooks.
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
    """The share (0 to 1), None without a denominator, "< 5" when hidden and over fewer than 5 people."""
    if hide and is_small(denominator):
        return hidden_label()
    if not denominator:
        return None
    return numerator / denominator


def about(value: float | None, people: int, hide: bool) -> float | str | None:
    """A figure computed on `people` people (a median delay, a mean duration), or "< 5"."""
    return hidden_label() if hide and is_small(people) else value
