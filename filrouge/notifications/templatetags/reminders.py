from django import template
from django.utils.translation import gettext as _

from filrouge.notifications import preferences
from filrouge.notifications.models import ReminderChannels

register = template.Library()


@register.inclusion_tag("notifications/_person_reminders.html")
def person_reminders(person):
    """The record's short block: the current choice in words and who recorded it, with a link to
    the history and the messages sent. {% person_reminders person %}"""
    choice = preferences.current_choice(person)
    return {
        "person": person,
        "choice": choice,
        "choice_words": preferences.describe(choice),
        "choice_recorded": preferences.recorded_by_words(choice) if choice else "",
    }


@register.simple_tag
def reminder_hint(person) -> str:
    """Under a new appointment's date: what the person will receive, from their current choice."""
    choice = preferences.current_choice(person)
    if choice is None or choice.channels == ReminderChannels.NONE:
        return _("Aucun rappel ne sera envoyé : la personne n'a pas choisi de rappel.")
    return _("Un rappel sera envoyé à la personne deux jours avant à 9 h (%(channels)s).") % {
        "channels": choice.get_channels_display()
    }
