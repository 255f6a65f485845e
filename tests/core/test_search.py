import pytest
from django.db import connection

from filrouge.core.search import matching, phone_of, search_text, sort_key, tokens
from filrouge.people.models import Person
from tests.organisations.factories import OrganisationFactory
from tests.people.factories import PersonFactory


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Le Goff Anaïs", ["le", "goff", "anais"]),
        ("LE GOFF anais", ["le", "goff", "anais"]),
        ("anais le goff", ["anais", "le", "goff"]),
        ("Laurent, Sofiane", ["laurent", "sofiane"]),
        ("Jean-Pierre", ["jean", "pierre"]),
        ("d'Almeida", ["d", "almeida"]),
        ("d’Almeida", ["d", "almeida"]),
        ("  Œuvre  ", ["oeuvre"]),
        ("goff goff", ["goff"]),
        ("", []),
        (" ,;- ' ", []),
    ],
)
def test_a_query_splits_into_folded_words_whatever_the_punctuation(query, expected):
    assert tokens(query) == expected


def test_the_stored_text_holds_each_name_in_words_and_joined():
    assert search_text("Anaïs", "", "Le Goff") == "anais le goff legoff"
    assert search_text("Jean-Pierre", "d'Almeida", "") == "jean pierre jeanpierre d almeida dalmeida"


@pytest.mark.parametrize(
    "query",
    ["Le Goff Anaïs", "LE GOFF anais", "anais le goff", "Le Goff, Anaïs", "legoff", "ANAÏS"],
)
def test_every_word_in_any_order_is_found_in_the_stored_text(query):
    stored = search_text("Anaïs", "", "Le Goff")
    assert all(token in stored for token in tokens(query))


@pytest.mark.parametrize("query", ["jean pierre", "Jean-Pierre", "dalmeida", "d almeida", "D'ALMEIDA"])
def test_hyphens_and_apostrophes_never_matter(query):
    stored = search_text("Jean-Pierre", "", "d'Almeida")
    assert all(token in stored for token in tokens(query))


def test_the_sort_key_is_surname_then_first_name_folded():
    assert sort_key("Ébrard", "Émile") == "ebrard emile"
    assert sort_key("d'Almeida", "Jean-Pierre") == "dalmeida jean pierre"
    assert sort_key("Martin", "Zoé") < sort_key("Martineau", "Alice")
    assert sorted([sort_key("Ébrard", "x"), sort_key("emile", "x"), sort_key("Dupont", "x")]) == [
        "dupont x",
        "ebrard x",
        "emile x",
    ]


@pytest.mark.parametrize(
    "typed",
    ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78", "+33 (0)6 12 34 56 78"],
)
def test_a_phone_typed_in_any_french_form_stands_for_its_e164_number(typed):
    assert phone_of(typed) == "+33612345678"


@pytest.mark.parametrize(
    "typed", ["Le Goff", "0612", "06 12", "goff 0612345678", "", "123456789", "12345678900012"]
)
def test_names_and_short_numbers_are_not_phones(typed):
    assert phone_of(typed) is None


def test_an_empty_query_sets_no_condition():
    assert matching("  , ") is None


@pytest.mark.django_db
def test_the_search_requires_every_word():
    organisation = OrganisationFactory()
    anais = PersonFactory(organisation=organisation, first_name="Anaïs", birth_name="Le Goff")
    PersonFactory(organisation=organisation, first_name="Anaïs", birth_name="Martin")
    PersonFactory(organisation=organisation, first_name="Gaëlle", birth_name="Le Goff")
    assert list(Person.objects.search("anais le goff")) == [anais]
    assert Person.objects.search("le goff").count() == 2
    assert Person.objects.search(" - ").count() == 3


@pytest.mark.django_db
def test_people_are_sorted_on_the_folded_surname():
    organisation = OrganisationFactory()
    for first, surname in [("emile", "zola"), ("Émile", "Ébrard"), ("Anne", "émile"), ("Zoé", "Dupont")]:
        PersonFactory(organisation=organisation, first_name=first, birth_name=surname)
    names = [p.full_name for p in Person.objects.filter(organisation=organisation)]
    assert names == ["Zoé Dupont", "Émile Ébrard", "Anne émile", "emile zola"]


@pytest.mark.django_db
def test_the_usual_name_is_the_surname_sorted_on():
    person = PersonFactory(first_name="Awa", birth_name="Zidane", usual_name="Diallo")
    assert person.sort_name == "diallo awa"


@pytest.mark.django_db
def test_on_postgresql_the_search_columns_carry_trigram_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only; SQLite runs the same LIKE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%_search_trgm'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"person_search_trgm", "contact_search_trgm", "company_search_trgm"}
    assert all("gin_trgm_ops" in definition for definition in indexes.values())
