from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.pathways.domain import today


class SupportContactForm(forms.Form):
    """A contact about a placement. The rules are the domain's
    (`followalong.domain.check_support_contact`); this form only gathers the values."""

    party = forms.ChoiceField(label=_("Avec"), choices=Party.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label=_("Type de contact"), choices=SupportKind.choices, widget=forms.RadioSelect
    )
    place = forms.ChoiceField(
        label=_("Lieu"),
        choices=[("", "—")] + SupportPlace.choices,
        required=False,
        help_text=_(
            "Pour une rencontre en face à face. Un appel, une visio ou un message est noté « À distance »."
        ),
    )
    contacted_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=today)
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        help_text=_("Ce qui a été dit, ce qui est convenu ; visible par l'équipe qui suit la personne."),
    )

    @classmethod
    def for_contact(cls, contact: SupportContact, data=None):
        initial = {
            name: getattr(contact, name) for name in ("party", "kind", "place", "contacted_on", "notes")
        }
        return cls(data, initial=initial)
