import html
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse

from filrouge.core.phones import format_phone, to_e164, validate_phone, with_unreadable_phone
from filrouge.people.models import Contact, Person
from tests.employers.factories import CompanyFactory

phones_migration = importlib.import_module("filrouge.people.migrations.0005_phones_e164")


@pytest.mark.parametrize(
    ("typed", "e164", "shown"),
    [
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("0612345678", "+33612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "+33612345678", "06 12 34 56 78"),
        ("06-12-34-56-78", "+33612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("0033 6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("04 75 12 34 56", "+33475123456", "04 75 12 34 56"),
        ("06 39 98 12 34", "+33639981234", "06 39 98 12 34"),  # ARCEP's block for fiction
        ("0692 12 34 56", "+262692123456", "+262 692 12 34 56"),  # Réunion, mobile
        ("02 62 12 34 56", "+262262123456", "+262 262 12 34 56"),  # Réunion, fixed
        ("+33 6 92 12 34 56", "+262692123456", "+262 692 12 34 56"),  # overseas typed with +33
        ("0269 61 23 45", "+262269612345", "+262 269 61 23 45"),  # Mayotte, fixed
        ("0639 12 34 56", "+262639123456", "+262 639 12 34 56"),  # Mayotte, mobile
        ("0590 12 34 56", "+590590123456", "+590 590 12 34 56"),  # Guadeloupe
        ("0690 12 34 56", "+590690123456", "+590 690 12 34 56"),
        ("0594 12 34 56", "+594594123456", "+594 594 12 34 56"),  # Guyane
        ("0696 12 34 56", "+596696123456", "+596 696 12 34 56"),  # Martinique
        ("+262 692 12 34 56", "+262692123456", "+262 692 12 34 56"),
        ("+687 75 12 34", "+687751234", "+687 75.12.34"),  # Nouvelle-Calédonie
        ("+689 87 12 34 56", "+68987123456", "+689 87 12 34 56"),  # Polynésie française
        ("+508 41 23 45", "+508412345", "+508 41 23 45"),  # Saint-Pierre-et-Miquelon
        ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"),  # Belgium
        ("0032 470 12 34 56", "+32470123456", "+32 470 12 34 56"),
    ],
)
def test_a_number_typed_in_any_usual_form_is_stored_in_e164_and_shown_the_french_way(typed, e164, shown):
    assert to_e164(typed) == e164
    assert format_phone(e164) == shown
    validate_phone(typed)


@pytest.mark.parametrize(
    "typed",
    ["garbage", "12", "06 12 34 56", "06 12 34 56 78 90", "+32 12", "06 12 34 56 78 poste 12", "9" * 60],
)
def test_what_is_not_a_phone_number_is_refused_with_examples(typed):
    assert to_e164(typed) is None
    with pytest.raises(ValidationError, match="06 12 34 56 78"):
        validate_phone(typed)


def test_an_unreadable_value_is_shown_as_it_was_typed():
    assert format_phone("chez sa mère") == "chez sa mère"
    assert format_phone("") == ""


def test_the_template_filters_show_the_number_and_call_it_in_e164():
    template = Template("{% load phones %}{{ a|phone_link }}|{{ b|phone_link }}|{{ a|phone }}")
    shown = template.render(Context({"a": "+262692123456", "b": "<rappeler>"}))
    assert shown == '<a href="tel:+262692123456">+262 692 12 34 56</a>|&lt;rappeler&gt;|+262 692 12 34 56'


# --- Storage, forms and pages --------------------------------------------------------------------


def keep_as_typed(obj, value):
    """A value from before the E.164 rule (the save would convert it): written past the model."""
    type(obj).objects.filter(pk=obj.pk).update(phone=value)
    obj.refresh_from_db()


@pytest.mark.django_db
def test_every_save_stores_e164_and_an_unreadable_value_is_kept(world):
    world.person.phone = "0692 12 34 56"
    world.person.save()
    world.person.refresh_from_db()
    assert world.person.phone == "+262692123456"
    world.contact.phone = "voir secrétariat"
    world.contact.save()
    world.contact.refresh_from_db()
    assert world.contact.phone == "voir secrétariat"


def edit_data(form) -> dict:
    data = {name: form[name].value() or "" for name in form.fields}
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("0692 12 34 56", "+262692123456", "+262 692 12 34 56"),
        ("0590 12 34 56", "+590590123456", "+590 590 12 34 56"),
        ("0639 12 34 56", "+262639123456", "+262 639 12 34 56"),
        ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"),
        ("+33 (0)6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
    ],
)
def test_the_identity_form_takes_any_form_and_the_record_shows_it_with_a_tel_link(
    client, world, typed, stored, shown
):
    client.force_login(world.users["coach"])
    url = reverse("people:edit", args=[world.person.pk])
    data = edit_data(client.get(url).context["form"])
    data["date_of_birth"] = world.person.date_of_birth.isoformat()
    assert client.post(url, data | {"phone": typed}).status_code == 302
    world.person.refresh_from_db()
    assert world.person.phone == stored
    page = html.unescape(client.get(reverse("people:detail", args=[world.person.pk])).content.decode())
    assert f'<a href="tel:{stored}">{shown}</a>' in page
    assert client.get(url).context["form"]["phone"].value() == stored
    assert f'value="{shown}"' in html.unescape(client.get(url).content.decode())


@pytest.mark.django_db
def test_garbage_is_refused_on_the_form_and_kept_as_typed_for_correction(client, world):
    client.force_login(world.users["coach"])
    url = reverse("people:edit", args=[world.person.pk])
    data = edit_data(client.get(url).context["form"]) | {"phone": "06 12 34"}
    data["date_of_birth"] = world.person.date_of_birth.isoformat()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "n'est pas lisible" in html.unescape(response.content.decode())
    assert 'value="06 12 34"' in response.content.decode()
    world.person.refresh_from_db()
    assert world.person.phone == ""


@pytest.mark.django_db
def test_a_stored_unreadable_number_opens_the_form_with_its_error(client, world):
    keep_as_typed(world.person, "06 12 34 5")
    client.force_login(world.users["coach"])
    response = client.get(reverse("people:edit", args=[world.person.pk]))
    page = html.unescape(response.content.decode())
    assert "n'est pas lisible" in page
    assert 'value="06 12 34 5"' in page
    assert 'aria-invalid="true"' in page


@pytest.mark.django_db
def test_the_partner_form_stores_a_foreign_number(client, world):
    client.force_login(world.users["coach"])
    url = reverse("people:contact_edit", args=[world.contact.pk])
    data = {
        "full_name": world.contact.full_name,
        "partner_name": world.contact.partner_name,
        "job_title": "",
        "kind": world.contact.kind,
        "phone": "+32 470 12 34 56",
        "email": "",
    }
    assert client.post(url, data).status_code == 302
    world.contact.refresh_from_db()
    assert world.contact.phone == "+32470123456"
    listing = html.unescape(client.get(reverse("people:contacts")).content.decode())
    assert '<a href="tel:+32470123456">+32 470 12 34 56</a>' in listing
    assert client.post(url, data | {"phone": "n/a"}).status_code == 200


@pytest.mark.django_db
def test_the_company_contact_form_stores_a_guadeloupe_number(client, world):
    company = CompanyFactory(organisation=world.org_a)
    client.force_login(world.users["coach"])
    data = {"full_name": "Maryse Tutrice", "job_title": "Gérante", "phone": "0690 12 34 56", "email": ""}
    response = client.post(reverse("employers:contact_add", args=[company.pk]), data)
    assert response.status_code == 302
    contact = Contact.objects.get(full_name="Maryse Tutrice")
    assert contact.phone == "+590690123456"
    page = html.unescape(client.get(reverse("employers:detail", args=[company.pk])).content.decode())
    assert "+590 690 12 34 56" in page


# --- The migration of existing values ------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_converts_what_it_reads_and_keeps_the_rest_listed(world, capsys):
    keep_as_typed(world.person, "06.12.34.56.78")
    keep_as_typed(world.contact, "ligne directe 12")
    phones_migration.to_e164(apps, None)
    world.person.refresh_from_db()
    world.contact.refresh_from_db()
    assert world.person.phone == "+33612345678"
    assert world.contact.phone == "ligne directe 12"  # never dropped
    assert list(with_unreadable_phone(Contact.objects.all())) == [world.contact]
    assert not with_unreadable_phone(Person.objects.all()).exists()

    with pytest.raises(SystemExit):
        call_command("phones", "check")
    out = capsys.readouterr().out
    assert f"partner {world.contact.pk} (organisation {world.org_a.pk})" in out
    assert "ligne directe" not in out  # the command prints ids, never the value


@pytest.mark.django_db
def test_the_check_is_quiet_when_every_number_is_readable(world, capsys):
    call_command("phones", "check")
    assert "0 phone number(s) to correct." in capsys.readouterr().out


@pytest.mark.django_db
def test_the_numbers_to_correct_are_listed_for_the_head_of_service_with_their_forms(client, world):
    keep_as_typed(world.person, "06 12 34 5")
    keep_as_typed(world.contact, "standard")
    client.force_login(world.users["head_of_service"])
    listing = html.unescape(client.get(reverse("people:contacts")).content.decode())
    assert "2 numéros de téléphone à corriger" in listing
    page = html.unescape(client.get(reverse("people:phones_to_fix")).content.decode())
    assert reverse("people:edit", args=[world.person.pk]) in page and "06 12 34 5" in page
    assert reverse("people:contact_edit", args=[world.contact.pk]) in page and "standard" in page
    client.force_login(world.users["coach"])
    assert client.get(reverse("people:phones_to_fix")).status_code == 403
    assert "à corriger" not in client.get(reverse("people:contacts")).content.decode()
