"""`filrouge import KIND FILE [--also KIND FILE …] --service ID --as EMAIL [--dry-run]`: the import
of the pages, from the command line, for the server's administrators.

KIND is `people`, `companies` or `placements` (or `personnes`, `entreprises`, `experiences`), or
`workbook` (`classeur`) for one XLSX file whose sheets are named for the kinds, as the all-kinds
template. Several files make one run, all or nothing, as on the page.

The import is done in the name of an account that may import in the service (`--as`, a head of
service or a director: `policy.Action.IMPORT_CASES`), with the same rules, the same report and
the same audit entries as if that person had run it on the page. The report's lines are English,
the messages those the page shows (French). Exit status: 0 when nothing is refused (and, without
`--dry-run`, everything written), 1 when a row is refused, 2 when a file is refused or the
arguments are wrong (nothing is written then either).
"""

from contextlib import ExitStack
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from filrouge.accounts.models import User
from filrouge.imports import runs
from filrouge.imports.errors import FileRefused
from filrouge.imports.rows import Outcome
from filrouge.organisations.models import Service

FRENCH_KINDS = {"personnes": "people", "entreprises": "companies", "experiences": "placements"}
WORKBOOK = ("workbook", "classeur")


def kind_name(value: str) -> str:
    kind = FRENCH_KINDS.get(value, value)
    if kind not in runs.IMPORTERS and kind not in WORKBOOK:
        french = [name for name, key in sorted(FRENCH_KINDS.items()) if key in runs.IMPORTERS]
        known = ", ".join([*sorted(runs.IMPORTERS), *french, *WORKBOOK])
        raise CommandError(f"Unknown kind {value!r} (one of: {known}).", returncode=2)
    return kind


class Command(BaseCommand):
    help = "Imports a service's spreadsheets (CSV or XLSX): people, companies, placements."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="What the file holds: people, companies, placements, or workbook.")
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument(
            "--also",
            nargs=2,
            action="append",
            default=[],
            metavar=("KIND", "FILE"),
            help="Another file of the same run (one per kind).",
        )
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

    def handle(self, *args, kind, file, service, email, also=(), sheet=None, dry_run=False, **options):
        service_obj = Service.objects.filter(pk=service).first()
        if service_obj is None:
            raise CommandError(f"No service with id {service}.", returncode=2)
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        files = [(kind_name(kind), file), *((kind_name(k), f) for k, f in also)]
        for _kind, path in files:
            if not Path(path).is_file():
                raise CommandError(f"No file at {path}.", returncode=2)
        with ExitStack() as stack:
            sources = []
            for file_kind, path in files:
                handle = stack.enter_context(Path(path).open("rb"))
                if file_kind in WORKBOOK:
                    try:
                        found = runs.workbook_sources(handle, Path(path).name)
                    except FileRefused as error:
                        self.stdout.write(f"File refused: {error.message}")
                        raise SystemExit(2) from None
                    if not found:
                        raise CommandError(f"No sheet of {path} is named for a kind.", returncode=2)
                    sources += found
                else:
                    sheet_name = sheet if len(files) == 1 else None
                    sources.append(runs.Source(file_kind, handle, Path(path).name, sheet=sheet_name))
            if len({source.kind for source in sources}) != len(sources):
                raise CommandError("One file per kind in a run.", returncode=2)
            try:
                if user is None:
                    raise PermissionDenied
                run, report = runs.run_import(sources, service=service_obj, user=user, dry_run=dry_run)
            except PermissionDenied:
                # One message whether the account is unknown or not allowed.
                raise CommandError(f"{email} may not import into service {service}.", returncode=2) from None
        self.print_report(run, report, dry_run=dry_run, several=len(sources) > 1)

    def print_report(self, run, run_report, *, dry_run: bool, several: bool) -> None:
        write = self.stdout.write
        for report in run_report.reports:
            if several:
                write(f"== {report.kind} ==")
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
            write(f"{totals}.")
        if run_report.refused:
            write(f"Refused: nothing was written (run {run.pk}).")
            raise SystemExit(2 if run_report.problems else 1)
        outcome = "Dry run: nothing was written" if dry_run else "Imported"
        write(f"{outcome} (run {run.pk}).")
