"""The rules of recording a person."""

from datetime import date
from itertools import combinations

from django.db import transaction

from filrouge.core import bulk
from filrouge.core.text import fold
from filrouge.organisations.models import Organisation
from filrouge.people.models import Person
from filrouge.people.names import capitalise_first_name, one_letter_off


class PossibleDuplicate(Exception):
    """The organisation already holds someone with these names and birth date (`matches`), or
    someone very close to them (`near_matches`: a softer warning)."""

    def __init__(self, matches: list[Person], near_matches: list[Person] = ()):
        super().__init__("possible duplicate")
        self.matches = matches
        self.near_matches = list(near_matches)

    @property
    def everyone(self) -> list[Person]:
        return [*self.matches, *self.near_matches]


def swapped_digit_dates(born: date) -> set[date]:
    """The valid dates read when two digits of `born` are swapped (12/03 for 21/03, 1987 for 1978)."""
    digits = born.strftime("%d%m%Y")
    dates = set()
    for i, j in combinations(range(len(digits)), 2):
        if digits[i] == digits[j]:
            continue
        swapped = list(digits)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        text = "".join(swapped)
        try:
            dates.add(date(int(text[4:]), int(text[2:4]), int(text[:2])))
        except ValueError:
            continue
    return dates


def last_names(person: Person) -> set[str]:
    return {fold(person.birth_name), fold(person.usual_name)} - {""}


def near_identity(person: Person) -> list[Person]:
    """Others of the organisation who may be this person typed slightly differently: one letter
    off in a name with the same birth date, or the same names with two digits of the birth date
    swapped. Candidates come from the (organisation, birth date) index, never a scan of everyone."""
    first, lasts = fold(person.first_name), last_names(person)
    candidates = (
        Person.objects.filter(
            organisation_id=person.organisation_id,
            date_of_birth__in={person.date_of_birth, *swapped_digit_dates(person.date_of_birth)},
        )
        .exclude(pk=person.pk)
        .order_by("pk")
    )
    return [other for other in candidates if is_near(first, lasts, person.date_of_birth, other)]


def is_near(first: str, lasts: set[str], born: date, other) -> bool:
    """`near_identity`'s rule for one candidate born on `born` or a swapped-digit date of it."""
    if other.date_of_birth == born:
        return one_letter_off(first, lasts, other.first_name, last_names(other))
    return fold(other.first_name) == first and bool(lasts & last_names(other))


def identity_matches(person, candidates, dates=None) -> tuple[list, list]:
    """The guard's rule on rows already in memory (an import's own new people): the candidates
    with `person`'s identity (`Person.same_identity`), and the near ones (`near_identity`).
    Candidates born on other dates than `person`'s and its swapped-digit dates (`dates`, when
    the caller has them) never match."""
    first, lasts, born = fold(person.first_name), last_names(person), person.date_of_birth
    dates = {born, *swapped_digit_dates(born)} if dates is None else dates
    exact, near = [], []
    for other in candidates:
        if other is person or other.date_of_birth not in dates:
            continue
        if other.date_of_birth == born and fold(other.first_name) == first and lasts & last_names(other):
            exact.append(other)
        elif is_near(first, lasts, born, other):
            near.append(other)
    return exact, near


def possible_duplicate(person: Person) -> PossibleDuplicate | None:
    """Who `person` may already be: the same identity, else near ones (None when nobody)."""
    matches = person.same_identity()
    near = [other for other in near_identity(person) if other not in matches]
    return PossibleDuplicate(matches, near) if matches or near else None


@transaction.atomic
def create_person(person: Person, *, by, homonym_confirmed: bool = False) -> Person:
    """Records a new person of `person.organisation`, unless someone with the same names and birth
    date, or very close to them, is already there (`PossibleDuplicate`) and the user has not
    confirmed a homonym. The first name is capitalised as French first names are.

    The check and the insert are one step: creations in one organisation wait for each other on
    its row's lock, held until the caller's transaction commits, so two people recording the same
    person at the same moment make one record and one warning. The lock does not conflict with
    the key-share locks that inserts of the organisation's other rows take."""
    Organisation.objects.select_for_update(no_key=True).only("pk").get(pk=person.organisation_id)
    person.first_name = capitalise_first_name(person.first_name)
    if not homonym_confirmed:
        duplicate = possible_duplicate(person)
        if duplicate is not None:
            raise duplicate
    person.created_by = by
    person.save()
    return person


# Rows written at a time by the bulk writes (`create_people`, `pathways.domain.open_imported_pathways`).
BATCH_SIZE = 500


@transaction.atomic
def create_people(people: list[Person], *, by) -> list[Person]:
    """Records new people in bulk, as `create_person` records each (an import of thousands of
    rows): the first name capitalised, `created_by`, the folded names and the home placed at its
    commune as `Person.save` does (once per postal code and commune), `BATCH_SIZE` rows at a
    time (`core.bulk.insert`), and the audit trail's creation entries that the save's signal would have written
    (in batches, `audit.api.buffered`). Returns the people, with their ids.

    The duplicate guard is the caller's: it has checked each person against the organisation's
    people and against the others of the batch (`identity_matches`), under the organisation's
    lock, which is taken here too when the caller has not (the same lock as `create_person`)."""
    from filrouge.audit import api as audit
    from filrouge.audit.capture import creation_entry

    for organisation_id in sorted({person.organisation_id for person in people}):
        Organisation.objects.select_for_update(no_key=True).only("pk").get(pk=organisation_id)
    points: dict[tuple[str, str], tuple] = {}
    for person in people:
        person.first_name = capitalise_first_name(person.first_name)
        person.created_by = by
        place, unplaced = (person.postal_code, person.city), None in (person.latitude, person.longitude)
        if unplaced and place in points:
            person.latitude, person.longitude = points[place]
            person.prepare_for_save(placed=True)
        else:
            person.prepare_for_save()
            if unplaced:
                points[place] = (person.latitude, person.longitude)
    with audit.buffered():
        for start in range(0, len(people), BATCH_SIZE):
            batch = people[start : start + BATCH_SIZE]
            bulk.insert(Person, batch)
            for person in batch:
                entry = creation_entry(person)
                if entry is not None:
                    audit.record(**entry)
    return people
