"""What people type in a spreadsheet's cells, read into the values the forms and domain take.

Every parser takes the raw cell as the file reader gives it (text from a CSV; text, int, float,
bool, date or datetime from an XLSX; None or "" for an empty cell) and returns the value, or
raises `ValidationError` with a message in plain French that the import shows beside the row
and the column. An empty cell gives the parser's empty value ("" for text and choices, None for
dates and numbers, the column's default for yes/no): whether a column may be empty is the
column's rule (`columns.Column.parse`), not the parser's.

Decisions (documented here because the templates' help row and the import page rely on them):

- Dates are read day first, as written in France: 22/11/2026, 22-11-2026, 22.11.2026,
  22/11/26, 1er mars 2026, 22 nov. 2026; ISO 2026-11-22 and the exports' 2026-11-22 00:00:00 too
  (a time is dropped). A real date cell of a workbook is taken as it is. A number is refused,
  even one that looks like an Excel serial day (46348): in a CSV it cannot be told from a year
  or a typing mistake, and the user sees a number in their spreadsheet, not a date; the message
  tells them to give the column the Date format. Impossible dates are refused by name
  ("le 31/02/2026 n'existe pas"), an American month-first date too ("mois 22 impossible").
- Two-digit years: a birth date is never in the future, so 22/11/30 is 1930 (and 01/01/25 is
  2025 only until it would be in the future); any other date is read in the window that ends
  20 years after this year (in 2026: 00–46 are 2000–2046, 47–99 are 1947–1999), which covers
  past entries and planned ends alike.
- Numbers: a comma or a point before the decimals ("12,5", "12.5"), spaces of any kind between
  thousands ("1 234,5" with ordinary, non-breaking or thin spaces), "1.234,5" and "1,234.5".
  A lone comma is always the decimal separator: "1,234" is 1.234.
- Weekly hours are whole hours (the placement stores an integer): "35", "35 h", "35h00",
  "35 heures par semaine", a number cell 35 or 35.0; "17h30" or "17,5" are refused with a
  message asking to round, never rounded behind the user's back.
- Postal codes: a spreadsheet that took the column for numbers drops the leading 0 of the
  departments 01 to 09 ("1000" for 01000), so four digits are padded with a 0 and then checked
  like five. SIRETs likewise: 13 digits of text, or fewer in a number cell, are padded with
  zeros, then the check digits decide.
- Text is stripped at both ends, its inside kept (line breaks included) and never evaluated. A
  text starting with "=", "+", "-" or "@" stays text. The apostrophe our own CSV exports put
  before such a text so that a spreadsheet keeps it as text ("'=SOMME(A1)") is removed: it is
  the same apostrophe a spreadsheet hides when it shows the cell.
- Phones go through `core.phones` (the project's E.164 reading); yes/no and choices are matched
  without case, accents or punctuation (`core.search.words`).
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from filrouge.core.phones import INVALID_MESSAGE as PHONE_INVALID
from filrouge.core.phones import to_e164
from filrouge.core.search import words
from filrouge.organisations.validators import normalise_siret, validate_postal_code, validate_siret

FORMULA_STARTS = ("=", "+", "-", "@")
EVENT_YEARS_AHEAD = 20  # two-digit years of event dates: up to 20 years from now
FIRST_YEAR, LAST_YEAR = 1900, 2100  # outside: a typing mistake, not a date of a pathway
QUOTED_LENGTH = 40  # a value quoted back in a message is cut there

SCALARS = (str, int, float, Decimal, date, time, type(None))


# --- Helpers ----------------------------------------------------------------------------------


def quoted(raw) -> str:
    text = raw if isinstance(raw, str) else parse_text(raw)
    text = " ".join(text.split())
    return text if len(text) <= QUOTED_LENGTH else text[: QUOTED_LENGTH - 1] + "…"


def check_scalar(raw) -> None:
    """The reader yields a marker for an XLSX formula (never evaluated): refused in any column."""
    if not isinstance(raw, SCALARS):
        raise ValidationError(
            _(
                "Cette cellule contient une formule : elle n'est jamais calculée. Remplacez-la par sa "
                "valeur (copier, puis coller les valeurs seulement)."
            ),
            code="formula",
        )


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def key(text: str) -> str:
    """How labels, values and what people typed are compared: folded words, punctuation aside."""
    return " ".join(words(text))


# --- Text -------------------------------------------------------------------------------------


def parse_text(raw, *, max_length: int | None = None) -> str:
    """The text as typed, stripped; a number or a date of a workbook cell written the French way."""
    check_scalar(raw)
    if is_blank(raw):
        return ""
    if isinstance(raw, bool):
        text = _("Oui") if raw else _("Non")
    elif isinstance(raw, datetime):
        text = f"{raw:%d/%m/%Y}" if raw.time() == datetime.min.time() else f"{raw:%d/%m/%Y %H:%M}"
    elif isinstance(raw, date):
        text = f"{raw:%d/%m/%Y}"
    elif isinstance(raw, time):
        text = f"{raw:%H:%M}"
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    elif isinstance(raw, float | Decimal):
        text = str(raw).replace(".", ",")
    else:
        text = str(raw).strip()
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            _("Ce texte compte %(length)s caractères : %(max)s au plus.")
            % {"length": len(text), "max": max_length},
            code="max_length",
        )
    return text


def parse_email(raw) -> str:
    text = parse_text(raw)
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError(
            _("« %(value)s » n'est pas une adresse e-mail (elle s'écrit comme nom@exemple.fr).")
            % {"value": quoted(text)},
            code="email",
        ) from None
    return text


def parse_person_reference(raw) -> str:
    """A staff member named in a cell: their e-mail address (lower case), or their name as typed.
    The import looks the account up among the service's staff."""
    text = parse_text(raw)
    if "@" in text:
        return parse_email(text).lower()
    return " ".join(text.split())


# --- Dates ------------------------------------------------------------------------------------

DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
    r"(?:[ T]+\d{1,2}[:hH]\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
)
YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?)?"
)
IN_WORDS_HINT = re.compile(r"[A-Za-zÀ-ÿ]{3}")  # a month written in letters
IN_WORDS = re.compile(r"(?P<day>\d{1,2}|1er) (?P<month>[a-z]+)\.? (?P<year>\d{4})")
MONTH_WORDS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip


def full_year(two_digits: int, month: int, day: int, *, birth: bool, today: date) -> int:
    year = 2000 + two_digits
    if birth:
        return year if (year, month, day) <= (today.year, today.month, today.day) else year - 100
    return year if year <= today.year + EVENT_YEARS_AHEAD else year - 100


def parse_date(raw, *, birth: bool = False, today: date | None = None) -> date | None:
    """A date as people write it in France (see the module's docstring); `birth` reads two-digit
    years as a birth date (never in the future)."""
    check_scalar(raw)
    if is_blank(raw):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    example = _("écrivez-la jour/mois/année, par exemple 22/11/2026")
    if isinstance(raw, time):
        raise ValidationError(
            _("« %(value)s » est une heure, pas une date : %(example)s.")
            % {"value": raw, "example": example},
            code="date",
        )
    if not isinstance(raw, str) or raw.strip().isdigit():
        raise ValidationError(
            _(
                "« %(value)s » est un nombre, pas une date : %(example)s (dans le tableur, donnez à la "
                "colonne le format Date)."
            )
            % {"value": quoted(raw), "example": example},
            code="date_number",
        )
    text = re.sub(r"\s*([/.\-])\s*", r"\1", " ".join(raw.split()))
    folded = key(text) if IN_WORDS_HINT.search(text) else ""
    if (match := DAY_FIRST.fullmatch(text)) or (match := YEAR_FIRST.fullmatch(text)):
        day, month, year_text = int(match["day"]), int(match["month"]), match["year"]
    elif folded and (match := IN_WORDS.fullmatch(folded)) and match["month"] in MONTH_WORDS:
        day = 1 if match["day"] == "1er" else int(match["day"])
        month, year_text = MONTH_WORDS[match["month"]], match["year"]
    else:
        raise ValidationError(
            _("« %(value)s » n'est pas une date : %(example)s.") % {"value": quoted(raw), "example": example},
            code="date",
        )
    shown = quoted(raw)
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 13 <= month <= 31:
            message = _(
                "« %(value)s » : mois %(month)s impossible. Les dates s'écrivent le jour avant le mois : "
                "%(fixed)s."
            ) % {"value": shown, "month": month, "fixed": f"{month:02d}/{day:02d}/{year_text}"}
        else:
            message = _("« %(value)s » : mois %(month)s impossible (%(example)s).") % {
                "value": shown,
                "month": month,
                "example": example,
            }
        raise ValidationError(message, code="date_month")
    if not 1 <= day <= 31:
        raise ValidationError(
            _("« %(value)s » : jour %(day)s impossible.") % {"value": shown, "day": day}, code="date_day"
        )
    year = int(year_text)
    if len(year_text) == 2:
        year = full_year(year, month, day, birth=birth, today=today or timezone.localdate())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("« %(value)s » : année %(year)s impossible.") % {"value": shown, "year": year_text},
            code="date_year",
        )
    try:
        return date(year, month, day)
    except ValueError:
        last_day = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
        with translation.override("fr"):
            month_name = str(MONTHS[month]).lower()
        raise ValidationError(
            _("Le %(value)s n'existe pas : %(month)s %(year)s n'a que %(days)s jours.")
            % {"value": f"{day:02d}/{month:02d}/{year}", "month": month_name, "year": year, "days": last_day},
            code="date_invalid",
        ) from None


# --- Numbers ----------------------------------------------------------------------------------

SPACES = re.compile(r"[\s'’]")  # \s covers the non-breaking, thin and figure spaces
PLAIN = re.compile(r"[+\-]?\d+(?:[.,]\d+)?")
FRENCH_GROUPED = re.compile(r"[+\-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
ENGLISH_GROUPED = re.compile(r"[+\-]?\d{1,3}(?:,\d{3})+\.\d+")


def parse_decimal(raw) -> Decimal | None:
    check_scalar(raw)
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValidationError(_("« %(value)s » n'est pas un nombre.") % {"value": quoted(raw)}, code="number")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    if isinstance(raw, date):
        raise ValidationError(
            _("« %(value)s » est une date, pas un nombre.") % {"value": parse_text(raw)}, code="number"
        )
    text = SPACES.sub("", raw)
    if PLAIN.fullmatch(text):
        number = text.replace(",", ".")
    elif FRENCH_GROUPED.fullmatch(text):
        number = text.replace(".", "").replace(",", ".")
    elif ENGLISH_GROUPED.fullmatch(text):
        number = text.replace(",", "")
    else:
        raise ValidationError(
            _("« %(value)s » n'est pas un nombre : écrivez par exemple 12 ou 12,5.") % {"value": quoted(raw)},
            code="number",
        )
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the patterns above only let numbers through
        raise ValidationError(_("« %(value)s » n'est pas un nombre.") % {"value": quoted(raw)}) from None


def parse_integer(raw) -> int | None:
    number = parse_decimal(raw)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValidationError(
            _("« %(value)s » : un nombre entier est attendu.") % {"value": quoted(raw)}, code="integer"
        )
    return int(number)


HOURS = re.compile(
    r"(?P<hours>\d{1,3}(?:[.,]\d+)?)\s*(?:(?:h|hr|hrs|heure|heures)\s*(?P<minutes>\d{1,2})?)?\s*"
    r"(?:(?:/|par)\s*(?:s|sem|semaine)|hebdo|hebdomadaire|hebdomadaires)?"
)


def parse_weekly_hours(raw) -> int | None:
    """Whole hours a week (see the module's docstring); the 1–48 range is the domain's rule."""
    check_scalar(raw)
    if is_blank(raw):
        return None
    if isinstance(raw, str):
        text = " ".join(raw.split()).lower().replace("é", "e")
        match = HOURS.fullmatch(text)
        if match is None:
            raise ValidationError(
                _("« %(value)s » n'est pas un nombre d'heures par semaine : écrivez par exemple 35 ou 24 h.")
                % {"value": quoted(raw)},
                code="hours",
            )
        hours = Decimal(match["hours"].replace(",", "."))
        minutes = int(match["minutes"] or 0)
        if minutes > 59:
            raise ValidationError(
                _("« %(value)s » : %(minutes)s minutes impossible.")
                % {"value": quoted(raw), "minutes": minutes},
                code="hours",
            )
        hours += Decimal(minutes) / 60
    else:
        hours = parse_decimal(raw)
    if hours != hours.to_integral_value():
        low = int(hours)
        raise ValidationError(
            _(
                "« %(value)s » : les heures par semaine s'enregistrent en heures entières. Arrondissez "
                "(%(low)s ou %(high)s)."
            )
            % {"value": quoted(raw), "low": low, "high": low + 1},
            code="hours_whole",
        )
    return int(hours)


# --- Yes / no ---------------------------------------------------------------------------------

YES = frozenset({"oui", "o", "x", "vrai", "1", "yes", "y", "true", "✓", "✔"})
NO = frozenset({"non", "n", "faux", "0", "no", "false"})


def parse_boolean(raw, *, blank: bool | None = None) -> bool | None:
    """Yes or no; an empty cell is `blank` (None: unknown, or False where the form's box is
    simply left unticked)."""
    check_scalar(raw)
    if is_blank(raw):
        return blank
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float | Decimal) and raw in (0, 1):
        return bool(raw)
    text = raw.strip().lower() if isinstance(raw, str) else ""
    folded = text if text in YES | NO else key(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValidationError(
        _("« %(value)s » : répondez oui ou non (oui, non, o, n, x, vrai, faux, 1, 0).")
        % {"value": quoted(raw)},
        code="boolean",
    )


# --- Choices ----------------------------------------------------------------------------------


class Choice:
    """A column bound to a Django `TextChoices`: accepts the stored value, the label in French
    or in the language of the page, or one of `aliases` (other words people use: "F" for
    "Femme"), each compared folded (case, accents and punctuation ignored). A label or alias
    shared by two choices would be ambiguous: the constructor refuses it."""

    def __init__(self, choices: type[TextChoices], aliases: dict[str, Iterable[str]] | None = None):
        self.choices = choices
        self.aliases = {value: tuple(words_) for value, words_ in (aliases or {}).items()}
        unknown = set(self.aliases) - set(choices.values)
        if unknown:
            raise ValueError(f"Aliases for values {sorted(unknown)} outside {choices.__name__}.")
        self._lookups: dict[str, dict[str, str]] = {}

    def __repr__(self):
        return f"Choice({self.choices.__name__})"

    def lookup(self) -> dict[str, str]:
        language = translation.get_language() or "fr"
        if language not in self._lookups:
            found: dict[str, str] = {}

            def add(text: str, value: str) -> None:
                folded = key(text)
                if folded and found.setdefault(folded, value) != value:
                    raise ValueError(f"{text!r} names two choices of {self.choices.__name__}.")

            for value, label in self.choices.choices:
                add(value, value)
                add(str(label), value)
                with translation.override("fr"):
                    add(str(label), value)
            for value, texts in self.aliases.items():
                for text in texts:
                    add(text, value)
            self._lookups[language] = found
        return self._lookups[language]

    def labels(self) -> list[str]:
        return [str(label) for label in self.choices.labels]

    def __call__(self, raw) -> str:
        check_scalar(raw)
        if is_blank(raw):
            return ""
        text = parse_text(raw)
        value = self.lookup().get(key(text))
        if value is None:
            raise ValidationError(
                _("« %(value)s » ne fait pas partie des choix : %(choices)s.")
                % {"value": quoted(text), "choices": ", ".join(self.labels())},
                code="choice",
            )
        return value


class SizeBandChoice(Choice):
    """A company's size band, or a number of employees read into its band ("35" → 20 à 49)."""

    LEADING_NUMBER = re.compile(r"(\d[\d\s]*)")

    def __init__(self, choices, bands: list[tuple[int, str]], aliases=None):
        super().__init__(choices, aliases)
        self.bands = sorted(bands)  # (the band's lowest count, its value)

    def __call__(self, raw) -> str:
        try:
            return super().__call__(raw)
        except ValidationError:
            text = parse_text(raw)
            match = self.LEADING_NUMBER.match(text)
            if match is None:
                raise
            count = int(SPACES.sub("", match[1]))
            return [value for lowest, value in self.bands if lowest <= count][-1]


# --- Identifiers and codes --------------------------------------------------------------------


def digits_of(raw) -> str:
    """An identifier made of digits, from a text or a number cell (which may have lost its
    leading zeros: the callers pad)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        return str(raw)
    return parse_text(raw)


def parse_phone(raw, *, keep_unreadable: bool = False) -> str:
    """The number in E.164 (`core.phones.to_e164`). A number that cannot be read is refused like
    the form refuses it, or, with `keep_unreadable`, kept as typed as the model keeps it (it is
    then listed by "Numéros à corriger")."""
    check_scalar(raw)
    if is_blank(raw):
        return ""
    text = digits_of(raw)
    e164 = to_e164(text)
    if e164 is None:
        if keep_unreadable and len(text) <= 40:
            return text
        raise ValidationError(PHONE_INVALID, code="phone")
    return e164


def parse_siret(raw) -> str:
    """14 digits, spaces, dots and dashes allowed; 13 digits (or fewer in a number cell) are padded
    with the zeros a spreadsheet drops; the check digits are verified (`organisations.validators`)."""
    check_scalar(raw)
    if is_blank(raw):
        return ""
    siret = normalise_siret(digits_of(raw)).replace("-", "")
    if siret.isdigit() and (len(siret) == 13 or (len(siret) < 14 and not isinstance(raw, str))):
        siret = siret.zfill(14)  # a number cell loses every leading zero
    validate_siret(siret)
    return siret


NAF = re.compile(
    r"(?P<division>\d{2})\s*[.\-]?\s*(?P<group>\d{2})\s*(?P<letter>[A-Za-z])(?:\s*[-–:]\s*.*|\s+.*)?"
)


def parse_naf_code(raw) -> str:
    """ "62.01Z", "6201Z", "62 01 z", "6201Z - Programmation informatique" → "62.01Z", as the
    company stores it (`employers.models.validate_naf_code`)."""
    check_scalar(raw)
    if is_blank(raw):
        return ""
    text = parse_text(raw)
    match = NAF.fullmatch(text)
    if match is None:
        raise ValidationError(
            _(
                "« %(value)s » n'est pas un code NAF : il s'écrit comme 47.11F (deux chiffres, un point, "
                "deux chiffres et une lettre)."
            )
            % {"value": quoted(text)},
            code="naf_code",
        )
    return f"{match['division']}.{match['group']}{match['letter'].upper()}"


def parse_postal_code(raw) -> str:
    """Five digits; four are padded with the leading 0 a spreadsheet drops (01000 read as 1000)."""
    check_scalar(raw)
    if is_blank(raw):
        return ""
    code = "".join(digits_of(raw).split())
    if len(code) == 4 and code.isdigit():
        code = "0" + code
    validate_postal_code(code)
    return code


ROME_CODE = re.compile(r"[A-Na-n]\s*\d{4}")


def parse_rome_code(raw) -> str:
    check_scalar(raw)
    if is_blank(raw):
        return ""
    text = parse_text(raw)
    if not ROME_CODE.fullmatch(text):
        raise ValidationError(
            _("« %(value)s » n'est pas un code ROME : une lettre et quatre chiffres, comme K2204.")
            % {"value": quoted(text)},
            code="rome_code",
        )
    return text.replace(" ", "").upper()


# --- Suspensions of a pathway -----------------------------------------------------------------

SUSPENSION = re.compile(
    r"(?P<start>\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\s*(?:(?:-|–|au)\s*(?P<end>\d{1,2}[/.]\d{1,2}[/.]\d{2,4})?)?"
    r"\s*(?P<reason>.*)",
    re.DOTALL,
)


def parse_suspensions(raw, *, reasons: "Choice", default: str) -> tuple[tuple[date, date | None, str], ...]:
    """A pathway's suspensions in one cell: « jj/mm/aaaa-jj/mm/aaaa motif », separated by « ; »;
    the end may be left out (a suspension still running), the motif too (`default`). Returns
    (start, end or None, reason value) in the order typed; the rules between them (overlaps, the
    pathway's dates) are the domain's."""
    check_scalar(raw)
    if is_blank(raw):
        return ()
    found = []
    for part in parse_text(raw).split(";"):
        part = part.strip()
        if not part:
            continue
        match = SUSPENSION.fullmatch(part)
        if match is None:
            raise ValidationError(
                _(
                    "« %(value)s » : écrivez chaque suspension jj/mm/aaaa-jj/mm/aaaa suivi du motif, "
                    "séparées par « ; »."
                )
                % {"value": quoted(part)},
                code="suspension",
            )
        start = parse_date(match["start"])
        end = parse_date(match["end"]) if match["end"] else None
        reason = reasons(match["reason"].strip()) or default
        found.append((start, end, reason))
    return tuple(found)
