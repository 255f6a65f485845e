from datetime import timedelta

from filrouge.consents import domain
from filrouge.consents.models import ConsentMethod, ConsentStatus, Purpose
from filrouge.pathways.domain import today
from filrouge.people.models import ContactKind, PersonContact
from tests.people.factories import ContactFactory


def give(person, by, purpose=Purpose.PLAN_TO_PARTNER, recipient=None, days_ago=0, **fields):
    """A consent given orally, `by` being the witness."""
    arguments = {
        "purpose": purpose,
        "status": ConsentStatus.GIVEN,
        "decided_on": today() - timedelta(days=days_ago),
        "method": ConsentMethod.ORAL,
        "by": by,
        "recipient": recipient,
        "witness": by,
    } | fields
    return domain.record_consent(person, **arguments)


def partner(person, relation=ContactKind.REFERRING_PARTNER, **fields):
    """A new partner linked to the person in `relation`."""
    contact = ContactFactory(organisation=person.organisation, kind=relation, **fields)
    PersonContact.objects.create(
        organisation=person.organisation, person=person, contact=contact, relation=relation
    )
    return contact
