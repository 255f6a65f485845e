import csv
import datetime
import hashlib
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filrouge.imports import reading
from filrouge.imports.errors import FileRefused
from filrouge.imports.reading import Formula, open_table
from tests.imports import hostile

ACCENTS = "é à ç œ €"


def read(data: bytes, name: str = "personnes.csv", sheet: str | None = None):
    """(header, [(number, values), ...]) of a file's sheet."""
    with open_table(io.BytesIO(data), name) as table:
        sheet = table.read(sheet)
        return sheet.header, [(row.number, row.values) for row in sheet]


def refused(data: bytes, name: str = "personnes.csv") -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read(data, name)
    return caught.value


# CSV: encodings and delimiters -----------------------------------------------------------------


def test_utf8_csv_gives_header_rows_and_the_files_checksum():
    data = hostile.csv_bytes([hostile.PEOPLE_HEADER, *hostile.PEOPLE])
    with open_table(io.BytesIO(data), "personnes.csv") as table:
        assert (table.kind, table.delimiter, table.sheets) == ("csv", ";", ["personnes"])
        assert table.checksum == hashlib.sha256(data).hexdigest()
        sheet = table.read()
        assert (sheet.header_number, sheet.header) == (1, hostile.PEOPLE_HEADER)
        assert [(row.number, row.values) for row in sheet] == [(2, hostile.PEOPLE[0]), (3, hostile.PEOPLE[1])]


def test_utf8_bom_is_not_part_of_the_first_header():
    header, rows = read(b"\xef\xbb\xbf" + hostile.csv_bytes([["Nom", "Ville"], ["Martin", "Besançon"]]))
    assert header == ["Nom", "Ville"]
    assert rows == [(2, ["Martin", "Besançon"])]


def test_windows_1252_as_excel_writes_it_comes_out_without_mojibake():
    data = hostile.csv_bytes([["Nom", "Note"], ["Martin", ACCENTS]], encoding="cp1252")
    assert b"\x9c" in data and b"\x80" in data  # œ and €, bytes that are not Latin-1 letters
    with open_table(io.BytesIO(data), "p.csv") as table:
        assert table.encoding == "cp1252"
        assert list(table.read())[0].values == ["Martin", ACCENTS]


def test_utf16_with_bom_tab_separated_as_excel_unicode_text():
    data = hostile.csv_bytes([["Nom", "Note"], ["Martin", ACCENTS]], delimiter="\t", encoding="utf-16")
    with open_table(io.BytesIO(data), "p.txt") as table:
        assert (table.encoding, table.delimiter) == ("utf-16", "\t")
        assert [row.values for row in table.read()] == [["Martin", ACCENTS]]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_each_delimiter_is_detected(delimiter):
    rows = [["Nom", "Prénom", "Ville"], ["Martin", "Élodie", "Lyon"], ["Dubois", "Jérôme", "Paris"]]
    data = hostile.csv_bytes(rows, delimiter=delimiter)
    with open_table(io.BytesIO(data), "p.csv") as table:
        assert table.delimiter == delimiter
        sheet = table.read()
        assert sheet.header == rows[0]
        assert [row.values for row in sheet] == rows[1:]


def test_decimal_commas_do_not_make_the_comma_the_delimiter():
    # Every line has one comma and two semicolons: csv.Sniffer alone says "," (checked below).
    rows = [["Nom", "Heures, semaine", "Ville"], ["Martin", "12,5", "Lyon"], ["Dubois", "7,5", "Nice"]]
    data = hostile.csv_bytes(rows)
    assert csv.Sniffer().sniff(data.decode(), delimiters=reading.DELIMITERS).delimiter == ","
    with open_table(io.BytesIO(data), "p.csv") as table:
        assert table.delimiter == ";"
        sheet = table.read()
        assert sheet.header == rows[0]
        assert [row.values for row in sheet] == rows[1:]


def test_quoted_line_breaks_and_empty_rows_keep_the_spreadsheets_row_numbers():
    data = (
        hostile.csv_bytes(
            [
                ["Nom", "Commentaire"],
                ["Martin", "première ligne\ndeuxième ligne\r\ntroisième"],
                ["", ""],
                ["Dubois", 'dit "bonjour"; part'],
            ]
        )
        + b"\r\nPetit;fin\r\n"
    )
    header, rows = read(data)
    assert header == ["Nom", "Commentaire"]
    # Row 3 is the empty one, row 5 the blank line: as LibreOffice shows the file.
    assert rows == [
        (2, ["Martin", "première ligne\ndeuxième ligne\r\ntroisième"]),
        (4, ["Dubois", 'dit "bonjour"; part']),
        (6, ["Petit", "fin"]),
    ]


def test_empty_rows_before_the_header_are_counted():
    header, rows = read(b"\n;;\nNom;Ville\nMartin;Lyon\n")
    assert header == ["Nom", "Ville"]
    assert rows == [(4, ["Martin", "Lyon"])]


def test_short_rows_are_padded_to_the_headers_width_and_header_cells_stripped():
    header, rows = read(b" Nom ;Ville; Note\nMartin\nDubois;Nice;;;\n")
    assert header == ["Nom", "Ville", "Note"]
    assert rows == [(2, ["Martin", "", ""]), (3, ["Dubois", "Nice", ""])]


def test_html_and_scripts_in_cells_come_through_unchanged():
    script = '<script>alert("x")</script>'
    header, rows = read(hostile.csv_bytes([["Nom", "Note"], [script, "<b>gras</b> & <i>"]]))
    assert rows == [(2, [script, "<b>gras</b> & <i>"])]
    header, rows = read(hostile.xlsx_bytes({"Feuil1": [["Nom"], [script]]}), "p.xlsx")
    assert rows == [(2, [script])]


def test_a_file_with_only_a_header_has_no_rows():
    header, rows = read(b"Nom;Pr\xc3\xa9nom\r\n")
    assert (header, rows) == (["Nom", "Prénom"], [])


def test_a_few_bytes_of_text_libmagic_cannot_name_are_read_as_csv():
    assert read(b"Nom") == (["Nom"], [])


def test_an_uploaded_file_can_be_read_twice():
    upload = SimpleUploadedFile("personnes.csv", hostile.csv_bytes([hostile.PEOPLE_HEADER, *hostile.PEOPLE]))
    with open_table(upload, upload.name) as table:
        first = [row.values for row in table.read()]
        again = [row.values for row in table.read()]
    assert first == again == hostile.PEOPLE


# XLSX ------------------------------------------------------------------------------------------


def test_xlsx_gives_dates_numbers_and_text_as_they_are():
    upload = SimpleUploadedFile("personnes.xlsx", hostile.people_xlsx())
    with open_table(upload, upload.name) as table:
        assert (table.kind, table.sheets, table.encoding) == ("xlsx", ["Personnes"], None)
        sheet = table.read()
        assert sheet.header == ["Nom", "Prénom", "Date de naissance", "Heures", "Taux"]
        rows = list(sheet)
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].values == ["Martin", "Élodie", datetime.datetime(1990, 11, 22), 35, 0.5]
    assert rows[1].values == ["Dubois", "Jérôme", datetime.datetime(1985, 2, 3, 14, 30), 20, 1.25]


def test_xlsx_checksum_is_the_sha256_of_the_bytes():
    data = hostile.people_xlsx()
    with open_table(io.BytesIO(data), "p.xlsx") as table:
        assert table.checksum == hashlib.sha256(data).hexdigest()


def test_a_formula_comes_as_a_marker_never_as_its_value():
    data = hostile.xlsx_bytes({"Feuil1": [["Nom", "Heures"], ["Martin", "=SUM(1,2)"], ["Dubois", 3]]})
    header, rows = read(data, "p.xlsx")
    assert rows[0] == (2, ["Martin", Formula("=SUM(1,2)")])
    assert rows[1] == (3, ["Dubois", 3])
    # The raw part carries a cached value (0): it is not taken either.
    raw = hostile.raw_xlsx([hostile.xml_row(1, ["Nom", "Total"]), hostile.xml_row(2, ["Martin", "=A1*2"])])
    assert read(raw, "p.xlsx")[1] == [(2, ["Martin", Formula("=A1*2")])]


def test_a_workbook_with_a_sheet_per_kind_reads_each():
    data = hostile.xlsx_bytes(
        {
            "Personnes": [hostile.PEOPLE_HEADER, hostile.PEOPLE[0]],
            "Entreprises": [["SIRET", "Nom"], ["73282932000074", "Boulangerie"]],
        }
    )
    with open_table(io.BytesIO(data), "import.xlsx") as table:
        assert table.sheets == ["Personnes", "Entreprises"]
        assert table.read().header == hostile.PEOPLE_HEADER
        companies = table.read("Entreprises")
        assert companies.header == ["SIRET", "Nom"]
        assert [row.values for row in companies] == [["73282932000074", "Boulangerie"]]
        with pytest.raises(FileRefused) as caught:
            table.read("Emplois")
        assert caught.value.code == "no_sheet"


def test_xlsx_empty_rows_count_in_the_row_numbers():
    data = hostile.xlsx_bytes(
        {"Feuil1": [[], ["Nom", "Ville"], ["Martin", "Lyon"], [], [None, None], ["Dubois"]]}
    )
    header, rows = read(data, "p.xlsx")
    assert header == ["Nom", "Ville"]
    assert rows == [(3, ["Martin", "Lyon"]), (6, ["Dubois", ""])]


def test_a_lying_dimension_does_not_pad_the_rows():
    data = hostile.raw_xlsx(
        [hostile.xml_row(1, ["Nom"]), hostile.xml_row(2, ["Martin"])], dimension="A1:XFD1048576"
    )
    assert read(data, "p.xlsx") == (["Nom"], [(2, ["Martin"])])


def test_the_content_decides_not_the_name():
    assert read(hostile.people_xlsx(), "personnes.csv")[0][0] == "Nom"
    assert read(b"Nom;Ville\nMartin;Lyon\n", "personnes.xlsx") == (
        ["Nom", "Ville"],
        [(2, ["Martin", "Lyon"])],
    )


# Not spreadsheets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "name", "code"),
    [
        (hostile.renamed_pdf, "personnes.csv", "not_spreadsheet"),
        (hostile.png_image, "personnes.xlsx", "not_spreadsheet"),
        (hostile.plain_zip, "personnes.xlsx", "not_spreadsheet"),
        (hostile.not_a_workbook_zip, "personnes.xlsx", "not_spreadsheet"),
        (hostile.legacy_xls, "personnes.xls", "xls"),
        (hostile.ods, "personnes.ods", "ods"),
    ],
)
def test_what_is_not_a_csv_or_an_xlsx_is_refused(builder, name, code):
    error = refused(builder(), name)
    assert error.code == code
    if code in ("xls", "ods"):
        assert ".xlsx ou en .csv" in error.message


def test_an_empty_file_is_refused():
    assert refused(b"").code == "empty"


def test_a_damaged_workbook_is_refused():
    data = hostile.raw_xlsx([hostile.xml_row(1, ["Nom"])], workbook=hostile.WORKBOOK[:-20])
    assert refused(data, "p.xlsx").code == "unreadable"


def test_a_sheet_damaged_half_way_is_refused_while_read():
    rows = [hostile.xml_row(1, ["Nom"]), hostile.xml_row(2, ["Martin"]), b"<row r='3'><c"]
    data = hostile.raw_xlsx(rows, dimension="A1:A3")  # else openpyxl parses it whole on opening
    with open_table(io.BytesIO(data), "p.xlsx") as table:
        sheet = table.read()
        rows = iter(sheet)
        assert next(rows).values == ["Martin"]
        with pytest.raises(FileRefused) as caught:
            next(rows)
    assert caught.value.code == "unreadable"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_MB = 1
    error = refused(b"Nom\n" + b"Martin\n" * 200_000)
    assert error.code == "too_large"
    assert "1 Mo" in error.message


# Hostile contents -----------------------------------------------------------------------------


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_decompressing():
    data = hostile.zip_bomb(megabytes=200)
    assert len(data) < 1024 * 1024
    assert refused(data, "personnes.xlsx").code == "zip_bomb"


def test_a_workbook_too_large_once_decompressed_is_refused(monkeypatch):
    # Members of 1 MB compress well but are too small to be judged by their ratio: the total is.
    monkeypatch.setattr(reading, "XLSX_MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    assert refused(hostile.zip_bomb(megabytes=1, members=3), "p.xlsx").code == "zip_bomb"


def test_a_workbook_of_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_MEMBERS", 5)
    assert refused(hostile.zip_bomb(megabytes=0, members=6), "p.xlsx").code == "zip_bomb"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_more_data_rows_than_the_limit_are_refused_with_the_limit(settings, kind):
    settings.IMPORT_MAX_ROWS = 3
    people = [[f"Nom{i}", f"Prénom{i}"] for i in range(4)]

    def build(rows):
        if kind == "csv":
            return hostile.csv_bytes(rows)
        return hostile.xlsx_bytes({"Feuil1": rows})

    assert len(read(build([["Nom", "Prénom"], *people[:3]]), f"p.{kind}")[1]) == 3
    error = refused(build([["Nom", "Prénom"], *people]), f"p.{kind}")
    assert error.code == "too_many_rows"
    assert "3 lignes" in error.message


def test_a_million_empty_csv_rows_end_the_sheet_without_holding_them():
    data = hostile.csv_bytes([hostile.PEOPLE_HEADER, hostile.PEOPLE[0]]) + b";;;\n" * 1_000_000
    assert read(data) == (hostile.PEOPLE_HEADER, [(2, hostile.PEOPLE[0])])


def test_data_after_a_million_empty_csv_rows_is_refused_not_lost():
    data = hostile.csv_bytes([hostile.PEOPLE_HEADER]) + b";;;\n" * 1_000_000 + b"Martin;Elodie;;\n"
    error = refused(data)
    assert error.code == "empty_rows"
    assert "ligne 2" in error.message


def test_a_million_empty_xlsx_rows_end_the_sheet():
    data = hostile.empty_rows_xlsx(1_000_000)
    assert read(data, "p.xlsx") == (hostile.PEOPLE_HEADER, [(2, hostile.PEOPLE[0])])


def test_data_after_a_million_empty_xlsx_rows_is_refused_not_lost():
    error = refused(hostile.empty_rows_xlsx(1_000_000, then=["Dubois", "Jérôme"]), "p.xlsx")
    assert error.code == "empty_rows"
    assert "ligne 3" in error.message


def test_data_after_empty_rows_is_found_in_a_sheet_without_dimension():
    data = hostile.empty_rows_xlsx(5_000, then=["Dubois", "Jérôme"], dimension=None)
    assert refused(data, "p.xlsx").code == "empty_rows"
    # Fewer empty rows than the cap: the row after them is read, with its number.
    header, rows = read(hostile.empty_rows_xlsx(500, then=["Dubois", "Jérôme"], dimension=None), "p.xlsx")
    assert rows == [(2, hostile.PEOPLE[0]), (503, ["Dubois", "Jérôme", "", ""])]


def test_more_rows_than_a_spreadsheet_holds_are_refused_before_openpyxl_parses_them(monkeypatch):
    monkeypatch.setattr(reading, "EXCEL_MAX_ROW", 1_000)
    data = hostile.empty_rows_xlsx(2_000, dimension=None)
    with pytest.raises(FileRefused) as caught:
        open_table(io.BytesIO(data), "p.xlsx")
    assert caught.value.code == "too_many_rows"


def test_a_row_numbered_beyond_the_last_row_of_excel_is_refused():
    data = hostile.raw_xlsx([hostile.xml_row(1, ["Nom"]), hostile.xml_row(900_000_000, ["Martin"])])
    assert refused(data, "p.xlsx").code == "too_many_rows"


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x9d"])
def test_bytes_neither_utf8_nor_windows_1252_are_refused(byte):
    error = refused(b"Nom;Ville\nMartin;Lyon" + byte + b"\n")
    assert error.code == "encoding"
    assert "CSV UTF-8" in error.message


def test_a_bad_byte_far_into_the_file_is_found_too():
    data = b"Nom;Ville\n" + b"Martin;Lyon\n" * 200_000 + b"Dubois;\x81\n"
    assert refused(data).code == "encoding"


@pytest.mark.parametrize("position", ["head", "far"])
def test_nul_bytes_are_refused(position):
    body = b"Martin;Lyon\n" * (1 if position == "head" else 200_000)
    assert refused(b"Nom;Ville\n" + body + b"Dubois;\x00Nice\n").code == "nul"


def test_nul_characters_in_utf16_are_refused():
    data = "Nom\tVille\nMartin\t\x00Lyon\n".encode("utf-16")
    assert refused(data).code == "nul"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cell_of_20000_characters_is_refused_with_its_row_and_column(kind):
    rows = [["Nom", "Note"], ["Martin", "court"], ["Dubois", "x" * 20_000]]
    data = hostile.csv_bytes(rows) if kind == "csv" else hostile.xlsx_bytes({"Feuil1": rows})
    error = refused(data, f"p.{kind}")
    assert error.code == "cell_too_long"
    assert "Ligne 3, colonne B" in error.message


def test_a_cell_at_the_limit_is_read():
    header, rows = read(hostile.csv_bytes([["Nom"], ["x" * reading.MAX_CELL_CHARS]]))
    assert len(rows[0][1][0]) == reading.MAX_CELL_CHARS


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_300_columns_are_refused(kind):
    rows = [[f"Colonne {i}" for i in range(300)]]
    data = hostile.csv_bytes(rows) if kind == "csv" else hostile.xlsx_bytes({"Feuil1": rows})
    error = refused(data, f"p.{kind}")
    assert error.code == "too_many_columns"
    assert "Ligne 1" in error.message


def test_empty_trailing_columns_do_not_count():
    header, rows = read(b"Nom" + b";" * 299 + b"\nMartin" + b";" * 299 + b"\n")
    assert (header, rows) == (["Nom"], [(2, ["Martin"])])


def test_a_cell_far_to_the_right_of_an_xlsx_is_refused():
    data = hostile.raw_xlsx([hostile.xml_row(1, ["Nom"]), hostile.xml_row(2, ["x"], first_column=16_384)])
    error = refused(data, "p.xlsx")
    assert (error.code, "XFD" in error.message) == ("too_many_columns", True)


def test_an_unclosed_quote_swallowing_the_file_is_refused():
    data = b'Nom;Note\nMartin;"ouvert\n' + b"Dubois;suite\n" * 100_000
    error = refused(data)
    assert error.code in ("unreadable", "row_too_long")
    assert "Ligne 2" in error.message


def test_a_single_line_longer_than_a_record_may_be_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_RECORD_CHARS", 50_000)
    error = refused(b"Nom;Note\n" + b"a;" * 100_000)
    assert error.code == "row_too_long"


def test_openpyxl_made_workbooks_have_their_sheets_scanned_without_error():
    # The scan of the parts (rows and values) must accept what openpyxl itself writes.
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nom"])
    for index in range(3_000):
        workbook.active.append([f"Personne {index}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    header, rows = read(buffer.getvalue(), "p.xlsx")
    assert (len(rows), rows[-1]) == (3_000, (3_001, ["Personne 2999"]))
