from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrates, loads the demo data, prints the demo accounts and serves on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="prepare and print, but do not serve")

    def handle(self, *args, no_serve, **options):
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(self.style.SUCCESS("Demo accounts (all data is synthetic):"))
        call_command("seed", preset="demo", stdout=self.stdout)
        if not no_serve:
            call_command("serve", bind="127.0.0.1:8000")
