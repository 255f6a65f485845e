"""People's and partners' phones stored in E.164. A value that cannot be read is kept as typed:
`filrouge phones check` and the "Numéros à corriger" page list it for correction."""

from django.db import migrations

import filrouge.core.phones

BATCH = 2000


def to_e164(apps, schema_editor):
    for name in ("Person", "Contact"):
        model = apps.get_model("people", name)
        changed = []
        for row in model.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=BATCH):
            e164 = filrouge.core.phones.to_e164(row.phone)
            if e164 is not None and e164 != row.phone:
                row.phone = e164
                changed.append(row)
        model.objects.bulk_update(changed, ["phone"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_search_words_and_sort_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="phone",
            field=filrouge.core.phones.PhoneNumberField(blank=True, max_length=20, verbose_name="téléphone"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=filrouge.core.phones.PhoneNumberField(blank=True, max_length=20, verbose_name="téléphone"),
        ),
        # Back to the typed form is not needed: E.164 is a valid value of the old column too.
        migrations.RunPython(to_e164, migrations.RunPython.noop),
    ]
