from django.db import migrations, models

from filrouge.referentials import loading
from filrouge.referentials.models import PERSONAL_THEMES


def correct(apps, schema_editor):
    get = apps.get_model
    # Reloading applies the corrected labels by code; the codes stay as they were.
    loading.load_diagnostic(
        get("referentials", "Theme"),
        get("referentials", "Situation"),
        get("referentials", "Objective"),
        get("referentials", "ActionKind"),
        PERSONAL_THEMES,
    )
    loading.classify_situations(get("referentials", "Situation"))


class Migration(migrations.Migration):
    dependencies = [("referentials", "0004_communes")]
    operations = [
        migrations.AddField(
            model_name="situation",
            name="kind",
            field=models.CharField(
                choices=[("barrier", "Frein"), ("resource", "Ressource")],
                default="barrier",
                max_length=8,
                verbose_name="nature",
            ),
        ),
        migrations.AlterModelOptions(
            name="situation",
            options={"ordering": ["theme__label", "label"], "verbose_name": "situation (frein ou ressource)"},
        ),
        migrations.RunPython(correct, migrations.RunPython.noop),
    ]
