"""Near matches at creation: one letter off with the same birth date, or the same names with two
digits of the birth date swapped; shown as the user may see them, with "open a new pathway for
this person" as the first choice."""

import html
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filrouge.pathways import domain
from filrouge.pathways.models import Enrolment, Phase
from filrouge.people.domain import PossibleDuplicate, create_person, near_identity, swapped_digit_dates
from filrouge.people.models import Person
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = domain.today()
BORN = date(1987, 3, 12)


def text(response) -> str:
    return html.unescape(response.content.decode())


def known(world, service=None, **identity) -> Person:
    """Sofiane Laurent, born on 12/03/1987, with a pathway in A1 led by its coach (or in `service`)."""
    person = PersonFactory(
        organisation=world.org_a,
        **({"first_name": "Sofiane", "birth_name": "Laurent", "date_of_birth": BORN} | identity),
    )
    coach = world.users["coach"] if service is None else world.users["other_service_coach"]
    enrol(service or world.a1, coach=coach, person=person)
    return person


def typed(world, **identity) -> Person:
    return Person(
        organisation=world.org_a,
        **({"first_name": "Sofiane", "birth_name": "Laurent", "date_of_birth": BORN} | identity),
    )


def creation_data(world, **overrides):
    data = {
        "person-first_name": "Sofiane",
        "person-birth_name": "Laurent",
        "person-date_of_birth": BORN.isoformat(),
        "start-service": world.a1.pk,
        "start-referral_date": (TODAY - timedelta(days=5)).isoformat(),
        "start-primary_coach": world.users["coach"].pk,
        "entry-employment_status": "out_of_work",
        "entry-education_level": "4",
        "entry-rqth_status": "none",
        "entry-housing": "independent",
    }
    return data | overrides


def test_the_dates_with_two_digits_swapped_are_the_valid_ones():
    dates = swapped_digit_dates(BORN)
    assert date(1987, 3, 21) in dates  # 12/03 → 21/03
    assert date(1978, 3, 12) in dates  # 1987 → 1978
    assert BORN not in dates
    # 12/03 → 13/02 is a date, 12/03 → 32/01 is not: only valid readings are looked for.
    assert date(1987, 2, 13) in dates
    assert len(dates) < 28


@pytest.mark.parametrize(
    "identity",
    [
        {"first_name": "Sofian"},  # one letter less
        {"birth_name": "Laurant"},  # one letter replaced
        {"first_name": "sofiane", "birth_name": "LAURENTS"},  # case and accents never count
        {"date_of_birth": date(1987, 3, 21)},  # day's digits swapped
        {"date_of_birth": date(1978, 3, 12)},  # year's digits swapped
    ],
)
def test_a_near_identity_is_caught(world, identity):
    existing = known(world)
    assert near_identity(typed(world, **identity)) == [existing]


@pytest.mark.parametrize(
    "identity",
    [
        {"first_name": "Sofi"},  # two letters off
        {"first_name": "Sofian", "birth_name": "Laurant"},  # a letter off in each name
        {"date_of_birth": date(1987, 4, 12)},  # another date, not a swap
        {"first_name": "Sofian", "date_of_birth": date(1987, 3, 21)},  # a letter and a swap
    ],
)
def test_a_different_identity_is_not_a_near_match(world, identity):
    known(world)
    assert near_identity(typed(world, **identity)) == []


def test_the_same_identity_is_an_exact_match_not_a_near_one(world):
    existing = known(world)
    with pytest.raises(PossibleDuplicate) as raised:
        create_person(typed(world), by=world.users["coach"])
    assert (raised.value.matches, raised.value.near_matches) == ([existing], [])


def test_a_near_match_stops_the_creation_until_confirmed(world):
    existing = known(world)
    with pytest.raises(PossibleDuplicate) as raised:
        create_person(typed(world, first_name="sofian"), by=world.users["coach"])
    assert (raised.value.matches, raised.value.near_matches) == ([], [existing])
    created = create_person(
        typed(world, first_name="sofian"), by=world.users["coach"], homonym_confirmed=True
    )
    assert created.first_name == "Sofian"


def test_near_matches_never_cross_organisations(world):
    person = PersonFactory(
        organisation=world.org_b, first_name="Sofian", birth_name="Laurent", date_of_birth=BORN
    )
    enrol(world.b1, person=person)
    assert near_identity(typed(world)) == []


def test_the_near_check_is_one_indexed_query_whatever_the_number_of_people(world):
    known(world)
    PersonFactory.create_batch(30, organisation=world.org_a, date_of_birth=date(1990, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        near_identity(typed(world, first_name="Sofian"))
    assert len(queries) == 1
    assert "date_of_birth" in queries[0]["sql"]


def test_a_near_match_warns_softly_with_what_the_coach_may_see(client, world):
    existing = known(world)
    client.force_login(world.users["coach"])
    response = client.post(reverse("people:create"), creation_data(world, **{"person-first_name": "Sofian"}))
    page = text(response)
    assert response.status_code == 200
    assert "très proches" in page and "existe déjà dans l'organisation" not in page
    assert reverse("people:detail", args=[existing.pk]) in page
    assert "12/03/1987" in page
    assert "A1" in page and str(Phase.INTAKE.label) in page
    assert world.users["coach"].full_name in page
    assert page.index("Ouvrir un nouveau parcours pour cette personne") < page.index(
        "C'est une autre personne"
    )
    assert not Person.objects.filter(first_name="Sofian").exists()


def test_a_near_match_in_a_service_the_user_cannot_see_says_only_that_someone_exists(client, world):
    existing = known(world)
    client.force_login(world.users["other_service_coach"])
    data = creation_data(
        world,
        **{
            "person-first_name": "Sofian",
            "start-service": world.a2.pk,
            "start-primary_coach": world.users["other_service_coach"].pk,
        },
    )
    page = text(client.post(reverse("people:create"), data))
    assert "où vous n'intervenez pas" in page
    assert reverse("people:detail", args=[existing.pk]) not in page
    assert "12/03/1987" not in page and "Laurent" not in page.split("<main")[1].split("<form")[0]
    assert "Ouvrir un nouveau parcours pour cette personne" not in page


def test_opening_a_new_pathway_for_the_person_found_creates_no_second_record(client, world):
    existing = known(world, service=world.a2)
    client.force_login(world.users["director"])
    data = creation_data(world, **{"person-first_name": "Sofian", "existing": existing.pk})
    response = client.post(reverse("people:create"), data)
    assert response["Location"] == reverse("people:detail", args=[existing.pk])
    assert Person.objects.filter(birth_name="Laurent").count() == 1
    assert set(existing.enrolments.values_list("service__name", flat=True)) == {"A1", "A2"}


def test_opening_a_pathway_for_someone_out_of_reach_is_refused(client, world):
    existing = known(world, service=world.a2)
    client.force_login(world.users["coach"])  # A1's coach does not reach A2's people
    for value in (existing.pk, "pas-un-nombre", "99999999999999999999"):
        response = client.post(reverse("people:create"), creation_data(world, existing=value))
        assert response.status_code == 404
    assert not Enrolment.objects.filter(person=existing, service=world.a1).exists()


def test_opening_a_pathway_the_rules_refuse_keeps_the_matches_and_the_values(client, world):
    existing = known(world)  # already current in A1
    client.force_login(world.users["coach"])
    data = creation_data(world, **{"person-first_name": "Sofian", "existing": existing.pk})
    response = client.post(reverse("people:create"), data)
    page = text(response)
    assert response.status_code == 200
    assert "déjà un parcours en cours dans ce service" in page
    assert "Ouvrir un nouveau parcours pour cette personne" in page
    assert 'value="Sofian"' in page


def test_another_person_is_created_once_confirmed(client, world):
    known(world)
    client.force_login(world.users["coach"])
    data = creation_data(world, **{"person-first_name": "sofian", "not_a_duplicate": "1"})
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 302
    assert Person.objects.filter(birth_name="Laurent").count() == 2
