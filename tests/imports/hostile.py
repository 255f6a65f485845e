"""Builders of spreadsheets, ordinary and hostile, as bytes (all data synthetic).

Kept apart from the tests so that later import tests (the pages, the command) reuse them.
Hostile XLSX are written as raw XML parts streamed into a zip: no spreadsheet program would
write them, and openpyxl could not be made to.
"""

import datetime
import io
import zipfile
from collections.abc import Iterable
from itertools import chain

import openpyxl

PEOPLE_HEADER = ["Nom", "Prénom", "Date de naissance", "Courriel"]
PEOPLE = [
    ["Martin", "Élodie", "22/11/1990", "elodie.martin@example.org"],
    ["Dubois", "Jérôme", "03/02/1985", "jerome.dubois@example.org"],
]


def csv_bytes(rows: Iterable[Iterable[str]], delimiter=";", encoding="utf-8", newline="\r\n") -> bytes:
    """Rows joined by hand (quotes only where needed), as Excel and LibreOffice write them."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            if any(c in cell for c in (delimiter, '"', "\n", "\r")):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(delimiter.join(cells))
    return (newline.join(lines) + newline).encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook made by openpyxl, one sheet per entry, values as given (dates, numbers, "=…")."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people_xlsx() -> bytes:
    return xlsx_bytes(
        {
            "Personnes": [
                ["Nom", "Prénom", "Date de naissance", "Heures", "Taux"],
                ["Martin", "Élodie", datetime.date(1990, 11, 22), 35, 0.5],
                ["Dubois", "Jérôme", datetime.datetime(1985, 2, 3, 14, 30), 20, 1.25],
            ]
        }
    )


# Not spreadsheets -----------------------------------------------------------------------------


def renamed_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png_image() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def legacy_xls() -> bytes:
    """The start of an OLE compound file, as a .xls begins."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 490


def ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personnes.csv", "Nom;Prénom\nMartin;Élodie\n")
    return buffer.getvalue()


# Raw XLSX -------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_row(number: int, values: Iterable = (), first_column: int = 1) -> bytes:
    """One <row>: strings inline, numbers as numbers, "=…" as a formula with a cached value."""
    cells = []
    for offset, value in enumerate(values):
        ref = f"{_column(first_column + offset)}{number}"
        if isinstance(value, str) and value.startswith("="):
            cells.append(f'<c r="{ref}"><f>{value[1:]}</f><v>0</v></c>')
        elif isinstance(value, str):
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        else:
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


def raw_xlsx(rows: Iterable[bytes], dimension: str | None = None, workbook: str = WORKBOOK) -> bytes:
    """An XLSX of one sheet whose <row> elements are given as bytes, streamed into the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for row in rows:
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def zip_bomb(megabytes: int = 200, members: int = 1) -> bytes:
    """An XLSX-looking zip whose sheet(s) hold `megabytes` of zeros each: a few hundred KB on disk."""
    zeros = b"\x00" * (1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        for index in range(members):
            with archive.open(f"xl/worksheets/sheet{index + 1}.xml", "w", force_zip64=True) as sheet:
                for _ in range(megabytes):
                    sheet.write(zeros)
    return buffer.getvalue()


def not_a_workbook_zip() -> bytes:
    """OOXML, but a text document: [Content_Types].xml and no xl/workbook.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def empty_rows_xlsx(
    count: int = 1_000_000, then: list | None = None, dimension: str | None = "A1:D2"
) -> bytes:
    """A header, one person, then `count` empty rows, then optionally one more row.

    The dimension claims two rows, as it would if the rows below held only formatting.
    """
    empty = (f'<row r="{number}"/>'.encode() for number in range(3, count + 3))
    last = [xml_row(count + 3, then)] if then is not None else []
    return raw_xlsx(
        chain([xml_row(1, PEOPLE_HEADER), xml_row(2, PEOPLE[0])], empty, last), dimension=dimension
    )
