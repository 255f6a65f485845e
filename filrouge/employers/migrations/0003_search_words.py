from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from filrouge.core.search import TrigramIndex, search_text

BATCH = 2000


def refresh_search_names(apps, schema_editor):
    """Existing companies take the folding of `core.search`: words apart and joined."""
    Company = apps.get_model("employers", "Company")
    companies = []
    for company in Company.objects.only("name", "city", "siret").iterator(chunk_size=BATCH):
        company.search_name = search_text(company.name, company.city, company.siret)
        companies.append(company)
    Company.objects.bulk_update(companies, ["search_name"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0002_company_kind_and_contract_kinds"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AlterField(
            model_name="company",
            name="search_name",
            field=models.CharField(editable=False, max_length=840),
        ),
        migrations.RunPython(refresh_search_names, migrations.RunPython.noop, elidable=True),
        TrigramIndex("company", "search_name", "company_search_trgm"),
    ]
