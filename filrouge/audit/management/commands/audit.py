"""`filrouge audit verify` and `filrouge audit purge [--dry-run] [--days N]`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from filrouge.audit import chain


class Command(BaseCommand):
    help = "Verifies the audit trail's hash chains, or purges access entries past their retention."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser(
            "verify", help="Checks every chain; names any entry edited, deleted or re-ordered."
        )
        purge = commands.add_parser("purge", help="Removes access entries older than the retention period.")
        purge.add_argument("--dry-run", action="store_true", help="Says how many would go, removes nothing.")
        purge.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Retention in days (default: AUDIT_ACCESS_RETENTION_DAYS, {settings.AUDIT_ACCESS_RETENTION_DAYS}).",
        )

    def handle(self, *args, action, **options):
        if action == "verify":
            self.verify()
        else:
            self.purge(options["days"], options["dry_run"])

    def verify(self):
        report = chain.verify_all()
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"TAMPERED {problem}")
            raise CommandError(
                f"The audit trail has been tampered with: {len(report.problems)} problem(s) "
                f"in {report.chains} chain(s), {report.entries} entries read.",
                returncode=1,
            )
        self.stdout.write(f"Audit trail intact: {report.chains} chain(s), {report.entries} entries verified.")

    def purge(self, days, dry_run):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        count = chain.purge_access(days, dry_run=dry_run)
        retention = settings.AUDIT_ACCESS_RETENTION_DAYS if days is None else days
        if dry_run:
            self.stdout.write(
                f"{count} access entries older than {retention} days would be purged (dry run)."
            )
        else:
            self.stdout.write(f"{count} access entries older than {retention} days purged.")
