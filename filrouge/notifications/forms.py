from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.core.phones import NOT_MOBILE_MESSAGE, PhoneFormField, is_mobile
from filrouge.notifications.models import Language, ReminderChannels

# In the order people think of them; "none" last, as the choice not to be reminded.
CHANNEL_CHOICES = [
    (ReminderChannels.SMS.value, _("Par SMS")),
    (ReminderChannels.EMAIL.value, _("Par e-mail")),
    (ReminderChannels.BOTH.value, _("Par SMS et par e-mail")),
    (ReminderChannels.NONE.value, _("Aucun rappel")),
]


class ReminderPreferenceForm(forms.Form):
    """A new choice of reminders (a new row: the old ones stay, as the history)."""

    channels = forms.ChoiceField(
        label=_("Comment la personne veut-elle être prévenue de ses rendez-vous ?"),
        choices=CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez comment la personne veut être prévenue, ou « Aucun rappel ».")
        },
    )
    phone = PhoneFormField(
        label=_("Numéro de portable pour les SMS"),
        required=False,
        max_length=40,
        help_text=_("Un portable : 06 ou 07… Laissé vide si la personne ne veut pas de SMS."),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail pour les rappels"),
        required=False,
        help_text=_("Laissée vide si la personne ne veut pas d'e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Langue des messages"), choices=Language.choices, initial=Language.FRENCH
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"autocomplete": "off"})
        if person is not None and not self.is_bound:
            # The person's own details, when they fit: a landline is not offered for SMS.
            self.initial.setdefault("phone", person.phone if is_mobile(person.phone) else "")
            self.initial.setdefault("email", person.email)

    def clean(self):
        data = super().clean()
        channels = data.get("channels")
        if channels in (ReminderChannels.SMS, ReminderChannels.BOTH) and "phone" not in self.errors:
            phone = data.get("phone")
            if not phone:
                self.add_error("phone", _("Saisissez le numéro de portable où envoyer les SMS."))
            elif not is_mobile(phone):
                self.add_error("phone", NOT_MOBILE_MESSAGE)
        wants_email = channels in (ReminderChannels.EMAIL, ReminderChannels.BOTH)
        if wants_email and "email" not in self.errors and not data.get("email"):
            self.add_error("email", _("Saisissez l'adresse e-mail où envoyer les rappels."))
        # A channel not chosen ignores what was typed for it: nothing kept, nothing refused.
        unused = {
            ReminderChannels.NONE: ("phone", "email"),
            ReminderChannels.SMS: ("email",),
            ReminderChannels.EMAIL: ("phone",),
        }.get(channels, ())
        for name in unused:
            self.errors.pop(name, None)
            data[name] = ""
        return data
