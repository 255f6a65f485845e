"""The rules of recording a person."""

from django.db import transaction

from filrouge.organisations.models import Organisation
from filrouge.people.models import Person


class PossibleDuplicate(Exception):
    """The organisation already holds someone with these names and birth date."""

    def __init__(self, matches: list[Person]):
        super().__init__("possible duplicate")
        self.matches = matches


@transaction.atomic
def create_person(person: Person, *, by, homonym_confirmed: bool = False) -> Person:
    """Records a new person of `person.organisation`, unless someone with the same names and birth
    date is already there (`PossibleDuplicate`) and the user has not confirmed a homonym.

    The check and the insert are one step: creations in one organisation wait for each other on
    its row's lock, held until the caller's transaction commits, so two people recording the same
    person at the same moment make one record and one warning. The lock does not conflict with
    the key-share locks that inserts of the organisation's other rows take."""
    Organisation.objects.select_for_update(no_key=True).only("pk").get(pk=person.organisation_id)
    matches = person.same_identity()
    if matches and not homonym_confirmed:
        raise PossibleDuplicate(matches)
    person.created_by = by
    person.save()
    return person
