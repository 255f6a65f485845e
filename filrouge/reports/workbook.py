"""The activity report as an XLSX workbook (openpyxl): a first sheet naming the scope and the
period, then one sheet per table of `reports.activity`.

Figures are written as numbers (integers, decimals; shares as fractions with a percent format),
never as text, so a spreadsheet can add them up. A figure hidden for a funder is the text "< 5".
Text a spreadsheet would read as a formula is neutralised as in the CSV files.
"""

import io
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from filrouge.reports import activity
from filrouge.reports.csv_files import neutralise

NUMBER_FORMATS = {
    activity.COUNT: "#,##0",
    activity.PERCENT: "0.0%",
    activity.DAYS: "0.0",
    activity.DECIMAL: "0.00",
}
DATE_FORMAT = "DD/MM/YYYY"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
RIGHT = Alignment(horizontal="right")


def write(report: activity.Report, *, organisation: str, generated_at: datetime) -> bytes:
    book = Workbook()
    cover(book.active, report, organisation, generated_at)
    for table in report.tables:
        sheet(book.create_sheet(table.sheet), table)
    for ws in book.worksheets:
        neutralise_text(ws)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cover(ws, report: activity.Report, organisation: str, generated_at: datetime) -> None:
    ws.title = _("Rapport")
    ws.append([_("Rapport d'activité")])
    ws["A1"].font = TITLE
    lines = [
        (_("Organisation"), organisation),
        (_("Périmètre"), report.scope_label),
        (_("Services"), ", ".join(report.services)),
        (_("Période"), report.period.label),
        (_("Du"), report.period.start),
        (_("Au"), report.period.end),
        (_("Chiffres arrêtés au"), report.as_of),
        (_("Définitions des indicateurs en vigueur au"), report.definitions_date),
        (_("Établi le"), timezone.localtime(generated_at).replace(tzinfo=None)),
    ]
    for name, value in lines:
        ws.append([name, value])
        ws.cell(ws.max_row, 1).font = BOLD
        if isinstance(value, datetime):
            ws.cell(ws.max_row, 2).number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, date):
            ws.cell(ws.max_row, 2).number_format = DATE_FORMAT
    if report.without_names:
        ws.append([])
        ws.append([_("Les effectifs inférieurs à 5 sont masqués (« < 5 ») et aucun nom n'apparaît.")])
    ws.append([])
    ws.append([_("Tableaux")])
    ws.cell(ws.max_row, 1).font = BOLD
    for table in report.tables:
        ws.append([table.sheet, table.title])
    widths(ws, [34, 60])


def sheet(ws, table: activity.Table) -> None:
    ws.append([table.title])
    ws["A1"].font = TITLE
    ws.append(table.columns)
    for column in range(1, len(table.columns) + 1):
        ws.cell(2, column).font = BOLD
    for row in table.rows:
        ws.append([cell.value for cell in row])
        for column, cell in enumerate(row, start=1):
            target = ws.cell(ws.max_row, column)
            if cell.hidden:
                target.alignment = RIGHT
            elif cell.kind in NUMBER_FORMATS and cell.value is not None:
                target.number_format = NUMBER_FORMATS[cell.kind]
    if table.note:
        ws.append([])
        ws.append([table.note])
    ws.freeze_panes = "B3"
    widths(ws, [48] + [16] * (len(table.columns) - 1))


def neutralise_text(ws) -> None:
    """Every text cell as the CSV files write it (`csv_files.neutralise`): one a spreadsheet would
    read as a formula (a service named "=HYPERLINK(...)") gets an apostrophe, and stays text.
    openpyxl stores a string starting with "=" as a formula: it is caught here, whatever wrote it."""
    for row in ws.iter_rows():
        for target in row:
            if isinstance(target.value, str):
                target.value = neutralise(target.value)
                target.data_type = "s"


def widths(ws, values: list[int]) -> None:
    for index, width in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
