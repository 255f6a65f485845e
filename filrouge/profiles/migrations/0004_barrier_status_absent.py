from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_encrypt_profile_texts")]
    operations = [
        migrations.AlterField(
            model_name="barrier",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_discussed", "Pas encore abordé"),
                    ("present", "Présent"),
                    ("working_on", "En cours de traitement"),
                    ("resolved", "Levé"),
                    ("absent", "Absente"),
                ],
                default="not_discussed",
                max_length=16,
                verbose_name="statut",
            ),
        ),
    ]
