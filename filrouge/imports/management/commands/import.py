"""`filrouge import KIND FILE --service ID --as EMAIL [--dry-run]`: the import of the pages, from
the command line, for the server's administrators.

The import is done in the name of an account that may import in the service (`--as`, a head of
service or a director: `policy.Action.IMPORT_CASES`), with the same rules, the same report and
the same audit entries as if that person had run it on the page. The report's lines are English,
the messages those the page shows (French). Exit status: 0 when nothing is refused (and, without
`--dry-run`, everything written), 1 when a row is refused, 2 when the file is refused or the
arguments are wrong (nothing is written then either).
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from filrouge.accounts.models import User
from filrouge.imports import runs
from filrouge.imports.rows import Outcome
from filrouge.organisations.models import Service


class Command(BaseCommand):
    help = "Imports a service's spreadsheet (CSV or XLSX): companies for now."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(runs.IMPORTERS), help="What the file holds.")
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--service", type=int, required=True, help="The service's id.")
        parser.add_argument(
            "--as",
            "--by",
            dest="email",
            required=True,
            help="The e-mail of the account that imports: it must be allowed to import in the service.",
        )
        parser.add_argument("--sheet", help="The sheet of a workbook (default: the first one).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, kind, file, service, email, sheet=None, dry_run=False, **options):
        service_obj = Service.objects.filter(pk=service).first()
        if service_obj is None:
            raise CommandError(f"No service with id {service}.", returncode=2)
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.", returncode=2)
        with path.open("rb") as handle:
            try:
                if user is None:
                    raise PermissionDenied
                run, report = runs.run_import(
                    runs.Source(kind, handle, path.name, sheet=sheet),
                    service=service_obj,
                    user=user,
                    dry_run=dry_run,
                )
            except PermissionDenied:
                # One message whether the account is unknown or not allowed.
                raise CommandError(f"{email} may not import into service {service}.", returncode=2) from None
        write = self.stdout.write
        for problem in report.problems:
            write(f"File refused: {problem}")
        if report.skipped:
            write(f"Skipped (template help or example): row {', '.join(map(str, report.skipped))}")
        for result in report.results:
            line = f"Row {result.number}: {result.outcome.value}"
            if result.fields:
                line += f" ({', '.join(result.fields)})"
            write(line)
            for header, message in result.messages:
                write(f"  {header}: {message}" if header else f"  {message}")
        counts = report.counts
        totals = ", ".join(f"{counts[o.value]} {o.value}" for o in Outcome)
        if report.refused:
            write(f"{totals}. Refused: nothing was written (run {run.pk}).")
            raise SystemExit(2 if report.problems else 1)
        outcome = "Dry run: nothing was written" if dry_run else "Imported"
        write(f"{totals}. {outcome} (run {run.pk}).")
