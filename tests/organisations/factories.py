import factory

from filrouge.organisations.models import Membership, Organisation, ProgrammeType, Service
from filrouge.organisations.validators import synthetic_siret


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association {n}")
    siret = factory.Sequence(lambda n: synthetic_siret(10_000_000 + n))
    city = "Lyon"
    postal_code = "69003"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    programme_type = ProgrammeType.SUPPORTED_EMPLOYMENT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    service = None
