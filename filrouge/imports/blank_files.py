"""The blank files a service downloads and fills: a CSV or an XLSX per kind, or one workbook with
a sheet per kind (named "Personnes", "Entreprises", "Emplois et immersions").

Row 1 holds the headers (the columns' French labels, which `columns.guess_mapping` maps back to
every column), row 2 a help line per column ("Obligatoire." first when the row needs it), row 3
an example with synthetic values. The files are always in French, like the CSV exports.

How the import recognises the help and example rows, to skip them: the help row's first cell
starts with "Aide :" and the example row's identifier is "EXEMPLE-1". `is_help_or_example`
looks for either marker in any cell of a row, so that a user who moved or deleted columns is
still understood. It is meant for the rows just below the header (the template puts them at
rows 2 and 3): the import skips such rows there, says so in its report, and treats a row
further down as data, so that no real row is ever dropped in silence.

CSV: UTF-8 with a byte order mark (Excel then reads the accents right) and ";" between cells
(what a French Excel expects), CRLF line ends. XLSX (openpyxl): the header bold, the help in
italics, column widths to fit, dates formatted jj/mm/aaaa, and the text format "@" on the
columns whose leading zeros matter (postal codes, phones, SIRET, identifiers), for the example
cell and for the whole column, so that what a user types there stays text.
"""

import csv
import io
import re

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from filrouge.core.text import fold
from filrouge.imports.columns import DATE, EXAMPLE_ID, KINDS, NUMBER, TEXT, Column, kind_of

HELP_MARKER = "Aide :"
EXAMPLE_MARKER = EXAMPLE_ID.rsplit("-", 1)[0] + "-"  # "EXEMPLE-"
HELP_START = re.compile(r"aide\s*:")
BOM = "\ufeff"
SEPARATOR = ";"
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 10, 45


def help_text(column: Column) -> str:
    text = str(column.help)
    return f"Obligatoire. {text}" if column.required else text


def rows(kind: str) -> tuple[list[str], list[str], list[str]]:
    """The headers, the help row and the example row of a kind's template, as text."""
    columns = kind_of(kind).columns
    with translation.override("fr"):
        headers = [str(column.label) for column in columns]
        helps = [help_text(column) for column in columns]
    helps[0] = f"{HELP_MARKER} {helps[0]}"
    examples = [column.example for column in columns]
    return headers, helps, examples


def is_help_or_example(values) -> bool:
    """Whether a row is the template's help row or its example row (see the module's docstring)."""
    for value in values:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith(EXAMPLE_MARKER) or HELP_START.match(fold(text)):
                return True
    return False


def template_csv(kind: str) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows(kind))
    return buffer.getvalue().encode("utf-8")


def example_cell(column: Column, text: str):
    """The example as a spreadsheet would hold it: a real date, a number, or text."""
    if not text:
        return None
    if column.format == DATE:
        return column.parse(text)
    if column.format == NUMBER:
        return column.parse(text)
    return text


def fill_sheet(sheet, kind: str) -> None:
    spec = kind_of(kind)
    headers, helps, examples = rows(kind)
    sheet.title = spec.sheet
    bold, italic = Font(bold=True), Font(italic=True, color="555555")
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=headers[index - 1])
        header.font = bold
        help_cell = sheet.cell(row=2, column=index, value=helps[index - 1])
        help_cell.font = italic
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
        example = sheet.cell(row=3, column=index, value=example_cell(column, examples[index - 1]))
        number_format = {DATE: DATE_FORMAT, TEXT: TEXT_FORMAT}.get(column.format)
        if number_format:
            example.number_format = number_format
            # The column's own style: what the user types below the example takes it too.
            sheet.column_dimensions[letter].number_format = number_format
        longest = max(len(headers[index - 1]), len(examples[index - 1]), min(len(helps[index - 1]), 30))
        sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))
    sheet.freeze_panes = "A2"


def save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_xlsx(kind: str) -> bytes:
    book = Workbook()
    fill_sheet(book.active, kind)
    return save(book)


def template_xlsx_all() -> bytes:
    """One workbook, one sheet per kind, in the order a service imports them: people, companies,
    then placements (which name both)."""
    book = Workbook()
    book.remove(book.active)
    for kind in KINDS:
        fill_sheet(book.create_sheet(), kind)
    return save(book)
