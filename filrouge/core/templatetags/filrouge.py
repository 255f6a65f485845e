from datetime import date

from django import template

from filrouge.core.pagination import wants_fragment

register = template.Library()


@register.filter
def days_until(start: date | None, end: date) -> int | str:
    """Whole days from `start` to `end` ("" without a start): {{ last_contact|days_until:today }}."""
    return "" if start is None else (end - start).days


@register.inclusion_tag("includes/results_status.html", takes_context=True)
def results_status(context, status_id: str, count: int, text: str = "", in_fragment: bool = False) -> dict:
    """The announced number of a search's results (includes/results_status.html).

    The page writes it beside the part htmx replaces; that part writes it too (`in_fragment=True`),
    but only when htmx asked for the part alone, as an out-of-band swap of the region's text.
    """
    shown = wants_fragment(context["request"]) if in_fragment else True
    return {"status_id": status_id, "count": count, "text": text, "shown": shown, "oob": in_fragment}
