"""An import, from the file to the report: read → map → parse → plan → (apply: write) → report.

    run, report = run_import(Source("companies", file, "entreprises.csv"), service=s, user=u,
                             dry_run=True)

The dry run plans without writing anything to the records (the run and its report are kept).
The apply is all or nothing, in one transaction: it takes the organisation's row lock (the one
`people.domain.create_person` takes, so two imports of one organisation queue, and each plans
after the other committed), plans again under the lock, writes nothing if any row is refused,
else writes through the domain functions, records the external ids, and one summary entry in
the audit trail (who, the file's checksum, the counts) beside the records' own entries.

Permission: the user must be allowed to import in the service (`policy.Action.IMPORT_CASES`);
the import is done in their name, by the page or by the command alike.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.audit import api as audit
from filrouge.audit.models import Kind
from filrouge.imports.blank_files import is_help_or_example
from filrouge.imports.columns import guess_mapping, kind_of, missing_required, parse_row
from filrouge.imports.errors import FileRefused
from filrouge.imports.kinds.companies import CompaniesImport, WriteRefused
from filrouge.imports.models import REPORT_MAX_LINES, ImportRun, ImportSource, RunStatus
from filrouge.imports.reading import open_table
from filrouge.imports.rows import InputRow, Report, RowResult
from filrouge.organisations.models import Organisation

IMPORTERS = {"companies": CompaniesImport}
SHORT_KINDS = {"people": "pers", "companies": "entr", "placements": "exp"}  # the audit's detail


@dataclass
class Source:
    kind: str
    file: BinaryIO  # binary and seekable
    name: str = ""
    sheet: str | None = None
    mapping: dict[int, str | None] | None = None  # position → column key; guessed when None


@dataclass
class ReadSource:
    """A source once read: its rows parsed, kept for the plan and the re-plan under the lock."""

    source: Source
    checksum: str = ""
    size: int = 0
    sheet: str = ""
    header: list[str] = field(default_factory=list)
    mapping: dict[int, str | None] = field(default_factory=dict)
    rows: list[InputRow] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        """Column key → the header as the user typed it."""
        return {key: self.header[position] for position, key in self.mapping.items() if key}


def read(source: Source) -> ReadSource:
    """The file read and every mapped cell parsed; a file refused or a column missing is a
    problem of the whole source (no row is then planned)."""
    kind_of(source.kind)  # an unknown kind is a programming error
    result = ReadSource(source)
    try:
        with open_table(source.file, source.name) as table:
            result.checksum, result.size = table.checksum, table.size
            sheet = table.read(source.sheet)
            result.sheet = sheet.name if table.kind == "xlsx" else ""
            result.header = sheet.header
            if not sheet.header:
                result.problems.append(_("Le fichier ne contient aucune ligne."))
                return result
            mapping = (
                source.mapping if source.mapping is not None else guess_mapping(sheet.header, source.kind)
            )
            result.mapping = {
                position: key for position, key in mapping.items() if position < len(sheet.header)
            }
            result.problems += missing_required(result.mapping, source.kind)
            if result.problems:
                return result
            leading = True
            for row in sheet:
                # The template's help and example rows, just below the header: skipped, and said.
                if leading and is_help_or_example(row.values):
                    result.skipped.append(row.number)
                    continue
                leading = False
                parsed = parse_row(result.mapping, row.values, source.kind)
                result.rows.append(InputRow(row.number, parsed.values, parsed.errors))
    except FileRefused as error:
        result.problems.append(error.message)
        result.rows = []
    return result


def plan(read_source: ReadSource, *, service, user):
    """The report of the source against the database of the moment, and the importer holding
    what writing would do."""
    report = Report(
        read_source.source.kind, skipped=list(read_source.skipped), problems=list(read_source.problems)
    )
    importer = IMPORTERS[read_source.source.kind](service=service, user=user, headers=read_source.headers)
    plans = []
    if not report.problems:
        report.results, plans = importer.plan(read_source.rows)
    return report, importer, plans


class _UserActor(audit.Actor):
    """The import's entries name the user who runs it, outside a request too (the command)."""

    def __init__(self, user):
        super().__init__(label="import")
        self._user = user

    @property
    def user(self):
        return self._user

    @property
    def address(self):
        return None


class _Refused(Exception):
    """Rolls the apply back; the report says why."""


def run_import(source: Source, *, service, user, dry_run: bool) -> tuple[ImportRun, Report]:
    """Checks (dry run) or applies one source in `service` as `user`; records the run.

    Raises PermissionDenied when the user may not import in the service."""
    if not policy.can(user, policy.Action.IMPORT_CASES, service):
        raise PermissionDenied
    if source.kind not in IMPORTERS:
        raise ValueError(f"Not yet importable: {source.kind}.")
    run = ImportRun.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        requested_by=user,
        dry_run=dry_run,
        status=RunStatus.CHECKING,
        phase="lecture",
    )
    read_source = read(source)
    ImportSource.objects.create(
        run=run,
        organisation_id=service.organisation_id,
        kind=source.kind,
        sheet=read_source.sheet,
        original_name=(source.name or "")[:255],
        checksum=read_source.checksum,
        size=read_source.size,
        header=read_source.header,
        mapping={str(position): key for position, key in read_source.mapping.items()},
    )
    run.rows_total = len(read_source.rows)
    try:
        if dry_run:
            report, _importer, _plans = plan(read_source, service=service, user=user)
            run.checked_at = timezone.now()
            status = RunStatus.REFUSED if report.refused else RunStatus.CHECKED
        else:
            report = apply(read_source, run=run, service=service, user=user)
            status = RunStatus.REFUSED if report.refused else RunStatus.APPLIED
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, phase="")
        raise
    if status != RunStatus.APPLIED:  # an applied run was saved with its data
        finish(run, report, status)
        run.save()
    return run, report


def finish(run: ImportRun, report: Report, status: str) -> None:
    run.status = status
    run.phase = ""
    run.rows_done = len(report.results)
    run.counts = {report.kind: report.counts}
    run.report, run.report_truncated = report.lines(REPORT_MAX_LINES)


def apply(read_source: ReadSource, *, run: ImportRun, service, user) -> Report:
    """All or nothing (see the module's docstring). Returns the report; the run is saved as
    applied in the same transaction as the data when nothing was refused."""
    actor = audit.current_actor()
    acting = audit.acting(_UserActor(user)) if actor.user != user else nullcontext()
    try:
        with acting, transaction.atomic():
            Organisation.objects.select_for_update(no_key=True).only("pk").get(pk=service.organisation_id)
            report, importer, plans = plan(read_source, service=service, user=user)
            if report.refused:
                raise _Refused
            try:
                importer.write(plans, run=run)
            except WriteRefused as error:
                result = next((r for r in report.results if r.number == error.number), None)
                if result is None:
                    result = RowResult(error.number)
                    report.results.append(result)
                for message in error.messages:
                    result.refuse(None, message)
                raise _Refused from error
            run.applied_at = run.checked_at = timezone.now()
            finish(run, report, RunStatus.APPLIED)
            run.save()
            summary(run, read_source, report, user)
    except _Refused:
        pass
    return report


def summary(run: ImportRun, read_source: ReadSource, report: Report, user) -> None:
    """One entry for the whole import. A change (CREATE), not an access entry: EXPORT entries are
    purged with the access stream, an import must stay in the trail like the records it wrote.
    Ids, codes and counts only (the detail is 200 characters)."""
    counts = report.counts
    detail = (
        f"{SHORT_KINDS[report.kind]} sha256={read_source.checksum} crees={counts['created']} "
        f"modifies={counts['updated']} inchanges={counts['unchanged']} refuses={counts['refused']} run={run.pk}"
    )
    audit.record(
        Kind.CREATE,
        organisation_id=run.organisation_id,
        object_type="imports.importrun",
        user=user,
        detail=detail[:200],
    )
