"""The import's duplicate guard in memory gives the page's answers (`possible_duplicate`)."""

from datetime import date

import pytest
from django.utils import timezone

from filrouge.imports.identity import IdentityIndex, Known
from filrouge.people import domain
from filrouge.people.models import Person
from tests.organisations.factories import OrganisationFactory
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
BORN = date(1990, 3, 15)


def candidate(org, **fields) -> Person:
    values = {"first_name": "Camille", "birth_name": "Lefèvre", "usual_name": "", "date_of_birth": BORN}
    return Person(organisation=org, **(values | fields))


@pytest.fixture
def org():
    return OrganisationFactory()


def test_the_index_finds_what_the_page_finds_exact_near_and_swapped_digits(org):
    same = PersonFactory(organisation=org, first_name="camille", birth_name="LEFEVRE", date_of_birth=BORN)
    married = PersonFactory(organisation=org, first_name="Camille", birth_name="Roux", usual_name="Lefèvre",
                            date_of_birth=BORN)  # fmt: skip
    one_letter = PersonFactory(
        organisation=org, first_name="Camile", birth_name="Lefèvre", date_of_birth=BORN
    )
    swapped = PersonFactory(organisation=org, first_name="Camille", birth_name="Lefèvre",
                            date_of_birth=date(1990, 5, 13))  # fmt: skip
    PersonFactory(
        organisation=org, first_name="Camille", birth_name="Lefèvre", date_of_birth=date(1991, 7, 2)
    )
    PersonFactory(first_name="Camille", birth_name="Lefèvre", date_of_birth=BORN)  # another organisation

    with_queries = domain.possible_duplicate(candidate(org))
    exact, near = IdentityIndex(org.pk).matches(candidate(org))

    assert (
        sorted(IdentityIndex.stored(exact))
        == sorted(p.pk for p in with_queries.matches)
        == sorted([same.pk, married.pk])
    )
    assert (
        sorted(IdentityIndex.stored(near))
        == sorted(p.pk for p in with_queries.near_matches)
        == sorted([one_letter.pk, swapped.pk])
    )
    assert all(isinstance(found, Known) for found in exact + near)


def test_anonymised_people_are_not_read_and_never_match(org):
    PersonFactory(
        organisation=org, first_name="", birth_name="", date_of_birth=BORN, anonymised_at=timezone.now()
    )

    index = IdentityIndex(org.pk)

    assert index.matches(candidate(org)) == ([], [])
    assert index.by_date == {}


def test_people_added_by_the_run_are_found_by_later_rows_as_their_plan(org):
    index = IdentityIndex(org.pk)
    plan = object()  # the importer's plan of the person, whatever it is
    record = index.add(candidate(org), plan)

    assert record.plan is plan
    assert record.fields() == {
        "first_name": "Camille",
        "birth_name": "Lefèvre",
        "usual_name": "",
        "date_of_birth": BORN,
    }
    assert index.matches(candidate(org, first_name="CAMILLE")) == ([record], [])
    assert index.matches(candidate(org, first_name="Camilla")) == ([], [record])
    assert IdentityIndex.stored([record]) == []
    assert index.matches(candidate(org, birth_name="Durand")) == ([], [])


def test_the_index_is_read_in_one_query(org, django_assert_num_queries):
    for number in range(30):
        PersonFactory(
            organisation=org, birth_name=f"Nom{number}", date_of_birth=date(1980 + number % 20, 1, 2)
        )

    with django_assert_num_queries(1):
        index = IdentityIndex(org.pk)
    with django_assert_num_queries(0):
        index.matches(candidate(org, birth_name="Nom3", date_of_birth=date(1983, 1, 2)))
