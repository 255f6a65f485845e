"""Phone numbers as people type them, stored in E.164 ("+33612345678"), shown the French way.

French numbers are read in every usual form ("06 12 34 56 78", "+33 (0)6 12 34 56 78",
"0033 6…", dots or dashes), and so are those of the overseas departments, which share the French
ten-digit plan: "0692 12 34 56" is a Réunion mobile, +262. Foreign numbers need their "+" or "00"
code. A French-plan number is read by its shape (0 and nine digits), not by the list of blocks
allocated today, so a number allocated after the library's release and the blocks ARCEP keeps for
fiction are accepted; a foreign number must be valid for its country.

A value that cannot be read is never dropped: the model keeps it as typed, its form shows it with
an error, and `filrouge phones check` and the "Numéros à corriger" page list it.
"""

import functools
import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

REGION = "FR"
# The country codes that share the French ten-digit plan ("0" and nine digits).
FRENCH_PLAN = {33, 262, 590, 594, 596}
# The first three digits after the 0 that belong to an overseas department (ARCEP plan).
OVERSEAS_PREFIXES = {
    "262": 262,  # Réunion, fixed
    "263": 262,
    "692": 262,  # Réunion, mobile
    "693": 262,
    "269": 262,  # Mayotte, fixed
    "639": 262,  # Mayotte, mobile
    "590": 590,  # Guadeloupe, Saint-Martin, Saint-Barthélemy, fixed
    "690": 590,  # mobile
    "691": 590,
    "594": 594,  # Guyane, fixed
    "694": 594,  # mobile
    "596": 596,  # Martinique, fixed
    "696": 596,  # mobile
    "697": 596,
}
# ARCEP sets 06 39 98 xx xx aside for fiction as a mainland mobile block, inside Mayotte's 0639.
FICTION_MOBILE = "63998"
FRENCH_NATIONAL = re.compile(r"[1-9]\d{8}")
MAX_TYPED = 40  # longer than any number written with spaces and a code: not a phone number


def _french_plan_code(national: str) -> int:
    if national.startswith(FICTION_MOBILE):
        return 33
    return OVERSEAS_PREFIXES.get(national[:3], 33)


@functools.lru_cache(maxsize=256)  # one number is read three or four times as a form and a save go by
def to_e164(text: str) -> str | None:
    """The number in E.164 ("+262692123456"), or None when the text is not a phone number."""
    if not text or len(text) > MAX_TYPED:
        return None
    cleaned = text.replace("(0)", " ")
    try:
        number = phonenumbers.parse(cleaned, REGION)
    except phonenumbers.NumberParseException:
        return None
    if number.extension:
        return None
    national = str(number.national_number)
    if number.country_code in FRENCH_PLAN:
        if number.italian_leading_zero or not FRENCH_NATIONAL.fullmatch(national):
            return None
        return f"+{_french_plan_code(national)}{national}"
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """As read in France: "06 12 34 56 78" for the mainland, "+262 692 12 34 56" overseas, the
    international form for a foreign number; a value that cannot be read, as it was typed."""
    e164 = to_e164(value or "")
    if e164 is None:
        return value or ""
    number = phonenumbers.parse(e164)
    national = str(number.national_number)
    if number.country_code in FRENCH_PLAN:
        pairs = " ".join(national[i : i + 2] for i in range(1, 9, 2))
        if number.country_code == 33:
            return f"0{national[0]} {pairs}"
        return f"+{number.country_code} {national[:3]} {national[3:5]} {national[5:7]} {national[7:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_mobile(value: str) -> bool:
    """Whether a number can receive an SMS: a mobile (06 and 07 on the mainland, each overseas
    plan's own mobile blocks, a foreign mobile), as far as the numbering plan says."""
    e164 = to_e164(value or "")
    if e164 is None:
        return False
    number = phonenumbers.parse(e164)
    if number.country_code == 33:
        return str(number.national_number)[0] in "67"
    kind = phonenumbers.number_type(number)
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


NOT_MOBILE_MESSAGE = _(
    "Ce numéro n'est pas un numéro de portable : il ne peut pas recevoir de SMS. Saisissez un "
    "portable (06 ou 07…) ou choisissez les rappels par e-mail."
)


INVALID_MESSAGE = _(
    "Ce numéro n'est pas lisible : saisissez un numéro français (06 12 34 56 78, +33 6 12 34 56 78, "
    "0692 12 34 56 pour La Réunion…) ou un numéro étranger avec son indicatif (+32 470 12 34 56)."
)


def validate_phone(value: str) -> None:
    if value and to_e164(value) is None:
        raise ValidationError(INVALID_MESSAGE, code="phone")


class PhoneInput(forms.TextInput):
    """Shows a stored number the French way; a value typed and refused stays as typed."""

    input_type = "tel"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "tel", **(attrs or {})})

    def format_value(self, value):
        return format_phone(value) if value else None


class PhoneFormField(forms.CharField):
    widget = PhoneInput
    default_error_messages = {"invalid": INVALID_MESSAGE}

    def to_python(self, value):
        typed = super().to_python(value)
        if not typed:
            return ""
        e164 = to_e164(typed)
        if e164 is None:
            raise ValidationError(self.error_messages["invalid"], code="phone")
        return e164


class PhoneNumberField(models.CharField):
    """A phone number stored in E.164; an unreadable value is kept as typed, never dropped."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        # Every way of saving (forms, domain code, the seed's bulk inserts) stores E.164.
        value = getattr(model_instance, self.attname) or ""
        e164 = to_e164(value)
        if e164 is not None and e164 != value:
            setattr(model_instance, self.attname, e164)
            return e164
        return value

    def formfield(self, **kwargs):
        # The form takes the number as typed, spaces and code included, longer than E.164.
        return super().formfield(**{"form_class": PhoneFormField, **kwargs, "max_length": MAX_TYPED})


class UnreadablePhoneMixin:
    """A record whose stored phone cannot be read opens its form with that value and its error,
    so that whoever sees it can correct it (the value was kept as typed, never dropped)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.initial.get("phone")
        if not self.is_bound and stored and to_e164(stored) is None:
            self._errors = ErrorDict({"phone": self.error_class([INVALID_MESSAGE])})


E164_SHAPE = r"^\+[1-9][0-9]{5,14}$"


def with_unreadable_phone(queryset):
    """The rows of `queryset` whose phone was kept as typed because it could not be read."""
    return queryset.exclude(phone="").exclude(phone__regex=E164_SHAPE)
