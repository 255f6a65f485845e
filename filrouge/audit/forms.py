from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.audit.models import Kind
from filrouge.core.forms import DateInput


class EntryFilterForm(forms.Form):
    """The data protection officer's search: by person, account, action and dates."""

    q = forms.CharField(label=_("Personne accompagnée (nom)"), max_length=100, required=False)
    account = forms.ModelChoiceField(
        label=_("Compte de l'équipe"), queryset=None, required=False, empty_label=_("Tous les comptes")
    )
    kind = forms.ChoiceField(
        label=_("Action"), choices=[("", _("Toutes les actions")), *Kind.choices], required=False
    )
    start = forms.DateField(label=_("Du"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("Au"), widget=DateInput(), required=False)

    def __init__(self, data=None, *, accounts, only_dates_and_kind=False):
        super().__init__(data)
        self.fields["account"].queryset = accounts
        if only_dates_and_kind:
            # The page is already about one person or one account.
            del self.fields["q"], self.fields["account"]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La date de fin doit être le jour de début ou après."))
        return data

    def filter(self, entries, people):
        """The entries matching the valid criteria; `people` is where names are searched."""
        data = self.cleaned_data
        if data.get("q"):
            entries = entries.filter(person_id__in=people.search(data["q"]).values("pk"))
        if data.get("account"):
            entries = entries.filter(actor=data["account"])
        if data.get("kind"):
            entries = entries.filter(kind=data["kind"])
        if data.get("start"):
            entries = entries.filter(at__date__gte=data["start"])
        if data.get("end"):
            entries = entries.filter(at__date__lte=data["end"])
        return entries
