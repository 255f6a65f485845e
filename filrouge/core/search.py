"""Search by every word, in any order, and the folded names lists sort on.

A searchable model stores `search_text(...)` of its names in an indexed column; `matching(...)`
requires every typed word to be contained in that column. Accents, case, hyphens, apostrophes
and commas never matter: "LE GOFF anais", "anais le goff" and "Le Goff, Anaïs" find the same
person, "dalmeida" and "d almeida" both find "d'Almeida".

On PostgreSQL the columns carry a trigram index (`pg_trgm`, `TrigramIndex`), which answers
`LIKE '%word%'` without reading every row; SQLite runs the same `LIKE` on the same column.
"""

import re

from django.db import migrations
from django.db.models import Q

from filrouge.core.phones import to_e164
from filrouge.core.text import fold

# Letters NFKD leaves whole; spelt out so that "Œuvre" finds "oeuvre" and sorts with it.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
APOSTROPHES = re.compile(r"['’ʼ`´]")
SEPARATORS = re.compile(r"[\W_]+")
# A phone number typed by hand: "0", "+" or "(0)" first, then digits, brackets, dots, dashes and
# spaces; a SIRET or a SIREN (no leading 0) is not one.
PHONE_LIKE = re.compile(r"[+0(][\d\s().\-/+]{8,}")


def words(text: str) -> list[str]:
    """The folded words of a text, apostrophes, hyphens and any punctuation as spaces."""
    folded = fold(text).translate(LIGATURES)
    return SEPARATORS.sub(" ", APOSTROPHES.sub(" ", folded)).split()


def tokens(query: str) -> list[str]:
    """What a search requires, each once and in the order typed: "Laurent, Sofiane" -> laurent, sofiane."""
    return list(dict.fromkeys(words(query)))


def search_text(*parts: str) -> str:
    """The stored search column of a record made of these names.

    Each name of several words is also stored joined ("le goff legoff", "d almeida dalmeida"), so
    that a name typed without its space or apostrophe is found too.
    """
    stored = []
    for part in parts:
        part_words = words(part)
        stored += part_words
        if len(part_words) > 1:
            stored.append("".join(part_words))
    return " ".join(stored)


def sort_key(surname: str, first_name: str) -> str:
    """The stored "surname first name" lists sort on: "Émile" with "emile", "d'Almeida" as "dalmeida".

    Apostrophes vanish, other separators become one space; the space between surname and first
    name sorts before every letter, so all the Martin come before Martineau.
    """

    def key(name: str) -> str:
        return " ".join(words(APOSTROPHES.sub("", name)))

    return f"{key(surname)} {key(first_name)}".strip()


def phone_of(query: str) -> str | None:
    """The E.164 number a query typed like a phone stands for ("06 12 34 56 78" -> "+33612345678")."""
    text = query.strip()
    if not PHONE_LIKE.fullmatch(text):
        return None
    return to_e164(text)


def matching(query: str, column: str = "search_name") -> Q | None:
    """The condition "every word of the query is in the column", in any order.

    None when the query holds no word: the caller keeps its queryset whole.
    """
    required = tokens(query)
    if not required:
        return None
    return Q(*(Q(**{f"{column}__contains": token}) for token in required))


class SearchQuerySetMixin:
    """`.search(text)` for a model with a `search_name` column: every word typed, or a phone number."""

    def phone_matches(self, number: str) -> Q:
        """The rows a phone number in E.164 finds; a model with no `phone` of its own overrides it."""
        return Q(phone=number)

    def search(self, text: str):
        condition = matching(text)
        if condition is None:
            return self
        number = phone_of(text)
        # No name holds a phone number: a number is looked up by itself, on its own index.
        return self.filter(self.phone_matches(number) if number else condition)


class TrigramIndex(migrations.operations.base.Operation):
    """A GIN trigram index on a folded search column, on PostgreSQL only (SQLite keeps its LIKE).

    Needs `pg_trgm`: put `django.contrib.postgres.operations.TrigramExtension()` before it.
    """

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name: str, column: str, name: str):
        self.model_name, self.column, self.name = model_name, column, name

    def deconstruct(self):
        return (
            self.__class__.__name__,
            [],
            {"model_name": self.model_name, "column": self.column, "name": self.name},
        )

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {quote(model._meta.db_table)} "
            f"USING gin ({quote(self.column)} gin_trgm_ops)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Trigram index {self.name} on {self.model_name}.{self.column} (PostgreSQL only)"
