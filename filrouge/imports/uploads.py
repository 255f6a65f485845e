"""The steps of an import made on the pages, in the request for now: the upload stored, its
columns mapped, the dry run, then the apply on confirmation.

    inspected = inspect(upload, kind)               # FileRefused if the page will not take it
    run = store(upload, inspected, service=s, user=u)
    check(run, mapping, user=u)                     # the dry run: status checked or refused
    apply(run, user=u)                              # all or nothing: applied or refused

The uploaded file is kept encrypted (`ImportSource.file`) between the steps and read back into
memory (`clear_copy`), never in clear on disk. The pages take small files only until imports
run in the background: at most `SYNC_MAX_ROWS` data rows, and `max_mb()` megabytes.
"""

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from filrouge.imports import reading, runs
from filrouge.imports.blank_files import is_help_or_example
from filrouge.imports.columns import guess_mapping, kind_of
from filrouge.imports.errors import FileRefused
from filrouge.imports.models import ImportMapping, ImportRun, ImportSource, RunStatus
from filrouge.imports.reading import Formula, open_table

logger = logging.getLogger(__name__)

# Checked and applied in the request: a few seconds at most. Larger files wait for the import
# in the background.
SYNC_MAX_ROWS = 2_000
PREVIEW_ROWS = 3
IMPORTABLE = tuple(runs.IMPORTERS)  # the kinds the pages offer ("companies" for now)


def max_mb() -> int:
    """The size the page accepts: the import's limit, within the uploads kept in memory
    (`FILE_UPLOAD_MAX_MEMORY_SIZE`: a larger upload would go to a clear temporary file)."""
    return min(reading.max_mb(), settings.MAX_UPLOAD_MB)


@dataclass
class Inspected:
    """What the upload step learnt of a file: its sheet, header, data rows and checksum."""

    checksum: str
    size: int
    sheet: str  # "" for a CSV
    header: list[str]
    rows: int


def sheet_for(table, kind: str) -> str | None:
    """A workbook's sheet named for the kind (the all-kinds template), else its first sheet."""
    if table.kind == "xlsx" and kind_of(kind).sheet in table.sheets:
        return kind_of(kind).sheet
    return None


def too_many_rows() -> FileRefused:
    return FileRefused(
        _(
            "Le fichier a plus de %(limit)s lignes de données : les pages importent pour l'instant "
            "%(limit)s lignes au plus. Découpez-le en plusieurs fichiers."
        )
        % {"limit": number_format(SYNC_MAX_ROWS, force_grouping=True)},
        "too_many_rows_for_the_page",
    )


def inspect(file, name: str, kind: str) -> Inspected:
    """The file read once, as far as `SYNC_MAX_ROWS` data rows (FileRefused otherwise): the
    reader's own refusals (not a spreadsheet, a bomb, too large…) come out here, before anything
    is stored."""
    file.seek(0, 2)
    if file.tell() > max_mb() * 1024 * 1024:
        raise FileRefused(_("Le fichier dépasse %(limit)s Mo.") % {"limit": max_mb()}, "too_large")
    file.seek(0)
    with open_table(file, name) as table:
        sheet = table.read(sheet_for(table, kind))
        if not sheet.header:
            raise FileRefused(_("Le fichier ne contient aucune ligne."), "no_rows")
        count, leading = 0, True
        for row in sheet:
            if leading and is_help_or_example(row.values):
                continue
            leading = False
            count += 1
            if count > SYNC_MAX_ROWS:
                raise too_many_rows()
        if count == 0:
            raise FileRefused(
                _("Le fichier ne contient aucune ligne de données sous ses en-têtes."), "no_data"
            )
        return Inspected(
            checksum=table.checksum,
            size=table.size,
            sheet=sheet.name if table.kind == "xlsx" else "",
            header=sheet.header,
            rows=count,
        )


def store(upload, inspected: Inspected, *, service, user, kind: str) -> ImportRun:
    """The run (uploaded) and its file, encrypted by `ImportStorage`."""
    run = ImportRun.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        requested_by=user,
        status=RunStatus.UPLOADED,
        rows_total=inspected.rows,
    )
    source = ImportSource(
        run=run,
        organisation_id=service.organisation_id,
        kind=kind,
        sheet=inspected.sheet,
        original_name=(upload.name or "")[:255],
        checksum=inspected.checksum,
        size=inspected.size,
        header=inspected.header,
    )
    upload.seek(0)
    source.file.save("import", upload, save=False)  # the name on disk is `stored_name`'s
    source.save()
    return run


def source_of(run: ImportRun) -> ImportSource:
    return run.sources.get()


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


def read_source(run: ImportRun, source: ImportSource) -> runs.ReadSource:
    mapping = {int(position): key for position, key in source.mapping.items()}
    return runs.read(
        runs.Source(
            source.kind, clear_copy(source), source.original_name, sheet=source.sheet or None, mapping=mapping
        )
    )


def check(run: ImportRun, mapping: dict[int, str | None], *, user) -> runs.Report:
    """The dry run with this mapping: nothing written but the run and its report."""
    source = source_of(run)
    source.mapping = {str(position): key for position, key in mapping.items()}
    source.save(update_fields=["mapping"])
    remember(source, mapping, service=run.service, user=user)
    read = read_source(run, source)
    report, _importer, _plans = runs.plan(read, service=run.service, user=user)
    run.checked_at = timezone.now()
    run.rows_total = len(read.rows)
    runs.finish(run, report, RunStatus.REFUSED if report.refused else RunStatus.CHECKED)
    run.save()
    return report


class NotConfirmable(Exception):
    """The run is not (or no longer) waiting for its confirmation; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def apply(run: ImportRun, *, user) -> runs.Report | None:
    """The apply (all or nothing, `runs.apply`): applied, or refused when the data changed since
    the dry run; None when it failed (nothing written: `runs.apply` writes in one savepoint).
    The file is removed once the run is settled."""
    claim(run)
    source = source_of(run)
    try:
        read = read_source(run, source)
        report = runs.apply(read, run=run, service=run.service, user=user)
    except Exception as error:
        # The run's request goes on (the data's savepoint is rolled back): the page says it failed.
        # The error's class only: its text may quote a row.
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, phase="")
        run.status = RunStatus.FAILED
        logger.error("Import run %s failed while applying: %s", run.pk, type(error).__name__)
        return None
    if report.refused:
        runs.finish(run, report, RunStatus.REFUSED)
        run.save()
    discard_file(source)
    return report


def discard_file(source: ImportSource) -> None:
    """The uploaded file, no longer needed once its run is settled; removed after the commit."""
    name = source.file.name
    if not name:
        return
    storage = source.file.storage
    ImportSource.objects.filter(pk=source.pk).update(file="")
    transaction.on_commit(lambda: storage.delete(name))
