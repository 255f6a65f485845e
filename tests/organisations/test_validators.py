import pytest
from django.core.exceptions import ValidationError

from filrouge.organisations.validators import (
    luhn_valid,
    normalise_siret,
    siret_is_valid,
    synthetic_siret,
    validate_postal_code,
    validate_siret,
)

# Published SIRETs of public bodies, and La Poste's special rule (SIREN 356000000).
REAL_SIRETS = ["73282932000074", "35600000000048", "35600000049837", "13002526500013"]


@pytest.mark.parametrize("siret", REAL_SIRETS)
def test_known_sirets_are_valid(siret):
    assert siret_is_valid(siret)


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000075",  # last digit changed
        "73282932100074",  # a digit in the NIC changed
        "35600000049838",  # La Poste: neither Luhn nor a multiple of five
        "7328293200007",  # 13 digits
        "7328293200007A",
        "",
    ],
)
def test_wrong_sirets_are_refused(siret):
    assert not siret_is_valid(siret)
    with pytest.raises(ValidationError):
        validate_siret(siret)


def test_checksum_error_says_the_check_digit_is_wrong():
    with pytest.raises(ValidationError) as error:
        validate_siret("73282932000075")
    assert error.value.code == "siret_checksum"
    assert "clé de contrôle" in error.value.messages[0]


def test_length_error_says_fourteen_digits():
    with pytest.raises(ValidationError) as error:
        validate_siret("123")
    assert error.value.code == "siret_format"


def test_a_siret_typed_with_spaces_and_dots_is_normalised():
    assert normalise_siret(" 732 829 320.00074 ") == "73282932000074"


def test_synthetic_sirets_pass_both_checks():
    for number in (0, 1, 26_000_001, 99_999_999):
        siret = synthetic_siret(number)
        assert siret_is_valid(siret), siret
        assert luhn_valid(siret[:9]), siret


@pytest.mark.parametrize("code", ["26000", "01000", "97400", "20000"])
def test_french_postal_codes(code):
    validate_postal_code(code)


@pytest.mark.parametrize("code", ["2600", "00100", "99000", "ABCDE", "260000"])
def test_wrong_postal_codes(code):
    with pytest.raises(ValidationError):
        validate_postal_code(code)
