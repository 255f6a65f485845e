from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput, VersionedModelForm
from filrouge.core.validators import normalise_phone
from filrouge.pathways.domain import check_birth_date
from filrouge.people.models import ANONYMISED_RECORD, Contact, ContactKind, Person, PersonContact

PERSON_FIELDS = [
    "first_name",
    "birth_name",
    "usual_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "postal_code",
    "city",
    "preferred_channel",
]


class PhoneCleaningMixin:
    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))


class PersonFieldsMixin(PhoneCleaningMixin):
    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        try:
            check_birth_date(born)
        except ValidationError as error:
            raise ValidationError(error.message_dict["date_of_birth"]) from None
        return born


class PersonForm(PersonFieldsMixin, forms.ModelForm):
    """Identity and contact details of a new person."""

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
        }


# Where the person lives, typed or pasted from a map: the distance to the openings suggested.
HOME_PLACE_HELP = _(
    "Facultatif : le domicile en degrés décimaux (par exemple 44.93333 et 4.89236), pour calculer "
    "la distance aux offres d'emploi. Aucune adresse n'est envoyée à un service extérieur."
)


class PersonEditForm(PersonFieldsMixin, VersionedModelForm):
    class Meta:
        model = Person
        fields = [*PERSON_FIELDS, "latitude", "longitude"]
        widgets = PersonForm.Meta.widgets
        help_texts = {"latitude": HOME_PLACE_HELP, "longitude": HOME_PLACE_HELP}


class ContactForm(PhoneCleaningMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["full_name", "partner_name", "job_title", "kind", "phone", "email"]


class PersonContactForm(forms.Form):
    """Links a partner to the person: one already known to the organisation, or a new one."""

    relation = forms.ChoiceField(label=_("Rôle auprès de la personne"), choices=ContactKind.choices)
    contact = forms.ModelChoiceField(
        label=_("Partenaire déjà connu"), queryset=Contact.objects.none(), required=False
    )

    def __init__(self, *args, contacts, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts
        self.person = person

    def clean(self):
        cleaned = super().clean()
        if self.person.is_anonymised:
            raise ValidationError(ANONYMISED_RECORD)
        contact, relation = cleaned.get("contact"), cleaned.get("relation")
        if (
            contact
            and relation
            and PersonContact.objects.filter(person=self.person, contact=contact, relation=relation).exists()
        ):
            raise ValidationError(_("Ce partenaire a déjà ce rôle auprès de la personne."))
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher un nom"), max_length=100, required=False)
