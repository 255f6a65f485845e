"""`filrouge files sweep [--dry-run]`: removes the attached files no document keeps. Cron-able."""

from django.core.management.base import BaseCommand, CommandError

from filrouge.documents.domain import sweep_files


class Command(BaseCommand):
    help = (
        "Attached files on disk: `files sweep` removes files written for an upload that was never "
        "saved (a rolled-back request, a killed worker) and files no document names any more, once "
        "they are an hour old. Run it regularly (cron, systemd timer)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="sweep")
        sweep = actions.add_parser("sweep", help="remove the files no document keeps")
        sweep.add_argument("--dry-run", action="store_true", help="list them, remove nothing")

    def handle(self, *args, action, dry_run=False, **options):
        if action != "sweep":
            raise CommandError(f"Unknown action: {action}")
        report = sweep_files(dry_run=dry_run)
        removed = "would be removed (dry run)" if dry_run else "removed"
        moved = "would be moved into place (dry run)" if dry_run else "moved into place"
        # Stored names are an organisation's number and a random id: nothing about a person.
        for label, names in (
            (f"temporary file(s) of uploads never saved {removed}", report.temporary),
            (f"file(s) no document names {removed}", report.orphans),
            (f"file(s) of saved documents left under their temporary name {moved}", report.recovered),
        ):
            self.stdout.write(f"{len(names)} {label}")
            for name in names:
                self.stdout.write(f"  {name}")
        if report.others:
            self.stdout.write(f"{report.others} other file(s), not named like attached files, left alone")
