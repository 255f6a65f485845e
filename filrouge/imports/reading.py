"""Reading an uploaded spreadsheet, CSV or XLSX, streamed and within limits.

    with open_table(upload, upload.name) as table:      # FileRefused if not readable
        sheet = table.read()                            # the first sheet (a CSV has one)
        sheet.header                                    # ["Nom", "Prénom", ...]
        for row in sheet:                               # Row(number=2, values=[...]), ...
            ...

The kind is told by the content (libmagic, then the zip's parts), never by the name. Nothing is
loaded whole: a CSV is decoded chunk by chunk, an XLSX is read by openpyxl in read-only mode
after its zip has been checked against bombs. `FileRefused` may also be raised while a sheet is
iterated (a row over a limit): the caller writes nothing until the iteration has ended.

Row numbers are those the user sees in LibreOffice or Excel: the first row of the file is 1,
empty rows count, and a CSV record holding a quoted line break is one row (records are
counted, not lines).

Values are given raw: text as `str` ("" for an empty cell, in both kinds), and from an XLSX
numbers as int/float, dates as datetime (date, time or timedelta when so formatted), booleans as
bool, an error cell as its text ("#N/A"), and a formula as a `Formula` whose text is never
evaluated (its cached result is not read either). Rows are padded with "" to the header's width.
"""

import codecs
import csv
import hashlib
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

import magic
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .errors import FileRefused

# Past this many consecutive empty rows the sheet has ended; data further down is refused, not lost.
MAX_EMPTY_RUN = 1_000
MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 200
# One CSV record (or one unfinished line) over this is refused before it is parsed: it bounds
# the memory of a row whatever its shape (an unclosed quote swallows the rest of the file).
MAX_RECORD_CHARS = 1_000_000
# An XLSX is a zip: checked before openpyxl opens it. 100,000 rows of 15 columns written with
# inline strings make an 85 MB sheet, compressed about 9:1; a bomb is far beyond both.
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_UNCOMPRESSED = 250 * 1024 * 1024
XLSX_MAX_WHOLE_PART = 50 * 1024 * 1024  # parts openpyxl loads whole: shared strings, styles…
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 1024 * 1024  # small parts may compress well: only larger ones are judged
EXCEL_MAX_ROW = 1_048_576  # no spreadsheet program writes a row beyond it

DELIMITERS = ";,\t|"  # ";" first: French Excel's CSV
CHUNK = 1024 * 1024
HEAD = 64 * 1024  # enough for libmagic, and a sample of lines for the delimiter

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other legacy Office files)
OLE_TYPES = {
    "application/vnd.ms-excel",
    "application/x-ole-storage",
    "application/cdfv2",
    "application/msword",
}
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell: its text (e.g. "=SUM(A1:A3)"), never evaluated; the caller refuses it."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as the user's spreadsheet shows it
    values: list


def max_rows() -> int:
    """Data rows per sheet, the header not counted (settings, FILROUGE_IMPORT_MAX_ROWS)."""
    return settings.IMPORT_MAX_ROWS


def max_mb() -> int:
    """Size of the uploaded file (settings, FILROUGE_IMPORT_MAX_MB)."""
    return settings.IMPORT_MAX_MB


def _n(number: int) -> str:
    return number_format(number, force_grouping=True)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Sheet:
    """One sheet being read: `header` (the first non-empty row, stripped strings, [] when the
    sheet is empty) and `header_number`; iterating yields the data rows, once."""

    def __init__(self, name: str, raw: Iterator[tuple[int, list]], rest_has_data: Callable[[int], bool]):
        self.name = name
        self._raw = raw
        self._rest_has_data = rest_has_data
        self._limit = max_rows()
        self._ended = False
        first = self._next_filled()
        self.header_number = first.number if first else None
        self.header = [str(value).strip() for value in self._trim(first.values)] if first else []
        self._width = len(self.header)

    def __iter__(self) -> Iterator[Row]:
        count = 0
        while (row := self._next_filled()) is not None:
            count += 1
            if count > self._limit:
                raise FileRefused(
                    _("Le fichier dépasse la limite de %(limit)s lignes de données.")
                    % {"limit": _n(self._limit)},
                    "too_many_rows",
                )
            values = self._trim(row.values)
            values.extend([""] * (self._width - len(values)))
            yield Row(row.number, values)

    @staticmethod
    def _trim(values: list) -> list:
        end = len(values)
        while end and _is_empty(values[end - 1]):
            end -= 1
        return ["" if value is None else value for value in values[:end]]

    def _next_filled(self) -> Row | None:
        """The next non-empty row, checked; None at the end of the sheet."""
        if self._ended:
            return None
        empty_run = 0
        for number, values in self._raw:
            if all(_is_empty(value) for value in values):
                empty_run += 1
                if empty_run > MAX_EMPTY_RUN:
                    self._ended = True
                    # Rows below such a gap would be lost without a word: refused instead.
                    if self._rest_has_data(number):
                        raise FileRefused(
                            _(
                                "Plus de %(count)s lignes vides se suivent à partir de la ligne %(number)s, "
                                "et des données viennent après : supprimez ces lignes vides."
                            )
                            % {"count": _n(MAX_EMPTY_RUN), "number": _n(number - empty_run + 1)},
                            "empty_rows",
                        )
                    return None
                continue
            _check_row(number, values)
            return Row(number, values)
        self._ended = True
        return None


def _check_row(number: int, values: list) -> None:
    width = len(values)
    while width and _is_empty(values[width - 1]):
        width -= 1
    if width > MAX_COLUMNS:
        raise FileRefused(
            _("Ligne %(number)s : plus de %(limit)s colonnes remplies (jusqu'à la colonne %(column)s).")
            % {"number": _n(number), "limit": MAX_COLUMNS, "column": get_column_letter(width)},
            "too_many_columns",
        )
    for index, value in enumerate(values[:width]):
        text = value.text if isinstance(value, Formula) else value
        if isinstance(text, str) and len(text) > MAX_CELL_CHARS:
            raise FileRefused(
                _("Ligne %(number)s, colonne %(column)s : la cellule dépasse %(limit)s caractères.")
                % {"number": _n(number), "column": get_column_letter(index + 1), "limit": _n(MAX_CELL_CHARS)},
                "cell_too_long",
            )


class Table:
    """An opened file: `kind` ("csv" or "xlsx"), `sheets` (names; a CSV has one, the file's
    stem), `checksum` (sha256 of the bytes), `size`; for a CSV `encoding` and `delimiter`."""

    kind: str
    encoding: str | None = None
    delimiter: str | None = None

    def __init__(self, file, name: str, size: int, checksum: str):
        self.file = file
        self.name = name
        self.size = size
        self.checksum = checksum
        self.sheets: list[str] = []

    def read(self, sheet: str | None = None) -> Sheet:
        if sheet is not None and sheet not in self.sheets:
            raise FileRefused(
                _("Le classeur n'a pas de feuille « %(sheet)s ».") % {"sheet": sheet}, "no_sheet"
            )
        return self._read(sheet if sheet is not None else self.sheets[0])

    def _read(self, sheet: str) -> Sheet:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def open_table(file, name: str = "") -> Table:
    """The file (binary, seekable, e.g. an UploadedFile) opened as a table, or FileRefused."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise FileRefused(_("Le fichier est vide."), "empty")
    if size > max_mb() * 1024 * 1024:
        raise FileRefused(_("Le fichier dépasse %(limit)s Mo.") % {"limit": max_mb()}, "too_large")
    head = file.read(HEAD)
    file.seek(0)
    detected = magic.from_buffer(head, mime=True).lower()
    if head.startswith(OLE_SIGNATURE) or detected in OLE_TYPES:
        raise FileRefused(
            _(
                "Ce fichier est au format Excel ancien (.xls), qui n'est pas lu : enregistrez-le en .xlsx ou en .csv."
            ),
            "xls",
        )
    if detected == ODS_TYPE:
        raise FileRefused(_ods_message(), "ods")
    if head.startswith(b"PK\x03\x04") or detected == "application/zip" or "openxmlformats" in detected:
        return XlsxTable(file, name, size)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if utf16 or detected.startswith("text/"):
        return CsvTable(file, name, size, head)
    if detected == "application/octet-stream":
        # libmagic gives up on a few bytes of text too ("Nom" alone): the CSV checks decide.
        if b"\x00" not in head:
            return CsvTable(file, name, size, head)
        raise FileRefused(_nul_message(), "nul")
    raise FileRefused(
        _("Ce fichier n'est pas un tableur : seuls les fichiers .csv et .xlsx sont lus."), "not_spreadsheet"
    )


def _ods_message() -> str:
    return _(
        "Les fichiers OpenDocument (.ods) ne sont pas lus : enregistrez-le en .xlsx ou en .csv "
        "(Fichier › Enregistrer sous)."
    )


def _nul_message() -> str:
    return _("Le fichier contient des caractères nuls : ce n'est pas un CSV. Enregistrez-le en CSV UTF-8.")


# CSV ------------------------------------------------------------------------------------------


class CsvTable(Table):
    kind = "csv"

    def __init__(self, file, name: str, size: int, head: bytes):
        self.encoding, checksum = _encoding_and_checksum(file, head)
        super().__init__(file, name, size, checksum)
        self.sheets = [PurePath(name).stem if name else ""]
        self.delimiter = _delimiter(_sample(head, self.encoding))

    def _read(self, sheet: str) -> Sheet:
        lines = _Lines(self.file, self.encoding)
        return Sheet(
            sheet, _csv_rows(lines, self.delimiter), lambda _after: lines.rest_has_data(self.delimiter)
        )


def _encoding_and_checksum(file, head: bytes) -> tuple[str, str]:
    """One pass over the whole file: its sha256, and the first encoding that decodes all of it.

    UTF-16 is taken only with its byte order mark (Excel's "Texte Unicode"); otherwise UTF-8
    (a BOM is dropped), else Windows-1252 (Excel's "CSV" on a French Windows), whose five
    undefined bytes make any other 8-bit file fail rather than come out garbled.
    """
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    candidates = ["utf-16"] if utf16 else ["utf-8-sig", "cp1252"]
    decoders = {encoding: codecs.getincrementaldecoder(encoding)("strict") for encoding in candidates}
    digest = hashlib.sha256()
    file.seek(0)
    while True:
        chunk = file.read(CHUNK)
        digest.update(chunk)
        if not utf16 and b"\x00" in chunk:
            raise FileRefused(_nul_message(), "nul")
        for encoding, decoder in list(decoders.items()):
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                del decoders[encoding]
                continue
            if utf16 and "\x00" in text:
                raise FileRefused(_nul_message(), "nul")
        if not chunk:
            break
    file.seek(0)
    if not decoders:
        raise FileRefused(
            _("L'encodage du fichier n'est pas reconnu : enregistrez-le en « CSV UTF-8 »."), "encoding"
        )
    return next(iter(decoders)), digest.hexdigest()


def _sample(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="ignore")
    # The last line may be cut: only whole lines are looked at.
    end = max(text.rfind("\n"), text.rfind("\r"))
    return text[: end + 1] if end >= 0 and len(head) == HEAD else text


def _delimiter(sample: str) -> str:
    """The delimiter splitting the header into the most columns; csv.Sniffer breaks ties.

    The sniffer alone picks "," in a ";" file whose every row has a decimal comma.
    """
    header = next((line for line in _LINE.findall(sample) if line.strip(" \t\r\n" + DELIMITERS)), "")
    columns = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    most = max(columns.values(), default=0)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in columns and columns[sniffed] == most:
        return sniffed
    return next(d for d in DELIMITERS if columns[d] == most)


class _Lines:
    """The file's lines, decoded chunk by chunk, line ends kept (what csv.reader expects of a
    file opened with newline=""). Bounds what one record may hold: `record_done` after each."""

    def __init__(self, file, encoding: str):
        file.seek(0)
        self._file = file
        self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._lines: deque[str] = deque()
        self._pending = ""
        self._eof = False
        self._record_chars = 0
        self.number = 1  # the row being read, for messages

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while not self._lines:
            if self._eof:
                raise StopIteration
            self._fill()
        line = self._lines.popleft()
        self._record_chars += len(line)
        if self._record_chars > MAX_RECORD_CHARS:
            self._too_long()
        return line

    def record_done(self) -> None:
        self._record_chars = 0
        self.number += 1

    def _too_long(self):
        raise FileRefused(
            _(
                "Ligne %(number)s : la ligne dépasse %(limit)s caractères (un guillemet ouvert "
                "qui n'est jamais fermé ?)."
            )
            % {"number": _n(self.number), "limit": _n(MAX_RECORD_CHARS)},
            "row_too_long",
        )

    def _text(self) -> str:
        chunk = self._file.read(CHUNK)
        if not chunk:
            self._eof = True
        return self._decoder.decode(chunk, final=self._eof)

    def _fill(self) -> None:
        text = self._pending + self._text()
        if self._eof:
            complete, self._pending = text, ""
        else:
            # A "\r" ending the chunk may be the first half of "\r\n": kept for the next one.
            scanned = text[:-1] if text.endswith("\r") else text
            end = max(scanned.rfind("\n"), scanned.rfind("\r")) + 1
            complete, self._pending = text[:end], text[end:]
            if len(self._pending) > MAX_RECORD_CHARS:
                self._too_long()
        self._lines.extend(_LINE.findall(complete))

    def rest_has_data(self, delimiter: str) -> bool:
        """Whether anything but empty rows follows, scanned without parsing the rows."""
        filled = re.compile(f'[^\\s"{re.escape(delimiter)}]')
        if any(filled.search(line) for line in self._lines) or filled.search(self._pending):
            return True
        while not self._eof:
            if filled.search(self._text()):
                return True
        return False


def _csv_rows(lines: _Lines, delimiter: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    try:
        for values in reader:
            yield lines.number, values
            lines.record_done()
    except csv.Error as error:
        # In practice the field size limit (131,072 characters), far above ours.
        raise FileRefused(
            _("Ligne %(number)s : ligne illisible ou cellule de plus de %(limit)s caractères.")
            % {"number": _n(lines.number), "limit": _n(MAX_CELL_CHARS)},
            "unreadable",
        ) from error


# XLSX -----------------------------------------------------------------------------------------


class XlsxTable(Table):
    kind = "xlsx"

    def __init__(self, file, name: str, size: int):
        super().__init__(file, name, size, _checksum(file))
        self._last_filled = _check_zip(file)
        try:
            self.workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise FileRefused(_("Le classeur est endommagé ou illisible."), "unreadable") from error
        self.sheets = [worksheet.title for worksheet in self.workbook.worksheets]
        if not self.sheets:
            raise FileRefused(_("Le classeur ne contient aucune feuille de données."), "no_sheet")

    def _read(self, sheet: str) -> Sheet:
        worksheet = self.workbook[sheet]
        # The sheet's own <dimension> is not trusted: "A1:XFD1048576" would pad every row.
        worksheet.reset_dimensions()
        raw = _xlsx_rows(worksheet)
        last_filled = self._last_filled.get(worksheet._worksheet_path.lstrip("/"))  # openpyxl's part name

        def rest_has_data(after: int) -> bool:
            if last_filled is not None:
                return last_filled > after
            return any(not all(_is_empty(value) for value in values) for _, values in raw)

        return Sheet(sheet, raw, rest_has_data)

    def close(self) -> None:
        self.workbook.close()


def _checksum(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _check_zip(file) -> dict[str, int]:
    """Refuses what is not an OOXML workbook, and a zip bomb, before openpyxl opens it.

    Gives the last row holding a value of each XML part (0 when none), from a scan of the parts
    that refuses more rows than a spreadsheet holds: openpyxl, on a sheet that does not state its
    dimension, parses it whole when it opens the workbook and keeps every row element.

    The sizes are those the zip declares: Python's zipfile never gives more bytes than declared
    (a member lying about it fails its CRC), so they bound what openpyxl can be made to read.
    """
    not_workbook = FileRefused(
        _("Ce fichier n'est pas un classeur Excel (.xlsx) : seuls les fichiers .csv et .xlsx sont lus."),
        "not_spreadsheet",
    )
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise not_workbook from error
    with archive:
        members = archive.infolist()
        if len(members) > XLSX_MAX_MEMBERS:
            raise _bomb()
        names = {member.filename for member in members}
        if "mimetype" in names and ODS_TYPE.encode() in archive.read("mimetype")[:100]:
            raise FileRefused(_ods_message(), "ods")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise not_workbook
        if sum(member.file_size for member in members) > XLSX_MAX_UNCOMPRESSED:
            raise _bomb()
        for member in members:
            if member.flag_bits & 0x1:
                raise FileRefused(_("Le classeur est chiffré : retirez le mot de passe."), "encrypted")
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > XLSX_RATIO_FROM and ratio > XLSX_MAX_RATIO:
                raise _bomb()
            if not member.filename.startswith("xl/worksheets/") and member.file_size > XLSX_MAX_WHOLE_PART:
                raise _bomb()
        last_filled = {
            m.filename: _last_filled_row(archive, m) for m in members if m.filename.endswith(".xml")
        }
    file.seek(0)
    return last_filled


def _bomb() -> FileRefused:
    return FileRefused(_("Ce classeur se décompresse en une taille anormale : il n'est pas lu."), "zip_bomb")


_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)")
_ROW_REF = re.compile(rb"\br=[\"'](\d+)[\"']")
_VALUE_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:v|is|f)\b")
_MAX_TAG = 64 * 1024


def _last_filled_row(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """The number of the last row with a value (<v>, <is> or <f>) in an XML part, scanned raw."""
    count = row = last = 0
    carry = b""
    with archive.open(member) as xml:
        while True:
            chunk = xml.read(CHUNK)
            buffer = carry + chunk
            # Only up to the last "<": a tag cut by the chunk's end is read with the next one.
            cut = buffer.rfind(b"<") if chunk else -1
            if cut < 0 or len(buffer) - cut > _MAX_TAG:
                cut = len(buffer)
            body, carry = buffer[:cut], buffer[cut:]
            rows = [(0, row)]  # where each row starts in the body; the first one began before
            for match in _ROW_TAG.finditer(body):
                count += 1
                number = _ROW_REF.search(match.group(1))
                row = int(number.group(1)) if number else row + 1
                if count > EXCEL_MAX_ROW or row > EXCEL_MAX_ROW:
                    raise _beyond_last_row()
                rows.append((match.start(), row))
            # The last row holding a value, searched from the end: one search on a usual sheet.
            end = len(body)
            for start, number in reversed(rows):
                if _VALUE_TAG.search(body, start, end):
                    last = max(last, number)
                    break
                end = start
            if not chunk:
                return last


def _beyond_last_row() -> FileRefused:
    return FileRefused(
        _("Le classeur a des lignes au-delà de la ligne %(limit)s : il n'est pas lu.")
        % {"limit": _n(EXCEL_MAX_ROW)},
        "too_many_rows",
    )


def _xlsx_rows(worksheet) -> Iterator[tuple[int, list]]:
    # openpyxl yields an empty tuple for each row missing between two rows: a row numbered
    # beyond any spreadsheet's last would make it count for ever.
    cells_by_row = enumerate(worksheet.iter_rows(), start=1)
    number = 0
    while True:
        try:
            number, cells = next(cells_by_row)
            values = [_cell_value(cell) for cell in cells]
        except StopIteration:
            return
        except Exception as error:  # a part damaged further down is only seen once reached
            raise FileRefused(
                _("Le classeur est endommagé à partir de la ligne %(number)s.") % {"number": _n(number + 1)},
                "unreadable",
            ) from error
        if number > EXCEL_MAX_ROW:
            raise _beyond_last_row()
        yield number, values


def _cell_value(cell):
    if cell.data_type == "f":
        value = cell.value
        return Formula(getattr(value, "text", None) or str(value))  # ArrayFormula has .text
    return cell.value
