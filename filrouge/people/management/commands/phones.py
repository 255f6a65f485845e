"""`filrouge phones check`: the phone numbers kept as typed because they could not be read."""

from django.core.management.base import BaseCommand

from filrouge.core.phones import with_unreadable_phone
from filrouge.people.models import Contact, Person


class Command(BaseCommand):
    help = (
        "Lists the records whose phone number could not be read (kept as typed): their kind, id and "
        "organisation, never the number nor the name; correct them on the page 'Numéros à corriger'."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])

    def handle(self, *args, **options):
        found = 0
        for model, kind in ((Person, "person"), (Contact, "partner")):
            rows = with_unreadable_phone(model.objects.all()).order_by("organisation_id", "pk")
            for organisation_id, pk in rows.values_list("organisation_id", "pk"):
                self.stdout.write(f"{kind} {pk} (organisation {organisation_id})")
                found += 1
        self.stdout.write(f"{found} phone number(s) to correct.")
        if found:
            raise SystemExit(1)
