from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.accounts.models import User
from filrouge.consents.models import ConsentMethod, ConsentStatus, DisclosureLevel, Purpose
from filrouge.core.forms import DateInput
from filrouge.documents.models import Attachment
from filrouge.journal.models import Meeting
from filrouge.pathways.domain import today
from filrouge.people.models import Contact


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        return (
            f"{date_format(localtime(meeting.starts_at), 'SHORT_DATE_FORMAT')} — {meeting.get_kind_display()}"
        )


class ConsentForm(forms.Form):
    """A decision of the person about one sharing. The rules are the domain's
    (`consents.domain.record_consent`); this form only gathers the values and the file."""

    status = forms.ChoiceField(label=_("Décision"), choices=ConsentStatus.choices, widget=forms.RadioSelect)
    purpose = forms.ChoiceField(label=_("Objet"), choices=Purpose.choices)
    recipient = forms.ModelChoiceField(
        label=_("Destinataire"),
        queryset=Contact.objects.none(),
        required=False,
        help_text=_("Le prescripteur ou le référent médical, parmi les partenaires de la personne."),
    )
    recipient_label = forms.CharField(
        label=_("Autre destinataire"),
        max_length=200,
        required=False,
        help_text=_(
            "Pour un employeur ou un tuteur qui n'est pas dans les partenaires : son nom et sa structure."
        ),
    )
    decided_on = forms.DateField(label=_("Date de la décision"), widget=DateInput(), initial=today)
    method = forms.ChoiceField(label=_("Recueilli"), choices=ConsentMethod.choices, widget=forms.RadioSelect)
    signed_form = forms.ModelChoiceField(
        label=_("Formulaire signé déjà joint au dossier"), queryset=Attachment.objects.none(), required=False
    )
    signed_form_file = forms.FileField(
        label=_("Ou le formulaire signé à joindre"),
        required=False,
        help_text=_("PDF, image ou document scanné ; il sera ajouté aux documents de la personne."),
    )
    witness = forms.ModelChoiceField(
        label=_("Témoin (membre de l'équipe)"), queryset=User.objects.none(), required=False
    )
    witness_name = forms.CharField(
        label=_("Ou le nom du témoin"),
        max_length=150,
        required=False,
        help_text=_("Par exemple un partenaire présent à l'entretien."),
    )
    meeting = MeetingChoiceField(label=_("Entretien"), queryset=Meeting.objects.none(), required=False)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, recipients, attachments, witnesses, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients
        self.fields["signed_form"].queryset = attachments
        self.fields["witness"].queryset = witnesses
        self.fields["witness"].label_from_instance = lambda user: user.full_name or user.email
        self.fields["meeting"].queryset = meetings

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == ConsentMethod.SIGNED_FORM:
            chosen, sent = cleaned.get("signed_form"), cleaned.get("signed_form_file")
            if chosen and sent:
                self.add_error(
                    "signed_form_file",
                    _("Choisissez un document déjà joint ou envoyez un fichier, pas les deux."),
                )
            elif not chosen and not sent and "signed_form" not in self.errors:
                self.add_error(
                    "signed_form",
                    _(
                        "Un consentement signé demande le formulaire signé : choisissez-le ou joignez le fichier."
                    ),
                )
        elif cleaned.get("signed_form_file"):
            self.add_error(
                "signed_form_file", _("Un formulaire signé ne se joint qu'à un consentement signé.")
            )
        return cleaned


class WithdrawForm(forms.Form):
    decided_on = forms.DateField(label=_("Date du retrait"), widget=DateInput(), initial=today)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DisclosureForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Ce que l'employeur peut savoir"),
        choices=DisclosureLevel.choices,
        widget=forms.RadioSelect,
        help_text=_("Chaque choix comprend les précédents. C'est la personne qui décide."),
    )
    employer = forms.ModelChoiceField(
        label=_("Employeur"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=_("Tous les employeurs"),
    )
    decided_on = forms.DateField(label=_("Date de la décision"), widget=DateInput(), initial=today)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
