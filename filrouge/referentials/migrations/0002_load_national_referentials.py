from django.db import migrations

from filrouge.referentials import loading
from filrouge.referentials.models import PERSONAL_THEMES



def load(apps, schema_editor):
    get = apps.get_model
    loading.load_rome(get("referentials", "Occupation"), get("referentials", "JobTitle"))
    loading.load_diagnostic(
        get("referentials", "Theme"),
        get("referentials", "Situation"),
        get("referentials", "Objective"),
        get("referentials", "ActionKind"),
        PERSONAL_THEMES,
    )


class Migration(migrations.Migration):
    dependencies = [("referentials", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
