"""The duplicate guard of an import, in memory (docs/design/imports-plan.md §1.2).

The page asks the database twice per person (`people.domain.possible_duplicate`); an import of
100,000 rows cannot. `IdentityIndex` loads the organisation's identities once, keyed by birth
date, and applies the same rule (`people.domain.identity_matches`) to the candidates of a birth
date and of its swapped-digit dates, the run's own new people included (`add`).
"""

from collections import defaultdict
from typing import NamedTuple

from filrouge.people import domain as people
from filrouge.people.models import Person

# Birth dates whose swapped-digit dates are kept (a lifetime's span holds some 22,000 dates; the
# rows of a file mostly come in no order of birth, and 10,000 hold some 5 MB).
DATES_CACHED = 10_000


class Known(NamedTuple):
    """A stored person as the guard reads them (what `identity_matches` needs, and the id)."""

    pk: int
    first_name: str
    birth_name: str
    usual_name: str
    date_of_birth: object


class Planned(NamedTuple):
    """A person the run plans to create, as the guard reads them, and the importer's plan."""

    organisation_id: int
    first_name: str
    birth_name: str
    usual_name: str
    date_of_birth: object
    plan: object

    def fields(self) -> dict:
        return {
            name: getattr(self, name) for name in ("first_name", "birth_name", "usual_name", "date_of_birth")
        }


class IdentityIndex:
    """The organisation's people by birth date, read once, plus the people a run plans to create.

    `matches(person)` returns `(exact, near)` as `identity_matches` does: stored people as `Known`
    tuples, the run's as `Planned` ones (`add`). Anonymised people have no names left and
    never match: they are not loaded."""

    def __init__(self, organisation_id: int):
        self.organisation_id = organisation_id
        self.by_date: dict = defaultdict(list)
        self.dates: dict = {}  # birth date → it and its swapped-digit dates (28 swaps to try each)
        rows = (
            Person.objects.filter(organisation_id=organisation_id, anonymised_at__isnull=True)
            .order_by()
            .values_list("pk", "first_name", "birth_name", "usual_name", "date_of_birth")
        )
        for row in rows.iterator(chunk_size=5000):
            self.by_date[row[4]].append(Known(*row))

    def dates_of(self, born) -> tuple:
        """The birth date and its swapped-digit dates (a tuple: a set of ten dates weighs five
        times more, and they are kept by the thousand)."""
        if born not in self.dates:
            if len(self.dates) >= DATES_CACHED:
                self.dates.clear()
            self.dates[born] = (born, *people.swapped_digit_dates(born))
        return self.dates[born]

    def candidates(self, born) -> list:
        found = []
        for day in self.dates_of(born):
            found += self.by_date.get(day, ())
        return found

    def matches(self, person) -> tuple[list, list]:
        """(exact, near) among the stored people and those added, in the order they were read."""
        born = person.date_of_birth
        return people.identity_matches(person, self.candidates(born), self.dates_of(born))

    def add(self, person, plan) -> "Planned":
        """A person the run plans to create (`plan`, the importer's): later rows see them as the
        page would once saved. The index keeps their identity, not the instance."""
        planned = Planned(
            person.organisation_id, person.first_name, person.birth_name, person.usual_name,
            person.date_of_birth, plan,
        )  # fmt: skip
        self.by_date[person.date_of_birth].append(planned)
        return planned

    @staticmethod
    def stored(found) -> list[int]:
        """The ids of the stored people among `found`, in order."""
        return [other.pk for other in found if isinstance(other, Known)]
