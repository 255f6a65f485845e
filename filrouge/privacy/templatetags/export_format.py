"""Reading the export's data (ISO dates, coded values) as a French document shows them."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def iso_date(value: str | None) -> str:
    """ "1988-04-12" → "12/04/1988"; a date and time → "12/04/1988 14:00"; nothing → "—"."""
    if not value:
        return "—"
    if "T" in value:
        return date_format(timezone.localtime(datetime.fromisoformat(value)), "SHORT_DATETIME_FORMAT")
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


@register.filter
def label(value: dict | None) -> str:
    """A coded value ({"code", "label"}) by its label; nothing → "—"."""
    return value["label"] if value else "—"
