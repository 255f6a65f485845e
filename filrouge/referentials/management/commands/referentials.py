from django.core.management.base import BaseCommand
from django.db import transaction

from filrouge.referentials import loading
from filrouge.referentials.models import (
    PERSONAL_THEMES,
    ActionKind,
    Commune,
    JobTitle,
    Objective,
    Occupation,
    ReferentialsLoad,
    Situation,
    Theme,
)


class Command(BaseCommand):
    help = (
        "Reloads the national referentials (ROME, diagnostic, communes) from the files shipped with filrouge."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # Read before the load: files changed meanwhile make the next `filrouge upgrade` reload.
        checksum = loading.data_checksum()
        titles = loading.load_rome(Occupation, JobTitle)
        loading.index_job_titles(JobTitle)
        items = loading.load_diagnostic(Theme, Situation, Objective, ActionKind, PERSONAL_THEMES)
        loading.classify_situations(Situation)
        communes = loading.load_communes(Commune)
        ReferentialsLoad.record(checksum)
        self.stdout.write(f"ROME: {titles} job titles. Diagnostic: {items} items. Communes: {communes}.")
