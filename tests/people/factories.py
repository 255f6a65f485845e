import datetime

import factory

from filrouge.people.models import Contact, ContactKind, Person
from tests.organisations.factories import OrganisationFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Iterator(["Hélène", "Jérôme", "Anaïs", "Noé", "Chloé"])
    birth_name = factory.Sequence(lambda n: f"Dupré{n}")
    date_of_birth = datetime.date(1988, 4, 12)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Référente {n}")
    partner_name = "France Travail Valence"
    kind = ContactKind.REFERRING_PARTNER
