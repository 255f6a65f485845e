import factory

from filrouge.employers.models import Company, EmployerContact, EmployerContactKind, Opening
from filrouge.organisations.validators import synthetic_siret
from filrouge.pathways.domain import today
from filrouge.people.models import Contact, ContactKind
from filrouge.referentials.models import ContractType
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.profiles.factories import job_title


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Boulangerie du Parc {n}")
    siret = factory.Sequence(lambda n: synthetic_siret(900 + n))
    postal_code = "26000"
    city = "Valence"


class CompanyContactFactory(factory.django.DjangoModelFactory):
    """A person met at a company (a manager, a tutor): a partner contact of kind "employer"."""

    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    full_name = factory.Sequence(lambda n: f"Tutrice {n}")
    partner_name = factory.SelfAttribute("company.name")
    job_title = "Responsable de rayon"
    kind = ContactKind.EMPLOYER


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opening

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    job_title = factory.LazyFunction(job_title)
    contract_type = ContractType.CDI
    hours_per_week = 24
    city = "Valence"
    postal_code = "26000"


class EmployerContactFactory(factory.django.DjangoModelFactory):
    """A phone call of a coach to a company, about no one in particular."""

    class Meta:
        model = EmployerContact

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    coach = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..company.organisation"))
    kind = EmployerContactKind.PHONE_CALL
    face_to_face = False
    contacted_on = factory.LazyFunction(today)
