from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# La Poste has more establishments than Luhn numbers under one SIREN: INSEE also accepts its
# SIRETs whose digits add up to a multiple of five.
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN) and sum(int(c) for c in value) % 5 == 0:
        return True
    return luhn_valid(value[:9]) and luhn_valid(value)


def normalise_siret(value: str) -> str:
    """Users type SIRETs with spaces or dots ("123 456 789 00012"): keep the digits' order only."""
    return "".join(value.split()).replace(".", "")


def validate_siret(value: str) -> None:
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(_("Un SIRET compte exactement 14 chiffres."), code="siret_format")
    if not siret_is_valid(value):
        raise ValidationError(
            _("Ce SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez les 14 chiffres."),
            code="siret_checksum",
        )


validate_postal_code = RegexValidator(
    r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$",
    _("Un code postal français compte 5 chiffres (par exemple 26000)."),
    code="postal_code",
)


def luhn_complete(digits: str) -> str:
    """Appends the digit that makes `digits` pass the Luhn check (used to make synthetic SIRETs)."""
    for last in "0123456789":
        if luhn_valid(digits + last):
            return digits + last
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def synthetic_siret(number: int) -> str:
    """A valid-looking, made-up SIRET for demo and test data: SIREN and SIRET both check out."""
    siren = luhn_complete(f"{number:08d}")
    return luhn_complete(siren + "0001")
