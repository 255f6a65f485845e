"""The English catalogue: complete, not fuzzy, placeholders intact, and up to date with the sources.

The source strings are French; `filrouge/locale/en/LC_MESSAGES/django.po` is their translation.
The .po file is read with a small parser (standard library only), so these tests need neither
gettext nor the compiled .mo files. After adding or changing a French string, run
`cd filrouge && ../.venv/bin/python ../manage.py makemessages -l en --no-obsolete --add-location file`,
translate the new entries, then `make messages`.
"""

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "filrouge"
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATES = PACKAGE / "templates"

UPDATE_HINT = (
    "run `cd filrouge && ../.venv/bin/python ../manage.py makemessages -l en --no-obsolete "
    "--add-location file`, then translate the new entries in locale/en/LC_MESSAGES/django.po"
)


# --- A minimal .po reader -------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


PO_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def unquote(quoted: str) -> str:
    """The value of one PO string literal, escapes resolved."""
    assert quoted.startswith('"') and quoted.endswith('"'), quoted
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(0)), quoted[1:-1])


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field that continuation lines extend

    def finish():
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):  # obsolete entry: not part of the catalogue
            continue
        elif line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif match := KEYWORD.match(line):
            keyword, index, quoted = match.groups()
            if current is not None and current.msgstr and not keyword.startswith("msgstr"):
                finish()
            if current is None:
                current = Entry(line=number)
            value = unquote(quoted)
            if keyword.startswith("msgstr"):
                slot = int(index) if index is not None else 0
                current.msgstr[slot] = value
                target = ("msgstr", slot)
            else:
                setattr(current, keyword, value)
                target = (keyword, None)
        elif line.startswith('"') and current is not None and target is not None:
            name, slot = target
            if name == "msgstr":
                current.msgstr[slot] += unquote(line)
            else:
                setattr(current, name, getattr(current, name) + unquote(line))
        else:
            raise AssertionError(f"{CATALOGUE.name}:{number}: cannot read {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(CATALOGUE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    """Every entry but the header (the one with an empty msgid)."""
    return [entry for entry in entries if entry.msgid]


def where(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid!r}"


# --- The catalogue itself ------------------------------------------------------------------------


def test_the_reader_understands_the_catalogue(entries, messages):
    assert entries[0].msgid == "" and messages, "the catalogue should start with a header, then messages"
    by_id = {entry.msgid: entry for entry in messages}
    assert by_id["Se connecter"].msgstr == {0: "Log in"}  # asserted on the English login page
    assert any(entry.msgid.startswith("Bonjour %(name)s,\n\n") for entry in messages)  # multi-line strings
    assert any(entry.msgid_plural and len(entry.msgstr) == 2 for entry in messages)  # plurals


def test_the_header_declares_english_utf8_and_two_plural_forms(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    fields = dict(line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    fields = {name.strip(): value.strip() for name, value in fields.items()}
    assert fields["Language"] == "en"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_every_message_is_translated(messages):
    untranslated = [
        where(entry)
        for entry in messages
        if not entry.msgstr
        or not all(entry.msgstr.values())
        or (entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1])
    ]
    assert not untranslated, "untranslated messages:\n" + "\n".join(untranslated)


def test_no_message_is_fuzzy(messages):
    fuzzy = [where(entry) for entry in messages if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy messages (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


NAMED_PLACEHOLDER = re.compile(r"%\(([^)]+)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def placeholders(text: str) -> Counter:
    return Counter(NAMED_PLACEHOLDER.findall(text))


def test_translations_keep_the_placeholders_of_their_source(messages):
    wrong = []
    for entry in messages:
        for slot, translation in entry.msgstr.items():
            source = entry.msgid if slot == 0 or entry.msgid_plural is None else entry.msgid_plural
            if placeholders(source) != placeholders(translation):
                wrong.append(f"{where(entry)} -> msgstr[{slot}] {translation!r}")
    assert not wrong, "placeholders differ from the source:\n" + "\n".join(wrong)


def test_translations_keep_the_line_breaks_and_outer_spaces_of_their_source(messages):
    def shape(text: str) -> tuple:
        return (text.count("\n"), text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :])

    wrong = [
        f"{where(entry)} -> {translation!r}"
        for entry in messages
        for translation in entry.msgstr.values()
        if shape(translation) != shape(entry.msgid)
    ]
    assert not wrong, "line breaks or leading/trailing spaces differ from the source:\n" + "\n".join(wrong)


# --- The catalogue is up to date with the sources ------------------------------------------------

QUOTED = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
TEMPLATE_TRANSLATE = re.compile(
    r"\{%\s*(?:translate|trans)\s+(" + QUOTED + r")(?:\s+context\s+(" + QUOTED + r"))?[^%]*%\}"
)
# `_("…")`, `gettext("…")`, `gettext_lazy("…")`: one literal, then the closing parenthesis.
PYTHON_GETTEXT = re.compile(r"(?<![\w.])(?:_|gettext|gettext_lazy|gettext_noop)\(\s*(" + QUOTED + r")\s*\)")
LONE_PERCENT = re.compile(r"(?<!%)%(?!%)")


def template_strings() -> set[tuple[str, str | None, str]]:
    found = set()
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for literal, context in TEMPLATE_TRANSLATE.findall(path.read_text(encoding="utf-8")):
            # makemessages doubles a lone % of {% translate %} (Django does the same when rendering).
            msgid = LONE_PERCENT.sub("%%", literal[1:-1])
            msgctxt = context[1:-1] if context else None
            found.add((str(path.relative_to(PACKAGE)), msgctxt, msgid))
    return found


def python_strings() -> set[tuple[str, str | None, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for literal in PYTHON_GETTEXT.findall(path.read_text(encoding="utf-8")):
            found.add((str(path.relative_to(PACKAGE)), None, ast.literal_eval(literal)))
    return found


def test_the_source_scan_finds_strings_in_templates_and_python():
    # Guards the regular expressions: if they stopped matching, the next test would pass vacuously.
    assert ("templates/accounts/login.html", None, "Se connecter") in template_strings()
    assert ("settings.py", None, "Français") in python_strings()


def test_every_french_string_of_the_sources_is_in_the_catalogue(messages):
    known = {entry.key for entry in messages}
    missing = sorted(
        f"{path}: {msgid!r}"
        for path, msgctxt, msgid in template_strings() | python_strings()
        if (msgctxt, msgid) not in known
    )
    assert not missing, f"strings missing from the English catalogue ({UPDATE_HINT}):\n" + "\n".join(missing)
