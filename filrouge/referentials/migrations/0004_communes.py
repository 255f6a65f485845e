"""The communes referential, and the homes, companies and openings without a point placed at
their commune."""

from django.db import migrations, models

from filrouge.referentials import loading
from filrouge.referentials.communes import place_of, round_point

BATCH = 2000


def load(apps, schema_editor):
    loading.load_communes(apps.get_model("referentials", "Commune"))


def place(apps, schema_editor):
    communes = apps.get_model("referentials", "Commune").objects
    for app, name in (("people", "Person"), ("employers", "Company"), ("employers", "Opening")):
        model = apps.get_model(app, name)
        unplaced = model.objects.filter(models.Q(latitude=None) | models.Q(longitude=None))
        placed = []
        for row in unplaced.only("pk", "postal_code", "city").iterator(chunk_size=BATCH):
            point = place_of(row.postal_code, row.city, communes)
            if point is not None:
                row.latitude, row.longitude = round_point(point[0]), round_point(point[1])
                placed.append(row)
        model.objects.bulk_update(placed, ["latitude", "longitude"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("referentials", "0003_job_title_search_words"),
        ("people", "0005_phones_e164"),
        ("employers", "0003_search_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="Commune",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("insee_code", models.CharField(max_length=5, verbose_name="code INSEE")),
                ("name", models.CharField(max_length=100, verbose_name="commune")),
                ("search_name", models.CharField(db_index=True, max_length=100)),
                ("postal_code", models.CharField(db_index=True, max_length=5, verbose_name="code postal")),
                ("latitude", models.DecimalField(decimal_places=5, max_digits=8, verbose_name="latitude")),
                ("longitude", models.DecimalField(decimal_places=5, max_digits=8, verbose_name="longitude")),
            ],
            options={
                "verbose_name": "commune",
                "ordering": ["name", "postal_code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("insee_code", "postal_code", "name"), name="commune_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
        # Placing is not undone: the points stay true of the rows' communes.
        migrations.RunPython(place, migrations.RunPython.noop),
    ]
