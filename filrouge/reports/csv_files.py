"""CSV files as French spreadsheets open them: UTF-8 with a byte order mark, ";" between cells,
dates as jj/mm/aaaa (what a French spreadsheet reads as a date), decimals with a comma.

A text cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a
carriage return) is prefixed with an apostrophe, so a company named "=HYPERLINK(...)" stays text.
"""

import csv
import io
from datetime import date

BOM = "\ufeff"
SEPARATOR = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("Booleans are written as words by the list, not as True/False.")
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return neutralise(str(value))


def write(headers: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cell(header) for header in headers])
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")
