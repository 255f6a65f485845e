from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.organisations.models import Organisation, Service
from filrouge.organisations.validators import normalise_siret


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "siret", "address", "postal_code", "city"]
        help_texts = {"siret": _("14 chiffres ; les espaces sont acceptés.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed with spaces, the SIRET is longer than its 14 digits.
        self.fields["siret"].max_length = 20
        self.fields["siret"].widget.attrs.update({"maxlength": 20, "inputmode": "numeric"})
        self.fields["postal_code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code"}
        )

    def clean_siret(self):
        return normalise_siret(self.cleaned_data["siret"])


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "programme_type", "postal_code", "city"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["postal_code"].widget.attrs.update({"inputmode": "numeric"})
