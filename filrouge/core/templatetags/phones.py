from django import template
from django.utils.html import format_html

from filrouge.core.phones import format_phone, to_e164

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """{{ person.phone|phone }}: the number as read in France, or as typed when unreadable."""
    return format_phone(value)


@register.filter
def phone_link(value: str) -> str:
    """{{ person.phone|phone_link }}: a tel: link on the E.164 number; an unreadable value, as text."""
    if not value:
        return ""
    e164 = to_e164(value)
    if e164 is None:
        return value
    return format_html('<a href="tel:{}">{}</a>', e164, format_phone(e164))
