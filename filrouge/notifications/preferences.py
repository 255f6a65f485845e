"""The person's reminder choices as the staff see and record them: the current choice in words,
who recorded it, and a new choice as a new row (an old one is never edited)."""

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.core.phones import format_phone
from filrouge.notifications.models import ReminderChannels, ReminderPreference

MESSAGES_PAGE_SIZE = 20

LOCKED_MESSAGE = gettext_lazy(
    "La personne a fait ce choix elle-même : seule la personne peut le changer, depuis son espace."
)


def current_choice(person) -> ReminderPreference | None:
    """The latest choice; None when nothing was ever recorded (then no reminder is sent)."""
    return person.reminder_preferences.select_related("recorded_by").order_by("-recorded_at", "-pk").first()


def history(person):
    return person.reminder_preferences.select_related("recorded_by").order_by("-recorded_at", "-pk")


def is_locked(choice: ReminderPreference | None) -> bool:
    """A choice the person made themself is theirs to change: the staff only see it."""
    return choice is not None and choice.by_person


def describe(choice: ReminderPreference | None) -> str:
    """The choice in words: "SMS au 06 12 34 56 78 et e-mail à …"."""
    if choice is None:
        return _("Aucun rappel : la personne n'a pas fait de choix.")
    if choice.channels == ReminderChannels.NONE:
        return _("Aucun rappel : la personne ne souhaite pas en recevoir.")
    sms = _("SMS au %(phone)s") % {"phone": format_phone(choice.phone)}
    email = _("e-mail à %(email)s") % {"email": choice.email}
    if choice.channels == ReminderChannels.SMS:
        return sms
    if choice.channels == ReminderChannels.EMAIL:
        return email[:1].upper() + email[1:]
    return _("%(sms)s et %(email)s") % {"sms": sms, "email": email}


def short_name(user) -> str:
    """ "Léa Martin" → "Léa M.": enough to know who, on a page about the person."""
    if user is None:
        return _("un compte supprimé")
    words = (user.full_name or "").split()
    if not words:
        return user.email
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][:1]}."


def recorded_by_words(choice: ReminderPreference) -> str:
    """ "choisi le 6 décembre 2026, enregistré par Léa M." (or by the person themself)."""
    day = date_format(choice.recorded_at, "DATE_FORMAT", use_l10n=True)
    if choice.by_person:
        return _("choisi le %(day)s, par la personne elle-même") % {"day": day}
    return _("choisi le %(day)s, enregistré par %(name)s") % {
        "day": day,
        "name": short_name(choice.recorded_by),
    }


def record_choice(person, *, by, channels, phone="", email="", language="fr") -> ReminderPreference:
    """A new choice, recorded by a staff member. Refused when the current choice is the person's
    own (theirs to change). "Aucun rappel" keeps neither number nor address."""
    if is_locked(current_choice(person)):
        raise ValidationError(LOCKED_MESSAGE, code="locked")
    choice = ReminderPreference(
        organisation_id=person.organisation_id,
        person=person,
        channels=channels,
        phone=phone if channels in (ReminderChannels.SMS, ReminderChannels.BOTH) else "",
        email=email if channels in (ReminderChannels.EMAIL, ReminderChannels.BOTH) else "",
        language=language,
        recorded_by=by,
        by_person=False,
    )
    choice.full_clean()
    choice.save()
    return choice
