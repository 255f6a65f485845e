from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.organisations.models import Organisation, Service
from filrouge.organisations.validators import normalise_siret, validate_siret


class SiretField(forms.CharField):
    """A SIRET as people type it ("732 829 320 00074"), stored as its 14 digits."""

    default_validators = [validate_siret]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("SIRET"))
        kwargs.setdefault("help_text", _("14 chiffres ; les espaces sont acceptés."))
        kwargs.setdefault("max_length", 20)  # room for the spaces
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_siret(super().to_python(value))

    def widget_attrs(self, widget):
        return super().widget_attrs(widget) | {"inputmode": "numeric"}


class OrganisationForm(forms.ModelForm):
    siret = SiretField()

    class Meta:
        model = Organisation
        fields = ["name", "siret", "address", "postal_code", "city"]
        widgets = {
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"})
        }


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "programme_type", "postal_code", "city", "phone", "time_zone", "retention_years"]
        widgets = {
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"})
        }
        help_texts = {
            "phone": _(
                "Donné dans les rappels de rendez-vous envoyés aux personnes accompagnées, pour "
                "prévenir d'une absence. Un numéro du service, jamais un numéro personnel."
            ),
            "time_zone": _("Les rendez-vous et leurs rappels sont à l'heure de ce fuseau."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        # Left empty, the retention period stays what it was (5 years for a new service).
        self.fields["retention_years"].required = False
        # Left out, the time zone stays what it was (metropolitan France for a new service).
        self.fields["time_zone"].required = False

    def clean_retention_years(self):
        years = self.cleaned_data["retention_years"]
        return self.instance.retention_years if years is None else years

    def clean_time_zone(self):
        return self.cleaned_data["time_zone"] or self.instance.time_zone

    def clean_name(self):
        # The unique constraint names the organisation, which is not a field of this form:
        # Django would skip it and the database would answer with an error page.
        name = self.cleaned_data["name"]
        twins = Service.objects.filter(organisation=self.instance.organisation, name__iexact=name)
        if twins.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Un service de votre organisation porte déjà ce nom."))
        return name
