"""What a reminder says: the date, the time, the place, the coach's first name and the number to
call to say "I can't come". Nothing else: never the kind of meeting, a workshop's theme (a name
like "Gestion du stress" tells about the person's support), nor any note.

One template per kind, channel and language (`templates/notifications/messages/<lang>/`). The
texts are written per language in the templates rather than through gettext, because a message
is written for the person's language, not the staff's, and its wording is kept short on purpose.

SMS are kept under 160 characters in the common case and in the GSM-7 alphabet: é, è, à, ù are
in it, but ê, â, î, ô, û and typographic apostrophes are not and would turn the SMS into UCS-2
(70 characters a part). Hence "aout" (spelling of the 1990 reform) and straight apostrophes.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from filrouge.core.phones import format_phone

DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),  # fmt: skip
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),  # fmt: skip
}
SUBJECTS = {
    "fr": {
        "confirmation": "Votre rendez-vous du {day}",
        "reminder": "Rappel : votre rendez-vous du {day}",
        "change": "Votre rendez-vous est déplacé au {day}",
        "cancellation": "Votre rendez-vous du {day} est annulé",
    },
    "en": {
        "confirmation": "Your appointment on {day}",
        "reminder": "Reminder: your appointment on {day}",
        "change": "Your appointment is moved to {day}",
        "cancellation": "Your appointment on {day} is cancelled",
    },
}
# The characters of GSM 03.38's basic set (what an SMS holds 160 of), with its extension table.
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def is_gsm7(text: str) -> bool:
    return all(character in GSM7 for character in text)


def day_words(when: datetime, zone: ZoneInfo, language: str) -> str:
    """ "mardi 8 décembre" / "Tuesday 8 December", in the service's time zone."""
    local = when.astimezone(zone)
    lang = language if language in DAYS else "fr"
    return f"{DAYS[lang][local.weekday()]} {local.day} {MONTHS[lang][local.month - 1]}"


def time_words(when: datetime, zone: ZoneInfo, language: str) -> str:
    """ "10 h 30" / "10 h" (French usage), "10:30" in English."""
    local = when.astimezone(zone)
    if language == "en":
        return f"{local:%H:%M}"
    return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"


@dataclass(frozen=True)
class Facts:
    """All a message may say about an appointment."""

    starts_at: datetime
    zone: ZoneInfo
    place: str  # already "au service …" when the appointment has no place of its own
    with_name: str  # a first name, or ""
    phone: str  # the number to call, E.164 or as stored; "" when there is none
    service_name: str


def render(kind: str, channel: str, language: str, facts: Facts) -> tuple[str, str]:
    """(subject, body) of one message; the subject is empty for an SMS."""
    lang = language if language in SUBJECTS else "fr"
    day = day_words(facts.starts_at, facts.zone, lang)
    context = {
        "day": day,
        "time": time_words(facts.starts_at, facts.zone, lang),
        "place": facts.place,
        "with_name": facts.with_name,
        "phone": format_phone(facts.phone) if facts.phone else "",
        "service": facts.service_name,
    }
    body = render_to_string(f"notifications/messages/{lang}/{kind}.{channel}.txt", context)
    if channel == "sms":
        # One line: templates are written over several lines for reading.
        return "", " ".join(body.split())
    subject = SUBJECTS[lang][kind].format(day=day)
    return subject, body.strip() + "\n"
