from django import template

from filrouge.journal.selectors import withheld_writings

register = template.Library()


@register.inclusion_tag("journal/_withheld.html", takes_context=True)
def withheld(context, enrolments) -> dict:
    """The writings of `enrolments` kept for a profession the user does not hold: that they exist."""
    return {"withheld": withheld_writings(context["request"].user, enrolments)}
