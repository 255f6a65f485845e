from django import template

from filrouge.people.record import TABS

register = template.Library()


@register.inclusion_tag("people/_record_tabs.html")
def record_tabs(person, current: str):
    """The record's tab bar: {% record_tabs person "people:timeline" %}."""
    return {"person": person, "tabs": TABS, "current": current}
