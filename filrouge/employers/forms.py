"""The employers app's forms: they gather values; the rules are `employers.domain`'s."""

from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.accounts.models import User
from filrouge.core.forms import DateInput
from filrouge.core.phones import UnreadablePhoneMixin
from filrouge.employers.models import (
    Company,
    CompanyKind,
    EmployerContactKind,
    Opening,
    OpeningStatus,
    RelationshipStatus,
)
from filrouge.organisations.validators import normalise_siret
from filrouge.pathways.domain import today
from filrouge.people.models import Contact, Person
from filrouge.referentials.forms import CommuneWidget, JobTitleField
from filrouge.referentials.models import ContractType


def user_label(user) -> str:
    return user.full_name or user.email


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user_label(user)


class CompanyContactChoiceField(forms.ModelChoiceField):
    """A person met at a company, named with their company when several companies are offered."""

    def label_from_instance(self, contact):
        label = contact.full_name + (f", {contact.job_title}" if contact.job_title else "")
        return f"{label} ({contact.partner_name})"


ALL = _("Tous")


def blank(choices, label=ALL):
    return [("", label), *choices]


# --- Companies ---------------------------------------------------------------------------------


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom, commune ou SIRET"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Relation"), choices=blank(RelationshipStatus.choices), required=False)
    kind = forms.ChoiceField(label=_("Type d'employeur"), choices=blank(CompanyKind.choices), required=False)
    owner = UserChoiceField(
        label=_("Chargé·e de la relation"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )
    archived = forms.BooleanField(label=_("Afficher les entreprises archivées"), required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class CompanyForm(forms.ModelForm):
    owner = UserChoiceField(label=_("Chargé·e de la relation"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Company
        fields = [
            "name",
            "siret",
            "naf_code",
            "size_band",
            "kind",
            "address",
            "postal_code",
            "city",
            "relationship_status",
            "owner",
            "notes",
        ]
        widgets = {
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "city": CommuneWidget(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "siret": _(
                "14 chiffres, espaces permis. Facultatif, mais il évite d'enregistrer l'entreprise deux fois."
            ),
            "naf_code": _("Par exemple 47.11F."),
            "size_band": _(
                "À partir de 20 salariés, l'entreprise est soumise à l'obligation d'emploi (6 %)."
            ),
        }

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        # Spaces and dots are allowed while typing; the model checks the 14 digits once removed.
        self.fields["siret"].max_length = 20
        self.fields["siret"].validators = []
        self.fields["siret"].widget.attrs["maxlength"] = 20
        # A form sent without the kind keeps the company's (an ordinary employer when new); a value
        # outside the choices is still refused.
        self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind or CompanyKind.ORDINARY

    def clean_siret(self):
        return normalise_siret(self.cleaned_data.get("siret", ""))

    def clean_naf_code(self):
        return self.cleaned_data.get("naf_code", "").strip().upper()


class CompanyContactForm(UnreadablePhoneMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["full_name", "job_title", "phone", "email"]


# --- The employer contacts log -----------------------------------------------------------------


class EmployerContactForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Entreprise"), queryset=Company.objects.none())
    kind = forms.ChoiceField(label=_("Type de contact"), choices=blank(EmployerContactKind.choices, "—"))
    face_to_face = forms.BooleanField(
        label=_("En face à face"),
        required=False,
        initial=True,
        help_text=_("Une visite l'est toujours, un appel téléphonique jamais."),
    )
    contacted_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=today)
    company_contact = CompanyContactChoiceField(
        label=_("Interlocuteur·rice"), queryset=Contact.objects.none(), required=False
    )
    person = forms.ModelChoiceField(
        label=_("Pour la personne"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Aucune en particulier"),
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, companies, company_contacts, people, fixed_company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["company_contact"].queryset = company_contacts
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda person: person.full_name
        if fixed_company is not None:
            del self.fields["company"]


class EmployerContactFilterForm(forms.Form):
    coach = UserChoiceField(
        label=_("Job coach"), queryset=User.objects.none(), required=False, empty_label=_("Tous")
    )
    kind = forms.ChoiceField(
        label=_("Type de contact"), choices=blank(EmployerContactKind.choices), required=False
    )
    start = forms.DateField(label=_("Du"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("Au"), widget=DateInput(), required=False)

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de la période ne peut pas précéder son début."))
        return cleaned


# --- Openings ----------------------------------------------------------------------------------


class OpeningFilterForm(forms.Form):
    q = forms.CharField(label=_("Métier"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Statut"), choices=blank(OpeningStatus.choices, _("Tous")), required=False
    )
    contract_type = forms.ChoiceField(
        label=_("Type de contrat"), choices=blank(ContractType.choices), required=False
    )


class OpeningForm(forms.ModelForm):
    company = forms.ModelChoiceField(label=_("Entreprise"), queryset=Company.objects.none())
    job_title = JobTitleField(label=_("Métier (référentiel ROME)"))
    recruiter = CompanyContactChoiceField(
        label=_("Contact pour cette offre"), queryset=Contact.objects.none(), required=False
    )

    class Meta:
        model = Opening
        fields = [
            "company",
            "job_title",
            "contract_type",
            "hours_per_week",
            "positions",
            "start_date",
            "postal_code",
            "city",
            "status",
            "recruiter",
            "description",
        ]
        widgets = {
            "start_date": DateInput(),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "city": CommuneWidget(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "city": _("Laissé vide, le lieu de l'offre est celui de l'entreprise."),
            "hours_per_week": _("De 1 à 48 heures."),
        }

    def __init__(self, *args, companies, recruiters, fixed_company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["recruiter"].queryset = recruiters
        if fixed_company is not None or self.instance.pk:
            del self.fields["company"]
        if not self.instance.pk:
            del self.fields["status"]  # a new opening is open
