"""The CSV files open as they are in a French spreadsheet, and no cell runs as a formula."""

import csv
import io
from datetime import date

import pytest

from filrouge.reports import csv_files


def read(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_file_is_utf8_with_a_bom_and_semicolons():
    content = csv_files.write(["Nom", "Prénom"], [["Dupré", "Hélène"]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == "Nom;Prénom\r\nDupré;Hélène\r\n"


def test_dates_are_written_day_month_year():
    assert read(csv_files.write(["Date"], [[date(2026, 3, 9)]]))[1] == ["09/03/2026"]


def test_numbers_stay_numbers_and_decimals_take_a_comma():
    assert read(csv_files.write(["a", "b", "c"], [[24, 2.5, None]]))[1] == ["24", "2,5", ""]


def test_a_semicolon_or_a_quote_inside_a_text_is_quoted_not_a_new_cell():
    rows = read(csv_files.write(["Entreprise"], [['Dupont; fils "et" cie']]))
    assert rows[1] == ['Dupont; fils "et" cie']


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+33 6", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_a_text_a_spreadsheet_would_run_as_a_formula_is_prefixed(text):
    assert read(csv_files.write(["x"], [[text]]))[1] == [f"'{text}"]


def test_an_ordinary_text_is_left_alone():
    assert csv_files.neutralise("Boulangerie = pain") == "Boulangerie = pain"


def test_a_boolean_is_refused_so_lists_write_oui_or_non():
    with pytest.raises(TypeError):
        csv_files.write(["x"], [[True]])
