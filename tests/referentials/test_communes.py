import html
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from filrouge.employers import domain as employers
from filrouge.people.models import Person
from filrouge.referentials.communes import commune_key, place_of, search_communes
from filrouge.referentials.models import Commune
from tests.employers.factories import CompanyFactory, OpeningFactory

pytestmark = pytest.mark.django_db
communes_migration = importlib.import_module("filrouge.referentials.migrations.0004_communes")

VALENCE = (44.92342, 4.91639)
ROMANS = (45.06114, 5.04775)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("L'Isle-sur-la-Sorgue", "isle sur la sorgue"),
        ("St-Étienne", "saint etienne"),
        ("SAINTE FOY LES LYON", "sainte foy les lyon"),
        ("Le Puy-en-Velay", "puy en velay"),
        ("Valence Cedex 9", "valence"),
        ("  le  ", "le"),
    ],
)
def test_a_commune_name_is_compared_without_accents_article_hyphens_or_abbreviations(typed, key):
    assert commune_key(typed) == key


def test_the_communes_file_is_loaded_by_the_migrations():
    assert Commune.objects.count() > 35000
    assert Commune.objects.filter(postal_code="97400", name="Saint-Denis").exists()  # Réunion


def test_a_place_is_found_from_its_postal_code_and_commune_however_written():
    assert place_of("26000", "Valence") == VALENCE
    assert place_of("26000", "VALENCE cedex") == VALENCE
    assert place_of("26100", "romans sur isere") == ROMANS
    assert place_of("42000", "St Etienne") == place_of("42000", "Saint-Étienne") is not None
    assert place_of("75015", "Paris") == place_of("75015", "Paris 15e Arrondissement") is not None


def test_a_postal_code_alone_places_when_it_serves_one_commune_only():
    assert place_of("26000", "") == VALENCE
    assert place_of("26000", "Valance") == VALENCE  # misspelt
    assert place_of("51300", "") is None  # 46 communes share it


def test_a_name_alone_places_only_when_one_commune_bears_it():
    assert place_of("", "Romans-sur-Isère") == ROMANS
    assert place_of("", "Saint-Denis") is None  # in Seine-Saint-Denis, La Réunion and elsewhere
    assert place_of("", "") is None
    assert place_of("99999", "Nullepart") is None
    assert place_of("2610", "Romans-sur-Isère") == ROMANS  # not a postal code: the name decides
    assert place_of("", "Valence") is None  # in the Drôme, the Charente, the Tarn-et-Garonne…


def test_the_picker_finds_by_postal_code_or_by_name():
    by_code = list(search_communes("2600"))
    assert {c.postal_code for c in by_code} == {"26000"}
    by_name = [c.name for c in search_communes("romans sur")]
    assert by_name[0] == "Romans-sur-Isère"
    assert list(search_communes("r")) == []


def test_a_home_is_placed_at_its_commune_on_save_and_moves_with_it(world):
    person = world.person
    person.postal_code, person.city = "26000", "Valence"
    person.save()
    person.refresh_from_db()
    assert (person.latitude, person.longitude) == (Decimal("44.92342"), Decimal("4.91639"))
    person.postal_code, person.city = "26100", "Romans-sur-Isère"
    person.save()
    person.refresh_from_db()
    assert (float(person.latitude), float(person.longitude)) == ROMANS
    person.postal_code, person.city = "", "Nullepart"
    person.save()
    person.refresh_from_db()
    assert person.latitude is None  # the old point would be wrong


def test_a_point_given_with_the_commune_is_kept(world):
    person = world.person
    person.postal_code, person.city = "26000", "Valence"
    person.latitude, person.longitude = Decimal("44.90000"), Decimal("4.90000")
    person.save()
    person.refresh_from_db()
    assert person.latitude == Decimal("44.90000")
    person.first_name = "Noé"
    person.save()  # the commune did not change: the point stays
    person.refresh_from_db()
    assert person.latitude == Decimal("44.90000")


def test_a_save_limited_to_other_fields_leaves_the_place_alone(world):
    Person.objects.filter(pk=world.person.pk).update(postal_code="26000", city="Valence")
    world.person.refresh_from_db()
    world.person.save(update_fields=["first_name"])
    world.person.refresh_from_db()
    assert world.person.latitude is None


def test_a_company_and_an_opening_are_placed_at_their_communes(world):
    company = CompanyFactory(organisation=world.org_a, postal_code="26000", city="Valence")
    assert (float(company.latitude), float(company.longitude)) == VALENCE
    elsewhere = OpeningFactory.build(company=company, postal_code="26100", city="Romans-sur-Isère")
    employers.save_opening(elsewhere, by=world.users["coach"])
    assert (float(elsewhere.latitude), float(elsewhere.longitude)) == ROMANS
    at_company = OpeningFactory.build(company=company, postal_code="", city="")
    employers.save_opening(at_company, by=world.users["coach"])
    assert (at_company.latitude, at_company.longitude) == (company.latitude, company.longitude)


def test_the_migration_places_the_rows_without_a_point(world):
    Person.objects.filter(pk=world.person.pk).update(postal_code="26000", city="Valence", latitude=None)
    communes_migration.place(apps, None)
    world.person.refresh_from_db()
    assert (float(world.person.latitude), float(world.person.longitude)) == VALENCE


def test_the_picker_view_answers_options_for_what_was_typed(client, world):
    client.force_login(world.users["coach"])
    url = reverse("referentials:communes")
    page = html.unescape(client.get(url, {"q": "26000"}).content.decode())
    assert '<option value="26000" data-city="Valence">26000 Valence</option>' in page
    assert "1 commune trouvée" in page
    assert "Tapez au moins 2" in client.get(url, {"q": "2"}).content.decode()
    assert "Aucune commune" in html.unescape(client.get(url, {"q": "zzzz"}).content.decode())
    assert client.get(url, {"q": "x" * 5000}).status_code == 200


def test_the_forms_offer_the_picker_and_no_coordinates(client, world):
    client.force_login(world.users["coach"])
    page = client.get(reverse("people:edit", args=[world.person.pk])).content.decode()
    assert 'data-postal-code="id_postal_code"' in page
    assert reverse("referentials:communes") in page
    assert 'name="latitude"' not in page
