from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput, VersionedModelForm
from filrouge.core.phones import UnreadablePhoneMixin
from filrouge.pathways.domain import check_birth_date
from filrouge.people.models import ANONYMISED_RECORD, Contact, ContactKind, Person, PersonContact
from filrouge.people.names import capitalise_first_name
from filrouge.referentials.forms import CommuneWidget

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


class PersonFieldsMixin:
    def clean_first_name(self):
        first_name = self.cleaned_data["first_name"]
        # A record's name is left as it is unless this form changes it.
        if self.instance.pk and "first_name" not in self.changed_data:
            return first_name
        return capitalise_first_name(first_name)

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
            "city": CommuneWidget(),
        }


class PersonEditForm(UnreadablePhoneMixin, PersonFieldsMixin, VersionedModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = PersonForm.Meta.widgets


class ContactForm(UnreadablePhoneMixin, forms.ModelForm):
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


class ExistingPersonForm(forms.Form):
    """The person already known that a new pathway is opened for, instead of a new record."""

    existing = forms.ModelChoiceField(queryset=Person.objects.none())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = people


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher un nom"), max_length=100, required=False)
