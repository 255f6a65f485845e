"""Reading the report back from its three forms: the page's tables, the PDF's text, the workbook's
cells — so tests compare what a reader sees, not the objects the templates were given."""

import io
import re
from html.parser import HTMLParser

import pypdf
from openpyxl import load_workbook


class TableReader(HTMLParser):
    """The page's report tables: id → rows → cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.table = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("tableau-"):
            self.table = self.tables.setdefault(attrs["id"].removeprefix("tableau-"), [])
        elif self.table is not None and tag == "tr":
            self.table.append([])
        elif self.table is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None
        elif tag in ("td", "th") and self.cell is not None:
            self.table[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def row(tables, key: str, name: str) -> list[str]:
    """The cells of the row of table `key` whose first cell is `name` (header row included)."""
    return next(cells for cells in tables[key] if cells and cells[0] == name)


def pdf_text(content: bytes) -> str:
    """The PDF's text as one line: every run of white space (line breaks inside a narrow cell,
    non-breaking spaces) made a single space, so a table row reads "name value value"."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_row(book, sheet: str, name: str):
    """The cells (openpyxl cells) of the row of `sheet` whose first cell is `name`, below the
    sheet's title and column headers."""
    return next(cells for cells in book[sheet].iter_rows(min_row=3) if cells[0].value == name)


def spaced(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
