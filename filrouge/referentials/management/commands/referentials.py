from django.core.management.base import BaseCommand
from django.db import transaction

from filrouge.referentials import loading
from filrouge.referentials.models import (
    PERSONAL_THEMES,
    ActionKind,
    JobTitle,
    Objective,
    Occupation,
    Situation,
    Theme,
)


class Command(BaseCommand):
    help = "Reloads the national referentials (ROME, diagnostic) from the files shipped with filrouge."

    @transaction.atomic
    def handle(self, *args, **options):
        titles = loading.load_rome(Occupation, JobTitle)
        items = loading.load_diagnostic(Theme, Situation, Objective, ActionKind, PERSONAL_THEMES)
        self.stdout.write(f"ROME: {titles} job titles. Diagnostic: {items} items.")
