from django.db import migrations

from filrouge.workshops.built_in import BUILT_IN_TYPES, load_built_in_types


def load(apps, schema_editor):
    load_built_in_types(apps.get_model("workshops", "WorkshopType"))


def unload(apps, schema_editor):
    apps.get_model("workshops", "WorkshopType").objects.filter(
        code__in=[code for code, _, _ in BUILT_IN_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
