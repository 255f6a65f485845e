import os

from django.conf import settings
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
        # The demo accounts sign in with their password alone, without an authenticator app;
        # the served process reads this before its settings. Production keeps the default.
        os.environ.setdefault("FILROUGE_REQUIRE_2FA", "0")
        if os.environ["FILROUGE_REQUIRE_2FA"].strip().lower() not in {"1", "true", "yes", "on", ""}:
            self.stdout.write(
                "Two-factor authentication is optional in this demo; production requires it "
                "for every role that reads case content (FILROUGE_REQUIRE_2FA)."
            )
        # Nothing leaves the demo: its reminders and emails are files to open.
        email_files = settings.MAILERS["default"].get("OPTIONS", {}).get("file_path")
        if settings.SMS_BACKEND == "file":
            self.stdout.write(f"SMS are written as files in {settings.SMS_FILE_PATH}")
        if email_files:
            self.stdout.write(f"Emails are written as files in {email_files}")
        self.stdout.write(
            "The worker runs beside the web server: reminders, digests and nightly jobs follow their "
            "schedule; `filrouge reminders send --at DATETIME` sends what is due at a chosen time."
        )
        if not no_serve:
            call_command("serve", bind="127.0.0.1:8000")
