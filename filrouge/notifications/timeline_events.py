"""What the messages sent to the person add to their timeline: which message, by which channel,
for which appointment; never its text, the number nor the address."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.notifications.models import Channel, MessageKind, MessageStatus, OutboundMessage
from filrouge.notifications.owed import zone_of
from filrouge.notifications.texts import day_words, time_words
from filrouge.people.timeline import Event, provider

TITLES = {
    (MessageKind.CONFIRMATION, Channel.SMS): gettext_lazy(
        "Confirmation envoyée par SMS pour le rendez-vous du %(when)s"
    ),
    (MessageKind.CONFIRMATION, Channel.EMAIL): gettext_lazy(
        "Confirmation envoyée par e-mail pour le rendez-vous du %(when)s"
    ),
    (MessageKind.REMINDER, Channel.SMS): gettext_lazy(
        "Rappel envoyé par SMS pour le rendez-vous du %(when)s"
    ),
    (MessageKind.REMINDER, Channel.EMAIL): gettext_lazy(
        "Rappel envoyé par e-mail pour le rendez-vous du %(when)s"
    ),
    (MessageKind.CHANGE, Channel.SMS): gettext_lazy(
        "Changement envoyé par SMS : rendez-vous déplacé au %(when)s"
    ),
    (MessageKind.CHANGE, Channel.EMAIL): gettext_lazy(
        "Changement envoyé par e-mail : rendez-vous déplacé au %(when)s"
    ),
    (MessageKind.CANCELLATION, Channel.SMS): gettext_lazy(
        "Annulation envoyée par SMS pour le rendez-vous du %(when)s"
    ),
    (MessageKind.CANCELLATION, Channel.EMAIL): gettext_lazy(
        "Annulation envoyée par e-mail pour le rendez-vous du %(when)s"
    ),
}


@provider("reminder", gettext_lazy("Rappels envoyés"))
def reminder_events(person, enrolments, user):
    """Messages sent about appointments of the services of the pathways the user may see."""
    messages = (
        OutboundMessage.objects.filter(
            person=person, status=MessageStatus.SENT, service__in=enrolments.values("service_id")
        )
        .select_related("service")
        .defer("body")
    )
    for message in messages:
        zone = zone_of(message.service)
        when = _("%(day)s à %(time)s") % {
            "day": day_words(message.starts_at, zone, "fr"),
            "time": time_words(message.starts_at, zone, "fr"),
        }
        yield Event(
            on=timezone.localdate(message.sent_at),
            kind="reminder",
            title=TITLES[(message.kind, message.channel)] % {"when": when},
            at=message.sent_at,
            service=message.service.name,
        )
