from django.db import migrations, models

from filrouge.referentials import loading


def index(apps, schema_editor):
    loading.index_job_titles(apps.get_model("referentials", "JobTitle"))


class Migration(migrations.Migration):
    dependencies = [("referentials", "0002_load_national_referentials")]
    operations = [
        migrations.AddField(
            model_name="jobtitle",
            name="search_words",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(index, migrations.RunPython.noop),
    ]
