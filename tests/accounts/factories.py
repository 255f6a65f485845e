import factory

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Role
from tests.organisations.factories import OrganisationFactory

PASSWORD = "Un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@exemple.example")
    full_name = factory.Sequence(lambda n: f"Agent Numéro {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)


def staff(role: Role, service=None, organisation=None, **fields) -> User:
    """A user holding one role: in `service`, or across `organisation` for organisation-wide roles."""
    organisation = organisation or service.organisation
    user = UserFactory(organisation=organisation, **fields)
    Membership.objects.create(
        user=user, role=role, service=None if Role(role).is_organisation_wide else service
    )
    return user
