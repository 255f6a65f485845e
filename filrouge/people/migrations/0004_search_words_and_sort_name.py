from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from filrouge.core.search import TrigramIndex, search_text, sort_key

BATCH = 2000


def refresh_folded_names(apps, schema_editor):
    """Existing rows take the folding of `core.search`: words apart and joined, the sort key."""
    Person = apps.get_model("people", "Person")
    Contact = apps.get_model("people", "Contact")
    people = []
    for person in Person.objects.only("first_name", "usual_name", "birth_name").iterator(chunk_size=BATCH):
        person.search_name = search_text(person.first_name, person.usual_name, person.birth_name)
        person.sort_name = sort_key(person.usual_name or person.birth_name, person.first_name)
        people.append(person)
    Person.objects.bulk_update(people, ["search_name", "sort_name"], batch_size=BATCH)
    contacts = []
    for contact in Contact.objects.only("full_name", "partner_name", "job_title").iterator(chunk_size=BATCH):
        contact.search_name = search_text(contact.full_name, contact.partner_name, contact.job_title)
        contacts.append(contact)
    Contact.objects.bulk_update(contacts, ["search_name"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_employer_contacts_and_home_place"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AlterField(
            model_name="person",
            name="search_name",
            field=models.CharField(editable=False, max_length=640),
        ),
        migrations.AddField(
            model_name="person",
            name="sort_name",
            field=models.CharField(blank=True, editable=False, max_length=210),
        ),
        migrations.AlterField(
            model_name="contact",
            name="search_name",
            field=models.CharField(editable=False, max_length=720),
        ),
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["sort_name", "pk"], "verbose_name": "personne accompagnée"},
        ),
        migrations.RunPython(refresh_folded_names, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["sort_name", "id"], name="person_sort_name_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone"], name="person_phone_idx"),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["phone"], name="contact_phone_idx"),
        ),
        TrigramIndex("person", "search_name", "person_search_trgm"),
        TrigramIndex("contact", "search_name", "contact_search_trgm"),
    ]
