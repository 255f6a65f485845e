from django.core.management.base import BaseCommand, CommandError

from filrouge.audit import api as audit
from filrouge.privacy.domain import run_retention


class Command(BaseCommand):
    help = (
        "Retention of the people's records: `retention run` anonymises every person whose pathways "
        "have all ended longer ago than their services' retention period. Cron-able."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="run")
        run = actions.add_parser("run", help="anonymise the records past their retention period")
        run.add_argument("--dry-run", action="store_true", help="count the records due, change nothing")

    def handle(self, *args, action, dry_run=False, **options):
        if action != "run":
            raise CommandError(f"Unknown action: {action}")
        with audit.system_actor("retention"):
            count = run_retention(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{count} record(s) past their retention period would be anonymised (dry run).")
        else:
            self.stdout.write(f"{count} record(s) past their retention period anonymised.")
