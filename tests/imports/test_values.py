"""The parsers of what people type in a spreadsheet's cells (`filrouge.imports.values`)."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from filrouge.imports import values
from filrouge.imports.columns import EDUCATION_LEVEL, PLACEMENT_KIND, SEX, SIZE_BAND
from filrouge.organisations.validators import synthetic_siret
from filrouge.people.models import Sex

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def refusal(parser, raw, **options) -> str:
    with pytest.raises(ValidationError) as caught:
        parser(raw, **options)
    return " ".join(caught.value.messages)


class Formula:
    """What the reader yields for an XLSX formula cell: not a plain value."""

    def __init__(self, text):
        self.text = text


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("22/11/2026", date(2026, 11, 22)),
        ("22/11/26", date(2026, 11, 22)),
        ("22-11-2026", date(2026, 11, 22)),
        ("22.11.2026", date(2026, 11, 22)),
        ("2/3/2026", date(2026, 3, 2)),
        (" 22 / 11 / 2026 ", date(2026, 11, 22)),
        ("2026-11-22", date(2026, 11, 22)),
        ("2026-11-22 00:00:00", date(2026, 11, 22)),
        ("2026-11-22T09:30:00+01:00", date(2026, 11, 22)),
        ("22/11/2026 14:30", date(2026, 11, 22)),
        ("1er mars 2026", date(2026, 3, 1)),
        ("22 nov. 2026", date(2026, 11, 22)),
        ("22 Décembre 2026", date(2026, 12, 22)),
        ("29/02/2024", date(2024, 2, 29)),
        (date(2026, 11, 22), date(2026, 11, 22)),
        (datetime(2026, 11, 22, 0, 0), date(2026, 11, 22)),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_dates_as_people_write_them(typed, expected):
    assert values.parse_date(typed, today=TODAY) == expected


def test_two_digit_years_of_a_birth_date_are_never_in_the_future():
    assert values.parse_date("22/11/30", birth=True, today=TODAY) == date(1930, 11, 22)
    assert values.parse_date("22/11/95", birth=True, today=TODAY) == date(1995, 11, 22)
    assert values.parse_date("01/01/05", birth=True, today=TODAY) == date(2005, 1, 1)
    # Later this year would be in the future: a century earlier.
    assert values.parse_date("22/11/26", birth=True, today=TODAY) == date(1926, 11, 22)


def test_two_digit_years_of_other_dates_run_to_twenty_years_ahead():
    assert values.parse_date("22/11/30", today=TODAY) == date(2030, 11, 22)
    assert values.parse_date("01/01/46", today=TODAY) == date(2046, 1, 1)
    assert values.parse_date("01/01/47", today=TODAY) == date(1947, 1, 1)
    assert values.parse_date("01/09/98", today=TODAY) == date(1998, 9, 1)


def test_a_date_that_does_not_exist_is_named():
    assert (
        refusal(values.parse_date, "31/02/2026")
        == "Le 31/02/2026 n'existe pas : février 2026 n'a que 28 jours."
    )
    assert (
        refusal(values.parse_date, "31/04/2026")
        == "Le 31/04/2026 n'existe pas : avril 2026 n'a que 30 jours."
    )
    assert "29/02/2025 n'existe pas" in refusal(values.parse_date, "29/02/25", today=TODAY)


def test_an_impossible_month_is_refused():
    message = refusal(values.parse_date, "13/13/2026")
    assert "mois 13 impossible" in message
    assert "jour/mois/année" in message


def test_an_american_date_is_refused_with_the_french_order():
    message = refusal(values.parse_date, "11/22/2026")
    assert "mois 22 impossible" in message
    assert "22/11/2026" in message


@pytest.mark.parametrize(
    ("typed", "part"),
    [
        ("32/01/2026", "jour 32 impossible"),
        ("00/01/2026", "jour 0 impossible"),
        ("22/11/0226", "année 0226 impossible"),
        ("22/11/2226", "année 2226 impossible"),
        ("demain", "n'est pas une date"),
        ("22/11", "n'est pas une date"),
        ("22/11-2026", "n'est pas une date"),
        ("22 brumaire 2026", "n'est pas une date"),
        ("=AUJOURDHUI()", "n'est pas une date"),
    ],
)
def test_what_is_not_a_date_is_refused(typed, part):
    assert part in refusal(values.parse_date, typed)


@pytest.mark.parametrize("typed", [46348, 46348.0, "46348", "22112026"])
def test_a_number_is_not_taken_for_a_date(typed):
    message = refusal(values.parse_date, typed)
    assert "est un nombre, pas une date" in message
    assert "format Date" in message
    assert "46348.0" not in message


def test_a_time_cell_is_not_a_date():
    assert "est une heure, pas une date" in refusal(values.parse_date, time(14, 30))


def test_a_formula_is_refused_in_every_parser():
    for parser in (values.parse_date, values.parse_text, values.parse_decimal, values.parse_phone, SEX):
        assert "formule" in refusal(parser, Formula("=A1"))


# --- Numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234,5", Decimal("1234.5")),  # non-breaking space
        ("1\u202f234,5", Decimal("1234.5")),  # narrow non-breaking space, as Excel writes it
        ("1\u2009234,5", Decimal("1234.5")),  # thin space
        ("1.234,5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("1,234.5", Decimal("1234.5")),
        ("1,234", Decimal("1.234")),  # a lone comma is the decimal separator
        ("-3", Decimal("-3")),
        (7, Decimal(7)),
        (3.5, Decimal("3.5")),
        ("", None),
    ],
)
def test_decimals_as_written_in_france(typed, expected):
    assert values.parse_decimal(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "12,5,3", "1 2,3.4", "12 €", True])
def test_what_is_not_a_number_is_refused(typed):
    assert "n'est pas un nombre" in refusal(values.parse_decimal, typed)


def test_integers():
    assert values.parse_integer("1 200") == 1200
    assert values.parse_integer(12.0) == 12
    assert values.parse_integer("12,0") == 12
    assert values.parse_integer(None) is None
    assert "un nombre entier est attendu" in refusal(values.parse_integer, "12,5")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("35", 35),
        ("35 h", 35),
        ("35h", 35),
        ("35H00", 35),
        ("35 heures", 35),
        ("35 heures par semaine", 35),
        ("24h/semaine", 24),
        ("20 h hebdo", 20),
        ("35,0", 35),
        (35, 35),
        (35.0, 35),
        ("", None),
    ],
)
def test_weekly_hours(typed, expected):
    assert values.parse_weekly_hours(typed) == expected


def test_weekly_hours_are_whole_hours_never_rounded_in_silence():
    assert "Arrondissez (17 ou 18)" in refusal(values.parse_weekly_hours, "17h30")
    assert "heures entières" in refusal(values.parse_weekly_hours, "17,5")
    assert "heures entières" in refusal(values.parse_weekly_hours, 17.5)
    assert "75 minutes impossible" in refusal(values.parse_weekly_hours, "17h75")
    assert "n'est pas un nombre d'heures" in refusal(values.parse_weekly_hours, "mi-temps")


# --- Yes / no, choices ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["oui", "OUI", " Oui ", "o", "x", "X", "vrai", "Vrai", "1", "yes", "✓", True, 1, 1.0]
)
def test_yes(typed):
    assert values.parse_boolean(typed) is True


@pytest.mark.parametrize("typed", ["non", "NON", "n", "faux", "0", "no", False, 0])
def test_no(typed):
    assert values.parse_boolean(typed) is False


def test_an_empty_yes_no_cell_is_what_the_column_says():
    assert values.parse_boolean("") is None
    assert values.parse_boolean(None, blank=False) is False


@pytest.mark.parametrize("typed", ["peut-être", "2", 2, "oui non"])
def test_neither_yes_nor_no_is_refused(typed):
    assert "répondez oui ou non" in refusal(values.parse_boolean, typed)


@pytest.mark.parametrize("typed", ["F", "f", "Femme", "FEMME", "féminin", "Feminin", "Mme", "female"])
def test_a_choice_by_label_value_or_alias_case_and_accents_aside(typed):
    assert SEX(typed) == Sex.FEMALE


def test_a_choice_by_its_label_in_the_page_language_too():
    with translation.override("en"):
        assert PLACEMENT_KIND("Job") == "employment"
        assert PLACEMENT_KIND("Emploi") == "employment"  # the French label whatever the language


def test_a_choice_outside_the_list_names_the_choices():
    assert refusal(SEX, "Z") == "« Z » ne fait pas partie des choix : Femme, Homme, Autre."
    assert SEX("") == ""


def test_education_levels_old_and_new():
    assert EDUCATION_LEVEL("CAP") == "3"
    assert EDUCATION_LEVEL("Niveau V") == "3"
    assert EDUCATION_LEVEL("niveau 4 (baccalauréat)") == "4"
    assert EDUCATION_LEVEL("Bac + 2") == "5"
    assert EDUCATION_LEVEL("infra_3") == "infra_3"


def test_an_alias_naming_two_choices_is_refused_when_built():
    parser = values.Choice(Sex, {"female": ["X"], "other": ["X"]})
    with pytest.raises(ValueError, match="names two choices"):
        parser("Femme")
    with pytest.raises(ValueError, match="outside Sex"):
        values.Choice(Sex, {"alien": ["A"]})


@pytest.mark.parametrize(
    ("typed", "band"),
    [
        ("0", "0"),
        ("1 à 9 salariés", "1_9"),
        ("35", "20_49"),
        (35, "20_49"),
        ("1 000", "1000"),
        ("250+", "250_999"),
    ],
)
def test_a_size_band_by_label_or_by_headcount(typed, band):
    assert SIZE_BAND(typed) == band


def test_a_size_band_that_is_neither_is_refused():
    assert "ne fait pas partie des choix" in refusal(SIZE_BAND, "beaucoup")


# --- Phones, identifiers, codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 39 98 12 34", "+33639981234"),
        ("+33 6 39 98 12 34", "+33639981234"),
        ("639981234", "+33639981234"),  # the 0 a number cell dropped
        (639981234, "+33639981234"),
        (639981234.0, "+33639981234"),
        ("0692 12 34 56", "+262692123456"),
        ("", ""),
    ],
)
def test_phones_through_the_projects_reading(typed, e164):
    assert values.parse_phone(typed) == e164


def test_an_unreadable_phone_is_refused_or_kept_as_typed():
    assert "Ce numéro n'est pas lisible" in refusal(values.parse_phone, "12 34")
    assert values.parse_phone(" 12 34 ", keep_unreadable=True) == "12 34"


SIRET = synthetic_siret(73282932)  # a made-up SIRET whose check digits work


def test_siret_with_spaces_dots_and_dashes():
    spaced = f"{SIRET[:3]} {SIRET[3:6]} {SIRET[6:9]} {SIRET[9:]}"
    assert values.parse_siret(spaced) == SIRET
    assert values.parse_siret(SIRET.replace(SIRET[:3], SIRET[:3] + ".", 1)) == SIRET
    assert values.parse_siret(f"{SIRET[:9]}-{SIRET[9:]}") == SIRET
    assert values.parse_siret(int(SIRET)) == SIRET
    assert values.parse_siret(float(SIRET)) == SIRET
    assert values.parse_siret("") == ""


def test_a_siret_that_lost_its_leading_zeros():
    leading = synthetic_siret(1234567)  # "01234567…": a SIREN starting with 0
    assert leading.startswith("0")
    assert values.parse_siret(leading[1:]) == leading  # 13 digits of text
    assert values.parse_siret(int(leading)) == leading  # a number cell


def test_a_wrong_siret_is_refused_with_the_validators_message():
    assert refusal(values.parse_siret, "123 456") == "Un SIRET compte exactement 14 chiffres."
    wrong = SIRET[:-1] + str((int(SIRET[-1]) + 1) % 10)
    assert "clé de contrôle est fausse" in refusal(values.parse_siret, wrong)


@pytest.mark.parametrize(
    "typed", ["62.01Z", "6201Z", "62.01z", "62 01 Z", "62-01Z", "6201Z - Programmation informatique"]
)
def test_naf_codes_as_the_company_stores_them(typed):
    assert values.parse_naf_code(typed) == "62.01Z"


@pytest.mark.parametrize("typed", ["6201", "62.01", "Z6201", "620.1Z", "62.01ZZ"])
def test_a_wrong_naf_code_is_refused(typed):
    assert "n'est pas un code NAF" in refusal(values.parse_naf_code, typed)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("26000", "26000"),
        ("26 000", "26000"),
        (26000, "26000"),
        (26000.0, "26000"),
        ("1000", "01000"),
        (1000, "01000"),
    ],
)
def test_postal_codes_keep_their_leading_zero(typed, code):
    assert values.parse_postal_code(typed) == code


@pytest.mark.parametrize("typed", ["261", "260000", "99000", "00100", "abcde"])
def test_a_wrong_postal_code_is_refused(typed):
    assert (
        refusal(values.parse_postal_code, typed)
        == "Un code postal français compte 5 chiffres (par exemple 26000)."
    )


def test_rome_codes():
    assert values.parse_rome_code(" d1102 ") == "D1102"
    assert "n'est pas un code ROME" in refusal(values.parse_rome_code, "D110")


def test_emails():
    assert values.parse_email(" camille@example.org ") == "camille@example.org"
    assert values.parse_email("mailto:camille@example.org") == "camille@example.org"
    assert "n'est pas une adresse e-mail" in refusal(values.parse_email, "camille@")


def test_a_staff_member_by_email_or_name():
    assert values.parse_person_reference(" Coach@Example.org ") == "coach@example.org"
    assert values.parse_person_reference("  Alex   Durand ") == "Alex Durand"
    assert "n'est pas une adresse e-mail" in refusal(values.parse_person_reference, "alex@")


# --- Text -------------------------------------------------------------------------------------


def test_text_is_stripped_and_its_inside_kept():
    assert values.parse_text("  Marie  Claire \n") == "Marie  Claire"
    assert values.parse_text("ligne 1\nligne 2") == "ligne 1\nligne 2"
    assert values.parse_text(None) == ""


@pytest.mark.parametrize("typed", ["=SOMME(A1:A3)", "+33 6", "-x", "@cmd", "<script>alert(1)</script>"])
def test_a_text_that_looks_like_a_formula_or_markup_stays_text(typed):
    assert values.parse_text(typed) == typed


def test_the_apostrophe_our_exports_put_before_a_formula_is_removed():
    assert values.parse_text('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert values.parse_text("'t is") == "'t is"  # not before a formula: kept


def test_cells_of_a_workbook_as_text():
    assert values.parse_text(12.0) == "12"
    assert values.parse_text(12.5) == "12,5"
    assert values.parse_text(date(2026, 1, 2)) == "02/01/2026"
    assert values.parse_text(datetime(2026, 1, 2, 9, 5)) == "02/01/2026 09:05"
    assert values.parse_text(True) == "Oui"


def test_text_longer_than_the_field_is_refused():
    assert values.parse_text("a" * 100, max_length=100) == "a" * 100
    assert (
        refusal(values.parse_text, "a" * 101, max_length=100)
        == "Ce texte compte 101 caractères : 100 au plus."
    )
