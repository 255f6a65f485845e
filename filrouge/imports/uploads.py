"""The steps of an import made on the pages: the uploads stored, their columns mapped, the dry
run, then the apply on confirmation.

    found = inspect(upload, upload.name, kind)      # [Inspected]; FileRefused if not taken
    run = store([(upload, found), ...], service=s, user=u)
    set_mappings(run, {source.pk: mapping}, user=u) # remembered for the service's next files
    start_check(run); check_run(run, user=u)        # the dry run: status checked or refused
    claim(run); apply_run(run, user=u)              # all or nothing: applied or refused

A run holds one source per kind: up to three files, each of one kind (chosen, or guessed from its
headers), or a workbook whose sheets are named for the kinds (the all-kinds template). A
workbook's sheets share one stored file.

Runs of more data rows than `background_rows()` are checked and applied by the worker
(`imports.tasks`), the others in the request; both go through `check_run` and `apply_run`.

The uploaded files are kept encrypted (`ImportSource.file`) between the steps and read back into
memory (`clear_copy`), never in clear on disk; they go once the run is settled, or expires.
"""

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.core.text import fold
from filrouge.imports import reading, runs
from filrouge.imports.blank_files import is_help_or_example
from filrouge.imports.columns import KINDS, guess_mapping, kind_of, missing_required
from filrouge.imports.errors import FileRefused
from filrouge.imports.models import ImportMapping, ImportRun, ImportSource, RunStatus
from filrouge.imports.reading import Formula, open_table

logger = logging.getLogger(__name__)

# The default of `settings.IMPORT_BACKGROUND_ROWS`: above it a run goes to the worker (a few
# seconds in the request at most below it).
SYNC_MAX_ROWS = 2_000
PREVIEW_ROWS = 3
MAX_FILES = 3  # one per kind
# The kinds the pages offer, in the columns' order (people, companies, placements).
IMPORTABLE = tuple(kind for kind in KINDS if kind in runs.IMPORTERS)
# What the run's `phase` says on its page.
PHASES = {
    "": "",
    "attente": gettext_lazy("En attente du traitement"),
    "lecture": gettext_lazy("Lecture des fichiers"),
    "vérification": gettext_lazy("Vérification des lignes"),
    "écriture": gettext_lazy("Écriture en cours"),
}


def background_rows() -> int:
    """Above this many data rows (the run's files together), the worker checks and applies."""
    return settings.IMPORT_BACKGROUND_ROWS


def max_rows() -> int:
    """The most data rows of one file or sheet the pages take (the reader's limit)."""
    return reading.max_rows()


def max_mb() -> int:
    """The size the page accepts: the import's limit, within the uploads kept in memory
    (`FILE_UPLOAD_MAX_MEMORY_SIZE`: a larger upload would go to a clear temporary file)."""
    return min(reading.max_mb(), settings.MAX_UPLOAD_MB)


def in_background(run: ImportRun) -> bool:
    return run.rows_total > background_rows()


@dataclass
class Inspected:
    """What the upload step learnt of a file or of one of its sheets."""

    kind: str
    checksum: str
    size: int
    sheet: str  # "" for a CSV
    header: list[str]
    rows: int


def sheet_kinds(table) -> dict[str, str]:
    """A workbook's sheets named for a kind (accents and case ignored): {kind: sheet}."""
    if table.kind != "xlsx":
        return {}
    by_name = {fold(spec.sheet): kind for kind, spec in KINDS.items()}
    found: dict[str, str] = {}
    for sheet in table.sheets:
        kind = by_name.get(fold(sheet))
        if kind and kind not in found:
            found[kind] = sheet
    return found


def guess_kind(header: list[str]) -> str | None:
    """The importable kind whose required columns the headers all name, with the most columns
    recognised; None when no kind fits or two fit as well."""
    scores = []
    for kind in IMPORTABLE:
        mapping = guess_mapping(header, kind)
        if not missing_required(mapping, kind):
            scores.append((sum(1 for key in mapping.values() if key), kind))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]


def count_rows(sheet) -> int:
    """Data rows below the header, the template's help and example rows left out (the reader
    refuses beyond its limit)."""
    count, leading = 0, True
    for row in sheet:
        if leading and is_help_or_example(row.values):
            continue
        leading = False
        count += 1
    return count


def no_data() -> FileRefused:
    return FileRefused(_("Le fichier ne contient aucune ligne de données sous ses en-têtes."), "no_data")


def unknown_kind() -> FileRefused:
    return FileRefused(
        _(
            "Le contenu du fichier n'a pas été reconnu d'après ses en-têtes : choisissez-le dans "
            "la liste « Contenu »."
        ),
        "unknown_kind",
    )


def not_importable(sheet: str) -> FileRefused:
    return FileRefused(
        _("La feuille « %(sheet)s » ne peut pas encore être importée : retirez-la du classeur.")
        % {"sheet": sheet},
        "kind_not_importable",
    )


def inspect(file, name: str, kind: str | None = None) -> list[Inspected]:
    """The file read once (the reader's own refusals — not a spreadsheet, a bomb, too large… —
    come out here as FileRefused, before anything is stored): one `Inspected` per source.

    A kind chosen: its sheet in a workbook that has one, else the first sheet. No kind: each
    sheet named for a kind (empty ones left out), else the first sheet with the kind its headers
    name."""
    file.seek(0, 2)
    if file.tell() > max_mb() * 1024 * 1024:
        raise FileRefused(_("Le fichier dépasse %(limit)s Mo.") % {"limit": max_mb()}, "too_large")
    file.seek(0)
    with open_table(file, name) as table:
        named = sheet_kinds(table)
        if kind:
            targets = [(kind, named.get(kind))]
        elif named:
            targets = list(named.items())
        else:
            targets = [(None, None)]
        found = []
        for target_kind, sheet_name in targets:
            sheet = table.read(sheet_name)
            if not sheet.header:
                if len(targets) > 1:
                    continue
                raise FileRefused(_("Le fichier ne contient aucune ligne."), "no_rows")
            rows = count_rows(sheet)
            if rows == 0:
                if len(targets) > 1:
                    continue  # the all-kinds template with some sheets left blank
                raise no_data()
            if target_kind is None:
                target_kind = guess_kind(sheet.header)
                if target_kind is None:
                    raise unknown_kind()
            elif target_kind not in IMPORTABLE:
                raise not_importable(sheet.name)
            found.append(
                Inspected(
                    kind=target_kind,
                    checksum=table.checksum,
                    size=table.size,
                    sheet=sheet.name if table.kind == "xlsx" else "",
                    header=sheet.header,
                    rows=rows,
                )
            )
        if not found:
            raise no_data()
        return found


def store(files: list[tuple], *, service, user) -> ImportRun:
    """The run (uploaded) and one source per file or sheet; each file stored once, encrypted by
    `ImportStorage` (a workbook's sources share it). `files`: [(upload, [Inspected])]."""
    run = ImportRun.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        requested_by=user,
        status=RunStatus.UPLOADED,
        rows_total=sum(found.rows for _upload, inspected in files for found in inspected),
    )
    for upload, inspected in files:
        stored_name = ""
        for found in inspected:
            source = ImportSource(
                run=run,
                organisation_id=service.organisation_id,
                kind=found.kind,
                sheet=found.sheet,
                original_name=(upload.name or "")[:255],
                checksum=found.checksum,
                size=found.size,
                header=found.header,
            )
            if stored_name:
                source.file.name = stored_name
            else:
                upload.seek(0)
                source.file.save("import", upload, save=False)  # the name on disk is `stored_name`'s
                stored_name = source.file.name
            source.save()
    return run


def sources_of(run: ImportRun) -> list[ImportSource]:
    """The run's sources in the order the kinds are written (companies, people, placements)."""
    return sorted(run.sources.all(), key=lambda source: runs.ORDER.index(source.kind))


def clear_copy(source: ImportSource) -> io.BytesIO:
    """The uploaded bytes, decrypted into memory (openpyxl needs to seek; a CSV is read the same
    way). Bounded by the upload's limit."""
    with source.file.storage.open_clear(source.file.name) as reader:
        return io.BytesIO(reader.read())


def display(value) -> str:
    """A raw cell as text for the preview (autoescaped by the template)."""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y" if value.time() == datetime.min.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def preview(source: ImportSource, rows: int = PREVIEW_ROWS) -> list[tuple[int, list[str]]]:
    """The first data rows (the template's help and example rows left out), as text."""
    found = []
    try:
        with open_table(clear_copy(source), source.original_name) as table:
            sheet = table.read(source.sheet or None)
            leading = True
            for row in sheet:
                if leading and is_help_or_example(row.values):
                    continue
                leading = False
                found.append((row.number, [display(value) for value in row.values]))
                if len(found) >= rows:
                    break
    except FileRefused:
        pass  # refused past the first rows: said by the dry run, with the reader's message
    return found


def initial_mapping(source: ImportSource, service) -> dict[int, str | None]:
    """The service's last mapping of this kind when every header it names is in the file (at the
    same words), else the guess from the headers."""
    remembered = ImportMapping.objects.filter(service=service, kind=source.kind).first()
    kind = kind_of(source.kind)
    if remembered and remembered.mapping:
        positions = {header: position for position, header in reversed(list(enumerate(source.header)))}
        named = {key: header for key, header in remembered.mapping.items() if key in kind.by_key}
        if named and all(header in positions for header in named.values()):
            mapping: dict[int, str | None] = dict.fromkeys(range(len(source.header)))
            for key, header in named.items():
                mapping[positions[header]] = key
            return mapping
    return guess_mapping(source.header, source.kind)


def remember(source: ImportSource, mapping: dict[int, str | None], *, service, user) -> None:
    """The mapping kept for the service's next file of this kind: {column key: header}."""
    ImportMapping.objects.update_or_create(
        service=service,
        kind=source.kind,
        defaults={
            "organisation_id": service.organisation_id,
            "mapping": {key: source.header[position] for position, key in mapping.items() if key},
            "updated_by": user,
        },
    )


def set_mappings(run: ImportRun, mappings: dict[int, dict[int, str | None]], *, user) -> None:
    """Each source's mapping ({source pk: {position: key}}), kept on it and for the service."""
    for source in run.sources.all():
        mapping = mappings[source.pk]
        source.mapping = {str(position): key for position, key in mapping.items()}
        source.save(update_fields=["mapping"])
        remember(source, mapping, service=run.service, user=user)


def read_sources(run: ImportRun) -> list[runs.ReadSource]:
    """Every source read back from its stored file, with its mapping."""
    found, copies = [], {}
    for source in sources_of(run):
        # A workbook's sheets share one file: decrypted once.
        if source.file.name not in copies:
            copies[source.file.name] = clear_copy(source).getvalue()
        mapping = {int(position): key for position, key in source.mapping.items()}
        found.append(
            runs.read(
                runs.Source(
                    source.kind,
                    io.BytesIO(copies[source.file.name]),
                    source.original_name,
                    sheet=source.sheet or None,
                    mapping=mapping,
                )
            )
        )
    return found


class NotStartable(Exception):
    """The run is not (or no longer) waiting for this step; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


NotConfirmable = NotStartable


def start_check(run: ImportRun) -> None:
    """uploaded, checked or refused → checking (waiting for its dry run), once."""
    started = ImportRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.UPLOADED, RunStatus.CHECKED, RunStatus.REFUSED]
    ).update(status=RunStatus.CHECKING, phase="attente", rows_done=0)
    if not started:
        raise NotStartable(_("Cet import est déjà en cours de vérification ou d'écriture."))
    run.status, run.phase, run.rows_done = RunStatus.CHECKING, "attente", 0


def progress_of(run: ImportRun):
    """What the runner calls as it goes: the run's phase and rows, committed at once when no
    transaction is open (the worker), so the page shows them while the dry run goes on."""

    def progress(phase: str, done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk, status=RunStatus.CHECKING).update(
            phase=phase[:20], rows_done=done, rows_total=total
        )

    return progress


def check_run(run: ImportRun, *, user) -> runs.RunReport | None:
    """The dry run of a run being checked: nothing written but the run and its report. The
    result is kept only while the run is still being checked (None otherwise)."""
    progress = progress_of(run)
    progress("lecture", 0, run.rows_total)
    reads = read_sources(run)
    report = runs.check(reads, service=run.service, user=user, progress=progress)
    run.checked_at = timezone.now()
    run.rows_total = sum(read.count for read in reads)
    runs.finish(run, report, RunStatus.REFUSED if report.refused else RunStatus.CHECKED)
    fields = [
        "status",
        "phase",
        "rows_done",
        "rows_total",
        "counts",
        "report",
        "report_truncated",
        "checked_at",
    ]
    saved = ImportRun.objects.filter(pk=run.pk, status=RunStatus.CHECKING).update(
        **{name: getattr(run, name) for name in fields}
    )
    return report if saved else None


def fail(run: ImportRun, message: str = "") -> None:
    """The run failed: nothing of it was written. `message` (French, no personal data) is shown
    on its page."""
    report = [{"kind": "", "row": None, "column": None, "message": message, "outcome": "failed"}]
    ImportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, phase="", report=report if message else [], report_truncated=False
    )
    run.status, run.phase = RunStatus.FAILED, ""
    run.report = report if message else []


def claim(run: ImportRun) -> None:
    """checked → applying, once: a second confirmation finds nothing to claim."""
    try:
        with transaction.atomic():
            claimed = ImportRun.objects.filter(pk=run.pk, status=RunStatus.CHECKED).update(
                status=RunStatus.APPLYING, phase="écriture", dry_run=False
            )
    except IntegrityError:
        # `imports_one_apply_per_service`: another import of the service is being written.
        raise NotConfirmable(
            _("Un autre import de ce service est en cours d'écriture : réessayez dans quelques minutes.")
        ) from None
    if not claimed:
        raise NotConfirmable(_("Cet import n'attend plus de confirmation : rien n'a été importé de nouveau."))
    run.status, run.phase, run.dry_run = RunStatus.APPLYING, "écriture", False


def apply_run(run: ImportRun, *, user) -> runs.RunReport | None:
    """The apply of a claimed run (all or nothing, `runs.apply`): applied, or refused when the
    data changed since the dry run; None when it failed (nothing written: `runs.apply` writes in
    one savepoint). The files are removed once the run is settled."""
    try:
        reads = read_sources(run)
        report = runs.apply(reads, run=run, service=run.service, user=user)
    except Exception as error:
        # The data's savepoint is rolled back: the page says it failed. The error's class only:
        # its text may quote a row.
        fail(run)
        logger.error("Import run %s failed while applying: %s", run.pk, type(error).__name__)
        return None
    if report.refused:
        runs.finish(run, report, RunStatus.REFUSED)
        run.save()
    discard_files(run)
    return report


def discard_files(run: ImportRun) -> None:
    """The uploaded files, no longer needed once their run is settled; removed after the commit."""
    sources = ImportSource.objects.filter(run=run).exclude(file="")
    names = set(sources.values_list("file", flat=True))
    if not names:
        return
    storage = ImportSource._meta.get_field("file").storage
    sources.update(file="")

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                continue  # gone already: what we wanted

    transaction.on_commit(delete)
