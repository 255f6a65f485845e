"""Finding ROME job titles as coaches type them.

Every typed word must match a word of the title, in any order, accents and case ignored:
exactly ("menage" in "Employé de ménage"), as its start ("soign" in "Aide-soignant"), by its
stem ("restaurant" in "restauration"), or, last, anywhere inside a word ("menage" in
"aménagement"). A feminine or plural word also matches its masculine singular ("préparatrice",
"commandes"). Abbreviations and the coaches' own words are rewritten by the synonyms of
`data/job_title_synonyms.csv` ("ASH" → "agent des services hospitaliers"); a ROME code ("J1501",
or a family "J15") lists its titles.

The database narrows the 11,000 titles to a bounded set of candidates with `LIKE` on two stored
columns, the folded label and its words, the same on SQLite and PostgreSQL; Python ranks them:
titles matching every word first, then those a synonym explains more fully, then exact words
above starts above stems above substrings, then the shorter title.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import Q
from django.db.models.functions import Length

from filrouge.core.search import words

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "job_title_synonyms.csv"
ROME_CODE = re.compile(r"[a-n]\d{2}(\d{2})?", re.IGNORECASE)
# Little words that say nothing about the job: "préparateur de commandes" = "préparateur commandes".
STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "pour", "sur"}
)
# Feminine endings and their masculine, longest first: "préparatrice" → "préparateur".
FEMININE_ENDINGS = (
    ("trice", "teur"),
    ("ienne", "ien"),
    ("euse", "eur"),
    ("enne", "en"),
    ("elle", "el"),
    ("ette", "et"),
    ("ante", "ant"),
    ("ente", "ent"),
    ("iere", "ier"),
    ("ere", "er"),
    ("ive", "if"),
    ("ee", "e"),
)
MAX_CANDIDATES = 1500
# Shorter pieces inside words are noise ("ash" in "Cash manager").
INSIDE_MIN_LENGTH = 4
# What a word match is worth: a whole word, its start, its stem, or a piece inside a word.
EXACT, PREFIX, STEM, INSIDE = 6, 4, 2, 1


def stored_words(label: str) -> str:
    """The column the search matches word starts in: each word once, between spaces."""
    return f" {' '.join(dict.fromkeys(words(label)))} "


def masculine_singular(word: str) -> str:
    if len(word) > 3 and word.endswith("aux"):
        word = word[:-3] + "al"
    elif len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    for ending, masculine in FEMININE_ENDINGS:
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)] + masculine
    return word


def stem(word: str) -> str:
    """The start two forms of a word share: "restaurant" and "restauration" both start "restaur"."""
    return word[: max(5, len(word) - 3)] if len(word) > 5 else word


@dataclass(frozen=True)
class Word:
    """One word of the query, with the forms it matches."""

    typed: str

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.typed, masculine_singular(self.typed))))

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(stem(form) for form in self.forms))

    def condition(self) -> Q:
        """The database's part: a word of the title starts with a stem, or the label contains it."""
        condition = Q()
        for start in self.stems:
            condition |= Q(search_words__contains=f" {start}")
        if len(self.typed) >= INSIDE_MIN_LENGTH:
            condition |= Q(search_label__contains=self.typed)
        return condition

    def score(self, title_words: list[str], folded_label: str) -> int:
        if any(form in title_words for form in self.forms):
            return EXACT
        if any(w.startswith(form) for w in title_words for form in self.forms):
            return PREFIX
        if any(w.startswith(start) for w in title_words for start in self.stems):
            return STEM
        if len(self.typed) >= INSIDE_MIN_LENGTH and self.typed in folded_label:
            return INSIDE
        return 0


@cache
def synonyms() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(the coaches' words, what the ROME says), longest first so that "agent entretien" wins over "agent"."""
    with open(SYNONYMS_FILE, encoding="utf-8", newline="") as handle:
        rows = [
            (tuple(map(masculine_singular, meaningful(row["term"]))), tuple(meaningful(row["means"])))
            for row in csv.DictReader(line for line in handle if not line.startswith("#"))
        ]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


def meaningful(text: str) -> list[str]:
    """The folded words of a text without the little ones (all of them when there is nothing else)."""
    typed = list(dict.fromkeys(words(text)))
    return [w for w in typed if w not in STOP_WORDS] or typed


def rewritten(typed: list[str]) -> list[str]:
    """The query with each synonym it contains, as whole words, replaced by what it means
    ("plongeuse" is read as the synonym "plongeur")."""
    base = [masculine_singular(w) for w in typed]
    result, position = [], 0
    while position < len(typed):
        for term, means in synonyms():
            if tuple(base[position : position + len(term)]) == term:
                result += means
                position += len(term)
                break
        else:
            result.append(typed[position])
            position += 1
    return list(dict.fromkeys(result))


def readings(text: str) -> list[list[Word]]:
    """The ways of reading the query: as typed, and with its synonyms replaced."""
    typed = meaningful(text)
    ways = [typed]
    synonym_reading = rewritten(typed)
    if synonym_reading != typed:
        ways.append(synonym_reading)
    return [[Word(w) for w in way] for way in ways if way]


def every_word(reading: list[Word]) -> Q:
    return Q(*(word.condition() for word in reading))


def candidates(queryset, ways: list[list[Word]]):
    """Titles matching every word of a reading; failing that, every word but one; failing that, any."""
    for build in (
        lambda: [every_word(way) for way in ways],
        lambda: [every_word(way[:i] + way[i + 1 :]) for way in ways if len(way) > 1 for i in range(len(way))],
        lambda: [word.condition() for way in ways for word in way],
    ):
        conditions = build()
        if not conditions:
            continue
        condition = Q()
        for one in conditions:
            condition |= one
        found = list(queryset.filter(condition).order_by(Length("label"), "label")[:MAX_CANDIDATES])
        if found:
            return found
    return []


def rank_key(title, ways: list[list[Word]]):
    title_words = title.search_words.split()
    best = None
    for way in ways:
        scores = [word.score(title_words, title.search_label) for word in way]
        matched = sum(1 for s in scores if s)
        # A title whose first word is the first word typed reads as the job itself ("ag" → "Agent").
        first = bool(title_words) and way[0].score(title_words[:1], "") >= PREFIX
        key = (matched == len(way), matched, sum(scores), first)
        best = key if best is None else max(best, key)
    all_matched, matched, score, first = best
    return (not all_matched, -matched, -score, not first, len(title.label), title.label)


def search(queryset, text: str) -> list:
    """The titles of `queryset` matching `text`, best first."""
    compact = "".join((text or "").split())
    if ROME_CODE.fullmatch(compact):
        return list(
            queryset.filter(occupation__code__startswith=compact.upper()).order_by(
                "occupation_id", Length("label"), "label"
            )
        )
    ways = readings(text)
    if not ways:
        return []
    return sorted(candidates(queryset, ways), key=lambda title: rank_key(title, ways))
