"""The templates a service downloads (`filrouge.imports.blank_files`)."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import translation
from openpyxl import load_workbook

from filrouge.imports import blank_files
from filrouge.imports.columns import DATE, KINDS, TEXT, guess_mapping, parse_row


@pytest.fixture(autouse=True)
def english_page():
    # The templates are French whatever the page's language.
    with translation.override("en"):
        yield


def csv_rows(kind) -> list[list[str]]:
    content = blank_files.template_csv(kind)
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize("kind", KINDS)
def test_the_csv_has_headers_help_and_example(kind):
    headers, helps, example = csv_rows(kind)
    columns = KINDS[kind].columns
    assert len(headers) == len(helps) == len(example) == len(columns)
    with translation.override("fr"):
        assert headers == [str(column.label) for column in columns]
    assert helps[0].startswith("Aide : ")
    assert all(help_ for help_ in helps)
    assert example[0] == "EXEMPLE-1"
    for column, help_ in zip(columns, helps, strict=True):
        assert help_.removeprefix("Aide : ").startswith("Obligatoire.") == column.required


@pytest.mark.parametrize("kind", KINDS)
def test_the_templates_rows_map_and_read_back(kind):
    headers, helps, example = csv_rows(kind)
    mapping = guess_mapping(headers, kind)
    assert None not in mapping.values()
    assert blank_files.is_help_or_example(helps)
    assert blank_files.is_help_or_example(example)
    assert parse_row(mapping, example, kind).errors == {}


def test_help_and_example_rows_are_recognised_and_data_rows_are_not():
    assert blank_files.is_help_or_example(["", "Aide: 14 chiffres", None])  # a column moved first
    assert blank_files.is_help_or_example([None, 12, "EXEMPLE-7"])
    assert not blank_files.is_help_or_example(["DOS-12", "Martin", "Camille", 12, None])
    assert not blank_files.is_help_or_example(["Aidé par sa sœur", "exemple-1"])
    assert not blank_files.is_help_or_example([])


@pytest.mark.parametrize("kind", KINDS)
def test_the_xlsx_has_its_formats(kind):
    book = load_workbook(io.BytesIO(blank_files.template_xlsx(kind)))
    sheet = book.active
    assert sheet.title == KINDS[kind].sheet
    assert sheet.max_row == 3
    assert sheet.freeze_panes == "A2"
    for index, column in enumerate(KINDS[kind].columns, start=1):
        header, help_, example = (sheet.cell(row=row, column=index) for row in (1, 2, 3))
        assert header.font.b
        assert help_.font.i
        letter = header.column_letter
        assert 10 <= sheet.column_dimensions[letter].width <= 45
        if column.format == DATE:
            assert sheet.column_dimensions[letter].number_format == "DD/MM/YYYY"
            if example.value is not None:
                assert isinstance(example.value, datetime)
                assert example.number_format == "DD/MM/YYYY"
        if column.format == TEXT:
            assert sheet.column_dimensions[letter].number_format == "@"
            if example.value is not None:
                assert isinstance(example.value, str)
                assert example.number_format == "@"


def test_the_texts_whose_leading_zeros_matter_are_text_columns():
    formats = {(kind, c.key): c.format for kind, spec in KINDS.items() for c in spec.columns}
    for key in [("people", "postal_code"), ("people", "phone"), ("people", "external_id")]:
        assert formats[key] == TEXT
    for key in [("companies", "siret"), ("companies", "postal_code"), ("placements", "company_siret")]:
        assert formats[key] == TEXT


def test_the_xlsx_example_row_reads_back_as_the_importer_will_read_it():
    book = load_workbook(io.BytesIO(blank_files.template_xlsx("placements")), read_only=True)
    headers, helps, example = [list(row) for row in book.active.iter_rows(values_only=True)]
    mapping = guess_mapping(headers, "placements")
    parsed = parse_row(mapping, example, "placements")
    assert parsed.errors == {}
    assert parsed.values["hours_per_week"] == 28
    assert parsed.values["started_on"].isoformat() == "2026-03-02"
    assert blank_files.is_help_or_example(helps) and blank_files.is_help_or_example(example)


def test_the_workbook_has_a_sheet_per_kind():
    book = load_workbook(io.BytesIO(blank_files.template_xlsx_all()))
    assert book.sheetnames == ["Personnes", "Entreprises", "Emplois et immersions"]
    for name, kind in zip(book.sheetnames, KINDS, strict=True):
        headers = [cell.value for cell in book[name][1]]
        assert None not in guess_mapping(headers, kind).values()
