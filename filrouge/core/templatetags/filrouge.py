from datetime import date

from django import template

register = template.Library()


@register.filter
def days_until(start: date | None, end: date) -> int | str:
    """Whole days from `start` to `end` ("" without a start): {{ last_contact|days_until:today }}."""
    return "" if start is None else (end - start).days
