import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_service_retention_years"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="employment_services_share",
            field=models.PositiveSmallIntegerField(
                default=100,
                help_text=(
                    "Pour un job coach : part de son temps de travail dans ce service consacrée à "
                    "l'accompagnement vers et dans l'emploi (le reste : accompagnement social, autres "
                    "missions). La revue de fidélité IPS en tient compte."
                ),
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="temps consacré à l'emploi (%)",
            ),
        ),
    ]
