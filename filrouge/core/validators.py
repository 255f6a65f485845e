import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_DIGITS = re.compile(r"^(?:\+33|0033|0)([1-9]\d{8})$")


def normalise_phone(value: str) -> str:
    """A French phone number as "06 12 34 56 78"; "+33 6 12 34 56 78" and "06.12.34.56.78" are accepted."""
    compact = re.sub(r"[\s.\-()]", "", value or "")
    match = PHONE_DIGITS.match(compact)
    if not match:
        return value.strip() if value else ""
    digits = "0" + match.group(1)
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def validate_french_phone(value: str) -> None:
    if value and not re.fullmatch(r"0[1-9](?: \d{2}){4}", normalise_phone(value)):
        raise ValidationError(
            _("Saisissez un numéro français à 10 chiffres, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78."),
            code="phone",
        )
