"""An import, from the files to the report: read → map → parse → plan → (apply: write) → report.

    run, report = run_import([Source("companies", file, "entreprises.csv"), Source("people", …)],
                             service=s, user=u, dry_run=True)

A run holds one source per kind (three files, or a workbook's sheets), planned and written in the
order companies → people → placements (`ORDER`): a later kind sees what the earlier ones plan
(`context.RunContext`), so a job can name a person and a company the same run creates.

A file is read twice and never held whole: `read` checks it and counts its rows, then the rows
are parsed again as they are planned, a segment at a time (`KindImport.segment_rows`), and in an
apply each segment is written as soon as it is planned, inside the run's one transaction.

The dry run plans without writing anything to the records (the run and its report are kept).
The apply is all or nothing, in one transaction: it takes the organisation's row lock (the one
`people.domain.create_person` takes, so two imports of one organisation queue, and each plans
after the other committed), plans again under the lock, writes nothing if any row is refused,
else writes through the domain functions (every kind's `write`, then every kind's `finish`),
verifies the exits into employment against the jobs now written, records the external ids, and
one summary entry per file in the audit trail (who, the file's checksum, the counts) beside the
records' own entries.

Permission: the user must be allowed to import in the service (`policy.Action.IMPORT_CASES`);
the import is done in their name, by the page or by the command alike.
"""

from collections.abc import Iterator
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
from filrouge.core.text import fold
from filrouge.imports.blank_files import is_help_or_example
from filrouge.imports.columns import PEOPLE, guess_mapping, kind_of, missing_required, parse_row
from filrouge.imports.context import RunContext, WriteRefused
from filrouge.imports.errors import FileRefused
from filrouge.imports.kinds.companies import CompaniesImport
from filrouge.imports.kinds.people import PeopleImport, chunks
from filrouge.imports.kinds.placements import PlacementsImport
from filrouge.imports.models import REPORT_MAX_LINES, ImportRun, ImportSource, RunStatus
from filrouge.imports.reading import open_table
from filrouge.imports.rows import InputRow, Report, RowResult
from filrouge.organisations.models import Organisation
from filrouge.pathways import exits
from filrouge.pathways.models import Enrolment

IMPORTERS = {"companies": CompaniesImport, "people": PeopleImport, "placements": PlacementsImport}
ORDER = ("companies", "people", "placements")  # planned and written in this order
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
    """A source once read: checked, its data rows counted; `rows()` parses them, streamed."""

    source: Source
    checksum: str = ""
    size: int = 0
    sheet: str = ""
    header: list[str] = field(default_factory=list)
    mapping: dict[int, str | None] = field(default_factory=dict)
    count: int = 0  # data rows (the help and example rows skipped)
    skipped: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[InputRow]:
        """The data rows, every mapped cell parsed, read from the file again as they are used."""
        if self.problems:
            return
        skipped = set(self.skipped)
        with open_table(self.source.file, self.source.name) as table:
            for row in table.read(self.source.sheet):
                if row.number not in skipped:
                    parsed = parse_row(self.mapping, row.values, self.source.kind)
                    yield InputRow(row.number, parsed.values, parsed.errors)

    def segments(self, size: int | None) -> Iterator[list[InputRow]]:
        """The rows `size` at a time (all at once when None)."""
        segment = []
        for row in self.rows():
            segment.append(row)
            if size is not None and len(segment) >= size:
                yield segment
                segment = []
        if segment:
            yield segment

    @property
    def headers(self) -> dict[str, str]:
        """Column key → the header as the user typed it."""
        return {key: self.header[position] for position, key in self.mapping.items() if key}


def read(source: Source) -> ReadSource:
    """The file checked and its data rows counted; a file refused or a column missing is a
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
                result.count += 1
    except FileRefused as error:
        result.problems.append(error.message)
        result.count = 0
    return result


def workbook_sources(file: BinaryIO, name: str = "") -> list[Source]:
    """A workbook's sheets named for a kind (the all-kinds template's sheet names, accents and
    case ignored), one source each; FileRefused when the file cannot be read."""
    with open_table(file, name) as table:
        sheets = list(table.sheets) if table.kind == "xlsx" else []
    by_name = {fold(kind_of(kind).sheet): kind for kind in ORDER}
    sources = []
    for sheet in sheets:
        kind = by_name.get(fold(sheet))
        if kind in IMPORTERS and all(source.kind != kind for source in sources):
            sources.append(Source(kind, file, name, sheet=sheet))
    return sources


@dataclass
class RunReport:
    """The outcome of a run: one `Report` per source, in the order the kinds are written."""

    reports: list[Report] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(report.refused for report in self.reports)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return {report.kind: report.counts for report in self.reports}

    @property
    def problems(self) -> list[str]:
        return [problem for report in self.reports for problem in report.problems]

    def report_of(self, kind: str) -> Report | None:
        return next((report for report in self.reports if report.kind == kind), None)

    def lines(self, limit: int | None = None) -> tuple[list[dict], bool]:
        """Every source's lines, the refusals of all kinds first (then kind and row order)."""
        lines = [line for report in self.reports for line in report.lines()[0]]
        lines.sort(key=lambda line: line["outcome"] != "refused")  # stable: kind, then row order kept
        if limit is not None and len(lines) > limit:
            return lines[:limit], True
        return lines, False


def in_order(read_sources: list[ReadSource]) -> list[ReadSource]:
    """The sources in the order their kinds are planned and written; one source per kind."""
    kinds = [read_source.source.kind for read_source in read_sources]
    if len(set(kinds)) != len(kinds):
        raise ValueError("One source per kind in a run.")
    return sorted(read_sources, key=lambda read_source: ORDER.index(read_source.source.kind))


def plan(read_sources: list[ReadSource], *, service, user, run: ImportRun | None = None, progress=None):
    """The report of the sources against the database of the moment, and each source's importer.

    Kinds are planned in `ORDER`, each seeing in the context what the earlier ones planned, a
    segment of rows at a time. With `run` (the apply, under the lock), each segment is written
    once planned, until a row is refused: the rest is then only planned, for the report, and the
    caller rolls everything back. Last, each kind may refuse rows that a later kind contradicts
    (`check_planned`)."""
    context = RunContext(
        service=service, user=user, kinds=frozenset(read_source.source.kind for read_source in read_sources)
    )
    run_report, importers = RunReport(), []
    total, done = sum(read_source.count for read_source in read_sources), 0
    phase = "vérification" if run is None else "écriture"
    for read_source in in_order(read_sources):
        kind = read_source.source.kind
        report = Report(kind, skipped=list(read_source.skipped), problems=list(read_source.problems))
        importer = IMPORTERS[kind](service=service, user=user, headers=read_source.headers, context=context)
        run_report.reports.append(report)
        importers.append((report, importer))
        if report.problems:
            continue
        for rows in read_source.segments(importer.segment_rows):
            results, plans = importer.plan(rows)
            report.results += results
            if run is not None and not run_report.refused:
                try:
                    importer.write(plans, run=run)
                except WriteRefused as error:
                    refuse_row(report, error.number, error.messages)
            if hasattr(importer, "release"):
                importer.release(plans)
            done += len(rows)
            if progress is not None:
                progress(phase, done, total)
    for report, importer in importers:
        if not report.problems and hasattr(importer, "check_planned"):
            importer.check_planned(context)
    return run_report, importers, context


def acting_user(user):
    """The import's entries name the user who runs it, outside a request too (the command, a
    task); inside their own request the request's actor already does."""
    if audit.current_actor().user == user:
        return nullcontext()
    return audit.acting_user(user)


class _Refused(Exception):
    """Rolls the apply back; the report says why."""


def run_import(
    sources: list[Source] | Source, *, service, user, dry_run: bool
) -> tuple[ImportRun, RunReport]:
    """Checks (dry run) or applies the sources in `service` as `user`; records the run. The
    command's way; the pages store the upload first (`uploads`).

    Raises PermissionDenied when the user may not import in the service."""
    sources = [sources] if isinstance(sources, Source) else list(sources)
    if not policy.can(user, policy.Action.IMPORT_CASES, service):
        raise PermissionDenied
    unknown = [source.kind for source in sources if source.kind not in IMPORTERS]
    if unknown:
        raise ValueError(f"Not importable: {', '.join(unknown)}.")
    run = ImportRun.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        requested_by=user,
        dry_run=dry_run,
        status=RunStatus.CHECKING,
        phase="lecture",
    )
    read_sources = [read(source) for source in sources]
    for read_source in read_sources:
        source = read_source.source
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
    run.rows_total = sum(read_source.count for read_source in read_sources)
    try:
        if dry_run:
            report = check(read_sources, service=service, user=user)
            run.checked_at = timezone.now()
            status = RunStatus.REFUSED if report.refused else RunStatus.CHECKED
        else:
            report = apply(read_sources, run=run, service=service, user=user)
            status = RunStatus.REFUSED if report.refused else RunStatus.APPLIED
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, phase="")
        raise
    if status != RunStatus.APPLIED:  # an applied run was saved with its data
        finish(run, report, status)
        run.save()
    return run, report


def check(read_sources: list[ReadSource], *, service, user, progress=None) -> RunReport:
    """The dry run: every source planned, nothing written."""
    report, _importers, _context = plan(read_sources, service=service, user=user, progress=progress)
    return report


def finish(run: ImportRun, report: RunReport, status: str) -> None:
    run.status = status
    run.phase = ""
    run.rows_done = sum(len(kind_report.results) for kind_report in report.reports)
    run.counts = report.counts
    run.report, run.report_truncated = report.lines(REPORT_MAX_LINES)


def refuse_row(report: Report, number: int, messages: list[str]) -> None:
    result = next((r for r in report.results if r.number == number), None)
    if result is None:
        result = RowResult(number)
        report.results.append(result)
    for message in messages:
        result.refuse(None, message)


def apply(read_sources: list[ReadSource], *, run: ImportRun, service, user, progress=None) -> RunReport:
    """All or nothing (see the module's docstring). Returns the report; the run is saved as
    applied in the same transaction as the data when nothing was refused."""
    report = RunReport()
    try:
        # The records' entries are appended in batches (`audit.api.buffered`): a refusal leaves
        # the block, so nothing of a refused run stays buffered.
        with acting_user(user), transaction.atomic(), audit.buffered():
            Organisation.objects.select_for_update(no_key=True).only("pk").get(pk=service.organisation_id)
            report, importers, context = plan(
                read_sources, service=service, user=user, run=run, progress=progress
            )
            if report.refused:
                raise _Refused
            for kind_report, importer in importers:  # every kind wrote: each finishes
                if not hasattr(importer, "finish"):
                    continue
                try:
                    importer.finish(run=run)
                except WriteRefused as error:
                    refuse_row(kind_report, error.number, error.messages)
                    raise _Refused from error
            if verify_exits(report, context):
                raise _Refused
            run.applied_at = run.checked_at = timezone.now()
            finish(run, report, RunStatus.APPLIED)
            run.save()
            for read_source, kind_report in zip(in_order(read_sources), report.reports, strict=True):
                summary(run, read_source, kind_report, user)
    except _Refused:
        pass
    return report


def verify_exits(report: RunReport, context: RunContext) -> bool:
    """After every kind wrote: an exit into employment of the run's pathways that their jobs do
    not support refuses its people row (the whole run rolls back). True when any did."""
    rows = context.exit_rows
    people = report.report_of(PEOPLE)
    found = False
    for chunk in chunks(sorted(rows)):
        for enrolment in exits.incoherent_exits(Enrolment.objects.filter(pk__in=chunk)):
            supported = frozenset(exits.supported_by(enrolment.durable_job, enrolment.transition_job))
            message = exits.refusal(enrolment.exit_outcome, enrolment.exit_date, supported)
            if people is not None:
                refuse_row(people, rows[enrolment.pk], [message])
            found = True
    return found


def summary(run: ImportRun, read_source: ReadSource, report: Report, user) -> None:
    """One entry per file of the import. A change (CREATE), not an access entry: EXPORT entries are
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
